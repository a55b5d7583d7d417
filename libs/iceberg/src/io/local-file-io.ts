import { mkdir, readdir, readFile, rm, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergError, NotFoundError } from '../errors';
import type { FileIO, FileInfo, FileLister } from './file-io';

export function localPath(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location.replace(/^file:\/*/, 'file:///')) : location;
}

/** `file://` URLs and plain paths. Writes go through a temp file + rename so readers never see partial files. */
export class LocalFileIO implements FileIO, FileLister {
  async write(location: string, bytes: Uint8Array): Promise<void> {
    const path = localPath(location);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async read(location: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(localPath(location)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no file at ${location}`, error);
      throw new IcebergError('IO', `cannot read ${location}`, { cause: error, retriable: true });
    }
  }

  async exists(location: string): Promise<boolean> {
    try {
      await stat(localPath(location));
      return true;
    } catch {
      return false;
    }
  }

  async delete(location: string): Promise<void> {
    await rm(localPath(location), { force: true });
  }

  /**
   * Walks the folder the prefix names (or, for a prefix ending mid-name, its parent folder) and
   * reports locations in the prefix's own form (`file://` URL or plain path).
   */
  async *list(prefix: string): AsyncIterable<FileInfo> {
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    for await (const relative of walk(localPath(base))) {
      const location = base + relative;
      if (!location.startsWith(prefix)) continue;
      const stats = await stat(localPath(location)).catch(() => undefined);
      // Gone since the folder was read (deleted or renamed into place): nothing to report.
      if (stats?.isFile()) yield { location, size: stats.size, lastModifiedMs: stats.mtimeMs };
    }
  }
}

/** Relative paths (`/`-separated) of every file under `root`; a missing root holds nothing. */
async function* walk(root: string, relative = ''): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw new IcebergError('IO', `cannot list ${join(root, relative)}`, { cause: error, retriable: true });
  }
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(root, path);
    else if (entry.isFile()) yield path;
  }
}
