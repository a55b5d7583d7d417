import { makeData, RecordBatch, Struct, Type, type Field, type Schema } from 'apache-arrow';
import type { RecordType } from '../definition/define-record';
import type { Fields, RecordOf } from '../definition/types';
import { arrowSchemaOf } from './arrow-schema';
import { ColumnWriter, writerOf } from './column-writers';

/*
 * Contract records → one Arrow RecordBatch with the record type's schema (field ids included):
 * the builder behind arrowRecordBatchOf and RecordColumns, made for the volumes the services
 * write (a 50k-row batch with a dozen string columns whose values mostly repeat).
 *
 * One pass over the rows: a function generated once per record type reads each row's fields by
 * constant keys and appends every value straight to its column's writer (a typed array, or one
 * growable byte buffer per string column): no per-column arrays of values or per-value Buffers.
 * On a 50k-row silver batch ~0.6 µs of CPU per row instead of ~5.4 µs for the straightforward
 * builder it replaced, whose bytes it reproduces exactly (test-support/reference-arrow-builder.ts
 * is that builder, kept as the property tests' oracle; bench/compute/arrow-rows.ts the figures).
 *
 * Rows are expected to be valid records (validated, or built by typed code), so their shapes are
 * trusted: a value of the wrong type reads as zero or empty. The one thing checked is a missing
 * required value, which throws SchemaError INVALID_RECORD naming the path and the row.
 */

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

/**
 * One batch of `rows`. Each record type has one set of writers, shared by every call (the build
 * is synchronous, so calls never interleave).
 */
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
 * One record type's rows appended as they arrive, finished into a batch at the end (e.g. a commit
 * cycle's rows): each row object becomes garbage at once instead of living, and being copied by
 * the young generation's collector, until the batch is built, and `finish` only seals the columns.
 * It has writers of its own (arrowRecordBatchOf shares one set per record type). Keep one instance
 * per stream of batches rather than one per batch: V8 keeps the generated reader's optimized code
 * only while it lives.
 *
 * A row with a missing required value throws SchemaError INVALID_RECORD and leaves the columns
 * unusable (every later call throws the same error): rows should be valid records, so that is a
 * defect, and the caller stops.
 */
export class RecordColumns<F extends Fields = Fields> {
  private readonly entry: CompiledRecord;
  private readonly addRow: (row: Row, index: number) => void;
  private rows = 0;
  private broken: unknown;

  /** `expectedRows`: the first batch's buffer sizes (later batches take the last one's). */
  constructor(record: RecordType<F>, expectedRows = 1_024) {
    this.entry = compile(record as unknown as RecordType);
    this.addRow = singleRowReaderOf(this.entry.schema, this.entry.writers);
    for (const writer of this.entry.writers) writer.begin(expectedRows);
  }

  /** Rows added since the last `finish`. */
  get length(): number {
    return this.rows;
  }

  add(row: RecordOf<F>): void {
    if (this.broken !== undefined) throw this.broken;
    try {
      this.addRow(row as Row, this.rows);
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

// ---- compiling a record type: its writers and the generated row reader ----------------------

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
 * sees one writer class. Names come from the contract (checked by defineRecord), quoted as JSON.
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
