import type * as arrow from 'apache-arrow';
import { partitionKey, partitionTuple, type BoundPartitionSpec } from '../spec/partition';
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

function sameTuple(a: PartitionTuple, b: PartitionTuple): boolean {
  for (let i = 0; i < a.length; i++) if (!samePartitionValue(a[i] as IcebergValue | null, b[i] as IcebergValue | null)) return false;
  return true;
}

/**
 * Splits a conformed batch by partition. Rows are grouped into runs of consecutive rows with the
 * same partition and each run becomes a zero-copy slice, which keeps µs timestamps and every other
 * value exact; time-ordered streams (day/hour partitions) produce few, long runs. Rows compare
 * their partition values with the run's directly; the map key is built once per run.
 */
export function splitByPartition(batch: arrow.RecordBatch, schema: Schema, spec: BoundPartitionSpec): PartitionSlice[] {
  if (spec.fields.length === 0) return [{ key: '[]', tuple: [], batch }];
  const sourceColumns = spec.fields.map((field) => {
    const index = schema.fields.findIndex((f) => f.id === field.sourceId);
    return readColumn(batch.getChildAt(index)!, field.sourceType);
  });
  const slices: PartitionSlice[] = [];
  const close = (tuple: PartitionTuple, start: number, end: number) =>
    slices.push({ key: partitionKey(tuple), tuple, batch: batch.slice(start, end) });
  let runStart = 0;
  let runTuple: PartitionTuple | undefined;
  for (let row = 0; row < batch.numRows; row++) {
    const tuple = partitionTuple(spec, sourceColumns.map((column) => (column[row] ?? null) as IcebergValue | null));
    if (runTuple === undefined) {
      runTuple = tuple;
    } else if (!sameTuple(tuple, runTuple)) {
      close(runTuple, runStart, row);
      runStart = row;
      runTuple = tuple;
    }
  }
  if (runTuple !== undefined) close(runTuple, runStart, batch.numRows);
  return slices;
}
