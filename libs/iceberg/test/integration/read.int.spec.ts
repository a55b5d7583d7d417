import { readTable, planScan, TableWriter, type TableIdentifier } from '../../src';
import { eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

describe('reading tables back with the library reader', () => {
  const suite = useTestNamespace('it_iceberg_read');
  const { namespace } = suite;

  it('returns the rows Trino returns, for files written by us and by Trino, and prunes by day and store', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: {
        fields: [
          { 'source-id': 1, name: 'store_id', transform: 'identity' },
          { 'source-id': 3, name: 'ts_day', transform: 'day' },
        ],
      },
    });
    const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
    const rows = makeRows(30, 4); // two days, stores 0-2
    await writer.write(eventBatch(rows));
    await writer.commit();
    await trinoRows(`INSERT INTO ${fqn(id)} VALUES ('store-9', 5, TIMESTAMP '2024-05-03 10:00:00.000001 UTC', NULL)`);
    const { metadata } = await catalog.loadTable(id);

    const all = await readTable({ io, metadata });
    const trino = await trinoRows(`SELECT store_id, camera_id, count FROM ${fqn(id)}`);
    const key = (r: unknown[]) => JSON.stringify([r[0], Number(r[1]), r[2] === null ? null : Number(r[2])]);
    expect(all.toArray().map((r) => key([r.store_id, r.camera_id, r.count])).sort()).toEqual(trino.map((r) => key(r)).sort());

    const store1 = await readTable({ io, metadata, filter: [{ column: 'store_id', op: 'eq', value: 'store-1' }] });
    expect(new Set(store1.toArray().map((r) => r.store_id))).toEqual(new Set(['store-1']));
    expect(store1.numRows).toBe(rows.filter((r) => r.storeId === 'store-1').length);

    const day3 = await planScan({ io, metadata, filter: [{ column: 'ts', op: 'gte', value: new Date('2024-05-03T00:00:00Z') }] });
    expect(day3.files.map((f) => f.partition[0])).toEqual(['store-9']);
    expect(day3.skippedFiles).toBeGreaterThan(0);
  });
});
