import { fromU64 } from '../codec/codec';
import { AckValidationError, CompressionType, type BaseCommand } from '../codec/wire-types';
import { asBuffer, scanBatch, type BatchLayout } from '../commands/batch';
import { decompressPayload } from '../compression';
import type { PayloadSection } from '../framing/frame';
import { MessageId, messageIdFromWire } from '../message-id';
import type { AckTracker } from './ack-tracker';
import { ReceivedEntry, ReceivedMessage } from './message';
import type { PartitionConsumer } from './partition-consumer';

export type ParsedEntry =
  | { ok: true; entryId: MessageId; messages: ReceivedMessage[]; skipped: number; batchSize: number }
  /** The entry is unusable; it is acked with `validationError` so it is not redelivered forever. */
  | { ok: false; entryId: MessageId; validationError: AckValidationError; reason: string; skipped: number };

const sameEntry = (a: MessageId, b: MessageId) => a.ledgerId === b.ledgerId && a.entryId === b.entryId;

/** Whether batch index `i` is still unacknowledged according to the broker's ack_set bitset. */
function inAckSet(ackSet: string[] | undefined, i: number): boolean {
  if (!ackSet || ackSet.length === 0) return true;
  const word = ackSet[i >> 6];
  if (word === undefined) return false;
  return ((BigInt.asUintN(64, BigInt(word)) >> BigInt(i & 63)) & 1n) === 1n;
}

/**
 * Turns one CommandMessage + payload into application messages: verifies the checksum,
 * decompresses, unpacks batches, and drops batch entries the broker reports as acknowledged.
 * `skipBefore`, for readers, drops batch entries at or before a start position. Delivered
 * messages of a batch are registered with `acks`, and carry that registration and `owner`.
 */
export function parseEntry(
  command: BaseCommand,
  section: PayloadSection,
  topic: string,
  partition: number,
  acks: AckTracker,
  skipBefore?: { id: MessageId; inclusive: boolean },
  owner?: PartitionConsumer,
): ParsedEntry {
  const cmd = command.message!;
  const entryId = messageIdFromWire(cmd.messageId, partition).entry();
  const redeliveryCount = cmd.redeliveryCount ?? 0;
  if (!section.checksumValid || !section.metadata) {
    return { ok: false, entryId, validationError: AckValidationError.ChecksumMismatch, reason: 'checksum mismatch', skipped: 1 };
  }
  const meta = section.metadata;
  const count = meta.numMessagesInBatch;
  let payload: Buffer;
  try {
    payload = asBuffer(decompressPayload(meta.compression ?? CompressionType.NONE, section.payload, meta.uncompressedSize ?? 0));
  } catch (error) {
    return { ok: false, entryId, validationError: AckValidationError.DecompressionError, reason: (error as Error).message, skipped: count ?? 1 };
  }
  const publishTime = Number(fromU64(meta.publishTime));
  if (count === undefined) {
    // The broker starts a non-durable cursor *at* the start position; exclusive readers skip it.
    if (skipBefore && !skipBefore.inclusive && !skipBefore.id.isBatched && sameEntry(skipBefore.id, entryId)) {
      return { ok: true, entryId, batchSize: 0, skipped: 1, messages: [] };
    }
    const entry = new ReceivedEntry(topic, publishTime, redeliveryCount, meta, payload, undefined, undefined, owner);
    const message = new ReceivedMessage(entryId, entry);
    return { ok: true, entryId, batchSize: 0, skipped: 0, messages: [message] };
  }
  let layout: BatchLayout;
  try {
    layout = scanBatch(payload, count);
  } catch (error) {
    return { ok: false, entryId, validationError: AckValidationError.BatchDeSerializeError, reason: (error as Error).message, skipped: count };
  }
  const batch = acks.startBatch(entryId, count);
  const entry = new ReceivedEntry(topic, publishTime, redeliveryCount, meta, payload, layout, batch, owner);
  // Sized for the whole batch, trimmed to the delivered ones at the end.
  const messages = new Array<ReceivedMessage>(count);
  let delivered = 0;
  const ackSet = cmd.ackSet?.length ? cmd.ackSet : undefined;
  let skipped = 0;
  for (let index = 0; index < count; index++) {
    const before =
      skipBefore !== undefined && sameEntry(skipBefore.id, entryId) &&
      (skipBefore.inclusive ? index < skipBefore.id.batchIndex : index <= skipBefore.id.batchIndex);
    if (layout.compactedOut(index) || (ackSet && !inAckSet(ackSet, index)) || before) {
      skipped++;
      continue;
    }
    batch.track(index);
    messages[delivered++] = new ReceivedMessage(entryId.inBatch(index, count), entry);
  }
  messages.length = delivered;
  if (delivered === 0) acks.dropBatch(batch);
  return { ok: true, entryId, messages, skipped, batchSize: count };
}
