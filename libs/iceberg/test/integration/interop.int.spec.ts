import { TableWriter, type TableIdentifier } from '../../src';
import { eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

describe('sharing a table with Trino writes', () => {
  const suite = useTestNamespace('it_iceberg_interop');
  const { namespace } = suite;

  it('appends on top of snapshots Trino committed (64-bit snapshot ids) and carries their manifests', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'shared' };
    await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] },
    });
    await trinoRows(`INSERT INTO ${fqn(id)} VALUES ('trino', 1, TIMESTAMP '2024-05-01 10:00:00.000001 UTC', 7)`);

    const loaded = await catalog.loadTable(id);
    const trinoSnapshot = loaded.metadata.snapshots![0]!;
    const writer = new TableWriter({ catalog, io, table: loaded });
    await writer.write(eventBatch(makeRows(6, 1)));
    const ours = await writer.commit();
    const head = ours.table.metadata.snapshots!.at(-1)!;
    expect(head['parent-snapshot-id']).toBe(trinoSnapshot['snapshot-id']);
    expect(head.summary['total-records']).toBe('7');

    await trinoRows(`INSERT INTO ${fqn(id)} VALUES ('trino', 2, TIMESTAMP '2024-05-03 10:00:00 UTC', NULL)`);
    writer.refresh(await catalog.loadTable(id));
    await writer.write(eventBatch(makeRows(4, 2)));
    await writer.commit();

    const [[total, fromTrino]] = (await trinoRows(
      `SELECT count(*), count_if(store_id = 'trino') FROM ${fqn(id)}`,
    )) as [[number, number]];
    expect([total, fromTrino]).toEqual([12, 2]);
    const history = await trinoRows(`SELECT count(*) FROM iceberg."${namespace[0]}"."shared$snapshots"`);
    expect(history).toEqual([[4]]);
  });
});
