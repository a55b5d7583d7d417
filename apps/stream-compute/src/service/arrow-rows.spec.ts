// The contract's own fixtures (every field type; a sample of each output record): relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { arrowRecordBatchOf, DeadLetter, ItemCount, LateEvent, LineCrossing, QueueAlert, SilverDetection, ZoneDwell, type RecordType } from '@retail/schema';
import { ALL_TYPES_ROWS, AllTypes } from '../../../../libs/schema/src/test-support/all-types';
import {
  sampleItemCount,
  sampleLateEvent,
  sampleLineCrossing,
  sampleQueueAlert,
  sampleSilverDetection,
  sampleZoneDwell,
} from '../../../../libs/schema/src/test-support/compute-samples';
import { sampleDeadLetter } from '../../../../libs/schema/src/test-support/samples';
import { recordBatchOfRows } from './arrow-rows';

const ipc = (batch: RecordBatch) => Buffer.from(tableToIPC(new Table(batch.schema, [batch]), 'stream'));

describe('recordBatchOfRows', () => {
  const cases: [string, RecordType, object[]][] = [
    ['every field type, with nulls', AllTypes as unknown as RecordType, ALL_TYPES_ROWS],
    ['silver.detections', SilverDetection as unknown as RecordType, [sampleSilverDetection(), sampleSilverDetection({ track_id: null, zone_ids: [], store_name: 'Zürich Ost' })]],
    ['gold.item_counts', ItemCount as unknown as RecordType, [sampleItemCount(), sampleItemCount({ item_name: 'cart' })]],
    ['gold.zone_dwell', ZoneDwell as unknown as RecordType, [sampleZoneDwell()]],
    ['gold.line_crossings', LineCrossing as unknown as RecordType, [sampleLineCrossing()]],
    ['gold.queue_alerts', QueueAlert as unknown as RecordType, [sampleQueueAlert()]],
    ['ops.late_events', LateEvent as unknown as RecordType, [sampleLateEvent()]],
    ['ops.dead_letters', DeadLetter as unknown as RecordType, [sampleDeadLetter(), sampleDeadLetter({ raw_payload: new Uint8Array([0, 255, 7]) })]],
  ];

  it.each(cases)('builds the same Arrow data as the contract\'s builder: %s', (_name, record, rows) => {
    const ours = recordBatchOfRows(record, rows as Record<string, unknown>[]);
    expect(ours.numRows).toBe(rows.length);
    expect(ipc(ours).equals(ipc(arrowRecordBatchOf(record, rows as never)))).toBe(true);
  });

  it('builds an empty batch and refuses a missing required value, naming the column', () => {
    expect(recordBatchOfRows(ItemCount as unknown as RecordType, []).numRows).toBe(0);
    const broken = { ...sampleItemCount(), store_id: null } as unknown as Record<string, unknown>;
    expect(() => recordBatchOfRows(ItemCount as unknown as RecordType, [broken])).toThrow(/store_id: required but null in row 0/);
  });
});

describe('recordBatchOfRows 64-bit columns', () => {
  it('writes negative, large and boundary values like BigInt would', () => {
    const values = [0, -1, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_777_593_600_123_456];
    const rows = values.map((big) => ({ ...ALL_TYPES_ROWS[0]!, big, at: Math.abs(big) }));
    const batch = recordBatchOfRows(AllTypes as unknown as RecordType, rows as unknown as Record<string, unknown>[]);
    expect(Array.from({ length: values.length }, (_, i) => batch.getChild('big')!.get(i) as bigint)).toEqual(values.map((v) => BigInt(v)));
    expect(ipc(batch).equals(ipc(arrowRecordBatchOf(AllTypes, rows as never)))).toBe(true);
  });
});
