import { ConfigurationError } from '../errors';
import type { FileIO, FileInfo, FileLister } from './file-io';
import { LocalFileIO } from './local-file-io';
import { S3FileIO, type S3FileIOOptions } from './s3-file-io';

export interface FileIOOptions {
  s3?: S3FileIOOptions;
}

/**
 * Catalog/table properties that configure S3 (the names Iceberg's own S3FileIO uses), so a
 * catalog's `/v1/config` or a table's config can point the writer at the right endpoint.
 */
export function s3OptionsFromProperties(properties: Record<string, string>): S3FileIOOptions {
  const options: S3FileIOOptions = {};
  if (properties['s3.endpoint']) options.endpoint = properties['s3.endpoint'];
  if (properties['s3.region'] ?? properties['client.region']) {
    options.region = properties['s3.region'] ?? properties['client.region'];
  }
  if (properties['s3.path-style-access']) options.forcePathStyle = properties['s3.path-style-access'] === 'true';
  if (properties['s3.access-key-id']) options.accessKeyId = properties['s3.access-key-id'];
  if (properties['s3.secret-access-key']) options.secretAccessKey = properties['s3.secret-access-key'];
  if (properties['s3.session-token']) options.sessionToken = properties['s3.session-token'];
  return options;
}

/** Picks a FileIO by the location's URL scheme: `s3://`/`s3a://` → S3, `file://` or a path → local. */
export class FileIOResolver implements FileIO, FileLister {
  private local?: LocalFileIO;
  private s3?: S3FileIO;

  constructor(private readonly options: FileIOOptions = {}) {}

  forLocation(location: string): FileIO & FileLister {
    if (/^s3a?:\/\//.test(location)) return (this.s3 ??= new S3FileIO(this.options.s3));
    if (location.startsWith('file:') || location.startsWith('/')) return (this.local ??= new LocalFileIO());
    throw new ConfigurationError(`no FileIO for "${location}": use an s3://, file:// or absolute path location`);
  }

  write(location: string, bytes: Uint8Array): Promise<void> {
    return this.forLocation(location).write(location, bytes);
  }
  read(location: string): Promise<Uint8Array> {
    return this.forLocation(location).read(location);
  }
  exists(location: string): Promise<boolean> {
    return this.forLocation(location).exists(location);
  }
  delete(location: string): Promise<void> {
    return this.forLocation(location).delete(location);
  }

  list(prefix: string): AsyncIterable<FileInfo> {
    return this.forLocation(prefix).list(prefix);
  }

  close(): void {
    this.s3?.destroy();
  }
}
