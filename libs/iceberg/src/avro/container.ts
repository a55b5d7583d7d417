import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Type } from 'avsc';
import { ValidationError } from '../errors';
import { LOSSLESS_LONG } from './avro-types';

/**
 * Avro object container files (Avro 1.x spec, "Object Container Files"). Written by hand around
 * avsc's record codec so the header carries the exact schema JSON given — including Iceberg's
 * `field-id` attributes, which avsc would drop if it re-serialised the parsed schema.
 */
type AvroSchema = Parameters<typeof Type.forSchema>[0];

const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01);
const SYNC_SIZE = 16;
const METADATA_TYPE = Type.forSchema({ type: 'map', values: 'bytes' });
const LONG_TYPE = Type.forSchema('long');
const DEFAULT_BLOCK_RECORDS = 1000;

export type AvroCodec = 'null' | 'deflate';

export interface AvroWriteOptions {
  /** Raw Avro schema JSON (kept verbatim in the header). */
  schema: object;
  metadata?: Record<string, string>;
  codec?: AvroCodec;
}

/**
 * Compiled record codecs by schema JSON. Compiling one (avsc generates code per schema) cost more
 * than encoding a streaming commit's manifest; a writer uses the same few schemas over and over.
 */
const compiledTypes = new Map<string, Type>();
const COMPILED_TYPES_MAX = 64;

function recordType(schema: object, schemaJson: string): Type {
  let type = compiledTypes.get(schemaJson);
  if (!type) {
    type = Type.forSchema(schema as AvroSchema, { registry: { long: LOSSLESS_LONG } });
    if (compiledTypes.size >= COMPILED_TYPES_MAX) compiledTypes.delete(compiledTypes.keys().next().value!);
    compiledTypes.set(schemaJson, type);
  }
  return type;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function writeAvroContainer(records: readonly unknown[], options: AvroWriteOptions): Uint8Array {
  const codec = options.codec ?? 'deflate';
  const schemaJson = JSON.stringify(options.schema);
  const type = recordType(options.schema, schemaJson);
  const header: Record<string, Buffer> = {
    'avro.schema': Buffer.from(schemaJson),
    'avro.codec': Buffer.from(codec),
  };
  for (const [key, value] of Object.entries(options.metadata ?? {})) header[key] = Buffer.from(value);
  const sync = randomBytes(SYNC_SIZE);
  const parts: Buffer[] = [Buffer.from(MAGIC), METADATA_TYPE.toBuffer(header), sync];
  for (let start = 0; start < records.length; start += DEFAULT_BLOCK_RECORDS) {
    const chunk = records.slice(start, start + DEFAULT_BLOCK_RECORDS);
    const raw = Buffer.concat(chunk.map((record) => type.toBuffer(record)));
    const data = codec === 'deflate' ? deflateRawSync(raw) : raw;
    parts.push(LONG_TYPE.toBuffer(chunk.length), LONG_TYPE.toBuffer(data.length), data, sync);
  }
  return new Uint8Array(Buffer.concat(parts));
}

export interface AvroContainer<T> {
  schema: object;
  metadata: Record<string, string>;
  records: T[];
}

export function readAvroContainer<T>(bytes: Uint8Array): AvroContainer<T> {
  const buf = toBuffer(bytes);
  if (!buf.subarray(0, 4).equals(Buffer.from(MAGIC))) throw new ValidationError('not an Avro object container file');
  const header = METADATA_TYPE.decode(buf, 4);
  if (header.offset < 0) throw new ValidationError('truncated Avro header');
  const rawMetadata = header.value as Record<string, Buffer>;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawMetadata)) metadata[key] = value.toString('utf8');
  const schemaJson = metadata['avro.schema'];
  if (!schemaJson) throw new ValidationError('Avro header has no avro.schema');
  const schema = JSON.parse(schemaJson) as object;
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new ValidationError(`unsupported Avro codec ${codec}`);
  const type = recordType(schema, schemaJson);
  let pos = header.offset;
  const sync = buf.subarray(pos, pos + SYNC_SIZE);
  pos += SYNC_SIZE;
  const records: T[] = [];
  while (pos < buf.length) {
    const count = LONG_TYPE.decode(buf, pos);
    const size = LONG_TYPE.decode(buf, count.offset);
    const start = size.offset;
    const end = start + (size.value as number);
    if (count.offset < 0 || size.offset < 0 || end > buf.length) throw new ValidationError('truncated Avro block');
    const block = codec === 'deflate' ? inflateRawSync(buf.subarray(start, end)) : buf.subarray(start, end);
    let blockPos = 0;
    for (let i = 0; i < (count.value as number); i++) {
      const decoded = type.decode(block, blockPos);
      if (decoded.offset < 0) throw new ValidationError('truncated Avro record');
      records.push(decoded.value as T);
      blockPos = decoded.offset;
    }
    if (!buf.subarray(end, end + SYNC_SIZE).equals(sync)) throw new ValidationError('Avro sync marker mismatch');
    pos = end + SYNC_SIZE;
  }
  return { schema, metadata, records };
}
