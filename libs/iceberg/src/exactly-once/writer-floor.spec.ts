import * as arrow from 'apache-arrow';
import { FencedError } from '../errors';
import type { Schema, Snapshot, TableMetadata } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { ExactlyOnceWriter } from '../writer/exactly-once-writer';
import { checkpointProperties, latestCheckpoint, latestCheckpointsByWriter, latestWriterSnapshot } from './checkpoint';
import { assertNotFenced, nextEpoch } from './fencing';
import { floorPropertyOf, writerFloor, writerFloorProperty, writerFloors } from './writer-floor';
import { mainAt, tableMetadataOf } from '../spec/table-metadata.spec-helper';

function snap(id: number, parent: number | undefined, summary: Record<string, string>): Snapshot {
  const s: Snapshot = { 'snapshot-id': id, 'sequence-number': id, 'timestamp-ms': id, 'manifest-list': '', summary: { operation: 'append', ...summary } };
  if (parent !== undefined) s['parent-snapshot-id'] = parent;
  return s;
}

function table(snapshots: Snapshot[], main: number, properties: Record<string, string> = {}): TableMetadata {
  return tableMetadataOf(snapshots, mainAt(main), { properties });
}

/** The floor property `A` would have left with a commit of `epoch`/`checkpoint` as snapshot `seq`. */
function floorOf(writerId: string, seq: number, epoch: number, checkpoint?: unknown): Record<string, string> {
  const [key, value] = floorPropertyOf(snap(seq, undefined, checkpointProperties(writerId, epoch, checkpoint)))!;
  return { [key]: value };
}

describe('writer floors (table properties that outlive snapshot expiry)', () => {
  it('round-trips epoch, checkpoint and position, and ignores snapshots without a writer', () => {
    const m = table([], 0, { ...floorOf('A', 7, 3, { offset: 42 }), ...floorOf('B', 9, 1), 'retail.writer-floor.C': 'not json' });
    expect(writerFloor(m, 'A')).toEqual({ writerId: 'A', epoch: 3, checkpoint: { offset: 42 }, snapshotId: 7, sequenceNumber: 7, timestampMs: 7 });
    expect(writerFloor(m, 'B')).toMatchObject({ epoch: 1, checkpoint: null });
    expect([...writerFloors(m).keys()].sort()).toEqual(['A', 'B']);
    expect(floorPropertyOf(snap(1, undefined, {}))).toBeUndefined();
  });

  it('keeps snapshot ids above 2^53 exact', () => {
    const big = { ...snap(1, undefined, checkpointProperties('A', 1, 5)), 'snapshot-id': 9_007_199_254_740_993n };
    const [key, value] = floorPropertyOf(big)!;
    expect(writerFloor(table([], 0, { [key]: value }), 'A')?.snapshotId).toBe(9_007_199_254_740_993n);
  });

  it('recovers epoch and checkpoint from the floor when every snapshot of the writer expired', () => {
    // Only B's snapshot 12 is left; A's floor says epoch 2, checkpoint 20 at sequence 10.
    const m = table([snap(12, 11, checkpointProperties('B', 1, { offset: 1 }))], 12, floorOf('A', 10, 2, { offset: 20 }));
    expect(latestCheckpoint(m, 'A')).toMatchObject({ epoch: 2, checkpoint: { offset: 20 } });
    expect(nextEpoch(m, 'A')).toBe(3);
    expect(() => assertNotFenced(m, 'A', 1)).toThrow(FencedError);
    expect(() => assertNotFenced(m, 'A', 2)).not.toThrow();
    expect(latestCheckpointsByWriter(m)).toEqual(
      new Map([
        ['B', expect.objectContaining({ checkpoint: { offset: 1 } })],
        ['A', expect.objectContaining({ checkpoint: { offset: 20 } })],
      ]),
    );
  });

  it('takes the newer of history and floor, and the higher epoch of the two', () => {
    // History is newer (a writer version that did not set floors committed after the floor).
    const m = table([snap(5, undefined, checkpointProperties('A', 1, { offset: 50 }))], 5, floorOf('A', 3, 2, { offset: 30 }));
    expect(latestCheckpoint(m, 'A')).toMatchObject({ checkpoint: { offset: 50 }, epoch: 2 });
    expect(latestWriterSnapshot(m, 'A')?.epoch).toBe(2);
    // A claim's floor without checkpoint does not hide the checkpoint in history.
    const claim = table([snap(5, undefined, checkpointProperties('A', 1, { offset: 50 }))], 5, floorOf('A', 6, 2));
    expect(latestCheckpoint(claim, 'A')).toMatchObject({ checkpoint: { offset: 50 } });
    expect(nextEpoch(claim, 'A')).toBe(3);
  });
});

describe('ExactlyOnceWriter with floors', () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] };
  const id = { namespace: ['db'], name: 't' };
  const batch = (...ids: bigint[]) => arrow.tableFromArrays({ id: BigInt64Array.from(ids) }).batches[0]!;
  const commit = { sleep: async () => undefined };

  it('sets the floor in the commit of the data, and survives the expiry of every snapshot', async () => {
    const catalog = new FakeCatalog(schema);
    const options = { catalog, io: catalog.io, identifier: id, writerId: 'w', commit };
    const zombie = await ExactlyOnceWriter.start<{ offset: number }>(options);
    await zombie.writer.write(batch(1n));
    await zombie.writer.commit({ offset: 1 });
    const floor = catalog.metadata.properties?.[writerFloorProperty('w')];
    expect(JSON.parse(floor!)).toMatchObject({ epoch: 1, checkpoint: '{"offset":1}' });

    // Another writer commits on top, then an engine that knows nothing of writers expires all but the head.
    const expireAllButHead = () => {
      catalog.commitForeignSnapshot({});
      catalog.metadata.snapshots = catalog.metadata.snapshots!.slice(-1);
    };
    expireAllButHead();

    const successor = await ExactlyOnceWriter.start<{ offset: number }>(options);
    expect(successor).toMatchObject({ epoch: 2, checkpoint: { offset: 1 } });
    expireAllButHead(); // the successor's epoch claim is gone too

    await zombie.writer.write(batch(2n));
    await expect(zombie.writer.commit({ offset: 2 })).rejects.toBeInstanceOf(FencedError);
    await successor.writer.write(batch(2n));
    await successor.writer.commit({ offset: 2 });
    expect(writerFloor(catalog.metadata, 'w')).toMatchObject({ epoch: 2, checkpoint: { offset: 2 } });
  });
});
