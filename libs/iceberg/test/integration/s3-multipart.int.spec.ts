import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FileIOResolver } from '../../src';
import { endpoints, uniqueName } from './support';

const MiB = 1024 * 1024;
const BUCKET = 'warehouse';

describe('S3 FileIO against MinIO', () => {
  const s3Options = {
    endpoint: endpoints.s3Endpoint,
    region: endpoints.s3Region,
    accessKeyId: endpoints.s3AccessKeyId,
    secretAccessKey: endpoints.s3SecretAccessKey,
    forcePathStyle: true,
  };
  // Lowered threshold: a 12 MiB file goes up in three 5 MiB parts (the S3 minimum part size).
  const io = new FileIOResolver({ s3: { ...s3Options, multipartThresholdBytes: 6 * MiB, multipartPartSizeBytes: 5 * MiB } });
  const client = new S3Client({ endpoint: s3Options.endpoint, region: s3Options.region, forcePathStyle: true, credentials: { accessKeyId: s3Options.accessKeyId, secretAccessKey: s3Options.secretAccessKey } });
  const prefix = `it-fileio/${uniqueName('multipart')}`;
  const written: string[] = [];

  afterAll(async () => {
    await Promise.allSettled(written.map((key) => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))));
    client.destroy();
    io.close();
  });

  /** S3's ETag of a multipart upload is `<md5 of part md5s>-<part count>`; a single PUT has no suffix. */
  const partsOf = async (key: string): Promise<number> => {
    const etag = (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag ?? '';
    const match = /-(\d+)"?$/.exec(etag);
    return match ? Number(match[1]) : 1;
  };

  it('uploads a file over the threshold in parts and reads it back byte-identical', async () => {
    const key = `${prefix}/large.bin`;
    written.push(key);
    const bytes = new Uint8Array(randomBytes(12 * MiB + 12_345));
    await io.write(`s3://${BUCKET}/${key}`, bytes);
    expect(await partsOf(key)).toBe(3);
    const back = await io.read(`s3://${BUCKET}/${key}`);
    expect(back.byteLength).toBe(bytes.byteLength);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).toBe(0);
  });

  it('puts a file under the threshold in one request', async () => {
    const key = `${prefix}/small.bin`;
    written.push(key);
    const bytes = new Uint8Array(randomBytes(64 * 1024));
    await io.write(`s3a://${BUCKET}/${key}`, bytes);
    expect(await partsOf(key)).toBe(1);
    expect(Buffer.compare(Buffer.from(await io.read(`s3://${BUCKET}/${key}`)), Buffer.from(bytes))).toBe(0);
  });
});
