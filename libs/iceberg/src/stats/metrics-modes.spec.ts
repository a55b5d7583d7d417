import * as arrow from 'apache-arrow';
import { conformBatch, icebergSchemaToArrow } from '../parquet/arrow-schema';
import { deserializeValue } from '../spec/single-value';
import type { Schema } from '../spec/types';
import { MetricsCollector, type FileMetrics } from './column-stats';
import { metricsConfigFromProperties } from './metrics-config';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'score', required: false, type: 'double' },
    { id: 4, name: 'bbox', required: false, type: { type: 'struct', fields: [{ id: 6, name: 'x', required: true, type: 'float' }, { id: 7, name: 'label', required: false, type: 'string' }] } },
    { id: 5, name: 'tags', required: false, type: { type: 'list', 'element-id': 8, 'element-required': false, element: 'string' } },
  ],
};

const LONG_NAME = 'abcdefghijklmnopqrstuvwxyz'; // 26 characters: longer than the default 16

function batch(): arrow.RecordBatch {
  const bbox = new arrow.Struct([new arrow.Field('x', new arrow.Float32(), false), new arrow.Field('label', new arrow.Utf8(), true)]);
  const table = new arrow.Table({
    id: arrow.vectorFromArray([5n, -2n, 9n], new arrow.Int64()),
    name: arrow.vectorFromArray([LONG_NAME, null, 'b'], new arrow.Utf8()),
    score: arrow.vectorFromArray([1.5, NaN, null], new arrow.Float64()),
    bbox: arrow.vectorFromArray([{ x: 0.5, label: 'door' }, null, { x: 0.25, label: null }], bbox),
    tags: arrow.vectorFromArray([['a', null], [], ['c']], new arrow.List(new arrow.Field('item', new arrow.Utf8(), true))),
  });
  return conformBatch(table.batches[0]!, icebergSchemaToArrow(schema));
}

function collect(properties: Record<string, string>): FileMetrics {
  const collector = new MetricsCollector(schema, metricsConfigFromProperties(properties, schema));
  collector.add(batch());
  collector.add(batch());
  return collector.metrics();
}

const LEAVES = [1, 2, 3, 6, 7, 8];

function keys(map: Map<number, unknown>): number[] {
  return [...map.keys()].sort((a, b) => a - b);
}

describe('MetricsCollector metrics modes', () => {
  it('records the same metrics under an explicit truncate(16) default as without properties', () => {
    const implicit = collect({});
    expect(collect({ 'write.metadata.metrics.default': 'truncate(16)' })).toEqual(implicit);
    expect(keys(implicit.valueCounts)).toEqual(LEAVES);
    expect(keys(implicit.lowerBounds)).toEqual([1, 2, 3, 6, 7]); // list elements have counts only
    expect(deserializeValue('string', implicit.lowerBounds.get(2)!)).toBe('abcdefghijklmnop');
    expect(deserializeValue('string', implicit.upperBounds.get(2)!)).toBe('b');
  });

  it('none: the column has no entry in any map', () => {
    const m = collect({ 'write.metadata.metrics.column.name': 'none' });
    for (const map of [m.valueCounts, m.nullValueCounts, m.nanValueCounts, m.lowerBounds, m.upperBounds]) expect(map.has(2)).toBe(false);
    expect(m.valueCounts.get(1)).toBe(6);
    expect(m.recordCount).toBe(6);
  });

  it('none: the column is never read', () => {
    const collector = new MetricsCollector(schema, metricsConfigFromProperties({ 'write.metadata.metrics.column.name': 'none' }, schema));
    const real = batch();
    const children = [...real.data.children];
    children[1] = new Proxy(children[1]!, {
      get() {
        throw new Error('the none column was read');
      },
    });
    const spied = { numRows: real.numRows, data: { children } } as unknown as arrow.RecordBatch;
    collector.add(spied);
    expect(collector.metrics().valueCounts.get(1)).toBe(3);
    // the same batch with the default config does read it (the trap works)
    expect(() => new MetricsCollector(schema).add(spied)).toThrow('the none column was read');
  });

  it('counts: value, null and NaN counts without bounds', () => {
    const m = collect({ 'write.metadata.metrics.default': 'counts' });
    expect(Object.fromEntries(m.valueCounts)).toEqual({ 1: 6, 2: 6, 3: 6, 6: 6, 7: 6, 8: 6 });
    expect(Object.fromEntries(m.nullValueCounts)).toEqual({ 1: 0, 2: 2, 3: 2, 6: 2, 7: 4, 8: 2 });
    expect(Object.fromEntries(m.nanValueCounts)).toEqual({ 3: 2, 6: 0 });
    expect(m.lowerBounds.size).toBe(0);
    expect(m.upperBounds.size).toBe(0);
    // counts equal those of the default mode
    const full = collect({});
    expect(m.valueCounts).toEqual(full.valueCounts);
    expect(m.nullValueCounts).toEqual(full.nullValueCounts);
    expect(m.nanValueCounts).toEqual(full.nanValueCounts);
  });

  it('truncate(N): string bounds cut to N characters, other types exact', () => {
    const m = collect({ 'write.metadata.metrics.default': 'truncate(3)' });
    expect(deserializeValue('string', m.lowerBounds.get(2)!)).toBe('abc');
    expect(deserializeValue('string', m.upperBounds.get(2)!)).toBe('b');
    expect(deserializeValue('long', m.lowerBounds.get(1)!)).toBe(-2n);
    expect(deserializeValue('long', m.upperBounds.get(1)!)).toBe(9n);
    const upperOnly = collect({ 'write.metadata.metrics.column.name': 'truncate(1)' });
    expect(deserializeValue('string', upperOnly.lowerBounds.get(2)!)).toBe('a');
    expect(deserializeValue('string', upperOnly.upperBounds.get(2)!)).toBe('b');
  });

  it('full: exact string bounds', () => {
    const m = collect({ 'write.metadata.metrics.column.name': 'full' });
    expect(deserializeValue('string', m.lowerBounds.get(2)!)).toBe(LONG_NAME);
    expect(deserializeValue('string', m.upperBounds.get(2)!)).toBe('b');
    expect(deserializeValue('string', m.lowerBounds.get(7)!)).toBe('door'); // other columns keep the default
  });

  it('nested struct fields take their own mode by dotted path; nulls of the parent still count', () => {
    const m = collect({ 'write.metadata.metrics.column.bbox.x': 'counts', 'write.metadata.metrics.column.bbox.label': 'none' });
    expect(m.valueCounts.get(6)).toBe(6);
    expect(m.nullValueCounts.get(6)).toBe(2); // bbox is null in one row of each batch
    expect(m.lowerBounds.has(6)).toBe(false);
    expect(m.valueCounts.has(7)).toBe(false);
    expect(deserializeValue('long', m.lowerBounds.get(1)!)).toBe(-2n);
  });

  it('list element columns: none drops them, counts keeps their counts', () => {
    expect(collect({ 'write.metadata.metrics.column.tags.element': 'none' }).valueCounts.has(8)).toBe(false);
    const counted = collect({ 'write.metadata.metrics.default': 'none', 'write.metadata.metrics.column.tags.element': 'counts' });
    expect(Object.fromEntries(counted.valueCounts)).toEqual({ 8: 6 });
    expect(Object.fromEntries(counted.nullValueCounts)).toEqual({ 8: 2 });
    // full does not add bounds inside lists (Iceberg keeps none there)
    expect(collect({ 'write.metadata.metrics.column.tags.element': 'full' }).lowerBounds.has(8)).toBe(false);
  });

  it('counts of sliced batches match the values', () => {
    const collector = new MetricsCollector(schema, metricsConfigFromProperties({ 'write.metadata.metrics.default': 'counts' }, schema));
    const whole = batch();
    collector.add(whole.slice(0, 1));
    collector.add(whole.slice(1, 3));
    const m = collector.metrics();
    expect(Object.fromEntries(m.nullValueCounts)).toEqual({ 1: 0, 2: 1, 3: 1, 6: 1, 7: 2, 8: 1 });
    expect(Object.fromEntries(m.valueCounts)).toEqual({ 1: 3, 2: 3, 3: 3, 6: 3, 7: 3, 8: 3 });
  });
});
