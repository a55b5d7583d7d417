import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileInfo, FileLister } from './file-io';
import { LocalFileIO } from './local-file-io';
import { MemoryFileIO } from './memory-file-io';

async function collect(lister: FileLister, prefix: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const file of lister.list(prefix)) out.push(file);
  return out.sort((a, b) => a.location.localeCompare(b.location));
}

describe('MemoryFileIO.list', () => {
  it('lists files under the prefix with size and write time', async () => {
    let clock = 5;
    const io = new MemoryFileIO(() => clock);
    await io.write('mem://w/t/data/a.parquet', new Uint8Array(3));
    clock = 9;
    await io.write('mem://w/t/metadata/m.avro', new Uint8Array(7));
    await io.write('mem://w/t_old/data/b.parquet', new Uint8Array(1));
    expect(await collect(io, 'mem://w/t/')).toEqual([
      { location: 'mem://w/t/data/a.parquet', size: 3, lastModifiedMs: 5 },
      { location: 'mem://w/t/metadata/m.avro', size: 7, lastModifiedMs: 9 },
    ]);
    await io.delete('mem://w/t/data/a.parquet');
    expect((await collect(io, 'mem://w/t/')).map((f) => f.location)).toEqual(['mem://w/t/metadata/m.avro']);
  });
});

describe('LocalFileIO.list', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'iceberg-list-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks nested folders and reports size and modification time', async () => {
    const io = new LocalFileIO();
    await io.write(`${root}/t/data/p=1/a.parquet`, new Uint8Array(4));
    await io.write(`${root}/t/metadata/m.avro`, new Uint8Array(2));
    await io.write(`${root}/t_old/x.parquet`, new Uint8Array(1));
    await utimes(`${root}/t/metadata/m.avro`, 1000, 1000);
    const files = await collect(io, `${root}/t/`);
    expect(files.map((f) => [f.location, f.size])).toEqual([
      [`${root}/t/data/p=1/a.parquet`, 4],
      [`${root}/t/metadata/m.avro`, 2],
    ]);
    expect(files[1]!.lastModifiedMs).toBe(1_000_000);
  });

  it('keeps the file:// form of the prefix and filters a prefix ending mid-name', async () => {
    const io = new LocalFileIO();
    await io.write(`${root}/t/data/a.parquet`, new Uint8Array(1));
    await io.write(`${root}/t/data/b.avro`, new Uint8Array(1));
    const base = pathToFileURL(root).href;
    expect((await collect(io, `${base}/t/data/a`)).map((f) => f.location)).toEqual([`${base}/t/data/a.parquet`]);
  });

  it('lists nothing under a missing folder', async () => {
    expect(await collect(new LocalFileIO(), `${root}/missing/`)).toEqual([]);
  });
});
