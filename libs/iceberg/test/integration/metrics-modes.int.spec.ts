import * as arrow from 'apache-arrow';
import { currentSchema, readManifest, readManifestList, TableWriter, type DataFile, type TableIdentifier } from '../../src';
import { fqn, trinoRows, useTestNamespace } from './support';

const SCHEMA = {
  type: 'struct' as const,
  fields: [
    { id: 1, name: 'store_id', required: true, type: 'string' as const },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' as const },
    { id: 3, name: 'note', required: false, type: 'string' as const },
    {
      id: 4,
      name: 'bbox',
      required: false,
      type: { type: 'struct' as const, fields: [{ id: 5, name: 'x', required: true, type: 'double' as const }] },
    },
  ],
};

const BASE_MICROS = 1_714_521_600_000_000n; // 2024-05-01 00:00 UTC

function rowsBatch(n: number, offset: number): arrow.RecordBatch {
  const ts = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: n,
    nullCount: 0,
    data: BigInt64Array.from({ length: n }, (_, i) => BASE_MICROS + BigInt(offset + i) * 1_000_000n),
  });
  const bbox = new arrow.Struct([new arrow.Field('x', new arrow.Float64(), false)]);
  return new arrow.Table({
    store_id: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `store-${(offset + i) % 3}`), new arrow.Utf8()),
    ts: arrow.makeVector(ts),
    note: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => ((offset + i) % 4 === 0 ? null : `note ${offset + i}`)), new arrow.Utf8()),
    bbox: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => ({ x: (offset + i) / 10 })), bbox),
  }).batches[0]!;
}

describe('column metrics modes from table properties', () => {
  const suite = useTestNamespace('it_iceberg_metrics');

  it('writes the metrics the properties ask for, and Trino reads the table and its files', async () => {
    const { catalog, io, namespace } = suite;
    const id: TableIdentifier = { namespace, name: 'notes' };
    const created = await catalog.createTable(id, {
      schema: SCHEMA,
      properties: {
        'write.metadata.metrics.default': 'counts',
        'write.metadata.metrics.column.note': 'none',
        'write.metadata.metrics.column.ts': 'truncate(16)',
        'write.metadata.metrics.column.bbox.x': 'full',
      },
    });
    // The catalog assigns its own field ids: look them up by name.
    const fields = currentSchema(created.metadata).fields;
    const idOf = (name: string) => fields.find((f) => f.name === name)!.id;
    const bboxType = fields.find((f) => f.name === 'bbox')!.type as { fields: { id: number }[] };
    const [storeId, tsId, noteId, bboxXId] = [idOf('store_id'), idOf('ts'), idOf('note'), bboxType.fields[0]!.id];

    const writer = new TableWriter({ catalog, io, table: created });
    await writer.write(rowsBatch(30, 0));
    await writer.write(rowsBatch(20, 30));
    const { table } = await writer.commit();

    const head = table.metadata.snapshots!.at(-1)!;
    const manifests = readManifestList(await io.read(head['manifest-list']));
    const files: DataFile[] = [];
    for (const manifest of manifests) files.push(...readManifest(await io.read(manifest.manifestPath)).entries.map((e) => e.dataFile));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect([...file.valueCounts!.keys()].sort()).toEqual([storeId, tsId, bboxXId].sort());
      expect(file.nullValueCounts!.has(noteId)).toBe(false);
      expect([...(file.lowerBounds ?? new Map()).keys()].sort()).toEqual([tsId, bboxXId].sort());
      expect([...(file.upperBounds ?? new Map()).keys()].sort()).toEqual([tsId, bboxXId].sort());
      expect(file.nanValueCounts!.get(bboxXId)).toBe(0);
    }

    // Trino reads the same manifests...
    const filesTable = fqn(id).replace(/"notes"$/, '"notes$files"');
    const described = await trinoRows(
      `SELECT contains(map_keys(value_counts), ${noteId}), contains(map_keys(value_counts), ${storeId}), ` +
        `coalesce(cardinality(lower_bounds), 0), record_count FROM ${filesTable}`,
    );
    expect(described).toEqual(files.map((f) => [false, true, 2, f.recordCount]));
    // ...and the table: every row, filters on columns with and without metrics.
    const [[count, notes]] = (await trinoRows(`SELECT count(*), count(note) FROM ${fqn(id)}`)) as [[number, number]];
    expect([count, notes]).toEqual([50, 37]);
    const [[withNote]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)} WHERE note = 'note 7'`)) as [[number]];
    expect(withNote).toBe(1);
    const [[late]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)} WHERE ts >= TIMESTAMP '2024-05-01 00:00:40 UTC' AND bbox.x < 4.5`)) as [[number]];
    expect(late).toBe(5); // rows 40..44
  });
});
