import * as arrow from 'apache-arrow';
import { conformBatch, icebergSchemaToArrow } from '../parquet/arrow-schema';
import { deserializeValue } from '../spec/single-value';
import type { Schema } from '../spec/types';
import { MetricsCollector, truncateUpperBound } from './column-stats';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'ts', required: false, type: 'timestamptz' },
    { id: 4, name: 'score', required: false, type: 'double' },
  ],
};

function batch(): arrow.RecordBatch {
  const ts = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: 3,
    nullCount: 1,
    data: BigInt64Array.of(1_000_001n, 0n, -5n),
    nullBitmap: Uint8Array.of(0b101),
  });
  const table = arrow.tableFromArrays({
    id: BigInt64Array.of(3n, -7n, 12n),
    name: ['bob', null, 'alice'],
    score: Float64Array.of(1.5, NaN, -2),
  });
  const columns = {
    id: table.getChild('id')!,
    name: table.getChild('name')!,
    ts: arrow.makeVector(ts),
    score: table.getChild('score')!,
  };
  return conformBatch(new arrow.Table(columns).batches[0]!, icebergSchemaToArrow(schema));
}

describe('MetricsCollector', () => {
  it('computes counts and single-value serialized bounds from Arrow vectors', () => {
    const collector = new MetricsCollector(schema);
    collector.add(batch());
    collector.add(batch());
    const m = collector.metrics();
    expect(m.recordCount).toBe(6);
    expect(Object.fromEntries(m.valueCounts)).toEqual({ 1: 6, 2: 6, 3: 6, 4: 6 });
    expect(Object.fromEntries(m.nullValueCounts)).toEqual({ 1: 0, 2: 2, 3: 2, 4: 0 });
    expect(Object.fromEntries(m.nanValueCounts)).toEqual({ 4: 2 });
    expect(deserializeValue('long', m.lowerBounds.get(1)!)).toBe(-7n);
    expect(deserializeValue('long', m.upperBounds.get(1)!)).toBe(12n);
    expect(deserializeValue('string', m.lowerBounds.get(2)!)).toBe('alice');
    expect(deserializeValue('string', m.upperBounds.get(2)!)).toBe('bob');
    // microsecond precision survives (Arrow JS get() would round to milliseconds)
    expect(deserializeValue('timestamptz', m.lowerBounds.get(3)!)).toBe(-5n);
    expect(deserializeValue('timestamptz', m.upperBounds.get(3)!)).toBe(1_000_001n);
    expect(deserializeValue('double', m.lowerBounds.get(4)!)).toBe(-2);
    expect(deserializeValue('double', m.upperBounds.get(4)!)).toBe(1.5);
  });

  it('truncates long string upper bounds to a larger prefix', () => {
    expect(truncateUpperBound('string', 'abcdefghijklmnopqrstu', 16)).toBe('abcdefghijklmnoq');
    expect(truncateUpperBound('string', 'short', 16)).toBe('short');
    expect(truncateUpperBound('binary', Uint8Array.of(1, 0xff, 0xff), 2)).toEqual(Uint8Array.of(2));
  });
});

describe('conformBatch', () => {
  it('rejects unknown columns and wrong types, fills missing optional columns', () => {
    const target = icebergSchemaToArrow(schema);
    const extra = arrow.tableFromArrays({ id: BigInt64Array.of(1n), other: Int32Array.of(1) }).batches[0]!;
    expect(() => conformBatch(extra, target)).toThrow('other');
    const wrong = arrow.tableFromArrays({ id: Int32Array.of(1) }).batches[0]!;
    expect(() => conformBatch(wrong, target)).toThrow('column id');
    const onlyId = arrow.tableFromArrays({ id: BigInt64Array.of(1n, 2n) }).batches[0]!;
    const conformed = conformBatch(onlyId, target);
    expect(conformed.numCols).toBe(4);
    expect(conformed.getChild('name')!.nullCount).toBe(2);
    expect(conformed.schema.fields[1]!.metadata.get('PARQUET:field_id')).toBe('2');
  });
});

describe('conformBatch timestamp units', () => {
  it('rescales millisecond and nanosecond timestamps to microseconds', () => {
    const target = icebergSchemaToArrow({ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'ts', required: false, type: 'timestamptz' }] });
    const ms = arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: 3, nullCount: 1, data: BigInt64Array.of(1500n, 0n, -1n), nullBitmap: Uint8Array.of(0b101) });
    const fromMs = conformBatch(new arrow.Table({ ts: arrow.makeVector(ms) }).batches[0]!, target);
    expect(Array.from(fromMs.getChild('ts')!.data[0]!.values as BigInt64Array)).toEqual([1_500_000n, 0n, -1000n]);
    expect(fromMs.getChild('ts')!.nullCount).toBe(1);
    expect(fromMs.getChild('ts')!.isValid(1)).toBe(false);
    const ns = arrow.makeData({ type: new arrow.TimestampNanosecond('UTC'), length: 2, nullCount: 0, data: BigInt64Array.of(1999n, -1n) });
    const fromNs = conformBatch(new arrow.Table({ ts: arrow.makeVector(ns) }).batches[0]!.slice(0, 2), target);
    expect(Array.from(fromNs.getChild('ts')!.data[0]!.values as BigInt64Array)).toEqual([1n, -1n]);
  });
});

describe('64-bit bounds', () => {
  it('orders longs across the sign and the 32-bit halves, over several batches, skipping nulls', () => {
    const longSchema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'v', required: false, type: 'long' }] };
    const target = icebergSchemaToArrow(longSchema);
    const of = (values: (bigint | null)[]) =>
      conformBatch(new arrow.Table({ v: arrow.vectorFromArray(values, new arrow.Int64()) }).batches[0]!, target);
    const collector = new MetricsCollector(longSchema);
    collector.add(of([-5n, 3n, -(2n ** 40n), null, 4_294_967_295n]));
    collector.add(of([2n ** 40n + 7n, -1n, null]));
    collector.add(of([-(2n ** 63n) + 1n, 4_294_967_296n]));
    const metrics = collector.metrics();
    expect(deserializeValue('long', metrics.lowerBounds.get(1)!)).toBe(-(2n ** 63n) + 1n);
    expect(deserializeValue('long', metrics.upperBounds.get(1)!)).toBe(2n ** 40n + 7n);
    expect(metrics.nullValueCounts.get(1)).toBe(2);
    expect(metrics.valueCounts.get(1)).toBe(10);
  });
});

