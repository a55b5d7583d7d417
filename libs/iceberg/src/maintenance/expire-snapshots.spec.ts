import * as arrow from 'apache-arrow';
import { readManifestList, writeManifestList } from '../avro/manifest-list';
import { writeManifest } from '../avro/manifest';
import { checkpointProperties } from '../exactly-once/checkpoint';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type DataFile, type Schema, type Snapshot, type TableMetadata } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { ExactlyOnceWriter } from '../writer/exactly-once-writer';
import { TableWriter } from '../writer/table-writer';
import { expireSnapshots, unreachableFiles } from './expire-snapshots';
import { planSnapshotExpiry } from './expiry-plan';
import { tableMetadataOf } from '../spec/table-metadata.spec-helper';

const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] };
const id = { namespace: ['db'], name: 't' };

function snap(snapshotId: number, parent: number | undefined, timestampMs: number, summary: Record<string, string> = {}): Snapshot {
  const s: Snapshot = {
    'snapshot-id': snapshotId,
    'sequence-number': snapshotId,
    'timestamp-ms': timestampMs,
    'manifest-list': `mem://t/metadata/snap-${snapshotId}.avro`,
    summary: { operation: 'append', ...summary },
  };
  if (parent !== undefined) s['parent-snapshot-id'] = parent;
  return s;
}

function metadataOf(snapshots: Snapshot[], refs: TableMetadata['refs'], properties: Record<string, string> = {}): TableMetadata {
  return tableMetadataOf(snapshots, refs, { properties, schemas: [schema] });
}

const ids = (snapshots: Snapshot[]) => snapshots.map((s) => s['snapshot-id']);

describe('planSnapshotExpiry', () => {
  // main: 1 ← 2 ← 3 ← 4 ← 5 (timestamps 100..500); tag v1 → 2; 9 is an unreferenced leftover (ts 50)
  const chain = [snap(1, undefined, 100), snap(2, 1, 200), snap(3, 2, 300), snap(4, 3, 400), snap(5, 4, 500), snap(9, 1, 50)];
  const refs = { main: { 'snapshot-id': 5, type: 'branch' as const }, v1: { 'snapshot-id': 2, type: 'tag' as const } };

  it('keeps the newest N of main, tagged snapshots and the current one', () => {
    const plan = planSnapshotExpiry(metadataOf(chain, refs), { retainLast: 2 }, 1000);
    expect(ids(plan.expire)).toEqual([9, 1, 3]);
    expect(ids(plan.retain).sort()).toEqual([2, 4, 5]);
  });

  it('expires by age but never below the minimum count, and never the current snapshot', () => {
    expect(ids(planSnapshotExpiry(metadataOf(chain, refs), { olderThanMs: 350 }, 1000).expire)).toEqual([9, 1, 3]);
    expect(ids(planSnapshotExpiry(metadataOf(chain, refs), { olderThanMs: 10_000 }, 1000).retain).sort()).toEqual([2, 5]);
  });

  it('uses the table properties when no policy is given', () => {
    const metadata = metadataOf(chain, refs, { 'history.expire.max-snapshot-age-ms': '650', 'history.expire.min-snapshots-to-keep': '1' });
    // cutoff = 1000 - 650 = 350: 4 and 5 are young, 2 is tagged
    expect(ids(planSnapshotExpiry(metadata, {}, 1000).expire)).toEqual([9, 1, 3]);
    expect(() => planSnapshotExpiry(metadataOf(chain, refs, { 'history.expire.min-snapshots-to-keep': 'x' }), {}, 1000)).toThrow(
      'history.expire.min-snapshots-to-keep=x',
    );
  });

  it("keeps every writer's newest snapshot and newest checkpoint and the main chain down to them", () => {
    // 1(A cp) ← 2(B cp) ← 3(A claim, no cp) ← 4 ← 5(A cp): B's checkpoint at 2 pins 2..5
    const snapshots = [
      snap(1, undefined, 100, checkpointProperties('A', 1, { o: 1 })),
      snap(2, 1, 200, checkpointProperties('B', 1, { o: 7 })),
      snap(3, 2, 300, checkpointProperties('A', 2, null)),
      snap(4, 3, 400),
      snap(5, 4, 500, checkpointProperties('A', 2, { o: 2 })),
    ];
    const plan = planSnapshotExpiry(metadataOf(snapshots, { main: { 'snapshot-id': 5, type: 'branch' } }), { retainLast: 1 }, 1000);
    expect(ids(plan.expire)).toEqual([1]);
  });

  it('rejects a retainLast below 1', () => {
    expect(() => planSnapshotExpiry(metadataOf(chain, refs), { retainLast: 0 }, 1000)).toThrow('retainLast=0');
  });
});

function dataFile(path: string): DataFile {
  return { content: DataFileContent.DATA, filePath: path, fileFormat: 'PARQUET', partition: [], recordCount: 1, fileSizeInBytes: 10 };
}

describe('unreachableFiles', () => {
  it('lists only what expired snapshots referenced and no retained snapshot references', async () => {
    const catalog = new FakeCatalog(schema);
    const io = catalog.io;
    const manifest = async (path: string, entries: [string, ManifestEntryStatus][]) => {
      await io.write(
        path,
        writeManifest({
          schema,
          specId: 0,
          partitionFields: [],
          entries: entries.map(([file, status]) => ({ status, snapshotId: 1, sequenceNumber: 1, fileSequenceNumber: 1, dataFile: dataFile(file) })),
        }),
      );
      return {
        manifestPath: path,
        manifestLength: 1,
        partitionSpecId: 0,
        content: ManifestContent.DATA,
        sequenceNumber: 1,
        minSequenceNumber: 1,
        addedSnapshotId: 1,
        addedFilesCount: entries.length,
        existingFilesCount: 0,
        deletedFilesCount: 0,
        addedRowsCount: entries.length,
        existingRowsCount: 0,
        deletedRowsCount: 0,
      };
    };
    // Snapshot 1 had m1 {a, b}; snapshot 2 rewrote it into m2 {a (existing), b (deleted)} plus m3 {c}.
    const m1 = await manifest('mem://m1.avro', [
      ['mem://a.parquet', ManifestEntryStatus.ADDED],
      ['mem://b.parquet', ManifestEntryStatus.ADDED],
    ]);
    const m2 = await manifest('mem://m2.avro', [
      ['mem://a.parquet', ManifestEntryStatus.EXISTING],
      ['mem://b.parquet', ManifestEntryStatus.DELETED],
    ]);
    const m3 = await manifest('mem://m3.avro', [['mem://c.parquet', ManifestEntryStatus.ADDED]]);
    const s1 = snap(1, undefined, 1);
    const s2 = snap(2, 1, 2);
    await io.write(s1['manifest-list'], writeManifestList({ snapshotId: 1, parentSnapshotId: null, sequenceNumber: 1, manifests: [m1] }));
    await io.write(s2['manifest-list'], writeManifestList({ snapshotId: 2, parentSnapshotId: 1, sequenceNumber: 2, manifests: [m2, m3] }));
    expect(await unreachableFiles(io, [s1], [s2])).toEqual({
      manifestLists: [s1['manifest-list']],
      manifests: ['mem://m1.avro'],
      dataFiles: ['mem://b.parquet'],
    });
  });
});

function rows(values: number[]): arrow.RecordBatch {
  return new arrow.Table({ id: arrow.vectorFromArray(values.map(BigInt), new arrow.Int64()) }).batches[0]!;
}

describe('expireSnapshots', () => {
  it('removes old append snapshots and their manifest lists, keeps every data file, and the writer still recovers', async () => {
    const catalog = new FakeCatalog(schema);
    const { writer } = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io: catalog.io, identifier: id, writerId: 'w' });
    for (let offset = 1; offset <= 4; offset++) {
      await writer.write(rows([offset]));
      await writer.commit({ offset });
    }
    const before = catalog.metadata.snapshots!;
    const head = before.at(-1)!;
    const result = await expireSnapshots({ catalog, io: catalog.io, identifier: id, retainLast: 1 });
    expect(result.expiredSnapshotIds).toEqual(ids(before.slice(0, -1)));
    expect(ids(catalog.metadata.snapshots!)).toEqual([head['snapshot-id']]);
    expect(result.deletedManifestLists).toBe(before.length - 1);
    expect(result.deletedDataFiles).toBe(0);
    for (const s of before.slice(0, -1)) expect(await catalog.io.exists(s['manifest-list'])).toBe(false);
    const live = readManifestList(await catalog.io.read(head['manifest-list']));
    expect(live.reduce((sum, m) => sum + m.addedRowsCount, 0)).toBe(4);
    const restarted = await ExactlyOnceWriter.start<{ offset: number }>({ catalog, io: catalog.io, identifier: id, writerId: 'w' });
    expect(restarted.checkpoint).toEqual({ offset: 4 });
    expect(restarted.epoch).toBe(2);
  });

  it('does nothing when no snapshot qualifies, and keeps files when asked to', async () => {
    const catalog = new FakeCatalog(schema);
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    for (const v of [1, 2]) {
      await writer.write(rows([v]));
      await writer.commit();
    }
    const none = await expireSnapshots({ catalog, io: catalog.io, identifier: id, olderThanMs: 0 });
    expect(none.expiredSnapshotIds).toEqual([]);
    const commits = catalog.commits;
    const first = catalog.metadata.snapshots![0]!;
    const kept = await expireSnapshots({ catalog, io: catalog.io, identifier: id, retainLast: 1, deleteFiles: false });
    expect(kept.expiredSnapshotIds).toEqual([first['snapshot-id']]);
    expect(catalog.commits).toBe(commits + 1);
    expect(await catalog.io.exists(first['manifest-list'])).toBe(true);
  });
});
