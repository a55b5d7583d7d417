import { randomUUID } from 'node:crypto';
import { removeOrphanFiles, TableWriter, type FileLister, type TableIdentifier } from '../../src';
import { S3FileIO } from '../../src/io/s3-file-io';
import { endpoints, eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

async function listed(io: FileLister, prefix: string): Promise<string[]> {
  const locations: string[] = [];
  for await (const file of io.list(prefix)) locations.push(file.location);
  return locations.sort();
}

async function trinoCount(id: TableIdentifier): Promise<number> {
  const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
  return Number(count);
}

describe('orphan-file removal against MinIO and the real catalog', () => {
  const suite = useTestNamespace('it_iceberg_orphans');
  const { namespace } = suite;

  it('deletes a stray upload and never-appended data files, keeps every referenced file, and Trino reads the same rows', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] },
    });
    const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });
    for (const seed of [1, 2]) {
      await writer.write(eventBatch(makeRows(4, seed)));
      await writer.commit();
    }
    const table = await catalog.loadTable(id);
    const location = `${table.metadata.location.replace(/\/+$/, '')}/`;
    const committed = await listed(io, location);
    // The same listing two keys per page: continuation tokens are followed to the end.
    const paged = new S3FileIO({
      endpoint: endpoints.s3Endpoint,
      region: endpoints.s3Region,
      accessKeyId: endpoints.s3AccessKeyId,
      secretAccessKey: endpoints.s3SecretAccessKey,
      forcePathStyle: true,
      listPageSize: 2,
    });
    try {
      expect(committed.length).toBeGreaterThan(4);
      expect(await listed(paged, location)).toEqual(committed);
    } finally {
      paged.destroy();
    }
    const rowsBefore = await trinoCount(id);
    expect(rowsBefore).toBe(8);

    // A crashed upload: a copy of a real data file that no manifest names.
    const someDataFile = committed.find((l) => l.endsWith('.parquet'))!;
    const strayUpload = `${location}data/stray-${randomUUID()}.parquet`;
    await io.write(strayUpload, await io.read(someDataFile));
    // Files stored ahead of a commit that never happened (stream-compute's crash before its checkpoint).
    const neverAppended = (await writer.writeFiles(eventBatch(makeRows(3, 7)))).map((f) => f.filePath);
    expect(neverAppended.length).toBeGreaterThan(0);
    const strays = [strayUpload, ...neverAppended].sort();

    // Every stored file is in the past by now; a zero safety age is safe here as no writer is running.
    const options = { catalog, io, identifier: id, olderThanMs: 0, allowShortSafetyAge: true, now: () => Date.now() + 2000 };
    const dry = await removeOrphanFiles({ ...options, dryRun: true });
    expect([...dry.orphans].sort()).toEqual(strays);
    expect(await listed(io, location)).toEqual([...committed, ...strays].sort());

    const result = await removeOrphanFiles(options);

    expect([...result.orphans].sort()).toEqual(strays);
    expect(result.deleted).toBe(strays.length);
    expect(result.failedDeletes).toEqual([]);
    expect(result.kept).toEqual({ referenced: committed.length, tooNew: 0 });
    expect(await listed(io, location)).toEqual(committed);
    for (const stray of strays) expect(await io.exists(stray)).toBe(false);
    expect(await trinoCount(id)).toBe(rowsBefore);

    // With the default safety age nothing fresh is an orphan.
    const cautious = await removeOrphanFiles({ catalog, io, identifier: id });
    expect(cautious.orphans).toEqual([]);
    expect(cautious.kept.referenced).toBe(committed.length);
  });
});
