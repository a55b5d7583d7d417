import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigurationError, IcebergError, NotFoundError } from '../errors';
import type { FileIO, FileInfo, FileLister } from './file-io';

export interface S3FileIOOptions {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Objects at least this large go through a multipart upload. */
  multipartThresholdBytes?: number;
  multipartPartSizeBytes?: number;
  /** Keys per ListObjectsV2 page (S3's own default and maximum: 1000). */
  listPageSize?: number;
}

export const DEFAULT_S3_REGION = 'us-east-1';
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MULTIPART_PART_SIZE_BYTES = 8 * 1024 * 1024;
/** S3 rejects multipart parts (but the last) below 5 MiB. */
export const MIN_MULTIPART_PART_SIZE_BYTES = 5 * 1024 * 1024;

export function parseS3Location(location: string): { bucket: string; key: string } {
  const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) throw new ConfigurationError(`"${location}" is not an s3://bucket/key location`);
  return { bucket: match[1]!, key: match[2]! };
}

export class S3FileIO implements FileIO, FileLister {
  private readonly client: S3Client;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly listPageSize: number | undefined;

  constructor(options: S3FileIOOptions = {}) {
    const credentials =
      options.accessKeyId && options.secretAccessKey
        ? {
            accessKeyId: options.accessKeyId,
            secretAccessKey: options.secretAccessKey,
            ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
          }
        : undefined;
    this.client = new S3Client({
      region: options.region ?? DEFAULT_S3_REGION,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      ...(credentials ? { credentials } : {}),
    });
    this.multipartThreshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
    this.partSize = options.multipartPartSizeBytes ?? DEFAULT_MULTIPART_PART_SIZE_BYTES;
    this.listPageSize = options.listPageSize;
    if (this.listPageSize !== undefined && (!Number.isInteger(this.listPageSize) || this.listPageSize < 1 || this.listPageSize > 1000)) {
      throw new ConfigurationError(`listPageSize=${options.listPageSize} is invalid: set an integer from 1 to 1000, or leave it unset`);
    }
    if (!Number.isInteger(this.multipartThreshold) || this.multipartThreshold < 1) {
      throw new ConfigurationError(`multipartThresholdBytes=${options.multipartThresholdBytes} is invalid: set a positive number of bytes`);
    }
    if (!Number.isInteger(this.partSize) || this.partSize < MIN_MULTIPART_PART_SIZE_BYTES) {
      throw new ConfigurationError(
        `multipartPartSizeBytes=${options.multipartPartSizeBytes} is invalid: S3 needs parts of at least ${MIN_MULTIPART_PART_SIZE_BYTES} bytes (5 MiB)`,
      );
    }
  }

  async write(location: string, bytes: Uint8Array): Promise<void> {
    const { bucket, key } = parseS3Location(location);
    try {
      if (bytes.byteLength >= this.multipartThreshold) {
        await new Upload({
          client: this.client,
          params: { Bucket: bucket, Key: key, Body: bytes },
          partSize: this.partSize,
          queueSize: 2,
        }).done();
      } else {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      }
    } catch (error) {
      throw new IcebergError('IO', `cannot write ${location}`, { cause: error, retriable: true });
    }
  }

  async read(location: string): Promise<Uint8Array> {
    const { bucket, key } = parseS3Location(location);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) throw new NotFoundError(`no object at ${location}`, error);
      throw new IcebergError('IO', `cannot read ${location}`, { cause: error, retriable: true });
    }
  }

  async exists(location: string): Promise<boolean> {
    const { bucket, key } = parseS3Location(location);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw new IcebergError('IO', `cannot stat ${location}`, { cause: error, retriable: true });
    }
  }

  async delete(location: string): Promise<void> {
    const { bucket, key } = parseS3Location(location);
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  /** ListObjectsV2 page by page; locations keep the prefix's scheme (`s3://` or `s3a://`). */
  async *list(prefix: string): AsyncIterable<FileInfo> {
    const match = /^(s3a?):\/\/([^/]+)\/?(.*)$/.exec(prefix);
    if (!match) throw new ConfigurationError(`"${prefix}" is not an s3://bucket/prefix location`);
    const [, scheme, bucket, keyPrefix] = match as unknown as [string, string, string, string];
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: keyPrefix,
            ...(this.listPageSize ? { MaxKeys: this.listPageSize } : {}),
            ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
          }),
        );
      } catch (error) {
        throw new IcebergError('IO', `cannot list ${prefix}`, { cause: error, retriable: true });
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        // No timestamp (never seen from S3 itself): reported as just written, so no age rule deletes it.
        const lastModifiedMs = object.LastModified?.getTime() ?? Date.now();
        yield { location: `${scheme}://${bucket}/${object.Key}`, size: object.Size ?? 0, lastModifiedMs };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  destroy(): void {
    this.client.destroy();
  }
}
