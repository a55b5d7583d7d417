/**
 * Batch payload format: for each message, [size:4 big-endian][SingleMessageMetadata:size][payload],
 * concatenated; the entry's MessageMetadata carries num_messages_in_batch.
 *
 * SingleMessageMetadata is hand-coded (see codec/proto-wire.ts for why). Field numbers, from
 * PulsarApi.proto: properties 1, partition_key 2, payload_size 3, compacted_out 4, event_time 5,
 * partition_key_b64_encoded 6, ordering_key 7, sequence_id 8, null_value 9, null_partition_key 10.
 * Fields are written in field-number order, as protobufjs and the Java client write them.
 */
import {
  fieldTag,
  varintSize,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  WireFormatError,
  WireReader,
  writeVarint,
} from '../codec/proto-wire';
import type { KeyValue } from '../codec/wire-types';
import { PulsarClientError } from '../errors';

const F_PROPERTIES = 1;
const F_PARTITION_KEY = 2;
const F_PAYLOAD_SIZE = 3;
const F_COMPACTED_OUT = 4;
const F_EVENT_TIME = 5;
const F_ORDERING_KEY = 7;
const F_SEQUENCE_ID = 8;
const F_KEY_VALUE_KEY = 1;
const F_KEY_VALUE_VALUE = 2;

/** One message of an outgoing batch: its payload and what goes in its SingleMessageMetadata. */
export interface OutgoingBatchMessage {
  payload: Uint8Array;
  properties?: readonly KeyValue[] | undefined;
  partitionKey?: string | undefined;
  orderingKey?: Uint8Array | undefined;
  /** Epoch ms. */
  eventTime?: number | undefined;
  sequenceId?: number | undefined;
}

/** A decoded SingleMessageMetadata; 64-bit values are numbers below 2^53 and bigints above. */
export interface DecodedSingleMetadata {
  properties: KeyValue[];
  partitionKey?: string;
  payloadSize: number;
  compactedOut: boolean;
  eventTime?: number | bigint;
  orderingKey?: Buffer;
  sequenceId?: number | bigint;
}

export interface BatchEntry {
  metadata: DecodedSingleMetadata;
  payload: Buffer;
}

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Encoded size of one message's metadata; string byte lengths are appended to `lengths` for the write pass. */
function singleMetadataSize(m: OutgoingBatchMessage, payloadSize: number, lengths: number[]): number {
  let size = 1 + varintSize(payloadSize);
  for (const kv of m.properties ?? []) {
    const k = utf8Length(kv.key);
    const v = utf8Length(kv.value);
    const inner = 1 + varintSize(k) + k + 1 + varintSize(v) + v;
    lengths.push(k, v);
    size += 1 + varintSize(inner) + inner;
  }
  if (m.partitionKey !== undefined) {
    const k = utf8Length(m.partitionKey);
    lengths.push(k);
    size += 1 + varintSize(k) + k;
  }
  if (m.eventTime !== undefined) size += 1 + varintSize(m.eventTime);
  if (m.orderingKey) size += 1 + varintSize(m.orderingKey.length) + m.orderingKey.length;
  if (m.sequenceId !== undefined) size += 1 + varintSize(m.sequenceId);
  return size;
}

function writeString(target: Buffer, pos: number, text: string, byteLength: number): number {
  pos = writeVarint(target, pos, byteLength);
  return pos + target.write(text, pos, byteLength, 'utf8');
}

/** Writes one message's metadata at `pos`, taking string lengths from `lengths` starting at `next.i`. */
function writeSingleMetadata(target: Buffer, pos: number, m: OutgoingBatchMessage, payloadSize: number, lengths: number[], next: { i: number }): number {
  for (const kv of m.properties ?? []) {
    const k = lengths[next.i++]!;
    const v = lengths[next.i++]!;
    target[pos++] = fieldTag(F_PROPERTIES, WIRE_LENGTH_DELIMITED);
    pos = writeVarint(target, pos, 1 + varintSize(k) + k + 1 + varintSize(v) + v);
    target[pos++] = fieldTag(F_KEY_VALUE_KEY, WIRE_LENGTH_DELIMITED);
    pos = writeString(target, pos, kv.key, k);
    target[pos++] = fieldTag(F_KEY_VALUE_VALUE, WIRE_LENGTH_DELIMITED);
    pos = writeString(target, pos, kv.value, v);
  }
  if (m.partitionKey !== undefined) {
    target[pos++] = fieldTag(F_PARTITION_KEY, WIRE_LENGTH_DELIMITED);
    pos = writeString(target, pos, m.partitionKey, lengths[next.i++]!);
  }
  target[pos++] = fieldTag(F_PAYLOAD_SIZE, WIRE_VARINT);
  pos = writeVarint(target, pos, payloadSize);
  if (m.eventTime !== undefined) {
    target[pos++] = fieldTag(F_EVENT_TIME, WIRE_VARINT);
    pos = writeVarint(target, pos, m.eventTime);
  }
  if (m.orderingKey) {
    target[pos++] = fieldTag(F_ORDERING_KEY, WIRE_LENGTH_DELIMITED);
    pos = writeVarint(target, pos, m.orderingKey.length);
    target.set(m.orderingKey, pos);
    pos += m.orderingKey.length;
  }
  if (m.sequenceId !== undefined) {
    target[pos++] = fieldTag(F_SEQUENCE_ID, WIRE_VARINT);
    pos = writeVarint(target, pos, m.sequenceId);
  }
  return pos;
}

/** Encodes a batch payload into one buffer (sizes first, then a single write pass, no concatenation). */
export function encodeBatch(messages: readonly OutgoingBatchMessage[]): Buffer {
  const lengths: number[] = [];
  const metaSizes = new Array<number>(messages.length);
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const size = singleMetadataSize(message, message.payload.length, lengths);
    metaSizes[i] = size;
    total += 4 + size + message.payload.length;
  }
  const out = Buffer.allocUnsafe(total);
  const next = { i: 0 };
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    out.writeUInt32BE(metaSizes[i]!, pos);
    pos = writeSingleMetadata(out, pos + 4, message, message.payload.length, lengths, next);
    out.set(message.payload, pos);
    pos += message.payload.length;
  }
  return out;
}

/** Slots per message in BatchLayout.offsets. */
const LAYOUT_STRIDE = 5;
const AT_METADATA = 0;
const AT_DATA = 1;
const AT_DATA_END = 2;
const AT_KEY = 3;
const AT_KEY_END = 4;

/**
 * Where each message of a batch sits in its payload: its metadata, its payload (the metadata ends
 * where it starts) and the bytes of its partition key (-1 when it has none). Scanning reads only
 * the fields needed to walk the batch and the key every Key_Shared consumer reads; everything else
 * is decoded when the application asks (`decodeSingleMetadata`). Accessors are methods so that
 * per-message reads are plain calls on the instance (no module bindings in the hot path; tsx
 * compiles those to getter calls).
 */
export class BatchLayout {
  constructor(
    readonly count: number,
    /** Per message i, from i * LAYOUT_STRIDE: metadata start, data start, data end, key start, key end. */
    private readonly offsets: Int32Array,
    /** Per message: 1 if the broker's compaction left it out; undefined when none was (the usual case). */
    private readonly compacted: Uint8Array | undefined,
  ) {}

  metadataStart(index: number): number {
    return this.offsets[index * LAYOUT_STRIDE + AT_METADATA]!;
  }

  /** Where the message's payload starts (and its metadata ends). */
  dataStart(index: number): number {
    return this.offsets[index * LAYOUT_STRIDE + AT_DATA]!;
  }

  dataEnd(index: number): number {
    return this.offsets[index * LAYOUT_STRIDE + AT_DATA_END]!;
  }

  /** Where the message's partition key starts, -1 if it has none. */
  keyStart(index: number): number {
    return this.offsets[index * LAYOUT_STRIDE + AT_KEY]!;
  }

  keyEnd(index: number): number {
    return this.offsets[index * LAYOUT_STRIDE + AT_KEY_END]!;
  }

  compactedOut(index: number): boolean {
    return this.compacted !== undefined && this.compacted[index] === 1;
  }
}

/**
 * Offsets tables are cut from shared 64 KiB slabs: a typed array of its own would get a backing
 * store of its own per batch (malloc, zeroing, and sweeping by the GC), which cost more than
 * scanning the batch. A slab lives as long as a message of a batch cut from it.
 */
const SLAB_INTS = 16 * 1024;
let slab = new Int32Array(SLAB_INTS);
let slabUsed = 0;

function offsetsTable(ints: number): Int32Array {
  if (ints > SLAB_INTS / 8) return new Int32Array(ints);
  if (slabUsed + ints > SLAB_INTS) {
    slab = new Int32Array(SLAB_INTS);
    slabUsed = 0;
  }
  const table = new Int32Array(slab.buffer, slabUsed * Int32Array.BYTES_PER_ELEMENT, ints);
  slabUsed += ints;
  return table;
}

// Tags of the fields the scan looks at, computed once (the scan runs once per received message).
const TAG_PARTITION_KEY = fieldTag(F_PARTITION_KEY, WIRE_LENGTH_DELIMITED);
const TAG_PAYLOAD_SIZE = fieldTag(F_PAYLOAD_SIZE, WIRE_VARINT);
const TAG_COMPACTED_OUT = fieldTag(F_COMPACTED_OUT, WIRE_VARINT);

export function scanBatch(payload: Uint8Array, count: number): BatchLayout {
  const offsets = offsetsTable(count * LAYOUT_STRIDE);
  let compactedOut: Uint8Array | undefined;
  // One reader walks every message's metadata (repositioned per message, not re-created).
  const reader = new WireReader(payload, 0, 0);
  const length = payload.length;
  let pos = 0;
  let i = 0;
  try {
    for (; i < count; i++) {
      if (length - pos < 4) throw batchError(`entry ${i} of ${count}: no metadata size`);
      // Big-endian uint32 (>>> 0 keeps sizes of 2^31 and above positive, and so overrunning).
      const metaSize = ((payload[pos]! << 24) | (payload[pos + 1]! << 16) | (payload[pos + 2]! << 8) | payload[pos + 3]!) >>> 0;
      pos += 4;
      if (metaSize > length - pos) throw batchError(`entry ${i}: metadata size ${metaSize} overruns the batch`);
      const metaEnd = pos + metaSize;
      const at = i * LAYOUT_STRIDE;
      let payloadSize = -1;
      let keyStart = -1;
      let keyEnd = -1;
      reader.end = metaEnd;
      // Tags, key lengths and payload sizes below 128 are one byte, read inline; anything longer,
      // other fields and malformed bytes go through the reader (which throws WireFormatError).
      let p = pos;
      while (p < metaEnd) {
        let tag = payload[p]!;
        if (tag < 0x80) p++;
        else {
          tag = reader.int32At(p);
          p = reader.pos;
        }
        if (tag === TAG_PARTITION_KEY) {
          let keyLength = p < metaEnd ? payload[p]! : 0x80;
          if (keyLength < 0x80) p++;
          else {
            keyLength = reader.int32At(p);
            p = reader.pos;
          }
          if (keyLength < 0 || keyLength > metaEnd - p) throw new WireFormatError(`field of ${keyLength} bytes overruns the message`);
          keyStart = p;
          keyEnd = p += keyLength;
        } else if (tag === TAG_PAYLOAD_SIZE) {
          payloadSize = p < metaEnd ? payload[p]! : 0x80;
          if (payloadSize < 0x80) p++;
          else {
            payloadSize = reader.int32At(p);
            p = reader.pos;
          }
        } else {
          reader.pos = p;
          if (tag === TAG_COMPACTED_OUT) {
            if (reader.int32()) (compactedOut ??= new Uint8Array(count))[i] = 1;
          } else reader.skip(tag & 7);
          p = reader.pos;
        }
      }
      if (payloadSize < 0 || payloadSize > length - metaEnd) {
        throw batchError(`entry ${i}: payload size ${payloadSize} overruns the batch`);
      }
      offsets[at + AT_METADATA] = pos;
      offsets[at + AT_DATA] = metaEnd;
      offsets[at + AT_DATA_END] = metaEnd + payloadSize;
      offsets[at + AT_KEY] = keyStart;
      offsets[at + AT_KEY_END] = keyEnd;
      pos = metaEnd + payloadSize;
    }
  } catch (error) {
    if (error instanceof WireFormatError) throw batchError(`entry ${i}: SingleMessageMetadata does not decode (${error.message})`, error);
    throw error;
  }
  return new BatchLayout(count, offsets, compactedOut);
}

/** Decodes a SingleMessageMetadata between `start` and `end` of `bytes` (a scanned batch, so already walked once). */
export function decodeSingleMetadata(bytes: Buffer, start: number, end: number): DecodedSingleMetadata {
  const reader = new WireReader(bytes, start, end);
  const decoded: DecodedSingleMetadata = { properties: [], payloadSize: 0, compactedOut: false };
  while (!reader.done) {
    const tag = reader.int32();
    switch (tag) {
      case fieldTag(F_PROPERTIES, WIRE_LENGTH_DELIMITED): {
        const [s, e] = reader.lengthDelimited();
        const property = decodeKeyValue(bytes, s, e);
        if (property) decoded.properties.push(property);
        break;
      }
      case fieldTag(F_PARTITION_KEY, WIRE_LENGTH_DELIMITED): {
        const [s, e] = reader.lengthDelimited();
        decoded.partitionKey = bytes.toString('utf8', s, e);
        break;
      }
      case fieldTag(F_PAYLOAD_SIZE, WIRE_VARINT):
        decoded.payloadSize = reader.int32();
        break;
      case fieldTag(F_COMPACTED_OUT, WIRE_VARINT):
        decoded.compactedOut = reader.int32() !== 0;
        break;
      case fieldTag(F_EVENT_TIME, WIRE_VARINT):
        decoded.eventTime = reader.varint();
        break;
      case fieldTag(F_ORDERING_KEY, WIRE_LENGTH_DELIMITED): {
        const [s, e] = reader.lengthDelimited();
        decoded.orderingKey = bytes.subarray(s, e);
        break;
      }
      case fieldTag(F_SEQUENCE_ID, WIRE_VARINT):
        decoded.sequenceId = reader.varint();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return decoded;
}

/** A property, or undefined if its bytes are malformed (the scan walked past it without looking inside). */
function decodeKeyValue(bytes: Buffer, start: number, end: number): KeyValue | undefined {
  try {
    return readKeyValue(bytes, start, end);
  } catch (error) {
    if (error instanceof WireFormatError) return undefined;
    throw error;
  }
}

function readKeyValue(bytes: Buffer, start: number, end: number): KeyValue {
  const reader = new WireReader(bytes, start, end);
  let key = '';
  let value = '';
  while (!reader.done) {
    const tag = reader.int32();
    if (tag === fieldTag(F_KEY_VALUE_KEY, WIRE_LENGTH_DELIMITED)) {
      const [s, e] = reader.lengthDelimited();
      key = bytes.toString('utf8', s, e);
    } else if (tag === fieldTag(F_KEY_VALUE_VALUE, WIRE_LENGTH_DELIMITED)) {
      const [s, e] = reader.lengthDelimited();
      value = bytes.toString('utf8', s, e);
    } else {
      reader.skip(tag & 7);
    }
  }
  return { key, value };
}

/** Scans and fully decodes a batch (tests and tools; the consumer decodes lazily). */
export function decodeBatch(payload: Uint8Array, count: number): BatchEntry[] {
  const bytes = asBuffer(payload);
  const layout = scanBatch(bytes, count);
  const entries: BatchEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      metadata: decodeSingleMetadata(bytes, layout.metadataStart(i), layout.dataStart(i)),
      payload: bytes.subarray(layout.dataStart(i), layout.dataEnd(i)),
    });
  }
  return entries;
}

/** A Buffer over the same bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function batchError(message: string, cause?: unknown): PulsarClientError {
  return new PulsarClientError('InvalidFrame', `invalid batch payload: ${message}`, { cause });
}
