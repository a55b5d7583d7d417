import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import { CommitStateUnknownError } from '../errors';
import { conformBatch, icebergSchemaToArrow } from '../parquet/arrow-schema';
import { bindPartitionSpec } from '../spec/partition';
import type { Schema } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { splitByPartition } from './partitioner';
import { TableWriter } from './table-writer';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
    { id: 3, name: 'note', required: false, type: 'string' },
  ],
};
const DAY = 86_400_000_000n;
const id = { namespace: ['db'], name: 't' };

function batch(ids: number[], days: number[]): arrow.RecordBatch {
  const ts = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: ids.length,
    nullCount: 0,
    data: BigInt64Array.from(days.map((d, i) => BigInt(d) * DAY + BigInt(i))),
  });
  return new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    ts: arrow.makeVector(ts),
    note: arrow.vectorFromArray(ids.map((i) => `row ${i}`), new arrow.Utf8()),
  }).batches[0]!;
}

function readRows(bytes: Uint8Array): { id: bigint; note: string }[] {
  const table = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
  return table.toArray().map((r) => ({ id: r.id as bigint, note: r.note as string }));
}

function partitionedCatalog(): FakeCatalog {
  const catalog = new FakeCatalog(schema);
  catalog.metadata['partition-specs'] = [{ 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }] }];
  catalog.metadata['last-partition-id'] = 1000;
  return catalog;
}

describe('splitByPartition', () => {
  it('slices runs of equal partitions without losing or reordering rows', () => {
    const spec = bindPartitionSpec({ 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'd', transform: 'day' }] }, schema);
    const conformed = conformBatch(batch([1, 2, 3, 4, 5], [0, 0, 1, 0, 1]), icebergSchemaToArrow(schema));
    const slices = splitByPartition(conformed, schema, spec);
    expect(slices.map((s) => [s.tuple, s.batch.numRows])).toEqual([
      [[0], 2],
      [[1], 1],
      [[0], 1],
      [[1], 1],
    ]);
    expect(slices.flatMap((s) => s.batch.toArray().map((r) => Number(r.id)))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('TableWriter', () => {
  it('writes one Parquet file per partition with the rows of that partition and commits them', async () => {
    const catalog = partitionedCatalog();
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    await writer.write(batch([1, 2, 3, 4], [0, 1, 0, 1]));
    const result = await writer.commit();
    expect(result.dataFiles.map((f) => [f.partition, f.recordCount])).toEqual([
      [[0], 2],
      [[1], 2],
    ]);
    expect(result.dataFiles[1]!.filePath).toMatch(/^mem:\/\/warehouse\/db\/t\/data\/ts_day=1970-01-02\/.+\.parquet$/);
    const rows = readRows(await catalog.io.read(result.dataFiles[1]!.filePath));
    expect(rows).toEqual([
      { id: 2n, note: 'row 2' },
      { id: 4n, note: 'row 4' },
    ]);
    const head = catalog.metadata.snapshots!.at(-1)!;
    const [manifest] = readManifestList(await catalog.io.read(head['manifest-list']));
    const entries = readManifest(await catalog.io.read(manifest!.manifestPath)).entries;
    expect(entries.map((e) => e.dataFile.fileSizeInBytes)).toEqual(result.dataFiles.map((f) => f.fileSizeInBytes));
  });

  it('stores files outside any commit, and another writer of the table appends them later with its own rows', async () => {
    const catalog = partitionedCatalog();
    const first = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), filePrefix: 'first' });
    const stored = await first.writeFiles(batch([1, 2, 3], [0, 1, 0]));
    expect(stored.map((f) => [f.partition, f.recordCount])).toEqual([
      [[0], 2],
      [[1], 1],
    ]);
    for (const file of stored) expect(await catalog.io.exists(file.filePath)).toBe(true);
    expect(catalog.metadata.snapshots ?? []).toHaveLength(0); // stored, not committed
    expect(first.uncommittedRows).toBe(0);

    const second = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), filePrefix: 'second' });
    second.addFiles(stored);
    await second.write(batch([4], [1]));
    const result = await second.commit({ summaryProperties: { cp: '1' } });
    expect(result.dataFiles.map((f) => f.filePath)).toEqual([...stored.map((f) => f.filePath), expect.stringContaining('/second-')]);
    const head = catalog.metadata.snapshots!.at(-1)!;
    expect(head.summary['added-records']).toBe('4');
    const [manifest] = readManifestList(await catalog.io.read(head['manifest-list']));
    const entries = readManifest(await catalog.io.read(manifest!.manifestPath)).entries;
    expect(entries.map((e) => e.dataFile.filePath).sort()).toEqual(result.dataFiles.map((f) => f.filePath).sort());
    expect(readRows(await catalog.io.read(stored[1]!.filePath))).toEqual([{ id: 2n, note: 'row 2' }]);
  });

  it('refuses stored files of another table or partition spec, and abort forgets added files without deleting them', async () => {
    const catalog = partitionedCatalog();
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    const [file] = await writer.writeFiles(batch([1], [0]));
    expect(() => writer.addFiles([{ ...file!, filePath: 'mem://warehouse/db/other/data/x.parquet' }])).toThrow(/not under this table's data location/);
    expect(() => writer.addFiles([{ ...file!, partition: [] }])).toThrow(/0 partition values; the table's spec 0 has 1 fields/);
    writer.addFiles([file!]);
    expect(writer.uncommittedRows).toBe(1);
    await writer.abort();
    expect(writer.uncommittedRows).toBe(0);
    expect(await catalog.io.exists(file!.filePath)).toBe(true);
  });

  it('keeps the rows of a data file whose upload failed, so the next commit writes them', async () => {
    const catalog = partitionedCatalog();
    const write = catalog.io.write.bind(catalog.io);
    let failNextParquet = true;
    const io = Object.assign(Object.create(catalog.io), {
      write: async (path: string, bytes: Uint8Array) => {
        if (path.endsWith('.parquet') && failNextParquet) {
          failNextParquet = false;
          throw new Error('injected upload failure');
        }
        // The other partition's upload is slower: the retry must not start while it is in flight.
        if (path.includes('ts_day=1970-01-02')) await new Promise((resolve) => setTimeout(resolve, 50));
        return write(path, bytes);
      },
    });
    const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
    await writer.write(batch([1, 2, 3, 4], [0, 1, 0, 1]));
    await expect(writer.commit()).rejects.toThrow('injected upload failure');
    const result = await writer.commit();
    expect(result.dataFiles.map((f) => f.recordCount).reduce((a, b) => a + b, 0)).toBe(4);
    expect(result.dataFiles.map((f) => f.partition)).toEqual([[1], [0]]);
    expect(catalog.metadata.snapshots).toHaveLength(1);
  });

  it('carries its own previous manifest list forward from memory, not from storage', async () => {
    const catalog = partitionedCatalog();
    const reads: string[] = [];
    const read = catalog.io.read.bind(catalog.io);
    const io = Object.assign(Object.create(catalog.io), { read: async (path: string) => (reads.push(path), read(path)) });
    const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
    for (const day of [0, 1, 2]) {
      await writer.write(batch([day], [day]));
      await writer.commit();
    }
    expect(reads.filter((path) => path.includes('/snap-'))).toEqual([]);
    const head = catalog.metadata.snapshots!.at(-1)!;
    expect(readManifestList(await catalog.io.read(head['manifest-list']))).toHaveLength(3);
    // From the second commit on, the list was uploaded with the data files, for the head it expected.
    const [first, second, third] = catalog.metadata.snapshots!;
    expect(second!['manifest-list']).toContain(`-p${first!['snapshot-id']}-`);
    expect(third!['manifest-list']).toContain(`-p${second!['snapshot-id']}-`);
  });

  it('rolls to a new file at the target size', async () => {
    const catalog = new FakeCatalog(schema);
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), targetFileSizeBytes: 1 });
    for (let i = 0; i < 3; i++) await writer.write(batch([i * 2, i * 2 + 1], [0, 0]));
    const result = await writer.commit();
    expect(result.dataFiles.map((f) => f.recordCount)).toEqual([2, 2, 2]);
    expect(catalog.metadata.snapshots!.at(-1)!.summary['added-records']).toBe('6');
  });

  it('completes a commit with an unknown outcome on the next call without applying it twice', async () => {
    const catalog = new FakeCatalog(schema, { 'commit.retry.num-retries': '0' });
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), commit: { sleep: async () => undefined } });
    await writer.write(batch([1, 2], [0, 0]));
    catalog.faults = ['unknown-but-landed'];
    await expect(writer.commit({ summaryProperties: { cp: '2' } })).rejects.toBeInstanceOf(CommitStateUnknownError);
    expect(writer.hasCommitInFlight).toBe(true);
    const result = await writer.commit({ summaryProperties: { cp: '2' } });
    expect(result.recoveredUnknownOutcome).toBe(true);
    expect(catalog.metadata.snapshots).toHaveLength(1);
    expect(catalog.metadata.snapshots![0]!.summary['total-records']).toBe('2');
  });

  it('pipelines commits: each lands in call order with its own rows and summary', async () => {
    const catalog = new FakeCatalog(schema);
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    const pending = [];
    for (let i = 0; i < 4; i++) {
      await writer.write(batch([i * 2, i * 2 + 1], [0, 0]));
      pending.push(writer.commit({ summaryProperties: { cp: String(i) } })); // not awaited: the next batch is written meanwhile
    }
    const results = await Promise.all(pending);
    const snapshots = catalog.metadata.snapshots!;
    expect(snapshots.map((s) => s.summary.cp)).toEqual(['0', '1', '2', '3']);
    expect(snapshots.map((s) => s.summary['added-records'])).toEqual(['2', '2', '2', '2']);
    expect(results.map((r) => r.snapshotId)).toEqual(snapshots.map((s) => s['snapshot-id']));
    expect(snapshots.slice(1).map((s) => s['parent-snapshot-id'])).toEqual(snapshots.slice(0, -1).map((s) => s['snapshot-id']));
    expect(writer.hasCommitInFlight).toBe(false);
  });

  it('never sends a pipelined commit after an earlier one failed, and completes both in order on the next call', async () => {
    const catalog = new FakeCatalog(schema, { 'commit.retry.num-retries': '0' });
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), commit: { sleep: async () => undefined } });
    catalog.faults = ['unknown-not-landed'];
    await writer.write(batch([1], [0]));
    const first = writer.commit({ summaryProperties: { cp: '1' } });
    await writer.write(batch([2, 3], [0, 0]));
    const second = writer.commit({ summaryProperties: { cp: '2' } });
    await expect(first).rejects.toBeInstanceOf(CommitStateUnknownError);
    await expect(second).rejects.toBeInstanceOf(CommitStateUnknownError);
    expect(catalog.commits).toBe(1); // the second was never sent
    expect(writer.uncommittedRows).toBe(3);
    const result = await writer.commit({ summaryProperties: { cp: '2' } });
    expect(catalog.metadata.snapshots!.map((s) => [s.summary.cp, s.summary['added-records']])).toEqual([
      ['1', '1'],
      ['2', '2'],
    ]);
    expect(result.snapshotId).toBe(catalog.metadata.snapshots![1]!['snapshot-id']);
    expect(writer.hasCommitInFlight).toBe(false);
  });

  it('behind a slow catalog, writes the next manifest list while a commit is in flight and sends queued appends together', async () => {
    const catalog = new FakeCatalog(schema);
    const commitTable = catalog.commitTable.bind(catalog);
    // Each commit stays in flight long enough for the next batches to be staged.
    catalog.commitTable = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return commitTable(...args);
    };
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    const pending = [];
    for (let i = 0; i < 3; i++) {
      await writer.write(batch([i * 10, i * 10 + 1], [0, 0]));
      pending.push(writer.commit({ summaryProperties: { cp: String(i) } }));
    }
    const results = await Promise.all(pending);
    expect(catalog.commits).toBe(2); // the first alone, then the two queued behind it in one request
    const snapshots = catalog.metadata.snapshots!;
    expect(snapshots.map((s) => [s.summary.cp, s.summary['added-records'], s.summary['total-records']])).toEqual([
      ['0', '2', '2'],
      ['1', '2', '4'],
      ['2', '2', '6'],
    ]);
    expect(results.map((r) => r.snapshotId)).toEqual(snapshots.map((s) => s['snapshot-id']));
    expect(snapshots.slice(1).map((s) => s['parent-snapshot-id'])).toEqual(snapshots.slice(0, -1).map((s) => s['snapshot-id']));
    // The second and third appends' lists were written for their parents while the first commit was in flight.
    for (const i of [1, 2]) {
      expect(snapshots[i]!['manifest-list']).toContain(`snap-${snapshots[i]!['snapshot-id']}-p${snapshots[i - 1]!['snapshot-id']}-`);
    }
    const head = readManifestList(await catalog.io.read(snapshots[2]!['manifest-list']));
    expect(head.map((m) => m.sequenceNumber)).toEqual([3, 2, 1]);
    expect(catalog.metadata['last-sequence-number']).toBe(3);
  });


  it('does not use a list written for a head that another writer replaced meanwhile', async () => {
    const catalog = new FakeCatalog(schema);
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id), commit: { sleep: async () => undefined } });
    await writer.write(batch([1], [0]));
    await writer.commit();
    const foreign = catalog.commitForeignSnapshot({ 'other.writer': 'x' });
    await writer.write(batch([2], [0]));
    await writer.commit();
    const head = catalog.metadata.snapshots!.at(-1)!;
    expect(head['parent-snapshot-id']).toBe(foreign['snapshot-id']);
    expect(head['manifest-list']).not.toContain('-p');
    expect(head['sequence-number']).toBe(3);
  });
});

describe('TableWriter metrics modes', () => {
  it('records the metrics the table properties ask for in its data files', async () => {
    const catalog = new FakeCatalog(schema, {
      'write.metadata.metrics.default': 'counts',
      'write.metadata.metrics.column.note': 'none',
      'write.metadata.metrics.column.id': 'full',
    });
    const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
    await writer.write(batch([1, 2, 3], [0, 0, 1]));
    const [file] = (await writer.commit()).dataFiles;
    expect([...file!.valueCounts!.keys()]).toEqual([1, 2]);
    expect([...file!.lowerBounds!.keys()]).toEqual([1]);
    expect([...file!.upperBounds!.keys()]).toEqual([1]);
  });

  it('refuses an invalid metrics property when it binds the table', async () => {
    const catalog = new FakeCatalog(schema, { 'write.metadata.metrics.column.note': 'truncate' });
    const table = await catalog.loadTable(id);
    expect(() => new TableWriter({ catalog, io: catalog.io, table })).toThrow('write.metadata.metrics.column.note=truncate is invalid');
  });
});
