import { Table, type RecordBatch } from 'apache-arrow';
import type { RecordType } from '../definition/define-record';
import type { Fields, RecordOf } from '../definition/types';
import { recordBatchOfRows } from './row-builder';

/**
 * One RecordBatch holding `records`, with the record type's Arrow schema (field ids included).
 * Timestamps keep their microseconds (Arrow's own builders take milliseconds). Records should be
 * valid (validated, or built by typed code); a missing required value throws SchemaError
 * INVALID_RECORD naming its path and row. For rows arriving one at a time, see RecordColumns.
 */
export function arrowRecordBatchOf<F extends Fields>(record: RecordType<F>, records: readonly RecordOf<F>[]): RecordBatch {
  return recordBatchOfRows(record as unknown as RecordType, records as readonly Record<string, unknown>[]);
}

/** An Arrow Table of `records` (one batch). */
export function arrowTableOf<F extends Fields>(record: RecordType<F>, records: readonly RecordOf<F>[]): Table {
  return new Table([arrowRecordBatchOf(record, records)]);
}
