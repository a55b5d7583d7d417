import * as arrow from 'apache-arrow';
import {
  addColumns,
  COMMIT_ID_PROPERTY,
  ExactlyOnceWriter,
  FencedError,
  recoverCheckpoint,
  TableWriter,
  type TableIdentifier,
} from '../../src';
import { connectCatalog, eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

describe('schema evolution, concurrent writers and fencing against the real catalog', () => {
  const suite = useTestNamespace('it_iceberg_evolve');
  const { namespace } = suite;

  it('adds an optional column that Trino shows, null for older rows', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'evolving' };
    const table = await catalog.createTable(id, { schema: EVENTS_SCHEMA });
    const writer = new TableWriter({ catalog, io, table });
    await writer.write(eventBatch(makeRows(3, 1)));
    await writer.commit();

    const evolved = await addColumns(catalog, id, [{ name: 'zone', type: 'string' }]);
    expect(evolved.metadata.schemas).toHaveLength(2);
    writer.refresh(evolved);
    const rows = makeRows(2, 5);
    const base = eventBatch(rows);
    const withZone = new arrow.Table({
      ...Object.fromEntries(base.schema.fields.map((f, i) => [f.name, base.getChildAt(i)!])),
      zone: arrow.vectorFromArray(['entrance', 'checkout'], new arrow.Utf8()),
    }).batches[0]!;
    await writer.write(withZone);
    await writer.commit();

    const columns = await trinoRows(`SHOW COLUMNS FROM ${fqn(id)}`);
    expect(columns.map((c) => c[0])).toEqual(['store_id', 'camera_id', 'ts', 'count', 'zone']);
    const zones = await trinoRows(`SELECT zone, count(*) FROM ${fqn(id)} GROUP BY zone ORDER BY zone NULLS FIRST`);
    expect(zones).toEqual([
      [null, 3],
      ['checkout', 1],
      ['entrance', 1],
    ]);
  });

  it('loses no commit when two writers append to one table concurrently', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'contended' };
    await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] },
      properties: { 'commit.retry.num-retries': '20', 'commit.retry.min-wait-ms': '20', 'commit.retry.max-wait-ms': '500' },
    });
    const commitsPerWriter = 4;
    const rowsPerCommit = 10;
    let retries = 0;
    // Both writers load the table before either commits, so their first commits share a base and
    // one of them must hit a 409 and re-apply: contention is guaranteed, not left to timing.
    const openWriter = async (): Promise<TableWriter> => {
      const ownCatalog = await connectCatalog(); // separate clients, as separate services would have
      const table = await ownCatalog.loadTable(id);
      return new TableWriter({ catalog: ownCatalog, io, table, commit: { onRetry: () => void retries++ } });
    };
    const writers = await Promise.all([openWriter(), openWriter()]);
    const runWriter = async (writer: TableWriter, seed: number): Promise<string[]> => {
      const markers: string[] = [];
      for (let i = 0; i < commitsPerWriter; i++) {
        await writer.write(eventBatch(makeRows(rowsPerCommit, seed * 100 + i)));
        const result = await writer.commit({ summaryProperties: { 'it.writer': String(seed) } });
        markers.push(result.table.metadata.snapshots!.find((s) => s['snapshot-id'] === result.snapshotId)!.summary[COMMIT_ID_PROPERTY]!);
      }
      return markers;
    };
    const markers = (await Promise.all([runWriter(writers[0], 1), runWriter(writers[1], 2)])).flat();
    expect(retries).toBeGreaterThan(0);

    const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
    expect(count).toBe(2 * commitsPerWriter * rowsPerCommit);
    const metadata = (await catalog.loadTable(id)).metadata;
    const landed = metadata.snapshots!.map((s) => s.summary[COMMIT_ID_PROPERTY]);
    expect(landed.sort()).toEqual([...markers].sort());
    expect(metadata.snapshots!.at(-1)!.summary['total-records']).toBe(String(count));
  });

  it('fences a zombie writer and recovers the newest checkpoint', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'fenced' };
    await catalog.createTable(id, { schema: EVENTS_SCHEMA });
    const options = { catalog, io, identifier: id, writerId: 'camera-ingest-7' };
    const zombie = await ExactlyOnceWriter.start<{ offset: number }>(options);
    expect(zombie).toMatchObject({ epoch: 1, checkpoint: null });
    await zombie.writer.write(eventBatch(makeRows(5, 1)));
    await zombie.writer.commit({ offset: 5 });

    const successor = await ExactlyOnceWriter.start<{ offset: number }>(options);
    expect(successor).toMatchObject({ epoch: 2, checkpoint: { offset: 5 } });
    await zombie.writer.write(eventBatch(makeRows(5, 2)));
    await expect(zombie.writer.commit({ offset: 10 })).rejects.toBeInstanceOf(FencedError);
    await successor.writer.write(eventBatch(makeRows(5, 2)));
    await successor.writer.commit({ offset: 10 });

    expect(await recoverCheckpoint(catalog, id, 'camera-ingest-7')).toMatchObject({ epoch: 2, checkpoint: { offset: 10 } });
    const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
    expect(count).toBe(10);
  });
});
