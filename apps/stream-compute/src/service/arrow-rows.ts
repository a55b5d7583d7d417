import { makeData, RecordBatch, Struct, Type, type Data, type DataType, type Field, type Schema } from 'apache-arrow';
import { arrowSchemaOf, type RecordType } from '@retail/schema';
import { StreamComputeServiceError } from './errors';

/*
 * Validated contract records → one Arrow RecordBatch with the contract's schema (field ids
 * included), the same bytes as @retail/schema's arrowRecordBatchOf, built for the per-cycle volume
 * of silver rows (50k rows, a dozen string columns that mostly repeat).
 *
 * One pass over the rows: a function generated once per record reads each row's fields by
 * constant keys and appends every value straight into its column's writer (typed arrays, one
 * growable byte buffer per string column), so no per-column arrays of values, joined strings or
 * per-value Buffers are made. See bench/compute/arrow-rows.ts for the figures. (A candidate for libs/schema.)
 * The records were validated by the operators' contract types, so shapes are trusted.
 */

type AnyData = Data<DataType>;
type Row = Record<string, unknown>;

/** Appends every row's values to the writers (indexed as in the record's column plan). */
type RowReader = (rows: readonly Row[], writers: readonly ColumnWriter[]) => void;

interface CompiledRecord {
  schema: Schema;
  type: Struct;
  columns: ColumnPlan[];
  /** Plan indexes of the top-level fields, in schema order. */
  topLevel: number[];
  read: RowReader;
}

const compiled = new WeakMap<RecordType, CompiledRecord>();

export function recordBatchOfRows(record: RecordType, rows: readonly Row[]): RecordBatch {
  let entry = compiled.get(record);
  if (entry === undefined) compiled.set(record, (entry = compile(record)));
  const writers = writersOf(entry.columns, rows.length);
  entry.read(rows, writers);
  const children = entry.topLevel.map((index) => finishColumn(entry.columns, writers, rows.length, index));
  return new RecordBatch(entry.schema, makeData({ type: entry.type, length: rows.length, nullCount: 0, children }));
}

// ---- the column plan and the generated row reader --------------------------------------------

/** One column of the record, nested ones included, in depth-first order. */
interface ColumnPlan {
  field: Field;
  /** Dotted path for error messages: `bbox.x`, `zone_ids[]`. */
  path: string;
  /** Indexes of the child columns (struct fields, list element) in the plan. */
  children: number[];
  /** Whether the column holds one value per row (else per list element: its length is unknown up front). */
  perRow: boolean;
  /** From the last batch: the next batch's first guess at its buffers' sizes. */
  valuesPerRow: number;
  bytesPerValue: number;
}

function compile(record: RecordType): CompiledRecord {
  const schema = arrowSchemaOf(record);
  const columns: ColumnPlan[] = [];
  const plan = (field: Field, path: string, perRow: boolean): number => {
    const index = columns.length;
    const column: ColumnPlan = { field, path, children: [], perRow, valuesPerRow: 1, bytesPerValue: FIRST_GUESS_BYTES_PER_STRING };
    columns.push(column);
    supportedOrThrow(field, path);
    if (field.typeId === Type.Struct) for (const child of field.type.children as Field[]) column.children.push(plan(child, `${path}.${child.name}`, perRow));
    if (field.typeId === Type.List) column.children.push(plan(field.type.children[0] as Field, `${path}[]`, false));
    return index;
  };
  const topLevel = schema.fields.map((field) => plan(field, field.name, true));
  return { schema, type: new Struct(schema.fields), columns, topLevel, read: rowReaderOf(schema, columns) };
}

function supportedOrThrow(field: Field, path: string): void {
  switch (field.typeId) {
    case Type.Int:
    case Type.Date:
    case Type.Timestamp:
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.Binary:
    case Type.Struct:
    case Type.List:
      return;
    default:
      throw new StreamComputeServiceError('INVALID_ROW', `${path}: Arrow type ${String(field.type)} is not supported`);
  }
}

/**
 * The row reader's source: `w3.add(r["camera_id"], i)` per leaf, null checks around structs, a
 * loop per list. Constant keys let V8 read the fields like named properties of one object shape
 * (a loop over field names would do a generic keyed lookup per value), and each writer call site
 * sees one writer class. Names come from the contract, quoted as JSON.
 */
function rowReaderOf(schema: Schema, columns: readonly ColumnPlan[]): RowReader {
  const lines: string[] = [];
  let next = 0;
  const emit = (value: string, row: string): void => {
    const index = next++;
    const column = columns[index]!;
    const writer = `w${index}`;
    const local = `v${index}`;
    if (column.field.typeId === Type.Struct) {
      lines.push(`const ${local} = ${value};`, `if (${local} === null || ${local} === undefined) ${writer}.addNull(${row}); else {`, `${writer}.addValid();`);
      for (const child of column.field.type.children as Field[]) emit(`${local}[${JSON.stringify(child.name)}]`, row);
      lines.push('}');
    } else if (column.field.typeId === Type.List) {
      const element = `e${index}`;
      lines.push(`const ${local} = ${value};`, `if (${local} === null || ${local} === undefined) ${writer}.addNull(${row}); else {`);
      lines.push(`if (Array.isArray(${local})) for (let ${element} = 0; ${element} < ${local}.length; ${element}++) {`);
      emit(`${local}[${element}]`, row);
      lines.push('}', `${writer}.addEnd();`, '}');
    } else lines.push(`${writer}.add(${value}, ${row});`);
  };
  for (const field of schema.fields) emit(`r[${JSON.stringify(field.name)}]`, 'i');
  const declare = columns.map((_, index) => `const w${index} = writers[${index}];`).join('\n');
  const body = `${declare}\nconst n = rows.length;\nfor (let i = 0; i < n; i++) {\nconst r = rows[i];\n${lines.join('\n')}\n}`;
  return new Function('rows', 'writers', body) as RowReader;
}

/** Fresh writers for one batch, sized from the row count and the last batch. */
function writersOf(columns: ColumnPlan[], rows: number): ColumnWriter[] {
  const writers = new Array<ColumnWriter>(columns.length);
  // Children first: struct and list writers hold theirs.
  for (let index = columns.length - 1; index >= 0; index--) {
    const column = columns[index]!;
    const capacity = column.perRow ? rows : withMargin(rows * column.valuesPerRow);
    writers[index] = writerOf(column, capacity, column.children.map((child) => writers[child]!));
  }
  return writers;
}

function writerOf(column: ColumnPlan, capacity: number, children: ColumnWriter[]): ColumnWriter {
  const { field, path } = column;
  const type = field.type;
  switch (type.typeId) {
    case Type.Int:
    case Type.Date:
      return type.bitWidth === 64 ? new Int64Writer(field, path, capacity) : new Int32Writer(field, path, capacity);
    case Type.Timestamp:
      return new Int64Writer(field, path, capacity);
    case Type.Float:
      return type.precision === 1 ? new Float32Writer(field, path, capacity) : new Float64Writer(field, path, capacity);
    case Type.Bool:
      return new BoolWriter(field, path, capacity);
    case Type.Utf8:
      return new Utf8Writer(field, path, capacity, withMargin(capacity * column.bytesPerValue));
    case Type.Binary:
      return new BinaryWriter(field, path, capacity);
    case Type.Struct:
      return new StructWriter(field, path, capacity, children);
    default: // Type.List (compile() refused the rest)
      return new ListWriter(field, path, capacity, children[0]!);
  }
}

function finishColumn(columns: ColumnPlan[], writers: ColumnWriter[], rows: number, index: number): AnyData {
  const column = columns[index]!;
  const writer = writers[index]!;
  if (rows > 0) column.valuesPerRow = writer.length / rows;
  if (writer instanceof Utf8Writer && writer.length > 0) column.bytesPerValue = writer.bytes / writer.length;
  return writer.finish((child) => finishColumn(columns, writers, rows, child), column.children);
}

/** A guess plus an eighth and a little: the sizes of consecutive batches vary. */
const withMargin = (guess: number) => Math.ceil(guess * 1.125) + 16;

// ---- column writers ------------------------------------------------------------------------

/** A first batch's guess at a string's byte length (later batches use the last batch's sizes). */
const FIRST_GUESS_BYTES_PER_STRING = 16;
/** Above this many unused bytes per used byte, a finished buffer is copied to its exact size. */
const MAX_SLACK_SHIFT = 3;

function setBit(bits: Uint8Array, index: number): void {
  bits[index >> 3]! |= 1 << (index & 7);
}

/**
 * Appends one column's values. Validity bits appear with the first null (most columns have none);
 * a parent's null (a null struct's children) is null in Arrow without being a missing value.
 * Subclasses test `validity` in their own `add` so each call site stays monomorphic.
 */
abstract class ColumnWriter {
  length = 0;
  nullCount = 0;
  validity: Uint8Array | undefined = undefined;

  constructor(
    readonly field: Field,
    readonly path: string,
    protected capacity: number,
  ) {}

  /** Appends a null: from a parent's null, or as the row's own value (refused when the field is required). */
  addParentNull(): void {
    this.appendNull();
  }

  /** Ends the column: its Arrow data (children finished through `finishChild`). */
  abstract finish(finishChild: (index: number) => AnyData, children: readonly number[]): AnyData;

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

  /** Grows the validity bits with the values (called from subclasses' grow). */
  protected growValidity(capacity: number): void {
    if (this.validity !== undefined) this.validity = grown(this.validity, (capacity + 7) >> 3);
  }

  protected nullBitmap(): Uint8Array | undefined {
    return this.validity === undefined ? undefined : this.validity.subarray(0, (this.length + 7) >> 3);
  }
}

function grown<T extends Uint8Array | Int32Array | Float32Array | Float64Array | BigInt64Array>(array: T, length: number): T {
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array as never);
  return out;
}

const nextCapacity = (capacity: number, needed: number) => Math.max(needed, capacity * 2, 16);

class Int32Writer extends ColumnWriter {
  private data: Int32Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.data = new Int32Array(capacity);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.data[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.data = grown(this.data, this.capacity);
    this.growValidity(this.capacity);
  }

  finish(): AnyData {
    const data = this.data.length === this.length ? this.data : this.data.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), data } as never) as AnyData;
  }
}

class Float32Writer extends ColumnWriter {
  private data: Float32Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.data = new Float32Array(capacity);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.data[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.data = grown(this.data, this.capacity);
    this.growValidity(this.capacity);
  }

  finish(): AnyData {
    const data = this.data.length === this.length ? this.data : this.data.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), data } as never) as AnyData;
  }
}

class Float64Writer extends ColumnWriter {
  private data: Float64Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.data = new Float64Array(capacity);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') this.data[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.data = grown(this.data, this.capacity);
    this.growValidity(this.capacity);
  }

  finish(): AnyData {
    const data = this.data.length === this.length ? this.data : this.data.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), data } as never) as AnyData;
  }
}

const TWO_32 = 2 ** 32;

/**
 * 64-bit integers (times in µs, ids) written as two 32-bit halves: contract values are safe
 * integers, and a BigInt per value was most of this column's cost and garbage.
 */
class Int64Writer extends ColumnWriter {
  private data: BigInt64Array;
  private halves: Uint32Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.data = new BigInt64Array(capacity);
    this.halves = new Uint32Array(this.data.buffer, 0, capacity * 2);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (typeof value === 'number') {
      const high = Math.floor(value / TWO_32);
      this.halves[2 * at] = value - high * TWO_32; // little-endian: low word first
      this.halves[2 * at + 1] = high >>> 0; // two's complement of a negative high word
    } else if (typeof value === 'bigint') this.data[at] = value;
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.data = grown(this.data, this.capacity);
    this.halves = new Uint32Array(this.data.buffer, 0, this.capacity * 2);
    this.growValidity(this.capacity);
  }

  finish(): AnyData {
    const data = this.data.length === this.length ? this.data : this.data.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), data } as never) as AnyData;
  }
}

class BoolWriter extends ColumnWriter {
  private bits: Uint8Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }

  add(value: unknown, row: number): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (value === null || value === undefined) return this.missing(row);
    if (value === true) setBit(this.bits, at);
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.bits = grown(this.bits, (this.capacity + 7) >> 3);
    this.growValidity(this.capacity);
  }

  finish(): AnyData {
    const data = this.bits.subarray(0, (this.length + 7) >> 3);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), data } as never) as AnyData;
  }
}

/** Offsets of a variable-width column (strings, bytes, lists): one more than its values. */
abstract class OffsetsWriter extends ColumnWriter {
  protected offsets: Int32Array;

  constructor(field: Field, path: string, capacity: number) {
    super(field, path, capacity);
    this.offsets = new Int32Array(capacity + 1);
  }

  protected growOffsets(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.offsets = grown(this.offsets, this.capacity + 1);
    this.growValidity(this.capacity);
  }

  protected finishedOffsets(): Int32Array {
    return this.offsets.length === this.length + 1 ? this.offsets : this.offsets.subarray(0, this.length + 1);
  }
}

/** Distinct non-ASCII values a string column remembers the bytes of (store names, cities: few). */
const MAX_REMEMBERED_NON_ASCII = 1024;

/**
 * Strings as UTF-8 in one growable buffer. Most values are short ASCII (ids, names, codes) and
 * repeat: a value equal to the previous one copies its bytes, a new one is written char by char
 * while it stays ASCII (cheaper than a call into native code per value). A non-ASCII value is
 * encoded by Buffer#write once, then copied from where it was first written.
 */
class Utf8Writer extends OffsetsWriter {
  /** Bytes written so far (the end offset). */
  bytes = 0;
  private data: Buffer;
  private previous: string | undefined = undefined;
  private previousStart = 0;
  private previousEnd = 0;
  /** Non-ASCII value → the position of its first occurrence (its bytes: offsets[p] to offsets[p + 1]). */
  private nonAscii: Map<string, number> | undefined = undefined;

  constructor(field: Field, path: string, capacity: number, byteCapacity: number) {
    super(field, path, capacity);
    this.data = Buffer.allocUnsafeSlow(Math.max(byteCapacity, 64));
  }

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

  protected appendNull(): void {
    if (this.length === this.capacity) this.growOffsets();
    this.markNull(this.length);
    this.offsets[++this.length] = this.bytes;
  }

  private write(value: string): void {
    const start = this.bytes;
    const chars = value.length;
    if (start + chars > this.data.length) this.growBytes(start + chars);
    const data = this.data;
    for (let k = 0; k < chars; k++) {
      const code = value.charCodeAt(k);
      if (code >= 0x80) return this.writeUtf8(value, start);
      data[start + k] = code;
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
    if (start + 3 * value.length > this.data.length) this.growBytes(start + 3 * value.length);
    this.remember(value, start, start + this.data.write(value, start, 'utf8'));
    if (this.nonAscii.size < MAX_REMEMBERED_NON_ASCII) this.nonAscii.set(value, this.length);
  }

  private repeatPrevious(): void {
    this.copy(this.previousStart, this.previousEnd);
  }

  /** Appends bytes already written (from < to ≤ this.bytes), which become the previous value's. */
  private copy(from: number, to: number): void {
    const start = this.bytes;
    const size = to - from;
    if (start + size > this.data.length) this.growBytes(start + size);
    const data = this.data;
    for (let k = 0; k < size; k++) data[start + k] = data[from + k]!;
    this.previousStart = start;
    this.previousEnd = this.bytes = start + size;
  }

  private remember(value: string, start: number, end: number): void {
    this.previous = value;
    this.previousStart = start;
    this.previousEnd = this.bytes = end;
  }

  private growBytes(needed: number): void {
    const data = Buffer.allocUnsafeSlow(nextCapacity(this.data.length, needed));
    this.data.copy(data, 0, 0, this.bytes);
    this.data = data;
  }

  finish(): AnyData {
    const used = this.bytes;
    const data = this.data.length - used > used >> MAX_SLACK_SHIFT ? Uint8Array.prototype.slice.call(this.data, 0, used) : this.data.subarray(0, used);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), valueOffsets: this.finishedOffsets(), data } as never) as AnyData;
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

  protected appendNull(): void {
    if (this.length === this.capacity) this.growOffsets();
    this.markNull(this.length);
    this.offsets[++this.length] = this.bytes;
  }

  finish(): AnyData {
    const data = new Uint8Array(this.bytes);
    let at = 0;
    for (const chunk of this.chunks) {
      data.set(chunk, at);
      at += chunk.byteLength;
    }
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), valueOffsets: this.finishedOffsets(), data } as never) as AnyData;
  }
}

/** A struct's own validity; the row reader appends its fields to the child writers. */
class StructWriter extends ColumnWriter {
  constructor(
    field: Field,
    path: string,
    capacity: number,
    private readonly children: readonly ColumnWriter[],
  ) {
    super(field, path, capacity);
  }

  addValid(): void {
    const at = this.length;
    if (at === this.capacity) this.grow();
    if (this.validity !== undefined) setBit(this.validity, at);
    this.length = at + 1;
  }

  addNull(row: number): void {
    this.missing(row);
  }

  protected appendNull(): void {
    if (this.length === this.capacity) this.grow();
    this.markNull(this.length++);
    for (const child of this.children) child.addParentNull();
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity, this.length + 1);
    this.growValidity(this.capacity);
  }

  finish(finishChild: (index: number) => AnyData, children: readonly number[]): AnyData {
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), children: children.map(finishChild) } as never) as AnyData;
  }
}

/** A list's offsets into its element column; the row reader appends the elements, then calls addEnd. */
class ListWriter extends OffsetsWriter {
  constructor(
    field: Field,
    path: string,
    capacity: number,
    private readonly elements: ColumnWriter,
  ) {
    super(field, path, capacity);
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

  finish(finishChild: (index: number) => AnyData, children: readonly number[]): AnyData {
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, nullBitmap: this.nullBitmap(), valueOffsets: this.finishedOffsets(), child: finishChild(children[0]!) } as never) as AnyData;
  }
}
