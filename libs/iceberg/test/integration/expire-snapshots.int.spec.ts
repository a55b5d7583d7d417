import { ExactlyOnceWriter, expireSnapshots, TableWriter, type TableIdentifier } from '../../src';
import { eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

describe('snapshot expiry against the real catalog', () => {
  const suite = useTestNamespace('it_iceberg_expire');
  const { namespace } = suite;

  it('expires old snapshots and their manifest lists; Trino still reads every row and writers still recover', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] },
    });
    // Writer "early" commits once and goes quiet; writer "busy" commits four times after it.
    const early = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'early' });
    await early.writer.write(eventBatch(makeRows(3, 1)));
    await early.writer.commit({ offset: 3 });
    const busy = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'busy' });
    for (let i = 1; i <= 4; i++) {
      await busy.writer.write(eventBatch(makeRows(2, 10 + i)));
      await busy.writer.commit({ offset: i });
    }
    // A plain writer on top: the writers' snapshots are no longer the newest.
    const plain = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
    await plain.write(eventBatch(makeRows(1, 99)));
    await plain.commit();
    const before = (await catalog.loadTable(id)).metadata.snapshots!;
    expect(before).toHaveLength(8); // 2 epoch claims + 1 + 4 + 1

    const result = await expireSnapshots({ catalog, io, identifier: id, retainLast: 1 });

    // Only early's epoch claim goes (its newer checkpoint snapshot carries epoch 1 too): recovery walks
    // main down to early's checkpoint, so everything above it stays.
    expect(result.expiredSnapshotIds).toEqual([before[0]!['snapshot-id']]);
    expect(result.deletedManifestLists).toBe(1);
    expect(result.deletedDataFiles).toBe(0);
    expect(await io.exists(before[0]!['manifest-list'])).toBe(false);
    const after = (await catalog.loadTable(id)).metadata;
    expect(after.snapshots!.map((s) => s['snapshot-id'])).toEqual(before.slice(1).map((s) => s['snapshot-id']));

    // The quiet writer's old checkpoint pins the chain; once it commits again, the old chain can go.
    const earlyAgain = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'early' });
    expect(earlyAgain.checkpoint).toEqual({ offset: 3 });
    expect(earlyAgain.epoch).toBe(2);
    await earlyAgain.writer.write(eventBatch(makeRows(1, 50)));
    await earlyAgain.writer.commit({ offset: 4 });
    const second = await expireSnapshots({ catalog, io, identifier: id, retainLast: 1 });
    const remaining = (await catalog.loadTable(id)).metadata.snapshots!;
    // Left: busy's newest checkpoint (its epoch too), then the plain append, then early's claim and commit.
    expect(second.expiredSnapshotIds).toHaveLength(5);
    expect(second.deletedDataFiles).toBe(0);
    expect(remaining).toHaveLength(4);

    const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
    expect(count).toBe(3 + 4 * 2 + 1 + 1);

    const busyAgain = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'busy' });
    expect(busyAgain.checkpoint).toEqual({ offset: 4 });
    expect(busyAgain.epoch).toBe(2);
    const earlyThird = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'early' });
    expect(earlyThird.checkpoint).toEqual({ offset: 4 });
    expect(earlyThird.epoch).toBe(3);
  });
});
