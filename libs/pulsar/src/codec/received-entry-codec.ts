/**
 * Hand-coded decoders for the two messages every received entry carries: the MESSAGE command and
 * the entry's MessageMetadata. They give exactly what `baseCommandCodec` / `messageMetadataCodec`
 * give (protobufjs with 64-bit values as decimal strings, fields present only when on the wire),
 * without protobufjs' Long objects and their string conversion, which were the larger part of the
 * per-entry decoding cost. They know the fields Pulsar sends today; anything else (another command,
 * an unknown field, an unexpected wire type, a missing required field) returns undefined and the
 * caller decodes with protobufjs, which also produces the errors for malformed bytes.
 *
 * Field numbers from PulsarApi.proto: BaseCommand type 1, message 9. CommandMessage consumer_id 1,
 * message_id 2, redelivery_count 3, ack_set 4, consumer_epoch 5. MessageIdData ledgerId 1, entryId 2,
 * partition 3, batch_index 4, ack_set 5, batch_size 6. KeyValue key 1, value 2. MessageMetadata:
 * producer_name 1, sequence_id 2, publish_time 3, properties 4, replicated_from 5, partition_key 6,
 * compression 8, uncompressed_size 9, num_messages_in_batch 11, event_time 12,
 * partition_key_b64_encoded 17, ordering_key 18, deliver_at_time 19, marker_type 20,
 * highest_sequence_id 24, null_value 25, uuid 26, num_chunks_from_msg 27, chunk_id 29,
 * null_partition_key 30.
 */
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT, WireReader } from './proto-wire';
import { CommandType, type BaseCommand, type CommandMessage, type KeyValue, type MessageIdData, type MessageMetadata } from './wire-types';

/** A reader over a Buffer (strings and bytes are read as views/slices of it). */
type BufferReader = WireReader & { readonly bytes: Buffer };

const NOT_HANDLED = undefined;

/** uint64 as protobufjs writes it with `longs: String`: the unsigned decimal. */
function uint64Text(reader: WireReader): string {
  const value = reader.varint();
  return typeof value === 'number' ? String(value) : BigInt.asUintN(64, value).toString();
}

/** int64 as protobufjs writes it with `longs: String`: the signed decimal. */
function int64Text(reader: WireReader): string {
  const value = reader.varint();
  return String(value);
}

function text(reader: BufferReader): string {
  const end = reader.skipLengthDelimited();
  return reader.bytes.toString('utf8', reader.fieldStart, end);
}

function bytes(reader: BufferReader): Buffer {
  const end = reader.skipLengthDelimited();
  return reader.bytes.subarray(reader.fieldStart, end) as Buffer;
}

/** Runs `decode` on the length-delimited field at the reader, then continues after it. */
function nested<T>(reader: BufferReader, decode: (reader: BufferReader) => T | undefined): T | undefined {
  const end = reader.skipLengthDelimited();
  const outerEnd = reader.end;
  reader.pos = reader.fieldStart;
  reader.end = end;
  const value = decode(reader);
  reader.pos = end;
  reader.end = outerEnd;
  return value;
}

function messageIdData(reader: BufferReader): MessageIdData | undefined {
  let ledgerId: string | undefined;
  let entryId: string | undefined;
  const id: Partial<MessageIdData> = {};
  while (!reader.done) {
    const tag = reader.int32();
    switch (tag) {
      case (1 << 3) | WIRE_VARINT: ledgerId = uint64Text(reader); break;
      case (2 << 3) | WIRE_VARINT: entryId = uint64Text(reader); break;
      case (3 << 3) | WIRE_VARINT: id.partition = reader.int32(); break;
      case (4 << 3) | WIRE_VARINT: id.batchIndex = reader.int32(); break;
      case (5 << 3) | WIRE_VARINT: (id.ackSet ??= []).push(int64Text(reader)); break;
      case (6 << 3) | WIRE_VARINT: id.batchSize = reader.int32(); break;
      default: return NOT_HANDLED;
    }
  }
  if (ledgerId === undefined || entryId === undefined) return NOT_HANDLED;
  // Same key order as protobufjs' objects (field order), so both look alike in logs and tests.
  return { ledgerId, entryId, ...id };
}

function commandMessage(reader: BufferReader): CommandMessage | undefined {
  let consumerId: string | undefined;
  let messageId: MessageIdData | undefined;
  const rest: Partial<CommandMessage> = {};
  while (!reader.done) {
    const tag = reader.int32();
    switch (tag) {
      case (1 << 3) | WIRE_VARINT: consumerId = uint64Text(reader); break;
      case (2 << 3) | WIRE_LENGTH_DELIMITED:
        if (messageId) return NOT_HANDLED; // a repeated message field merges in protobufjs
        messageId = nested(reader, messageIdData);
        if (!messageId) return NOT_HANDLED;
        break;
      case (3 << 3) | WIRE_VARINT: rest.redeliveryCount = reader.int32() >>> 0; break;
      case (4 << 3) | WIRE_VARINT: (rest.ackSet ??= []).push(int64Text(reader)); break;
      case (5 << 3) | WIRE_VARINT: rest.consumerEpoch = uint64Text(reader); break;
      default: return NOT_HANDLED;
    }
  }
  if (consumerId === undefined || messageId === undefined) return NOT_HANDLED;
  return { consumerId, messageId, ...rest };
}

/** A MESSAGE command decoded by hand, or undefined for protobufjs to decode (any other command included). */
export function decodeMessageCommand(body: Buffer, start: number, end: number): BaseCommand | undefined {
  try {
    const reader = new WireReader(body, start, end) as BufferReader;
    let type: number | undefined;
    let message: CommandMessage | undefined;
    while (!reader.done) {
      const tag = reader.int32();
      if (tag === ((1 << 3) | WIRE_VARINT)) {
        type = reader.int32();
        if (type !== CommandType.MESSAGE) return NOT_HANDLED;
      } else if (tag === ((9 << 3) | WIRE_LENGTH_DELIMITED) && !message) {
        message = nested(reader, commandMessage);
        if (!message) return NOT_HANDLED;
      } else return NOT_HANDLED;
    }
    return type === CommandType.MESSAGE && message ? { type, message } : NOT_HANDLED;
  } catch {
    return NOT_HANDLED;
  }
}

function keyValue(reader: BufferReader): KeyValue | undefined {
  let key: string | undefined;
  let value: string | undefined;
  while (!reader.done) {
    const tag = reader.int32();
    if (tag === ((1 << 3) | WIRE_LENGTH_DELIMITED)) key = text(reader);
    else if (tag === ((2 << 3) | WIRE_LENGTH_DELIMITED)) value = text(reader);
    else return NOT_HANDLED;
  }
  return key === undefined || value === undefined ? NOT_HANDLED : { key, value };
}

/** An entry's MessageMetadata decoded by hand, or undefined for protobufjs to decode. */
export function decodeEntryMetadata(body: Buffer, start: number, end: number): MessageMetadata | undefined {
  try {
    const reader = new WireReader(body, start, end) as BufferReader;
    let producerName: string | undefined;
    let sequenceId: string | undefined;
    let publishTime: string | undefined;
    const rest: Partial<MessageMetadata> = {};
    while (!reader.done) {
      const tag = reader.int32();
      switch (tag) {
        case (1 << 3) | WIRE_LENGTH_DELIMITED: producerName = text(reader); break;
        case (2 << 3) | WIRE_VARINT: sequenceId = uint64Text(reader); break;
        case (3 << 3) | WIRE_VARINT: publishTime = uint64Text(reader); break;
        case (4 << 3) | WIRE_LENGTH_DELIMITED: {
          const property = nested(reader, keyValue);
          if (!property) return NOT_HANDLED;
          (rest.properties ??= []).push(property);
          break;
        }
        case (5 << 3) | WIRE_LENGTH_DELIMITED: rest.replicatedFrom = text(reader); break;
        case (6 << 3) | WIRE_LENGTH_DELIMITED: rest.partitionKey = text(reader); break;
        case (8 << 3) | WIRE_VARINT: rest.compression = reader.int32(); break;
        case (9 << 3) | WIRE_VARINT: rest.uncompressedSize = reader.int32() >>> 0; break;
        case (11 << 3) | WIRE_VARINT: rest.numMessagesInBatch = reader.int32(); break;
        case (12 << 3) | WIRE_VARINT: rest.eventTime = uint64Text(reader); break;
        case (17 << 3) | WIRE_VARINT: rest.partitionKeyB64Encoded = reader.varint() !== 0; break;
        case (18 << 3) | WIRE_LENGTH_DELIMITED: rest.orderingKey = bytes(reader); break;
        case (19 << 3) | WIRE_VARINT: rest.deliverAtTime = int64Text(reader); break;
        case (20 << 3) | WIRE_VARINT: rest.markerType = reader.int32(); break;
        case (24 << 3) | WIRE_VARINT: rest.highestSequenceId = uint64Text(reader); break;
        case (25 << 3) | WIRE_VARINT: rest.nullValue = reader.varint() !== 0; break;
        case (26 << 3) | WIRE_LENGTH_DELIMITED: rest.uuid = text(reader); break;
        case (27 << 3) | WIRE_VARINT: rest.numChunksFromMsg = reader.int32(); break;
        case (29 << 3) | WIRE_VARINT: rest.chunkId = reader.int32(); break;
        case (30 << 3) | WIRE_VARINT: rest.nullPartitionKey = reader.varint() !== 0; break;
        default: return NOT_HANDLED;
      }
    }
    if (producerName === undefined || sequenceId === undefined || publishTime === undefined) return NOT_HANDLED;
    return { producerName, sequenceId, publishTime, ...rest };
  } catch {
    return NOT_HANDLED;
  }
}
