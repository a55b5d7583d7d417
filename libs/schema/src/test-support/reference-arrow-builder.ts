import { makeData, RecordBatch, Struct, Type, type Data, type DataType, type Field } from 'apache-arrow';
import type { RecordType } from '../definition/define-record';
import { SchemaError } from '../errors';
import { arrowSchemaOf } from '../arrow/arrow-schema';

/*
 * The contract's first Arrow builder, kept only as the oracle of the property tests of the one in
 * use (arrow/row-builder.ts), which must produce the same IPC bytes. It is plain on purpose: each
 * column is transposed into an array of values, then turned into buffers by obvious code
 * (a Buffer per string, a BigInt per 64-bit value), so that it is easy to trust and slow (~5.4 µs
 * a row on a silver batch, ~9x the row builder). Never use it outside tests and benchmarks.
 */

/** One RecordBatch of `rows` with the record type's Arrow schema, built the plain way. */
export function referenceRecordBatchOf(record: RecordType, rows: readonly object[]): RecordBatch {
  const schema = arrowSchemaOf(record);
  const children = schema.fields.map((f) => columnData(f, rows.map((r) => (r as Record<string, unknown>)[f.name]), f.name));
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

type AnyData = Data<DataType>;

/** Stands for the children of a null struct: null in Arrow, but not a missing required value. */
const PARENT_IS_NULL = Symbol('parent is null');

function columnData(field: Field, values: readonly unknown[], path: string): AnyData {
  const length = values.length;
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  let missingRequired = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === null || value === undefined || value === PARENT_IS_NULL) {
      nullCount++;
      if (value !== PARENT_IS_NULL) missingRequired++;
    } else validity[i >> 3]! |= 1 << (i & 7);
  }
  if (missingRequired > 0 && !field.nullable)
    throw new SchemaError('ARROW_BUILD_FAILED', `${path}: required but null in ${missingRequired} of ${length} records; validate records first`);
  const base = { type: field.type, length, nullCount, nullBitmap: nullCount > 0 ? validity : undefined };
  const make = (props: object): AnyData => makeData({ ...base, ...props } as never) as AnyData;

  switch (field.type.typeId) {
    case Type.Int:
    case Type.Date:
      return field.type.bitWidth === 64 ? make({ data: bigInts(values) }) : make({ data: Int32Array.from(values, numberOrZero) });
    case Type.Timestamp:
      return make({ data: bigInts(values) });
    case Type.Float:
      return make({ data: field.type.precision === 1 ? Float32Array.from(values, numberOrZero) : Float64Array.from(values, numberOrZero) });
    case Type.Bool: {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
      return make({ data: bits });
    }
    case Type.Utf8:
      return make(variableWidth(values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined))));
    case Type.Binary:
      return make(variableWidth(values.map((v) => (v instanceof Uint8Array ? v : undefined))));
    case Type.Struct: {
      const children = (field.type.children as Field[]).map((child) =>
        columnData(child, values.map((v) => (v === null || v === undefined || v === PARENT_IS_NULL ? PARENT_IS_NULL : (v as Record<string, unknown>)[child.name])), `${path}.${child.name}`),
      );
      return make({ children });
    }
    case Type.List: {
      const elementField = field.type.children[0] as Field;
      const offsets = new Int32Array(length + 1);
      const elements: unknown[] = [];
      for (let i = 0; i < length; i++) {
        const list = values[i];
        if (Array.isArray(list)) for (const element of list) elements.push(element);
        offsets[i + 1] = elements.length;
      }
      return make({ valueOffsets: offsets, child: columnData(elementField, elements, `${path}[]`) });
    }
    default:
      throw new SchemaError('ARROW_BUILD_FAILED', `${path}: Arrow type ${String(field.type)} is not supported by the contract`);
  }
}

function numberOrZero(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function bigInts(values: readonly unknown[]): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'number') out[i] = BigInt(value);
    else if (typeof value === 'bigint') out[i] = value;
  }
  return out;
}

function variableWidth(items: readonly (Uint8Array | undefined)[]): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(items.length + 1);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += items[i]?.length ?? 0;
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item !== undefined) data.set(item, valueOffsets[i]);
  }
  return { valueOffsets, data };
}
