import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../errors';
import { LocalFileIO } from './local-file-io';
import { FileIOResolver, s3OptionsFromProperties } from './resolve-file-io';
import { S3FileIO } from './s3-file-io';

describe('FileIO chosen by URL scheme', () => {
  const resolver = new FileIOResolver({ s3: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' } });
  afterAll(() => resolver.close());

  it('uses S3 for s3:// and s3a://, the local filesystem for file:// and absolute paths, one instance each', () => {
    const s3 = resolver.forLocation('s3://warehouse/db/t/data/a.parquet');
    expect(s3).toBeInstanceOf(S3FileIO);
    expect(resolver.forLocation('s3a://warehouse/x')).toBe(s3);
    const local = resolver.forLocation('file:///tmp/t/a.parquet');
    expect(local).toBeInstanceOf(LocalFileIO);
    expect(resolver.forLocation('/tmp/t/b.parquet')).toBe(local);
  });

  it('refuses other schemes and relative paths, naming the location and the fix', () => {
    for (const location of ['gs://bucket/x', 'hdfs://nn/x', 'warehouse/x']) {
      expect(() => resolver.forLocation(location)).toThrow(ConfigurationError);
      expect(() => resolver.forLocation(location)).toThrow(`no FileIO for "${location}": use an s3://, file:// or absolute path location`);
    }
  });

  it('round-trips bytes through a file:// location', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fileio-'));
    try {
      const location = `${pathToFileURL(dir).href}/nested/dir/data.bin`;
      const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
      await resolver.write(location, bytes);
      expect(await resolver.exists(location)).toBe(true);
      expect(await resolver.read(path.join(dir, 'nested/dir/data.bin'))).toEqual(bytes);
      await resolver.delete(location);
      expect(await resolver.exists(location)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads S3 settings from Iceberg catalog properties', () => {
    expect(
      s3OptionsFromProperties({ 's3.endpoint': 'http://minio:9000', 'client.region': 'eu-west-1', 's3.path-style-access': 'true', 's3.access-key-id': 'k', 's3.secret-access-key': 's' }),
    ).toEqual({ endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true, accessKeyId: 'k', secretAccessKey: 's' });
  });

  it('refuses multipart settings S3 would reject', () => {
    expect(() => new S3FileIO({ multipartPartSizeBytes: 1024 })).toThrow('multipartPartSizeBytes=1024 is invalid: S3 needs parts of at least 5242880 bytes (5 MiB)');
    expect(() => new S3FileIO({ multipartThresholdBytes: 0 })).toThrow('multipartThresholdBytes=0 is invalid');
  });
});
