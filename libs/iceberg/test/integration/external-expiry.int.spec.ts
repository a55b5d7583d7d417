import { BasicAuth, Trino } from 'trino-client';
import { ExactlyOnceWriter, FencedError, TableWriter, type TableIdentifier } from '../../src';
import { endpoints, eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

/**
 * Trino's own `expire_snapshots` knows nothing of writer ids: with a zero retention it keeps only
 * the current snapshot. Session property lowering its 7-day minimum retention for this query.
 */
async function trinoExpireEverything(table: string): Promise<void> {
  const client = Trino.create({
    server: endpoints.trinoUrl,
    catalog: 'iceberg',
    auth: new BasicAuth('retail'),
    session: { 'iceberg.expire_snapshots_min_retention': '0s' },
  });
  for await (const page of await client.query(`ALTER TABLE ${table} EXECUTE expire_snapshots(retention_threshold => '0s')`)) {
    if (page.error) throw new Error(`${page.error.errorName}: ${page.error.message}`);
  }
}

describe('exactly-once state survives snapshot expiry by another engine (Trino)', () => {
  const suite = useTestNamespace('it_iceberg_ext_expire');
  const { namespace } = suite;

  it('a restarted writer resumes at its checkpoint with a higher epoch, and the zombie stays fenced', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await catalog.createTable(id, { schema: EVENTS_SCHEMA });
    const plain = async (seed: number) => {
      const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
      await writer.write(eventBatch(makeRows(1, seed)));
      await writer.commit();
    };
    const snapshotsOf = async () => (await catalog.loadTable(id)).metadata.snapshots ?? [];

    const zombie = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'w' });
    await zombie.writer.write(eventBatch(makeRows(3, 1)));
    await zombie.writer.commit({ offset: 3 });
    await plain(90); // someone else's snapshot becomes the head
    await trinoExpireEverything(fqn(id));
    const left = await snapshotsOf();
    expect(left).toHaveLength(1);
    expect(left[0]!.summary['retail.writer-id']).toBeUndefined();

    const successor = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'w' });
    expect(successor.checkpoint).toEqual({ offset: 3 });
    expect(successor.epoch).toBe(2);
    await plain(91);
    await trinoExpireEverything(fqn(id)); // the successor's epoch claim goes as well
    expect((await snapshotsOf()).some((s) => s.summary['retail.writer-id'] !== undefined)).toBe(false);

    await zombie.writer.write(eventBatch(makeRows(2, 2)));
    await expect(zombie.writer.commit({ offset: 5 })).rejects.toBeInstanceOf(FencedError);
    await successor.writer.write(eventBatch(makeRows(2, 3)));
    await successor.writer.commit({ offset: 5 });

    const again = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io, identifier: id, writerId: 'w' });
    expect(again).toMatchObject({ epoch: 3, checkpoint: { offset: 5 } });
    const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
    expect(count).toBe(3 + 1 + 1 + 2);
  });
});
