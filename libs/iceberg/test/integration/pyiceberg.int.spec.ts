import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { addColumns, currentSchema, loadOrCreateTableWithIds, TableWriter, type NestedField, type TableIdentifier } from '../../src';
import { endpoints, eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace, type EventRow } from './support';

/**
 * A second, independent reader: PyIceberg validates manifests and manifest lists on its own and
 * prunes files with partition values and column bounds, so wrong stats would lose rows here.
 */
const PYICEBERG_VERSION = '0.12.0';
const venv = path.join(process.env.STACK_CACHE_DIR ?? path.join(homedir(), '.cache', 'retail-lakehouse'), `pyiceberg-${PYICEBERG_VERSION}-venv`);
const python = path.join(venv, 'bin', 'python');

function ensurePyIceberg(): void {
  const ready = existsSync(python) && (() => {
    try {
      execFileSync(python, ['-c', 'import pyiceberg, pyarrow'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (ready) return;
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `pyiceberg[pyarrow]==${PYICEBERG_VERSION}`], {
    stdio: 'inherit',
    timeout: 240_000,
  });
}

const pyCatalog = () => ({
  type: 'rest',
  uri: endpoints.catalogUrl,
  's3.endpoint': endpoints.s3Endpoint,
  's3.access-key-id': endpoints.s3AccessKeyId,
  's3.secret-access-key': endpoints.s3SecretAccessKey,
  's3.region': endpoints.s3Region,
});

/** A contract's v1 (ids with gaps, a struct) and what v2 adds: optional fields with their own ids, one inside the struct. */
const V1_FIELDS: NestedField[] = [
  { id: 1, name: 'event_id', required: true, type: 'string' },
  { id: 4, name: 'place', required: false, type: { type: 'struct', fields: [{ id: 5, name: 'aisle', required: false, type: 'string' }] } },
];
const V2_ADDITIONS = [
  { id: 6, name: 'shelf', type: 'int' as const, parentId: 4 },
  { id: 9, name: 'zone', type: 'string' as const },
  { id: 7, name: 'tags', type: { type: 'list' as const, 'element-id': 8, element: 'string' as const, 'element-required': true } },
];

function placeType(withShelf: boolean): arrow.Struct {
  return new arrow.Struct([
    new arrow.Field('aisle', new arrow.Utf8(), true),
    ...(withShelf ? [new arrow.Field('shelf', new arrow.Int32(), true)] : []),
  ]);
}

describe('tables written by @retail/iceberg read back with PyIceberg', () => {
  const suite = useTestNamespace('it_iceberg_py');
  const { namespace } = suite;

  beforeAll(() => ensurePyIceberg(), 300_000);

  it('returns exactly the rows written and prunes with partitions and bounds without losing any', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    const table = await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: {
        fields: [
          { 'source-id': 3, name: 'ts_day', transform: 'day' },
          { 'source-id': 2, name: 'camera_bucket', transform: 'bucket[3]' },
        ],
      },
    });
    const writer = new TableWriter({ catalog, io, table });
    const first = makeRows(30, 4);
    const second = makeRows(12, 9);
    await writer.write(eventBatch(first));
    await writer.commit();
    await writer.write(eventBatch(second));
    await writer.commit();
    const all: EventRow[] = [...first, ...second];

    const config = {
      catalog: pyCatalog(),
      table: `${namespace[0]}.events`,
      filters: ['camera_id == 3', 'count >= 100', "store_id == 'store-1'", "ts >= '2024-05-02T00:00:00+00:00'"],
    };
    const output = execFileSync(python, [path.join(__dirname, 'pyiceberg_read.py'), JSON.stringify(config)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const seen = JSON.parse(output) as { rows: [string, number, string, number | null][]; filtered: Record<string, number> };

    const key = (r: [string, number, string, number | null]) => r.join('|');
    const expected = all.map((r): [string, number, string, number | null] => [r.storeId, r.cameraId, String(r.tsMicros), r.count]);
    expect(seen.rows.map(key).sort()).toEqual(expected.map(key).sort());
    expect(seen.filtered).toEqual({
      'camera_id == 3': all.filter((r) => r.cameraId === 3).length,
      'count >= 100': all.filter((r) => r.count !== null && r.count >= 100).length,
      "store_id == 'store-1'": all.filter((r) => r.storeId === 'store-1').length,
      "ts >= '2024-05-02T00:00:00+00:00'": all.filter((r) => r.tsMicros >= 1_714_608_000_000_000n).length,
    });
  });

  it('reads old and new rows after columns were added with a contract\'s field ids (nested included), as Trino does', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'evolved' };
    const created = await loadOrCreateTableWithIds(catalog, id, { fields: V1_FIELDS });
    const writer = new TableWriter({ catalog, io, table: created });
    await writer.write(
      new arrow.Table({
        event_id: arrow.vectorFromArray(['old-1', 'old-2'], new arrow.Utf8()),
        place: arrow.vectorFromArray([{ aisle: 'a1' }, null], placeType(false)),
      }).batches[0]!,
    );
    await writer.commit();

    const evolved = await addColumns(catalog, id, V2_ADDITIONS);
    expect(evolved.metadata['last-column-id']).toBe(9);
    writer.refresh(evolved);
    await writer.write(
      new arrow.Table({
        event_id: arrow.vectorFromArray(['new-1', 'new-2'], new arrow.Utf8()),
        place: arrow.vectorFromArray([{ aisle: 'a2', shelf: 3 }, { aisle: null, shelf: 4 }], placeType(true)),
        zone: arrow.vectorFromArray(['entrance', null], new arrow.Utf8()),
        tags: arrow.vectorFromArray([['promo', 'new'], []], new arrow.List(new arrow.Field('element', new arrow.Utf8(), false))),
      }).batches[0]!,
    );
    await writer.commit();
    expect(currentSchema((await catalog.loadTable(id)).metadata).fields.map((f) => [f.id, f.name])).toEqual([
      [1, 'event_id'],
      [4, 'place'],
      [9, 'zone'],
      [7, 'tags'],
    ]);

    const expected = [
      ['new-1', { aisle: 'a2', shelf: 3 }, 'entrance', ['promo', 'new']],
      ['new-2', { aisle: null, shelf: 4 }, null, []],
      ['old-1', { aisle: 'a1', shelf: null }, null, null],
      ['old-2', null, null, null],
    ];
    const output = execFileSync(
      python,
      [path.join(__dirname, 'pyiceberg_rows.py'), JSON.stringify({ catalog: pyCatalog(), table: `${namespace[0]}.evolved`, columns: ['event_id', 'place', 'zone', 'tags'] })],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const seen = JSON.parse(output) as { rows: { event_id: string; place: unknown; zone: unknown; tags: unknown }[]; ids: Record<string, number> };
    expect(seen.ids).toEqual({ event_id: 1, place: 4, 'place.aisle': 5, 'place.shelf': 6, zone: 9, tags: 7 });
    const pyRows = seen.rows.map((r) => [r.event_id, r.place, r.zone, r.tags]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(pyRows).toEqual(expected);

    const trino = await trinoRows(`SELECT event_id, place.aisle, place.shelf, zone, tags FROM ${fqn(id)} ORDER BY event_id`);
    expect(trino).toEqual([
      ['new-1', 'a2', 3, 'entrance', ['promo', 'new']],
      ['new-2', null, 4, null, []],
      ['old-1', 'a1', null, null, null],
      ['old-2', null, null, null, null],
    ]);
  });
});
