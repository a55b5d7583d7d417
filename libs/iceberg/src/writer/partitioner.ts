import type * as arrow from 'apache-arrow';
import { partitionKey, partitionTuple, type BoundPartitionField, type BoundPartitionSpec } from '../spec/partition';
import { applyTransform } from '../spec/transforms';
import type { PartitionTuple, Schema } from '../spec/types';
import { readColumn } from '../stats/arrow-values';
import type { IcebergValue } from '../spec/values';

export interface PartitionSlice {
  key: string;
  tuple: PartitionTuple;
  batch: arrow.RecordBatch;
}

/** Equality of two partition values (bytes by content; bigints, numbers and strings by value). */
function samePartitionValue(a: IcebergValue | null, b: IcebergValue | null): boolean {
  if (a === b) return true;
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const MICROS_PER_UNIT: Partial<Record<string, bigint>> = { day: 86_400_000_000n, hour: 3_600_000_000n };

/**
 * Tells whether a row's source value lands in the same partition value as the row that opened
 * the current run, cheaply: raw equality for identity, a [start, end) range check for day/hour of
 * a timestamp (no division per row), the transform itself otherwise.
 */
function runMatcher(field: BoundPartitionField, first: IcebergValue | null, firstResult: IcebergValue | null): (value: IcebergValue | null) => boolean {
  if (field.transform.kind === 'identity') return (value) => samePartitionValue(value, first);
  const unit = MICROS_PER_UNIT[field.transform.kind];
  const family = field.sourceType.replace(/\(.*$/, '');
  if (unit !== undefined && (family === 'timestamp' || family === 'timestamptz') && typeof firstResult === 'number') {
    const start = BigInt(firstResult) * unit;
    const end = start + unit;
    return (value) => typeof value === 'bigint' && value >= start && value < end;
  }
  return (value) => samePartitionValue(applyTransform(field.transform, field.sourceType, value), firstResult);
}

/**
 * Splits a conformed batch by partition. Rows are grouped into runs of consecutive rows with the
 * same partition and each run becomes a zero-copy slice, which keeps µs timestamps and every other
 * value exact; time-ordered streams (day/hour partitions) produce few, long runs. Within a run,
 * rows are only checked against the run's partition (see `runMatcher`); tuples and map keys are
 * built once per run.
 */
export function splitByPartition(batch: arrow.RecordBatch, schema: Schema, spec: BoundPartitionSpec): PartitionSlice[] {
  if (spec.fields.length === 0) return [{ key: '[]', tuple: [], batch }];
  const sourceColumns = spec.fields.map((field) => {
    const index = schema.fields.findIndex((f) => f.id === field.sourceId);
    return readColumn(batch.getChildAt(index)!, field.sourceType);
  });
  const slices: PartitionSlice[] = [];
  let runStart = 0;
  let runTuple: PartitionTuple = [];
  let matchers: ((value: IcebergValue | null) => boolean)[] = [];
  const open = (row: number) => {
    const values = sourceColumns.map((column) => (column[row] ?? null) as IcebergValue | null);
    runStart = row;
    runTuple = partitionTuple(spec, values);
    matchers = spec.fields.map((field, i) => runMatcher(field, values[i]!, runTuple[i] as IcebergValue | null));
  };
  const close = (end: number) => slices.push({ key: partitionKey(runTuple), tuple: runTuple, batch: batch.slice(runStart, end) });
  if (batch.numRows > 0) open(0);
  for (let row = 1; row < batch.numRows; row++) {
    let same = true;
    for (let i = 0; i < matchers.length && same; i++) same = matchers[i]!((sourceColumns[i]![row] ?? null) as IcebergValue | null);
    if (same) continue;
    close(row);
    open(row);
  }
  if (batch.numRows > 0) close(batch.numRows);
  return slices;
}
