import { ValidationError } from '../errors';
import { compareValues } from '../spec/compare';
import { isPrimitive } from '../spec/schema';
import { deserializeValue } from '../spec/single-value';
import { applyTransform } from '../spec/transforms';
import type { BoundPartitionSpec } from '../spec/partition';
import type { DataFile, ManifestFile, PrimitiveType, Schema } from '../spec/types';
import { typeFamily, type IcebergValue } from '../spec/values';

/**
 * One condition on a top-level primitive column. Values use the column's Iceberg representation
 * (long/timestamp µs as bigint, date as days, strings, ...); a `Date` is accepted for timestamp and
 * date columns.
 */
export type ScanPredicate =
  | { column: string; op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte'; value: IcebergValue | Date }
  | { column: string; op: 'in'; values: (IcebergValue | Date)[] };

/** A predicate resolved against the schema: field id, type, and value(s) as Iceberg values. */
export interface BoundPredicate {
  fieldId: number;
  type: PrimitiveType;
  op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';
  values: IcebergValue[];
}

const MS_PER_DAY = 86_400_000;

function toIcebergValue(type: PrimitiveType, value: IcebergValue | Date): IcebergValue {
  if (!(value instanceof Date)) return value;
  const family = typeFamily(type);
  if (family === 'timestamp' || family === 'timestamptz') return BigInt(value.getTime()) * 1000n;
  if (family === 'date') return Math.floor(value.getTime() / MS_PER_DAY);
  throw new ValidationError(`a Date does not compare with column type ${type}`);
}

export function bindPredicates(schema: Schema, predicates: ScanPredicate[]): BoundPredicate[] {
  return predicates.map((predicate) => {
    const field = schema.fields.find((f) => f.name === predicate.column);
    if (!field) throw new ValidationError(`filter column "${predicate.column}" is not a top-level column of the table`);
    if (!isPrimitive(field.type)) throw new ValidationError(`filter column "${predicate.column}" is not a primitive column`);
    const type = field.type;
    const raw = predicate.op === 'in' ? predicate.values : [predicate.value];
    return { fieldId: field.id, type, op: predicate.op, values: raw.map((v) => toIcebergValue(type, v)) };
  });
}

/** Whether some value in [lower, upper] can satisfy the predicate (unknown bounds: yes). */
function rangeMayMatch(p: Pick<BoundPredicate, 'op' | 'values'>, type: PrimitiveType, lower: IcebergValue | null, upper: IcebergValue | null): boolean {
  const cmp = (a: IcebergValue, b: IcebergValue) => compareValues(type, a, b);
  const within = (v: IcebergValue) => (lower === null || cmp(v, lower) >= 0) && (upper === null || cmp(v, upper) <= 0);
  const v = p.values[0]!;
  switch (p.op) {
    case 'eq':
      return within(v);
    case 'in':
      return p.values.some(within);
    case 'lt':
      return lower === null || cmp(lower, v) < 0;
    case 'lte':
      return lower === null || cmp(lower, v) <= 0;
    case 'gt':
      return upper === null || cmp(upper, v) > 0;
    case 'gte':
      return upper === null || cmp(upper, v) >= 0;
  }
}

/** Transforms that keep order (so a range of the source maps onto a range of partition values). */
const ORDER_PRESERVING = new Set(['identity', 'day', 'hour', 'month', 'year']);

/**
 * The predicate as it applies to a partition field with `transform`: the same for identity; for
 * day/hour/month/year, strict bounds become inclusive (`ts < 2024-05-02T10:00` may still match
 * rows on day 2024-05-02). Undefined when the partition field says nothing about the predicate.
 */
function onPartition(p: BoundPredicate, field: BoundPartitionSpec['fields'][number]): Pick<BoundPredicate, 'op' | 'values'> | undefined {
  if (field.sourceId !== p.fieldId || !ORDER_PRESERVING.has(field.transform.kind)) return undefined;
  const values = p.values.map((v) => applyTransform(field.transform, field.sourceType, v)!);
  if (field.transform.kind === 'identity') return { op: p.op, values };
  const op = p.op === 'lt' ? 'lte' : p.op === 'gt' ? 'gte' : p.op;
  return { op, values };
}

/** False when the manifest's partition summaries prove none of its files can match. */
export function manifestMayMatch(manifest: ManifestFile, spec: BoundPartitionSpec | undefined, predicates: BoundPredicate[]): boolean {
  if (!spec || !manifest.partitions) return true;
  return predicates.every((p) =>
    spec.fields.every((field, i) => {
      const applied = onPartition(p, field);
      const summary = manifest.partitions![i];
      if (!applied || !summary) return true;
      if (!summary.lowerBound && !summary.upperBound) return true; // no bounds written: nothing proven
      const lower = summary.lowerBound ? deserializeValue(field.resultType, summary.lowerBound) : null;
      const upper = summary.upperBound ? deserializeValue(field.resultType, summary.upperBound) : null;
      return rangeMayMatch(applied, field.resultType, lower, upper);
    }),
  );
}

/** False when the file's partition values or column bounds prove no row can match. */
export function dataFileMayMatch(file: DataFile, spec: BoundPartitionSpec | undefined, predicates: BoundPredicate[]): boolean {
  return predicates.every((p) => {
    if (spec) {
      for (let i = 0; i < spec.fields.length; i++) {
        const field = spec.fields[i]!;
        const applied = onPartition(p, field);
        if (!applied) continue;
        const value = (file.partition[i] ?? null) as IcebergValue | null;
        if (value === null) return false; // a comparison never matches null
        if (!rangeMayMatch(applied, field.resultType, value, value)) return false;
      }
    }
    const values = file.valueCounts?.get(p.fieldId);
    const nulls = file.nullValueCounts?.get(p.fieldId);
    if (values !== undefined && nulls !== undefined && values === nulls && values > 0) return false; // all null
    const lowerBytes = file.lowerBounds?.get(p.fieldId);
    const upperBytes = file.upperBounds?.get(p.fieldId);
    const lower = lowerBytes ? deserializeValue(p.type, lowerBytes) : null;
    const upper = upperBytes ? deserializeValue(p.type, upperBytes) : null;
    return rangeMayMatch(p, p.type, lower, upper);
  });
}
