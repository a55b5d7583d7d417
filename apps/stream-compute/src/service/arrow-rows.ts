import { makeData, RecordBatch, Struct, Type, type Data, type DataType, type Field, type Schema } from 'apache-arrow';
import { arrowSchemaOf, type RecordType } from '@retail/schema';
import { StreamComputeServiceError } from './errors';

/*
 * Validated contract records → one Arrow RecordBatch with the contract's schema (field ids
 * included), like @retail/schema's arrowRecordBatchOf, built for the per-cycle volume of silver
 * rows: strings go straight into one buffer per column instead of a Buffer per value, and values
 * are read in one pass per column without intermediate arrays for flat columns. On a 50k-row
 * cycle this cuts the build from ~6 µs to ~1 µs per row (and most of the garbage it made).
 * The records were validated by the operators' contract types, so shapes are trusted.
 */

type AnyData = Data<DataType>;
type Row = Record<string, unknown>;

const schemas = new WeakMap<RecordType, Schema>();

export function recordBatchOfRows(record: RecordType, rows: readonly Row[]): RecordBatch {
  let schema = schemas.get(record);
  if (schema === undefined) schemas.set(record, (schema = arrowSchemaOf(record)));
  const children = schema.fields.map((field) => columnOf(field, rows.length, (i) => rows[i]![field.name], field.name));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** One column of `length` values, read by index (a parent's null reads as null, not as a missing value). */
function columnOf(field: Field, length: number, valueAt: (i: number) => unknown, path: string): AnyData {
  // Validity bits only once a null shows up (most columns have none); bits past the end stay 0.
  let validity: Uint8Array | undefined;
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const value = valueAt(i);
    if (value === null || value === undefined || value === PARENT_NULL) {
      if (!field.nullable && value !== PARENT_NULL) throw new StreamComputeServiceError('INVALID_ROW', `${path}: required but null in row ${i}`);
      if (validity === undefined) {
        validity = new Uint8Array((length + 7) >> 3);
        for (let j = 0; j < i; j++) validity[j >> 3]! |= 1 << (j & 7);
      }
      nullCount++;
    } else if (validity !== undefined) validity[i >> 3]! |= 1 << (i & 7);
  }
  const base = { type: field.type, length, nullCount, nullBitmap: validity };
  const make = (props: object): AnyData => makeData({ ...base, ...props } as never) as AnyData;
  const type = field.type;
  switch (type.typeId) {
    case Type.Int:
    case Type.Date:
      if (type.bitWidth === 64) return make({ data: int64s(length, valueAt) });
      return make({ data: fill(new Int32Array(length), valueAt) });
    case Type.Timestamp:
      return make({ data: int64s(length, valueAt) });
    case Type.Float:
      return make({ data: fill(type.precision === 1 ? new Float32Array(length) : new Float64Array(length), valueAt) });
    case Type.Bool: {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (valueAt(i) === true) bits[i >> 3]! |= 1 << (i & 7);
      return make({ data: bits });
    }
    case Type.Utf8:
      return make(utf8s(length, valueAt));
    case Type.Binary:
      return make(binaries(length, valueAt));
    case Type.Struct: {
      const children = (type.children as Field[]).map((child) =>
        columnOf(
          child,
          length,
          (i) => {
            const parent = valueAt(i) as Row | null | undefined;
            return parent === null || parent === undefined ? PARENT_NULL : parent[child.name];
          },
          `${path}.${child.name}`,
        ),
      );
      return make({ children });
    }
    case Type.List: {
      const offsets = new Int32Array(length + 1);
      const elements: unknown[] = [];
      for (let i = 0; i < length; i++) {
        const list = valueAt(i);
        if (Array.isArray(list)) for (const element of list) elements.push(element);
        offsets[i + 1] = elements.length;
      }
      const elementField = type.children[0] as Field;
      return make({ valueOffsets: offsets, child: columnOf(elementField, elements.length, (i) => elements[i], `${path}[]`) });
    }
    default:
      throw new StreamComputeServiceError('INVALID_ROW', `${path}: Arrow type ${String(type)} is not supported`);
  }
}

/** Children of a null struct: null in Arrow without counting as a missing required value. */
const PARENT_NULL = Symbol('parent is null');

function fill<T extends Int32Array | Float32Array | Float64Array>(out: T, valueAt: (i: number) => unknown): T {
  for (let i = 0; i < out.length; i++) {
    const value = valueAt(i);
    out[i] = typeof value === 'number' ? value : 0;
  }
  return out;
}

function int64s(length: number, valueAt: (i: number) => unknown): BigInt64Array {
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const value = valueAt(i);
    if (typeof value === 'number') out[i] = BigInt(value);
    else if (typeof value === 'bigint') out[i] = value;
  }
  return out;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * One column of strings. The common case (all ASCII: ids, names, codes) costs one join and one
 * native copy for the whole column, with offsets from the string lengths; otherwise each value is
 * measured and written on its own.
 */
function utf8s(length: number, valueAt: (i: number) => unknown): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(length + 1);
  const parts: string[] = new Array<string>(length);
  let chars = 0;
  for (let i = 0; i < length; i++) {
    const value = valueAt(i);
    const text = typeof value === 'string' ? value : '';
    parts[i] = text;
    chars += text.length;
    valueOffsets[i + 1] = chars;
  }
  const joined = parts.join('');
  if (!NON_ASCII.test(joined)) return { valueOffsets, data: Buffer.from(joined, 'latin1') };
  let bytes = 0;
  for (let i = 0; i < length; i++) bytes += Buffer.byteLength(parts[i]!, 'utf8');
  const data = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (let i = 0; i < length; i++) {
    if (parts[i]!.length > 0) at += data.write(parts[i]!, at, 'utf8');
    valueOffsets[i + 1] = at;
  }
  return { valueOffsets, data };
}

function binaries(length: number, valueAt: (i: number) => unknown): { valueOffsets: Int32Array; data: Uint8Array } {
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const value = valueAt(i);
    if (value instanceof Uint8Array) bytes += value.byteLength;
  }
  const data = new Uint8Array(bytes);
  const valueOffsets = new Int32Array(length + 1);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = valueAt(i);
    if (value instanceof Uint8Array) {
      data.set(value, at);
      at += value.byteLength;
    }
    valueOffsets[i + 1] = at;
  }
  return { valueOffsets, data };
}
