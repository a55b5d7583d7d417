import * as arrow from 'apache-arrow';
import { FencedError } from '../errors';
import type { Schema, Snapshot, TableMetadata } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { ExactlyOnceWriter, recoverCheckpoint } from '../writer/exactly-once-writer';
import { checkpointProperties, latestCheckpoint, latestWriterSnapshot, snapshotsToRetain } from './checkpoint';
import { assertNotFenced, nextEpoch } from './fencing';
import { mainAt, tableMetadataOf } from '../spec/table-metadata.spec-helper';

function snap(id: number, parent: number | undefined, summary: Record<string, string>): Snapshot {
  const s: Snapshot = {
    'snapshot-id': id,
    'sequence-number': id,
    'timestamp-ms': id,
    'manifest-list': '',
    summary: { operation: 'append', ...summary },
  };
  if (parent !== undefined) s['parent-snapshot-id'] = parent;
  return s;
}

function table(snapshots: Snapshot[], main: number): TableMetadata {
  return tableMetadataOf(snapshots, mainAt(main));
}

const a = (epoch: number, checkpoint?: unknown) => checkpointProperties('A', epoch, checkpoint);

describe('checkpoints on the ancestry of main', () => {
  // 1(A e1 c=10) ← 2(B) ← 3(A e1 c=20) ← 4(A e2 claim, carries c=20) ← 5(B);  6(A e3 c=99) is on a dead branch off 3
  const metadata = table(
    [
      snap(1, undefined, a(1, { offset: 10 })),
      snap(2, 1, checkpointProperties('B', 1, { offset: 1 })),
      snap(3, 2, a(1, { offset: 20 })),
      snap(4, 3, a(2, { offset: 20 })),
      snap(5, 4, checkpointProperties('B', 1, { offset: 2 })),
      snap(6, 3, a(3, { offset: 99 })),
    ],
    5,
  );

  it('returns the newest checkpoint of a writer, ignoring snapshots not on main', () => {
    expect(latestCheckpoint(metadata, 'A')).toMatchObject({ snapshotId: 4, epoch: 2, checkpoint: { offset: 20 } });
    expect(latestCheckpoint(metadata, 'B')).toMatchObject({ snapshotId: 5, checkpoint: { offset: 2 } });
    expect(latestCheckpoint(metadata, 'C')).toBeUndefined();
  });

  it('skips epoch claims without a checkpoint', () => {
    const m = table([snap(1, undefined, a(1, { offset: 5 })), snap(2, 1, a(2))], 2);
    expect(latestWriterSnapshot(m, 'A')).toMatchObject({ snapshotId: 2, epoch: 2, checkpoint: null });
    expect(latestCheckpoint(m, 'A')).toMatchObject({ snapshotId: 1, checkpoint: { offset: 5 } });
  });

  it('stops walking at an expired parent', () => {
    const m = table([snap(3, 2, checkpointProperties('B', 1, {}))], 3);
    expect(latestCheckpoint(m, 'A')).toBeUndefined();
  });

  it('fences older epochs and computes the next epoch', () => {
    expect(nextEpoch(metadata, 'A')).toBe(3);
    expect(nextEpoch(metadata, 'C')).toBe(1);
    expect(() => assertNotFenced(metadata, 'A', 2)).not.toThrow();
    expect(() => assertNotFenced(metadata, 'A', 1)).toThrow(FencedError);
  });

  it('retains each writer’s newest snapshot and checkpoint plus the chain above them', () => {
    expect([...snapshotsToRetain(metadata)].sort()).toEqual([4, 5]);
    const m = table([snap(1, undefined, a(1, { offset: 1 })), snap(2, 1, a(2)), snap(3, 2, {}), snap(4, 3, {})], 4);
    expect([...snapshotsToRetain(m)].sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('ExactlyOnceWriter', () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] };
  const id = { namespace: ['db'], name: 't' };
  const batch = (...ids: bigint[]) => arrow.tableFromArrays({ id: BigInt64Array.from(ids) }).batches[0]!;
  const commit = { sleep: async () => undefined };

  it('claims an epoch, commits data with checkpoints, and fences the previous instance', async () => {
    const catalog = new FakeCatalog(schema);
    const options = { catalog, io: catalog.io, identifier: id, writerId: 'ingest-0', commit };
    const first = await ExactlyOnceWriter.start<{ offset: number }>(options);
    expect(first).toMatchObject({ epoch: 1, checkpoint: null });
    await first.writer.write(batch(1n, 2n));
    const result = await first.writer.commit({ offset: 2 });
    expect(result.dataFiles).toHaveLength(1);
    expect(await recoverCheckpoint(catalog, id, 'ingest-0')).toMatchObject({ epoch: 1, checkpoint: { offset: 2 } });

    const second = await ExactlyOnceWriter.start<{ offset: number }>(options);
    expect(second).toMatchObject({ epoch: 2, checkpoint: { offset: 2 } });

    await first.writer.write(batch(3n));
    await expect(first.writer.commit({ offset: 3 })).rejects.toBeInstanceOf(FencedError);
    await second.writer.write(batch(3n));
    await second.writer.commit({ offset: 3 });
    const head = catalog.metadata.snapshots!.at(-1)!;
    expect(head.summary).toMatchObject({ 'retail.writer-epoch': '2', 'total-records': '3' });
  });
});
