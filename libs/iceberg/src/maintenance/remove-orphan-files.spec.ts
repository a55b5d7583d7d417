import * as arrow from 'apache-arrow';
import { ValidationError } from '../errors';
import { MemoryFileIO } from '../io/memory-file-io';
import type { Schema, TableMetadata } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { TableWriter } from '../writer/table-writer';
import { normalizeLocation, removeOrphanFiles, reachableFiles } from './remove-orphan-files';

const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] };
const identifier = { namespace: ['db'], name: 't' };
const DAY = 24 * 60 * 60 * 1000;
const NOW = 100 * DAY;

const rows = (values: number[]): arrow.RecordBatch =>
  new arrow.Table({ id: arrow.vectorFromArray(values.map(BigInt), new arrow.Int64()) }).batches[0]!;

/** A table with two committed appends; every file it wrote is dated 10 days before NOW. */
async function committedTable(): Promise<{ catalog: FakeCatalog; referenced: string[] }> {
  const catalog = new FakeCatalog(schema);
  const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(identifier) });
  for (const v of [1, 2]) {
    await writer.write(rows([v]));
    await writer.commit();
  }
  backdate(catalog.io, NOW - 10 * DAY);
  return { catalog, referenced: [...catalog.io.files.keys()] };
}

function backdate(io: MemoryFileIO, at: number, locations: Iterable<string> = io.files.keys()): void {
  for (const location of locations) io.modifiedAt.set(location, at);
}

function stray(io: MemoryFileIO, location: string, modifiedAt: number): string {
  io.files.set(location, new Uint8Array([1, 2, 3]));
  io.modifiedAt.set(location, modifiedAt);
  return location;
}

const run = (catalog: FakeCatalog, extra: { dryRun?: boolean; olderThanMs?: number } = {}) =>
  removeOrphanFiles({ catalog, io: catalog.io, identifier, olderThanMs: DAY, now: () => NOW, ...extra });

describe('removeOrphanFiles', () => {
  it('deletes unreferenced old files and keeps every referenced file', async () => {
    const { catalog, referenced } = await committedTable();
    expect(referenced.some((l) => l.endsWith('.parquet'))).toBe(true);
    const oldData = stray(catalog.io, 'mem://warehouse/db/t/data/crashed-upload.parquet', NOW - 2 * DAY);
    const oldMeta = stray(catalog.io, 'mem://warehouse/db/t/metadata/failed-commit-m0.avro', NOW - 2 * DAY);

    const result = await run(catalog);

    expect(result.orphans.sort()).toEqual([oldData, oldMeta].sort());
    expect(result.deleted).toBe(2);
    expect(result.kept).toEqual({ referenced: referenced.length, tooNew: 0 });
    expect([...catalog.io.files.keys()].sort()).toEqual([...referenced].sort());
  });

  it('keeps unreferenced files younger than the safety age (a commit may still be in flight)', async () => {
    const { catalog } = await committedTable();
    const young = stray(catalog.io, 'mem://warehouse/db/t/data/in-flight.parquet', NOW - DAY + 1);
    const result = await run(catalog);
    expect(result.orphans).toEqual([]);
    expect(result.kept.tooNew).toBe(1);
    expect(catalog.io.files.has(young)).toBe(true);
  });

  it('on a dry run reports the orphans and deletes nothing', async () => {
    const { catalog } = await committedTable();
    const old = stray(catalog.io, 'mem://warehouse/db/t/data/crashed-upload.parquet', NOW - 2 * DAY);
    const before = catalog.io.files.size;
    const result = await run(catalog, { dryRun: true });
    expect(result.orphans).toEqual([old]);
    expect(result.deleted).toBe(0);
    expect(catalog.io.files.size).toBe(before);
  });

  it('never touches files outside the table location, including a sibling sharing its name prefix', async () => {
    const { catalog } = await committedTable();
    const sibling = stray(catalog.io, 'mem://warehouse/db/t_old/data/x.parquet', 0);
    const elsewhere = stray(catalog.io, 'mem://warehouse/other/y.parquet', 0);
    const result = await run(catalog);
    expect(result.orphans).toEqual([]);
    expect(catalog.io.files.has(sibling) && catalog.io.files.has(elsewhere)).toBe(true);
  });

  it('keeps metadata JSON files of the log, the current one, statistics files and the version hint', async () => {
    const { catalog } = await committedTable();
    const named = catalog.metadata as TableMetadata & Record<string, unknown>;
    const logged = stray(catalog.io, 'mem://warehouse/db/t/metadata/00001-a.metadata.json', 0);
    const stats = stray(catalog.io, 'mem://warehouse/db/t/metadata/stats-1.puffin', 0);
    const partitionStats = stray(catalog.io, 'mem://warehouse/db/t/metadata/partition-stats-1.parquet', 0);
    const hint = stray(catalog.io, 'mem://warehouse/db/t/metadata/version-hint.text', 0);
    const unlogged = stray(catalog.io, 'mem://warehouse/db/t/metadata/00000-z.metadata.json', 0);
    named['metadata-log'] = [{ 'metadata-file': logged, 'timestamp-ms': 1 }];
    named.statistics = [{ 'snapshot-id': 1, 'statistics-path': stats }];
    named['partition-statistics'] = [{ 'snapshot-id': 1, 'statistics-path': partitionStats }];

    const result = await run(catalog);

    expect(result.orphans).toEqual([unlogged]);
    for (const kept of [logged, stats, partitionStats, hint]) expect(catalog.io.files.has(kept)).toBe(true);
  });

  it('counts the current metadata file as referenced', async () => {
    const { catalog } = await committedTable();
    const current = 'mem://warehouse/db/t/metadata/00002-c.metadata.json';
    const reachable = await reachableFiles(catalog.io, catalog.metadata, current);
    expect(reachable.has(current)).toBe(true);
  });

  it('refuses a safety age below one hour unless explicitly allowed', async () => {
    const { catalog } = await committedTable();
    await expect(run(catalog, { olderThanMs: 60_000 })).rejects.toThrow(ValidationError);
    await expect(run(catalog, { olderThanMs: -1 })).rejects.toThrow('olderThanMs=-1');
    const allowed = await removeOrphanFiles({ catalog, io: catalog.io, identifier, olderThanMs: 0, allowShortSafetyAge: true, now: () => NOW });
    expect(allowed.orphans).toEqual([]);
  });

  it('fails rather than deletes when a manifest it must read is missing', async () => {
    const { catalog } = await committedTable();
    const old = stray(catalog.io, 'mem://warehouse/db/t/data/crashed-upload.parquet', 0);
    catalog.io.files.delete(catalog.metadata.snapshots![0]!['manifest-list']);
    await expect(run(catalog)).rejects.toThrow();
    expect(catalog.io.files.has(old)).toBe(true);
  });
});

describe('normalizeLocation', () => {
  it('treats s3a:// and s3n:// as s3://, and file: URLs as paths', () => {
    expect(normalizeLocation('s3a://b/k')).toBe('s3://b/k');
    expect(normalizeLocation('s3n://b/k')).toBe('s3://b/k');
    expect(normalizeLocation('s3://b/k')).toBe('s3://b/k');
    expect(normalizeLocation('file:///tmp/t/a')).toBe('/tmp/t/a');
  });

  it('matches an s3a:// reference against an s3:// listing', async () => {
    const io = new MemoryFileIO(() => 0);
    const { catalog } = await committedTable();
    const metadata = { ...catalog.metadata, location: 's3://b/t', snapshots: [] };
    (metadata as Record<string, unknown>)['metadata-log'] = [{ 'metadata-file': 's3a://b/t/metadata/00001.metadata.json' }];
    expect((await reachableFiles(io, metadata, undefined)).has(normalizeLocation('s3://b/t/metadata/00001.metadata.json'))).toBe(true);
  });
});
