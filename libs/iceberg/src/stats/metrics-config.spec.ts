import { ConfigurationError } from '../errors';
import type { NestedField, Schema, SortOrder } from '../spec/types';
import { fieldIdsByColumnName, metricsConfigForTable, metricsConfigFromProperties, parseMetricsMode } from './metrics-config';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'bbox', required: false, type: { type: 'struct', fields: [{ id: 5, name: 'x', required: true, type: 'float' }, { id: 6, name: 'label', required: false, type: 'string' }] } },
    { id: 3, name: 'tags', required: false, type: { type: 'list', 'element-id': 7, 'element-required': false, element: 'string' } },
    { id: 4, name: 'attrs', required: false, type: { type: 'map', 'key-id': 8, key: 'string', 'value-id': 9, 'value-required': false, value: 'long' } },
    { id: 10, name: 'note', required: false, type: 'string' },
  ],
};

describe('parseMetricsMode', () => {
  it('reads the four modes, case-insensitively', () => {
    expect(parseMetricsMode('none', 'p')).toEqual({ kind: 'none' });
    expect(parseMetricsMode('Counts', 'p')).toEqual({ kind: 'counts' });
    expect(parseMetricsMode('FULL', 'p')).toEqual({ kind: 'full' });
    expect(parseMetricsMode('truncate(8)', 'p')).toEqual({ kind: 'truncate', length: 8 });
    expect(parseMetricsMode('Truncate(1)', 'p')).toEqual({ kind: 'truncate', length: 1 });
  });

  it.each(['', 'some', 'truncate(0)', 'truncate()', 'truncate(-1)', 'truncate(1.5)', 'truncate[4]', 'truncate(99999999999999999999)'])(
    'refuses %j naming the property and the accepted forms',
    (raw) => {
      const parse = () => parseMetricsMode(raw, 'write.metadata.metrics.column.note');
      expect(parse).toThrow(ConfigurationError);
      expect(parse).toThrow(`write.metadata.metrics.column.note=${raw} is invalid`);
      expect(parse).toThrow('`none`, `counts`, `truncate(N)` with N ≥ 1, or `full`');
    },
  );
});

describe('fieldIdsByColumnName', () => {
  it('names nested fields with dots, list elements and map keys/values as Iceberg does', () => {
    expect(Object.fromEntries(fieldIdsByColumnName(schema))).toEqual({
      id: 1,
      bbox: 2,
      'bbox.x': 5,
      'bbox.label': 6,
      tags: 3,
      'tags.element': 7,
      attrs: 4,
      'attrs.key': 8,
      'attrs.value': 9,
      note: 10,
    });
  });
});

describe('metricsConfigFromProperties', () => {
  it('is truncate(16) everywhere without properties', () => {
    const config = metricsConfigFromProperties({}, schema);
    for (const id of [1, 5, 6, 7, 8, 9, 10]) expect(config.modeOf(id)).toEqual({ kind: 'truncate', length: 16 });
  });

  it('applies the default property and per-column overrides by full column name', () => {
    const config = metricsConfigFromProperties(
      {
        'write.metadata.metrics.default': 'counts',
        'write.metadata.metrics.column.note': 'none',
        'write.metadata.metrics.column.bbox.x': 'full',
        'write.metadata.metrics.column.tags.element': 'none',
        'write.metadata.metrics.column.attrs.value': 'truncate(4)',
      },
      schema,
    );
    expect(config.modeOf(1)).toEqual({ kind: 'counts' });
    expect(config.modeOf(10)).toEqual({ kind: 'none' });
    expect(config.modeOf(5)).toEqual({ kind: 'full' });
    expect(config.modeOf(6)).toEqual({ kind: 'counts' });
    expect(config.modeOf(7)).toEqual({ kind: 'none' });
    expect(config.modeOf(8)).toEqual({ kind: 'counts' });
    expect(config.modeOf(9)).toEqual({ kind: 'truncate', length: 4 });
  });

  it('does not pass a struct-level mode down to its fields (modes are per leaf name)', () => {
    const config = metricsConfigFromProperties({ 'write.metadata.metrics.column.bbox': 'none' }, schema);
    expect(config.modeOf(5)).toEqual({ kind: 'truncate', length: 16 });
  });

  it('ignores a per-column property naming no column of the schema', () => {
    const config = metricsConfigFromProperties({ 'write.metadata.metrics.column.gone': 'none' }, schema);
    for (const id of [1, 5, 10]) expect(config.modeOf(id)).toEqual({ kind: 'truncate', length: 16 });
  });

  it('refuses invalid values of any of the properties', () => {
    expect(() => metricsConfigFromProperties({ 'write.metadata.metrics.default': 'bounds' }, schema)).toThrow('write.metadata.metrics.default=bounds is invalid');
    // even for a column the schema does not have: the value is wrong whatever it names
    expect(() => metricsConfigFromProperties({ 'write.metadata.metrics.column.gone': 'truncate(0)' }, schema)).toThrow(ConfigurationError);
    for (const raw of ['-1', 'many', '', '2.5']) {
      expect(() => metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': raw }, schema)).toThrow(
        `write.metadata.metrics.max-inferred-column-defaults=${raw} is invalid: set it to a non-negative integer`,
      );
    }
  });

  describe('max-inferred-column-defaults', () => {
    const wide: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'a', required: false, type: 'int' },
        { id: 2, name: 's', required: false, type: { type: 'struct', fields: [{ id: 5, name: 'x', required: false, type: 'int' }, { id: 6, name: 'y', required: false, type: 'int' }] } },
        { id: 3, name: 'b', required: false, type: 'int' },
        { id: 4, name: 'c', required: false, type: 'int' },
      ],
    };

    it('gives the default to the first N top-level columns with everything nested in them, none to the rest', () => {
      const config = metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': '2' }, wide);
      expect([1, 5, 6].map((id) => config.modeOf(id))).toEqual(Array(3).fill({ kind: 'truncate', length: 16 }));
      expect([3, 4].map((id) => config.modeOf(id))).toEqual(Array(2).fill({ kind: 'none' }));
    });

    it('lets a per-column property override the inferred none', () => {
      const config = metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': '2', 'write.metadata.metrics.column.c': 'counts' }, wide);
      expect(config.modeOf(3)).toEqual({ kind: 'none' });
      expect(config.modeOf(4)).toEqual({ kind: 'counts' });
    });

    it('does nothing when the schema is within the limit or a default is set', () => {
      const within = metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': '4' }, wide);
      expect(within.modeOf(4)).toEqual({ kind: 'truncate', length: 16 });
      const explicit = metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': '1', 'write.metadata.metrics.default': 'full' }, wide);
      expect(explicit.modeOf(4)).toEqual({ kind: 'full' });
    });

    it('defaults to 100 top-level columns', () => {
      const fields: NestedField[] = Array.from({ length: 101 }, (_, i) => ({ id: i + 1, name: `c${i}`, required: false, type: 'int' }));
      const config = metricsConfigFromProperties({}, { type: 'struct', 'schema-id': 0, fields });
      expect(config.modeOf(100)).toEqual({ kind: 'truncate', length: 16 });
      expect(config.modeOf(101)).toEqual({ kind: 'none' });
    });
  });

  describe('sort-key columns', () => {
    const order: SortOrder = {
      'order-id': 1,
      fields: [
        { 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        { 'source-id': 10, transform: 'bucket[4]', direction: 'asc', 'null-order': 'nulls-first' },
      ],
    };

    it('get truncate(16) when the default records no bounds, unless set per column', () => {
      const config = metricsConfigFromProperties({ 'write.metadata.metrics.default': 'none', 'write.metadata.metrics.column.note': 'counts' }, schema, order);
      expect(config.modeOf(1)).toEqual({ kind: 'truncate', length: 16 });
      expect(config.modeOf(10)).toEqual({ kind: 'counts' }); // bucket does not preserve order: not promoted
      expect(config.modeOf(5)).toEqual({ kind: 'none' });
    });

    it('keep a default that records bounds', () => {
      expect(metricsConfigFromProperties({ 'write.metadata.metrics.default': 'full' }, schema, order).modeOf(1)).toEqual({ kind: 'full' });
    });

    it('come from the table default sort order', () => {
      const metadata = {
        'format-version': 2,
        'table-uuid': 'u',
        location: 'mem://t',
        'last-updated-ms': 0,
        'last-column-id': 10,
        'current-schema-id': 0,
        schemas: [schema],
        'default-spec-id': 0,
        'partition-specs': [{ 'spec-id': 0, fields: [] }],
        'last-partition-id': 999,
        'default-sort-order-id': 1,
        'sort-orders': [{ 'order-id': 0, fields: [] }, order],
        properties: { 'write.metadata.metrics.default': 'counts' },
      };
      const config = metricsConfigForTable(metadata, schema);
      expect(config.modeOf(1)).toEqual({ kind: 'truncate', length: 16 });
      expect(config.modeOf(6)).toEqual({ kind: 'counts' });
    });
  });
});
