import { NotFoundError } from '../errors';
import type { FileIO, FileInfo, FileLister } from './file-io';

/** FileIO kept in a Map: for unit tests and dry runs. */
export class MemoryFileIO implements FileIO, FileLister {
  readonly files = new Map<string, Uint8Array>();
  /** When each file was written (tests may backdate entries to exercise age rules). */
  readonly modifiedAt = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  async write(location: string, bytes: Uint8Array): Promise<void> {
    this.files.set(location, Uint8Array.from(bytes));
    this.modifiedAt.set(location, this.clock());
  }
  async read(location: string): Promise<Uint8Array> {
    const bytes = this.files.get(location);
    if (!bytes) throw new NotFoundError(`no file at ${location}`);
    return bytes;
  }
  async exists(location: string): Promise<boolean> {
    return this.files.has(location);
  }
  async delete(location: string): Promise<void> {
    this.files.delete(location);
    this.modifiedAt.delete(location);
  }
  async *list(prefix: string): AsyncIterable<FileInfo> {
    // A snapshot of the keys: deleting while iterating the listing must not skip entries.
    for (const [location, bytes] of [...this.files]) {
      if (location.startsWith(prefix)) {
        yield { location, size: bytes.byteLength, lastModifiedMs: this.modifiedAt.get(location) ?? this.clock() };
      }
    }
  }
}
