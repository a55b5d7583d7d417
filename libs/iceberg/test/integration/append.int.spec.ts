import { AlreadyExistsError, RestCatalog, TableWriter, type TableIdentifier } from '../../src';
import {
  endpoints,
  eventBatch,
  EVENTS_SCHEMA,
  fqn,
  makeRows,
  trinoRows,
  trinoTimestamp,
  useTestNamespace,
  type EventRow,
} from './support';

describe('partitioned appends read back by Trino', () => {
  const suite = useTestNamespace('it_iceberg_append', { purpose: 'integration test' });
  const { namespace } = suite;

  const expectedRows = (rows: EventRow[]) =>
    rows
      .map((r) => [r.storeId, r.cameraId, trinoTimestamp(r.tsMicros), r.count])
      .sort((a, b) => String(a[2]).localeCompare(String(b[2])) || String(a[0]).localeCompare(String(b[0])));

  it('writes identity + day + bucket partitions that Trino reads and prunes exactly', async () => {
    const { catalog, io } = suite;
    expect(await catalog.namespaceExists(namespace)).toBe(true);
    expect(await catalog.listNamespaces()).toContainEqual(namespace);
    const id: TableIdentifier = { namespace, name: 'events' };
    const table = await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: {
        fields: [
          { 'source-id': 1, name: 'store_id', transform: 'identity' },
          { 'source-id': 3, name: 'ts_day', transform: 'day' },
          { 'source-id': 2, name: 'camera_bucket', transform: 'bucket[4]' },
        ],
      },
      properties: { 'commit.retry.num-retries': '6' },
    });
    expect(await catalog.tableExists(id)).toBe(true);

    const writer = new TableWriter({ catalog, io, table });
    const first = makeRows(40, 1);
    const second = makeRows(25, 2);
    await writer.write(eventBatch(first.slice(0, 20)));
    await writer.write(eventBatch(first.slice(20)));
    const commit1 = await writer.commit({ summaryProperties: { 'it.batch': '1' } });
    await writer.write(eventBatch(second));
    const commit2 = await writer.commit();

    const all = [...first, ...second];
    const rows = await trinoRows(
      `SELECT store_id, camera_id, CAST(ts AS varchar), count FROM ${fqn(id)} ORDER BY 3, 1`,
    );
    expect(rows).toEqual(expectedRows(all));

    // Pruning on each partition transform must not lose rows: a wrong bucket or day would.
    for (const camera of [0, 3, 7]) {
      const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)} WHERE camera_id = ${camera}`)) as [[number]];
      expect(count).toBe(all.filter((r) => r.cameraId === camera).length);
    }
    const [[onDay]] = (await trinoRows(
      `SELECT count(*) FROM ${fqn(id)} WHERE ts >= TIMESTAMP '2024-05-02 00:00:00 UTC' AND ts < TIMESTAMP '2024-05-03 00:00:00 UTC'`,
    )) as [[number]];
    expect(onDay).toBe(all.filter((r) => r.tsMicros >= 1_714_608_000_000_000n && r.tsMicros < 1_714_694_400_000_000n).length);

    const snapshots = await trinoRows(`SELECT snapshot_id, parent_id, operation FROM ${fqn(id).replace(/"events"$/, '"events$snapshots"')} ORDER BY committed_at`);
    expect(snapshots).toEqual([
      [commit1.snapshotId, null, 'append'],
      [commit2.snapshotId, commit1.snapshotId, 'append'],
    ]);
    const summary = commit2.table.metadata.snapshots!.at(-1)!.summary;
    expect(summary).toMatchObject({ 'added-records': '25', 'total-records': '65', 'total-data-files': String(commit1.dataFiles.length + commit2.dataFiles.length) });

    // Bounds let Trino answer min/max per file; they must match the data.
    const [[minCount, maxCount]] = (await trinoRows(`SELECT min(count), max(count) FROM ${fqn(id)}`)) as [[number, number]];
    const counts = all.map((r) => r.count).filter((c): c is number => c !== null);
    expect([minCount, maxCount]).toEqual([Math.min(...counts), Math.max(...counts)]);
  });

  it('writes hour partitions', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'hourly' };
    const table = await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_hour', transform: 'hour' }] },
    });
    const writer = new TableWriter({ catalog, io, table });
    const rows = makeRows(10, 3);
    await writer.write(eventBatch(rows));
    const result = await writer.commit();
    expect(result.dataFiles.length).toBe(10); // one row per hour
    expect(result.dataFiles[0]!.filePath).toMatch(/\/data\/ts_hour=2024-05-01-00\//);
    const [[count]] = (await trinoRows(
      `SELECT count(*) FROM ${fqn(id)} WHERE ts >= TIMESTAMP '2024-05-01 03:00:00 UTC' AND ts < TIMESTAMP '2024-05-01 05:00:00 UTC'`,
    )) as [[number]];
    expect(count).toBe(2);
  });

  it('authenticates with OAuth2 client credentials', async () => {
    const viaOAuth = await RestCatalog.connect({
      uri: endpoints.catalogUrl,
      auth: { type: 'oauth2', clientId: 'retail-it', clientSecret: 'secret' },
    });
    expect(await viaOAuth.namespaceExists(namespace)).toBe(true);
  });

  it('creates tables idempotently with a sort order and properties, and drops them with purge', async () => {
    const { catalog } = suite;
    const id: TableIdentifier = { namespace, name: 'to_drop' };
    await catalog.ensureNamespace(namespace);
    const sortOrder = {
      'order-id': 1,
      fields: [{ 'source-id': 3, transform: 'identity', direction: 'asc' as const, 'null-order': 'nulls-first' as const }],
    };
    const created = await catalog.loadOrCreateTable(id, { schema: EVENTS_SCHEMA, sortOrder, properties: { owner: 'it' } });
    expect(created.metadata['sort-orders']).toContainEqual(sortOrder);
    expect(created.metadata.properties).toMatchObject({ owner: 'it' });
    const again = await catalog.loadOrCreateTable(id, { schema: EVENTS_SCHEMA });
    expect(again.metadata['table-uuid']).toBe(created.metadata['table-uuid']);
    await expect(catalog.createTable(id, { schema: EVENTS_SCHEMA })).rejects.toBeInstanceOf(AlreadyExistsError);
    await catalog.dropTable(id, { purge: true });
    expect(await catalog.tableExists(id)).toBe(false);
  });
});
