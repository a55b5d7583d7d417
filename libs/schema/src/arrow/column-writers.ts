import { makeData, Type, type Data, type DataType, type Field } from 'apache-arrow';
import { SchemaError } from '../errors';

/*
 * One writer per Arrow column (nested ones too) for the row builder (row-builder.ts): each appends
 * a column's values batch after batch into buffers it reuses the sizes of, and finishes them into
 * Arrow data. The generated row readers call `add` (leaves), `addValid`/`addNull` (structs) and
 * `addEnd`/`addNull` (lists) directly, so each writer class keeps its call sites monomorphic.
 */

type AnyData = Data<DataType>;

export interface ColumnSpec {
  field: Field;
  /** Dotted path for error messages: `bbox.x`, `zone_ids[]`. */
  path: string;
  /** One value per row (else one per list element: how many is known only at the end). */
  perRow: boolean;
}

export function writerOf(spec: ColumnSpec, children: ColumnWriter[]): ColumnWriter {
  const type = spec.field.type;
  switch (type.typeId) {
    case Type.Int:
    case Type.Date:
      return type.bitWidth === 64 ? new Int64Writer(spec) : new Int32Writer(spec, EMPTY_INT32);
    case Type.Timestamp:
      return new Int64Writer(spec);
    case Type.Float:
      return type.precision === 1 ? new Float32Writer(spec, EMPTY_FLOAT32) : new Float64Writer(spec, EMPTY_FLOAT64);
    case Type.Bool:
      return new BoolWriter(spec);
    case Type.Utf8:
      return new Utf8Writer(spec);
    case Type.Binary:
      return new BinaryWriter(spec);
    case Type.Struct:
      return new StructWriter(spec, children);
    case Type.List:
      return new ListWriter(spec, children[0]!);
    default:
      throw new SchemaError('ARROW_BUILD_FAILED', `${spec.path}: Arrow type ${String(type)} is not supported by the contract`);
  }
}

/** A first batch's guess at a string's byte length (later batches use the last batch's sizes). */
const FIRST_GUESS_BYTES_PER_STRING = 16;
/** A finished string buffer with more unused bytes than a quarter of its used ones is copied to its exact size (a guess from the last batch leaves an eighth). */
const MAX_SLACK_SHIFT = 2;
/** Distinct non-ASCII values a string column remembers the bytes of (store names, cities: few). */
const MAX_REMEMBERED_NON_ASCII = 1024;

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_BUFFER = Buffer.alloc(0);
const EMPTY_INT32 = new Int32Array(0);
const EMPTY_FLOAT32 = new Float32Array(0);
const EMPTY_FLOAT64 = new Float64Array(0);
const EMPTY_INT64 = new BigInt64Array(0);

/** A guess plus an eighth and a little: the sizes of consecutive batches vary. */
const withMargin = (guess: number) => Math.ceil(guess * 1.125) + 16;
const nextCapacity = (capacity: number, needed: number) => Math.max(needed, capacity * 2, 16);

function setBit(bits: Uint8Array, index: number): void {
  bits[index >> 3]! |= 1 << (index & 7);
}

type NumberArray = Int32Array | Float32Array | Float64Array | BigInt64Array;

function grown<T extends Uint8Array | NumberArray>(array: T, length: number): T {
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array as never);
  return out;
}

/**
 * Appends one column's values, batch after batch: begin, add…, finish, release. Validity bits
 * appear with the first null (most columns have none); a parent's null (a null struct's children)
 * is null in Arrow without being a missing value. Subclasses test `validity` in their own `add`
 * so each call site stays monomorphic.
 */
export abstract class ColumnWriter {
  readonly field: Field;
  readonly path: string;
  readonly perRow: boolean;
  length = 0;
  nullCount = 0;
  validity: Uint8Array | undefined = undefined;
  protected capacity = 0;
  /** Values per row in the last batch: the next one's first guess for a list's elements. */
  private valuesPerRow = 1;

  constructor(spec: ColumnSpec) {
    this.field = spec.field;
    this.path = spec.path;
    this.perRow = spec.perRow;
  }

  /** Starts a batch of `rows` rows. */
  begin(rows: number): void {
    this.length = 0;
    this.nullCount = 0;
    this.validity = undefined;
    this.capacity = this.perRow ? rows : withMargin(rows * this.valuesPerRow);
    this.allocate(this.capacity);
  }

  /** Ends the batch's column: its Arrow data. */
  finish(rows: number): AnyData {
    if (!this.perRow && rows > 0) this.valuesPerRow = this.length / rows;
    return this.data(rows);
  }

  /** Lets go of the batch's buffers (the batch holds them). */
  release(): void {
    this.validity = undefined;
    this.allocate(0);
  }

  /** Appends a null because the parent struct is null: never a missing value, required or not. */
  addParentNull(): void {
    this.appendNull();
  }

  /** Fresh buffers for `capacity` values (0: the empty ones). */
  protected abstract allocate(capacity: number): void;

  /** The column's Arrow data (a struct's or list's children finished with it). */
  protected abstract data(rows: number): AnyData;

  protected abstract appendNull(): void;

  protected missing(row: number): void {
    if (!this.field.nullable) throw new SchemaError('INVALID_RECORD', `${this.path}: required but null in row ${row}`);
    this.appendNull();
  }

  /** Marks `at` null, creating the bits (all valid so far) on the first null. */
  protected markNull(at: number): void {
    if (this.validity === undefined) {
      this.validity = new Uint8Array((this.capacity + 7) >> 3);
      for (let j = 0; j < at; j++) setBit(this.validity, j);
    }
    this.nullCount++;
  }

  /** Room for one more value: a new capacity, validity bits grown with it; subclasses grow their buffers. */
  protected growCapacity(): number {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    if (this.validity !== undefined) this.validity = grown(this.validity, (this.capacity + 7) >> 3);
    return this.capacity;
  }

  protected nullBitmap(): Uint8Array | undefined {
    return this.validity === undefined ? undefined : this.validity.subarray(0, (this.length + 7) >> 3);
  }

  protected make(props: object): AnyData {
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), ...props } as never) as AnyData;
  }
}

/**
 * Fixed-width numbers in one typed array. Each subclass has its own `add` (the same few lines) so
 * that its store into the array sees one array type and stays fast.
 */
abstract class NumberWriter<T extends NumberArray> extends ColumnWriter {
  constructor(
    spec: ColumnSpec,
    protected values: T,
  ) {
    super(spec);
  }

  protected allocate(capacity: number): void {
    this.values = new (this.values.constructor as new (length: number) => T)(capacity);
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  protected grow(): void {
    this.values = grown(this.values, this.growCapacity());
  }

  protected data(): AnyData {
    return this.make({ data: this.values.length === this.length ? this.values : this.values.subarray(0, this.length) });
  }
}

class Int32Writer extends NumberWriter<Int32Array> {
  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.values[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }
}

class Float32Writer extends NumberWriter<Float32Array> {
  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.values[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }
}

class Float64Writer extends NumberWriter<Float64Array> {
  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.values[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }
}

const TWO_32 = 2 ** 32;

/**
 * 64-bit integers (times in µs, ids) written as two 32-bit halves: contract values are safe
 * integers, and a BigInt per value was most of this column's cost and garbage.
 */
class Int64Writer extends NumberWriter<BigInt64Array> {
  private halves: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  constructor(spec: ColumnSpec) {
    super(spec, EMPTY_INT64);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') {
      const high = Math.floor(value / TWO_32);
      this.halves[2 * at] = value - high * TWO_32; // little-endian: low word first
      this.halves[2 * at + 1] = high >>> 0; // two's complement of a negative high word
    } else if (typeof value === 'bigint') this.values[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected override allocate(capacity: number): void {
    super.allocate(capacity);
    this.halves = new Uint32Array(this.values.buffer, 0, capacity * 2);
  }

  protected override grow(): void {
    super.grow();
    this.halves = new Uint32Array(this.values.buffer, 0, this.capacity * 2);
  }
}

class BoolWriter extends ColumnWriter {
  private bits = EMPTY_BYTES;

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (value === true) setBit(this.bits, at);
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected allocate(capacity: number): void {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.bits = grown(this.bits, (this.growCapacity() + 7) >> 3);
  }

  protected data(): AnyData {
    return this.make({ data: this.bits.subarray(0, (this.length + 7) >> 3) });
  }
}

/** Offsets of a variable-width column (strings, bytes, lists): one more than its values. */
abstract class OffsetsWriter extends ColumnWriter {
  protected offsets = EMPTY_INT32;

  protected allocate(capacity: number): void {
    this.offsets = new Int32Array(capacity + 1);
  }

  protected growOffsets(): void {
    this.offsets = grown(this.offsets, this.growCapacity() + 1);
  }

  protected finishedOffsets(): Int32Array {
    return this.offsets.length === this.length + 1 ? this.offsets : this.offsets.subarray(0, this.length + 1);
  }
}

/**
 * Strings as UTF-8 in one growable buffer. Most values are short ASCII (ids, names, codes) and
 * repeat: a value equal to the previous one copies its bytes, a new one is written char by char
 * while it stays ASCII (cheaper than a call into native code per value). A non-ASCII value is
 * encoded by Buffer#write once, then copied from where it was first written.
 */
class Utf8Writer extends OffsetsWriter {
  /** Bytes written so far (the end offset). */
  private bytes = 0;
  private buffer = EMPTY_BUFFER;
  private previous: string | undefined = undefined;
  private previousStart = 0;
  private previousEnd = 0;
  /** Non-ASCII value → the position of its first occurrence (its bytes: offsets[p] to offsets[p + 1]). */
  private nonAscii: Map<string, number> | undefined = undefined;
  /** Bytes per value in the last batch: the next one's first guess. */
  private bytesPerValue = FIRST_GUESS_BYTES_PER_STRING;

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.growOffsets();
    if (typeof value === 'string') {
      if (value !== this.previous) this.write(value);
      else this.repeatPrevious();
    } else if (value === null || value === undefined) return this.missing(row);
    // (another type cannot pass the contract's validation; it would read as an empty string)
    if (this.validity !== undefined) setBit(this.validity, at);
    this.offsets[at + 1] = this.bytes;
    this.length = at + 1;
  }

  protected override allocate(capacity: number): void {
    super.allocate(capacity);
    this.buffer = capacity === 0 ? EMPTY_BUFFER : Buffer.allocUnsafeSlow(withMargin(capacity * this.bytesPerValue));
    this.bytes = 0;
    this.previous = undefined;
    this.nonAscii = undefined;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.growOffsets();
    this.markNull(this.length);
    this.offsets[++this.length] = this.bytes;
  }

  private write(value: string): void {
    const start = this.bytes;
    const chars = value.length;
    if (start + chars > this.buffer.length) this.growBytes(start + chars);
    const buffer = this.buffer;
    for (let k = 0; k < chars; k++) {
      const code = value.charCodeAt(k);
      if (code >= 0x80) return this.writeUtf8(value, start);
      buffer[start + k] = code;
    }
    this.remember(value, start, start + chars);
  }

  /** A value with non-ASCII characters: copied when seen before, else encoded (at most 3 bytes per UTF-16 unit). */
  private writeUtf8(value: string, start: number): void {
    this.nonAscii ??= new Map();
    const seen = this.nonAscii.get(value);
    if (seen !== undefined) {
      this.previous = value;
      return this.copy(this.offsets[seen]!, this.offsets[seen + 1]!);
    }
    if (start + 3 * value.length > this.buffer.length) this.growBytes(start + 3 * value.length);
    this.remember(value, start, start + this.buffer.write(value, start, 'utf8'));
    if (this.nonAscii.size < MAX_REMEMBERED_NON_ASCII) this.nonAscii.set(value, this.length);
  }

  private repeatPrevious(): void {
    this.copy(this.previousStart, this.previousEnd);
  }

  /** Appends bytes already written (from < to ≤ this.bytes), which become the previous value's. */
  private copy(from: number, to: number): void {
    const start = this.bytes;
    const size = to - from;
    if (start + size > this.buffer.length) this.growBytes(start + size);
    const buffer = this.buffer;
    for (let k = 0; k < size; k++) buffer[start + k] = buffer[from + k]!;
    this.previousStart = start;
    this.previousEnd = this.bytes = start + size;
  }

  private remember(value: string, start: number, end: number): void {
    this.previous = value;
    this.previousStart = start;
    this.previousEnd = this.bytes = end;
  }

  private growBytes(needed: number): void {
    const buffer = Buffer.allocUnsafeSlow(nextCapacity(this.buffer.length, needed));
    this.buffer.copy(buffer, 0, 0, this.bytes);
    this.buffer = buffer;
  }

  protected data(): AnyData {
    const used = this.bytes;
    if (this.length > 0) this.bytesPerValue = used / this.length;
    const exact = this.buffer.length - used > used >> MAX_SLACK_SHIFT ? Uint8Array.prototype.slice.call(this.buffer, 0, used) : this.buffer.subarray(0, used);
    return this.make({ valueOffsets: this.finishedOffsets(), data: exact });
  }
}

class BinaryWriter extends OffsetsWriter {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.growOffsets();
    if (value === null || value === undefined) return this.missing(row);
    if (value instanceof Uint8Array) {
      this.chunks.push(value);
      this.bytes += value.byteLength;
    }
    if (this.validity !== undefined) setBit(this.validity, at);
    this.offsets[at + 1] = this.bytes;
    this.length = at + 1;
  }

  protected override allocate(capacity: number): void {
    super.allocate(capacity);
    this.chunks = [];
    this.bytes = 0;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.growOffsets();
    this.markNull(this.length);
    this.offsets[++this.length] = this.bytes;
  }

  protected data(): AnyData {
    const bytes = new Uint8Array(this.bytes);
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return this.make({ valueOffsets: this.finishedOffsets(), data: bytes });
  }
}

/** A struct's own validity; the row reader appends its fields to the child writers. */
class StructWriter extends ColumnWriter {
  constructor(
    spec: ColumnSpec,
    private readonly children: readonly ColumnWriter[],
  ) {
    super(spec);
  }

  addValid(): void {
    const at = this.length;
    if (at === this.capacity) this.growCapacity();
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  addNull(row: number): void {
    this.missing(row);
  }

  protected allocate(): void {
    // Only validity bits, made with the first null.
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.growCapacity();
    this.markNull(this.length++);
    for (const child of this.children) child.addParentNull();
  }

  protected data(rows: number): AnyData {
    return this.make({ children: this.children.map((child) => child.finish(rows)) });
  }
}

/** A list's offsets into its element column; the row reader appends the elements, then calls addEnd. */
class ListWriter extends OffsetsWriter {
  constructor(
    spec: ColumnSpec,
    private readonly elements: ColumnWriter,
  ) {
    super(spec);
  }

  addEnd(): void {
    const at = this.length;
    if (at === this.capacity) this.growOffsets();
    if (this.validity !== undefined) setBit(this.validity, at);
    this.offsets[at + 1] = this.elements.length;
    this.length = at + 1;
  }

  addNull(row: number): void {
    this.missing(row);
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.growOffsets();
    this.markNull(this.length);
    this.offsets[++this.length] = this.elements.length;
  }

  protected data(rows: number): AnyData {
    return this.make({ valueOffsets: this.finishedOffsets(), child: this.elements.finish(rows) });
  }
}
