import { fromU64, messageIdDataCodec, u64 } from './codec/codec';
import type { MessageIdData } from './codec/wire-types';
import { PulsarClientError } from './errors';

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Position of a message: ledger, entry, and for batched messages the index inside the batch.
 * Serialisable (`toBytes` is the same MessageIdData encoding the Java client's `toByteArray`
 * produces; `toString` is `ledger:entry:partition:batchIndex`) so it can be stored in checkpoints.
 */
export class MessageId {
  constructor(
    readonly ledgerId: bigint,
    readonly entryId: bigint,
    readonly partition: number = -1,
    readonly batchIndex: number = -1,
    readonly batchSize: number = 0,
  ) {}

  /** Before the first message of a topic. */
  static earliest(): MessageId {
    return new MessageId(-1n, -1n);
  }

  /** After the last message of a topic. */
  static latest(): MessageId {
    return new MessageId(INT64_MAX, INT64_MAX);
  }

  get isBatched(): boolean {
    return this.batchIndex >= 0;
  }

  toBytes(): Uint8Array {
    return messageIdDataCodec.encode(messageIdToWire(this, true));
  }

  static fromBytes(bytes: Uint8Array): MessageId {
    try {
      return messageIdFromWire(messageIdDataCodec.decode(bytes));
    } catch (error) {
      throw new PulsarClientError('InvalidMessageId', `bytes do not hold a Pulsar message id: ${(error as Error).message}`, { cause: error });
    }
  }

  toString(): string {
    return `${this.ledgerId}:${this.entryId}:${this.partition}:${this.batchIndex}`;
  }

  static fromString(text: string): MessageId {
    const parts = text.split(':');
    if (parts.length < 2 || parts.length > 4 || parts.some((p) => !/^-?\d+$/.test(p))) {
      throw new PulsarClientError('InvalidMessageId', `"${text}" is not a message id: expected ledger:entry[:partition[:batchIndex]]`);
    }
    return new MessageId(BigInt(parts[0]!), BigInt(parts[1]!), Number(parts[2] ?? -1), Number(parts[3] ?? -1));
  }

  /** Orders by ledger, entry, then batch index (partition only breaks ties between partitions). */
  compareTo(other: MessageId): number {
    if (this.ledgerId !== other.ledgerId) return this.ledgerId < other.ledgerId ? -1 : 1;
    if (this.entryId !== other.entryId) return this.entryId < other.entryId ? -1 : 1;
    if (this.batchIndex !== other.batchIndex) return this.batchIndex < other.batchIndex ? -1 : 1;
    if (this.partition !== other.partition) return this.partition < other.partition ? -1 : 1;
    return 0;
  }

  equals(other: MessageId): boolean {
    return this.compareTo(other) === 0;
  }

  /**
   * @internal The message at `batchIndex` of this entry's batch of `batchSize` (the consumer builds
   * every received id this way: a method, so the hot path references no module binding).
   */
  inBatch(batchIndex: number, batchSize: number): MessageId {
    return new MessageId(this.ledgerId, this.entryId, this.partition, batchIndex, batchSize);
  }

  /** The same message id without batch information: what the broker tracks. */
  entry(): MessageId {
    return new MessageId(this.ledgerId, this.entryId, this.partition);
  }
}

export function messageIdToWire(id: MessageId, withBatch = false): MessageIdData {
  return {
    ledgerId: u64(id.ledgerId),
    entryId: u64(id.entryId),
    ...(id.partition >= 0 ? { partition: id.partition } : {}),
    ...(withBatch && id.batchIndex >= 0 ? { batchIndex: id.batchIndex } : {}),
    ...(withBatch && id.batchSize > 0 ? { batchSize: id.batchSize } : {}),
  };
}

export function messageIdFromWire(data: MessageIdData, partition?: number): MessageId {
  return new MessageId(
    fromU64(data.ledgerId),
    fromU64(data.entryId),
    partition ?? data.partition ?? -1,
    data.batchIndex ?? -1,
    data.batchSize ?? 0,
  );
}
