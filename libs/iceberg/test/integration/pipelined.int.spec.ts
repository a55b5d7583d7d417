import { ExactlyOnceWriter, type TableIdentifier } from '../../src';
import { eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

describe('pipelined commits against the real catalog', () => {
  const suite = useTestNamespace('it_iceberg_pipelined');
  const { namespace } = suite;

  it('lands every pipelined append as its own snapshot, in order, when queued appends share a catalog request', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await catalog.createTable(id, { schema: EVENTS_SCHEMA, partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] } });
    let requests = 0;
    // The real catalog, made slow enough that appends queue up behind each commit.
    const slowCatalog = {
      loadTable: catalog.loadTable.bind(catalog),
      commitTable: async (...args: Parameters<typeof catalog.commitTable>) => {
        requests++;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return catalog.commitTable(...args);
      },
    };
    const { writer } = await ExactlyOnceWriter.start<{ offset: number }>({ catalog: slowCatalog, io, identifier: id, writerId: 'pipe' });
    requests = 0;
    const pending = [];
    for (let offset = 1; offset <= 6; offset++) {
      await writer.write(eventBatch(makeRows(5, offset)));
      pending.push(writer.commit({ offset }));
    }
    await Promise.all(pending);
    expect(requests).toBeLessThan(6);

    const snapshots = (await catalog.loadTable(id)).metadata.snapshots!.slice(1); // after the epoch claim
    expect(snapshots.map((s) => JSON.parse(s.summary['retail.checkpoint']!).offset)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(snapshots.map((s) => s.summary['added-records'])).toEqual(['5', '5', '5', '5', '5', '5']);
    const [[count, snapshotCount]] = (await trinoRows(
      `SELECT (SELECT count(*) FROM ${fqn(id)}), (SELECT count(*) FROM iceberg."${namespace[0]}"."events$snapshots")`,
    )) as [[number, number]];
    expect([count, snapshotCount]).toEqual([30, 7]);
    const restarted = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'pipe' });
    expect(restarted.checkpoint).toEqual({ offset: 6 });
  });
});
