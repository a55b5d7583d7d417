/**
 * The individual ACK frame, encoded straight from message ids. Acks go out for every acknowledged
 * entry, and building them as BaseCommand objects meant two bigint → string conversions per id
 * and protobufjs parsing the strings back into Longs. The bytes are what protobufjs writes for
 * `ackCommand(consumerId, AckType.Individual, ids.map((id) => messageIdToWire(id)))` (fields in
 * field-number order; the spec checks it).
 *
 * Field numbers from PulsarApi.proto: BaseCommand type 1, ack 10 (Type.ACK = 10). CommandAck
 * consumer_id 1, ack_type 2 (Individual = 0), message_id 3. MessageIdData ledgerId 1, entryId 2,
 * partition 3.
 */
import { uint64Size, varintSize, writeUint64, writeVarint } from '../codec/proto-wire';
import type { MessageId } from '../message-id';

const TYPE_ACK = 10;
const TAG_TYPE = (1 << 3) | 0;
const TAG_ACK = (10 << 3) | 2;
const TAG_CONSUMER_ID = (1 << 3) | 0;
const TAG_ACK_TYPE = (2 << 3) | 0;
const TAG_MESSAGE_ID = (3 << 3) | 2;
const TAG_LEDGER_ID = (1 << 3) | 0;
const TAG_ENTRY_ID = (2 << 3) | 0;
const TAG_PARTITION = (3 << 3) | 0;
const ACK_INDIVIDUAL = 0;

/** Size of an entry's MessageIdData (ledger, entry, and the partition when it has one). */
function idSize(id: MessageId): number {
  let size = 1 + uint64Size(id.ledgerId) + 1 + uint64Size(id.entryId);
  if (id.partition >= 0) size += 1 + varintSize(id.partition);
  return size;
}

/** A complete frame ([totalSize][commandSize][BaseCommand]) acking `entries` individually. */
export function encodeIndividualAckFrame(consumerId: number, entries: readonly MessageId[]): Buffer {
  const idSizes = new Array<number>(entries.length);
  let ackSize = 1 + varintSize(consumerId) + 2;
  for (let i = 0; i < entries.length; i++) {
    const size = idSize(entries[i]!);
    idSizes[i] = size;
    ackSize += 1 + varintSize(size) + size;
  }
  const commandSize = 2 + 1 + varintSize(ackSize) + ackSize;
  const frame = Buffer.allocUnsafe(8 + commandSize);
  frame.writeUInt32BE(4 + commandSize, 0);
  frame.writeUInt32BE(commandSize, 4);
  let pos = 8;
  frame[pos++] = TAG_TYPE;
  frame[pos++] = TYPE_ACK;
  frame[pos++] = TAG_ACK;
  pos = writeVarint(frame, pos, ackSize);
  frame[pos++] = TAG_CONSUMER_ID;
  pos = writeVarint(frame, pos, consumerId);
  frame[pos++] = TAG_ACK_TYPE;
  frame[pos++] = ACK_INDIVIDUAL;
  for (let i = 0; i < entries.length; i++) {
    const id = entries[i]!;
    frame[pos++] = TAG_MESSAGE_ID;
    pos = writeVarint(frame, pos, idSizes[i]!);
    frame[pos++] = TAG_LEDGER_ID;
    pos = writeUint64(frame, pos, id.ledgerId);
    frame[pos++] = TAG_ENTRY_ID;
    pos = writeUint64(frame, pos, id.entryId);
    if (id.partition >= 0) {
      frame[pos++] = TAG_PARTITION;
      pos = writeVarint(frame, pos, id.partition);
    }
  }
  return frame;
}
