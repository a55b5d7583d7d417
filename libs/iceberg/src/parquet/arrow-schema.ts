import * as arrow from 'apache-arrow';
import { ValidationError } from '../errors';
import { isPrimitive } from '../spec/schema';
import type { IcebergType, NestedField, Schema } from '../spec/types';
import { parseDecimal, parseFixedLength, typeFamily } from '../spec/values';

/** Arrow field metadata key that arrow-rs (inside parquet-wasm) turns into the Parquet field id. */
export const PARQUET_FIELD_ID_KEY = 'PARQUET:field_id';

/** Name Iceberg and Parquet's three-level lists give the element field. */
export const LIST_ELEMENT_NAME = 'element';

function idMetadata(id: number): Map<string, string> {
  return new Map([[PARQUET_FIELD_ID_KEY, String(id)]]);
}

function arrowTypeFor(type: IcebergType, fieldName: string): arrow.DataType {
  if (!isPrimitive(type)) {
    if (type.type === 'struct') return new arrow.Struct(type.fields.map(arrowField));
    if (type.type === 'list') {
      const element = new arrow.Field(LIST_ELEMENT_NAME, arrowTypeFor(type.element, `${fieldName}.element`), !type['element-required'], idMetadata(type['element-id']));
      return new arrow.List(element);
    }
    const entries = new arrow.Struct([
      new arrow.Field('key', arrowTypeFor(type.key, `${fieldName}.key`), false, idMetadata(type['key-id'])),
      new arrow.Field('value', arrowTypeFor(type.value, `${fieldName}.value`), !type['value-required'], idMetadata(type['value-id'])),
    ]);
    return new arrow.Map_(new arrow.Field('key_value', entries, false));
  }
  switch (typeFamily(type)) {
    case 'boolean':
      return new arrow.Bool();
    case 'int':
      return new arrow.Int32();
    case 'long':
      return new arrow.Int64();
    case 'float':
      return new arrow.Float32();
    case 'double':
      return new arrow.Float64();
    case 'date':
      return new arrow.DateDay();
    case 'time':
      return new arrow.TimeMicrosecond();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'timestamptz':
      return new arrow.TimestampMicrosecond('UTC');
    case 'string':
      return new arrow.Utf8();
    case 'binary':
      return new arrow.Binary();
    case 'uuid':
      return new arrow.FixedSizeBinary(16);
    case 'fixed':
      return new arrow.FixedSizeBinary(parseFixedLength(type)!);
    case 'decimal': {
      const { precision, scale } = parseDecimal(type)!;
      return new arrow.Decimal(scale, precision, 128);
    }
    default:
      throw new ValidationError(`column ${fieldName}: no Arrow type for Iceberg type ${type}`);
  }
}

function arrowField(field: NestedField): arrow.Field {
  return new arrow.Field(field.name, arrowTypeFor(field.type, field.name), !field.required, idMetadata(field.id));
}

/** The Arrow schema data files of this Iceberg schema are written with (field ids in metadata). */
export function icebergSchemaToArrow(schema: Schema): arrow.Schema {
  return new arrow.Schema(schema.fields.map(arrowField));
}

/*
 * Conforming a caller's batch to the table's Arrow schema. Columns are matched by name at every
 * level (struct children too) and re-labelled with the table's types, so every field carries its
 * Iceberg id. Representation differences that Iceberg does not see are converted: timestamps in
 * s/ms/ns become µs, LargeUtf8/LargeBinary become Utf8/Binary, dictionary-encoded columns are
 * decoded. Anything else that differs is a ValidationError naming the column path.
 */

type AnyData = arrow.Data<arrow.DataType>;

/** Timestamps must match in unit and in "has a zone" (the zone name itself is irrelevant: all UTC). */
function samePrimitive(expected: arrow.DataType, actual: arrow.DataType): boolean {
  if (arrow.DataType.isTimestamp(expected) && arrow.DataType.isTimestamp(actual)) {
    return expected.unit === actual.unit && Boolean(expected.timezone) === Boolean(actual.timezone);
  }
  // Types decoded from IPC (e.g. files read back) are generic classes (`Int_` with bitWidth 64, not
  // `Int64`), which compareTypes tells apart; equal ids and descriptions are the same primitive.
  if (arrow.util.compareTypes(expected, actual)) return true;
  const other: arrow.DataType = actual;
  return expected.typeId === other.typeId && String(expected) === String(other);
}

const MICROS_PER_UNIT: Record<number, { multiply: bigint; divide: bigint }> = {
  [arrow.TimeUnit.SECOND]: { multiply: 1_000_000n, divide: 1n },
  [arrow.TimeUnit.MILLISECOND]: { multiply: 1000n, divide: 1n },
  [arrow.TimeUnit.MICROSECOND]: { multiply: 1n, divide: 1n },
  [arrow.TimeUnit.NANOSECOND]: { multiply: 1n, divide: 1000n },
};

/** Validity of `data` as a fresh offset-0 bitmap (Arrow JS keeps the parent's bitmap on slices). */
function validityOf(data: AnyData): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((data.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < data.length; i++) {
    if (data.getValid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { bitmap, nullCount };
}

/** Iceberg timestamps are microseconds: rescale s/ms/ns columns (ns rounds toward -infinity). */
function toMicroseconds(data: AnyData, target: arrow.Timestamp): AnyData {
  const { multiply, divide } = MICROS_PER_UNIT[(data.type as arrow.Timestamp).unit]!;
  const values = new BigInt64Array(data.length);
  const source = data.values as BigInt64Array;
  const { bitmap, nullCount } = validityOf(data);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const v = source[i]! * multiply;
    const q = v / divide;
    values[i] = q * divide > v ? q - 1n : q;
  }
  return arrow.makeData({ type: target, length: data.length, nullCount, data: values, nullBitmap: bitmap }) as AnyData;
}

const MAX_INT32_OFFSET = 2 ** 31 - 1;

/** LargeUtf8/LargeBinary (64-bit offsets) → Utf8/Binary; value buffers are shared. */
function toSmallOffsets(data: AnyData, target: arrow.Utf8 | arrow.Binary, path: string): AnyData {
  const large = data.valueOffsets as unknown as BigInt64Array;
  const first = large[0]!;
  const span = large[data.length]! - first;
  if (span > BigInt(MAX_INT32_OFFSET)) {
    throw new ValidationError(`column ${path}: ${span} bytes in one batch exceed the 2 GiB of a Utf8/Binary column; send smaller batches`);
  }
  const offsets = new Int32Array(data.length + 1);
  for (let i = 0; i <= data.length; i++) offsets[i] = Number(large[i]! - first);
  const values = (data.values as Uint8Array).subarray(Number(first), Number(first + span));
  const { bitmap, nullCount } = validityOf(data);
  return arrow.makeData({ type: target, length: data.length, nullCount, valueOffsets: offsets, data: values, nullBitmap: bitmap } as never) as AnyData;
}

function decodeDictionary(data: AnyData, target: arrow.DataType): AnyData {
  return arrow.vectorFromArray([...arrow.makeVector(data)], target).data[0] as AnyData;
}

/** Conforms one column (any depth) to `target`; `path` names it in errors. */
function conformData(data: AnyData, target: arrow.Field, path: string): AnyData {
  const expected = target.type as arrow.DataType;
  let actual = data;
  if (arrow.DataType.isDictionary(actual.type)) {
    const dictionary = (actual.type as arrow.Dictionary).dictionary;
    if (samePrimitive(expected, dictionary) || (isLargeVariant(dictionary) && smallVariantMatches(expected, dictionary))) {
      actual = decodeDictionary(actual, dictionary);
    }
  }
  if (!target.nullable && actual.nullCount > 0) {
    throw new ValidationError(`column ${path} is required but has ${actual.nullCount} nulls`);
  }
  if (arrow.DataType.isStruct(expected)) {
    if (!arrow.DataType.isStruct(actual.type)) throw mismatch(path, expected, actual.type);
    const sourceFields = (actual.type as arrow.Struct).children;
    const known = new Set(expected.children.map((f) => f.name));
    const unknown = sourceFields.map((f) => f.name).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new ValidationError(`column ${path} has fields not in the table schema: ${unknown.join(', ')} (add them first)`);
    const children = expected.children.map((child) => {
      const index = sourceFields.findIndex((f) => f.name === child.name);
      if (index < 0) return missingColumn(child, actual.length, `${path}.${child.name}`);
      return conformNested(actual.children[index]!, child, `${path}.${child.name}`, actual);
    });
    return rebuildNested(actual, expected, children);
  }
  if (arrow.DataType.isList(expected)) {
    if (!arrow.DataType.isList(actual.type)) throw mismatch(path, expected, actual.type);
    const element = expected.children[0]!;
    const child = conformData(actual.children[0]!, element, `${path}.${LIST_ELEMENT_NAME}`);
    return rebuildNested(actual, expected, [child]);
  }
  if (arrow.DataType.isMap(expected)) {
    if (!arrow.DataType.isMap(actual.type)) throw mismatch(path, expected, actual.type);
    const entries = conformData(actual.children[0]!, expected.children[0]!, `${path}.key_value`);
    return rebuildNested(actual, expected, [entries]);
  }
  if (arrow.DataType.isTimestamp(expected) && arrow.DataType.isTimestamp(actual.type) && !samePrimitive(expected, actual.type)) {
    if (Boolean(expected.timezone) === Boolean(actual.type.timezone)) actual = toMicroseconds(actual, expected);
  }
  if ((arrow.DataType.isUtf8(expected) || arrow.DataType.isBinary(expected)) && smallVariantMatches(expected, actual.type)) {
    actual = toSmallOffsets(actual, expected, path);
  }
  if (!samePrimitive(expected, actual.type)) throw mismatch(path, expected, actual.type);
  return actual.type === expected ? actual : actual.clone(expected);
}

function isLargeVariant(type: arrow.DataType): boolean {
  return arrow.DataType.isLargeUtf8(type) || arrow.DataType.isLargeBinary(type);
}

function smallVariantMatches(expected: arrow.DataType, actual: arrow.DataType): boolean {
  return (arrow.DataType.isUtf8(expected) && arrow.DataType.isLargeUtf8(actual)) || (arrow.DataType.isBinary(expected) && arrow.DataType.isLargeBinary(actual));
}

/** A struct child inherits its parent's nulls: a required child may be null only where the parent is. */
function conformNested(child: AnyData, target: arrow.Field, path: string, parent: AnyData): AnyData {
  if (!target.nullable && child.nullCount > 0) {
    for (let i = 0; i < child.length; i++) {
      if (!child.getValid(i) && parent.getValid(i)) throw new ValidationError(`column ${path} is required but has nulls`);
    }
    return conformData(child, new arrow.Field(target.name, target.type, true, target.metadata), path).clone(target.type);
  }
  return conformData(child, target, path);
}

/** Nested data keeps its buffers; only the type (names, ids) and possibly converted children change. */
function rebuildNested(source: AnyData, type: arrow.DataType, children: AnyData[]): AnyData {
  const unchanged = children.every((child, i) => child === source.children[i]);
  if (unchanged) return source.clone(type);
  return source.clone(type, source.offset, source.length, source.nullCount, undefined, children);
}

function missingColumn(field: arrow.Field, length: number, path: string): AnyData {
  if (!field.nullable) throw new ValidationError(`batch lacks required column ${path}`);
  return arrow.makeData({ type: field.type, length, nullCount: length }) as AnyData;
}

function mismatch(path: string, expected: arrow.DataType, actual: arrow.DataType): ValidationError {
  return new ValidationError(`column ${path}: expected Arrow type ${String(expected)}, got ${String(actual)}`);
}

/**
 * Re-labels a caller's batch with the table's Arrow schema (names → field ids, at every nesting
 * level), checking each column's type (see above). Missing optional columns become all-null;
 * unknown columns are an error so data is never silently dropped (evolve the schema first).
 */
export function conformBatch(batch: arrow.RecordBatch, target: arrow.Schema): arrow.RecordBatch {
  const known = new Set(target.fields.map((f) => f.name));
  const unknown = batch.schema.fields.map((f) => f.name).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ValidationError(`batch has columns not in the table schema: ${unknown.join(', ')} (add them first)`);
  }
  const children = target.fields.map((field) => {
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    if (index < 0) return missingColumn(field, batch.numRows, field.name);
    return conformData(batch.data.children[index]! as AnyData, field, field.name);
  });
  const struct = arrow.makeData({
    type: new arrow.Struct(target.fields),
    length: batch.numRows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(target, struct);
}
