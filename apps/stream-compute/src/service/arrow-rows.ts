import { makeData, RecordBatch, Struct, Type, type Data, type DataType, type Field, type Schema } from 'apache-arrow';
import { arrowSchemaOf, type RecordType } from '@retail/schema';
import { StreamComputeServiceError } from './errors';

/*
 * Validated contract records → one Arrow RecordBatch with the contract's schema (field ids
 * included), the same bytes as @retail/schema's arrowRecordBatchOf, built for the per-cycle volume
 * of silver rows (50k rows, a dozen string columns whose values mostly repeat).
 *
 * One pass over the rows: a function generated once per record reads each row's fields by
 * constant keys and appends every value straight to its column's writer (a typed array, or one
 * growable byte buffer per string column): no per-column arrays of values, joined strings or
 * per-value Buffers. On a 50k-row silver batch: ~28 ms of CPU instead of ~90 ms, with next to no
 * garbage on the JS heap (bench/compute/arrow-rows.ts). (A candidate for libs/schema.)
 * The records were validated by the operators' contract types, so shapes are trusted.
 */

type AnyData = Data<DataType>;
type Row = Record<string, unknown>;

/** Appends every row's values to the writers (all columns, nested ones too, in depth-first order). */
type RowReader = (rows: readonly Row[], writers: readonly ColumnWriter[]) => void;

/**
 * What one record type needs, built on first use and kept: its writers too, so that their object
 * shapes stay alive between batches (optimized code depends on them; were they collected, a major
 * GC would throw that code away and the next batches would run slowly until V8 optimized it again).
 */
interface CompiledRecord {
  schema: Schema;
  type: Struct;
  /** Every column's writer in depth-first order (the row reader's indexes). */
  writers: ColumnWriter[];
  /** The top-level fields' writers, in schema order. */
  topLevel: ColumnWriter[];
  read: RowReader;
}

const compiled = new WeakMap<RecordType, CompiledRecord>();

export function recordBatchOfRows(record: RecordType, rows: readonly Row[]): RecordBatch {
  let entry = compiled.get(record);
  if (entry === undefined) compiled.set(record, (entry = compile(record)));
  const length = rows.length;
  for (const writer of entry.writers) writer.begin(length);
  try {
    entry.read(rows, entry.writers);
    const children = entry.topLevel.map((writer) => writer.finish(length));
    return new RecordBatch(entry.schema, makeData({ type: entry.type, length, nullCount: 0, children }));
  } finally {
    // The batch owns the buffers now (or nobody does, after an error).
    for (const writer of entry.writers) writer.release();
  }
}

/**
 * One record's rows appended as they arrive, finished into a batch at the end (a cycle's silver
 * rows): each row object becomes garbage at once instead of living, and being copied by the young
 * generation's collector, until the commit, and the commit only finishes the columns. It has
 * writers of its own (recordBatchOfRows shares one set per record). A row the contract would
 * refuse (a required value missing) throws INVALID_ROW and leaves the columns unusable: the rows
 * come from the operators' contract types, so that is a defect, and the caller stops.
 */
export class RecordColumns {
  private readonly entry: CompiledRecord;
  private readonly addRow: (row: Row, index: number) => void;
  private rows = 0;
  private broken: unknown;

  constructor(record: RecordType, expectedRows = 1_024) {
    this.entry = compile(record);
    this.addRow = singleRowReaderOf(this.entry.schema, this.entry.writers);
    for (const writer of this.entry.writers) writer.begin(expectedRows);
  }

  get length(): number {
    return this.rows;
  }

  add(row: Row): void {
    if (this.broken !== undefined) throw this.broken;
    try {
      this.addRow(row, this.rows);
    } catch (error) {
      this.broken = error;
      throw error;
    }
    this.rows++;
  }

  /** The rows added so far as one batch; the next `add` starts a new one (sized like this one). */
  finish(): RecordBatch {
    if (this.broken !== undefined) throw this.broken;
    const length = this.rows;
    const children = this.entry.topLevel.map((writer) => writer.finish(length));
    const batch = new RecordBatch(this.entry.schema, makeData({ type: this.entry.type, length, nullCount: 0, children }));
    for (const writer of this.entry.writers) {
      writer.release();
      writer.begin(length);
    }
    this.rows = 0;
    return batch;
  }
}

// ---- compiling a record: its writers and the generated row reader ----------------------------

function compile(record: RecordType): CompiledRecord {
  const schema = arrowSchemaOf(record);
  const writers: ColumnWriter[] = [];
  const writerFor = (field: Field, path: string, perRow: boolean): ColumnWriter => {
    // Depth-first, parent before children: the order the row reader emits them in.
    const index = writers.length;
    writers.push(undefined as never);
    let children: ColumnWriter[] = [];
    if (field.typeId === Type.Struct) children = (field.type.children as Field[]).map((child) => writerFor(child, `${path}.${child.name}`, perRow));
    if (field.typeId === Type.List) children = [writerFor(field.type.children[0] as Field, `${path}[]`, false)];
    return (writers[index] = writerOf({ field, path, perRow }, children));
  };
  const topLevel = schema.fields.map((field) => writerFor(field, field.name, true));
  return { schema, type: new Struct(schema.fields), writers, topLevel, read: rowReaderOf(schema, writers) };
}

/**
 * The row reader's source: `w3.add(r["camera_id"], i)` per leaf, null checks around structs, a
 * loop per list. Constant keys let V8 read the fields like named properties of one object shape
 * (a loop over field names would do a generic keyed lookup per value), and each writer call site
 * sees one writer class. Names come from the contract, quoted as JSON.
 */
function rowReaderOf(schema: Schema, writers: readonly ColumnWriter[]): RowReader {
  const { declare, lines } = rowReaderSource(schema, writers);
  const body = `${declare}\nconst n = rows.length;\nfor (let i = 0; i < n; i++) {\nconst r = rows[i];\n${lines}\n}`;
  return new Function('rows', 'writers', body) as RowReader;
}

/** The same reader for one row at a time, its writers bound once. */
function singleRowReaderOf(schema: Schema, writers: readonly ColumnWriter[]): (row: Row, index: number) => void {
  const { declare, lines } = rowReaderSource(schema, writers);
  const factory = new Function('writers', `${declare}\nreturn function addRow(r, i) {\n${lines}\n};`) as (writers: readonly ColumnWriter[]) => (row: Row, index: number) => void;
  return factory(writers);
}

function rowReaderSource(schema: Schema, writers: readonly ColumnWriter[]): { declare: string; lines: string } {
  const lines: string[] = [];
  let next = 0;
  const emit = (value: string): void => {
    const index = next++;
    const field = writers[index]!.field;
    const writer = `w${index}`;
    const local = `v${index}`;
    if (field.typeId === Type.Struct) {
      lines.push(`const ${local} = ${value};`, `if (${local} === null || ${local} === undefined) ${writer}.addNull(i); else {`, `${writer}.addValid();`);
      for (const child of field.type.children as Field[]) emit(`${local}[${JSON.stringify(child.name)}]`);
      lines.push('}');
    } else if (field.typeId === Type.List) {
      const element = `e${index}`;
      lines.push(`const ${local} = ${value};`, `if (${local} === null || ${local} === undefined) ${writer}.addNull(i); else {`);
      lines.push(`if (Array.isArray(${local})) for (let ${element} = 0; ${element} < ${local}.length; ${element}++) {`);
      emit(`${local}[${element}]`);
      lines.push('}', `${writer}.addEnd();`, '}');
    } else lines.push(`${writer}.add(${value}, i);`);
  };
  for (const field of schema.fields) emit(`r[${JSON.stringify(field.name)}]`);
  const declare = writers.map((_, index) => `const w${index} = writers[${index}];`).join('\n');
  return { declare, lines: lines.join('\n') };
}

interface ColumnSpec {
  field: Field;
  /** Dotted path for error messages: `bbox.x`, `zone_ids[]`. */
  path: string;
  /** One value per row (else one per list element: how many is known only at the end). */
  perRow: boolean;
}

function writerOf(spec: ColumnSpec, children: ColumnWriter[]): ColumnWriter {
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
      throw new StreamComputeServiceError('INVALID_ROW', `${spec.path}: Arrow type ${String(type)} is not supported`);
  }
}

// ---- column writers ------------------------------------------------------------------------

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
abstract class ColumnWriter {
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
    if (!this.field.nullable) throw new StreamComputeServiceError('INVALID_ROW', `${this.path}: required but null in row ${row}`);
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
