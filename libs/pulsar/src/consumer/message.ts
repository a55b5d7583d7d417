import { fromU64 } from '../codec/codec';
import type { KeyValue, MessageMetadata, U64 } from '../codec/wire-types';
import { decodeSingleMetadata, type BatchLayout } from '../commands/batch';
import type { MessageId } from '../message-id';
import type { BatchAcks } from './ack-tracker';
import type { PartitionConsumer } from './partition-consumer';

/** A received message. */
export interface Message {
  /** The topic (for partitioned topics: the partition's topic) it was read from. */
  readonly topic: string;
  readonly messageId: MessageId;
  readonly data: Buffer;
  /** Partition key, if the producer set one. */
  readonly key: string | undefined;
  readonly orderingKey: Buffer | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** Broker-side publish time, epoch ms. */
  readonly publishTime: number;
  /** Producer-set event time, epoch ms. */
  readonly eventTime: number | undefined;
  /** How many times the broker has delivered this message before (Shared and Key_Shared subscriptions). */
  readonly redeliveryCount: number;
  readonly producerName: string;
  readonly sequenceId: bigint;
}

const NO_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});

/** Fields decoded on first access: most consumers read a few of them, many none. */
interface LazyFields {
  orderingKey: Buffer | undefined;
  properties: Readonly<Record<string, string>>;
  eventTime: number | undefined;
  sequenceId: bigint;
}

function toProperties(kvs: readonly KeyValue[] | undefined): Readonly<Record<string, string>> {
  if (!kvs?.length) return NO_PROPERTIES;
  const properties: Record<string, string> = {};
  for (const kv of kvs) properties[kv.key] = kv.value;
  return properties;
}

/** Event time 0 means "not set" in the protocol. */
function eventTimeOf(value: U64 | number | bigint | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = typeof value === 'string' ? Number(fromU64(value)) : Number(value);
  return time === 0 ? undefined : time;
}

/** Whether `text` is all ASCII and equal to the UTF-8 bytes [start, end) (then decoding them would give `text`). */
function asciiEquals(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || code !== bytes[start + i]) return false;
  }
  return true;
}

/**
 * What the messages of one entry share: its metadata, payload, batch layout and ack state. Each
 * message refers to it instead of carrying copies, so unpacking a batch allocates little per message.
 */
export class ReceivedEntry {
  /** The key decoded last: a key-based batch's messages share one key, so they share one string. */
  private lastKey: string | undefined;

  /**
   * @param metadata the entry's MessageMetadata
   * @param payload the entry's uncompressed payload
   * @param layout where each message of a batch lies in `payload`; undefined when not batched
   * @param acks ack state of the batch (undefined when not batched)
   * @param owner the partition consumer that received it (acks and permits go through it)
   */
  constructor(
    readonly topic: string,
    readonly publishTime: number,
    readonly redeliveryCount: number,
    readonly metadata: MessageMetadata,
    readonly payload: Buffer,
    readonly layout: BatchLayout | undefined,
    readonly acks: BatchAcks | undefined,
    readonly owner: PartitionConsumer | undefined,
  ) {
    // Batches carry their first message's key at the entry level too: the likely string for all of them.
    this.lastKey = metadata.partitionKey;
  }

  /** The partition key of batched message `index`, or undefined if it has none. */
  keyOf(index: number): string | undefined {
    const layout = this.layout!;
    const start = layout.keyStart(index);
    if (start < 0) return undefined;
    const end = layout.keyEnd(index);
    const last = this.lastKey;
    if (last !== undefined && asciiEquals(last, this.payload, start, end)) return last;
    return (this.lastKey = this.payload.toString('utf8', start, end));
  }
}

/** `key` before it is first read. */
const KEY_NOT_READ = null;

/**
 * A message as the consumer receives it. It points into the entry's payload (no copy) and
 * decodes its metadata when first asked, so the per-message cost of unpacking a batch is this
 * object and its message id; the key, which Key_Shared consumers read for every message, comes
 * from the offsets the batch scan recorded.
 */
export class ReceivedMessage implements Message {
  private fields: LazyFields | undefined;
  private dataView: Buffer | undefined;
  private keyText: string | undefined | typeof KEY_NOT_READ = KEY_NOT_READ;

  /** A batched message's index in its batch is its id's batchIndex. */
  constructor(
    readonly messageId: MessageId,
    readonly entry: ReceivedEntry,
  ) {}

  get topic(): string {
    return this.entry.topic;
  }

  get publishTime(): number {
    return this.entry.publishTime;
  }

  get redeliveryCount(): number {
    return this.entry.redeliveryCount;
  }

  get producerName(): string {
    return this.entry.metadata.producerName;
  }

  /** Ack state of the batch this message came in (undefined when not batched). */
  get batchAcks(): BatchAcks | undefined {
    return this.entry.acks;
  }

  get data(): Buffer {
    if (this.dataView) return this.dataView;
    const { payload, layout } = this.entry;
    if (!layout) return (this.dataView = payload);
    const index = this.messageId.batchIndex;
    const start = layout.dataStart(index);
    // Buffer.from over the same memory: a view like subarray, built with less work.
    return (this.dataView = Buffer.from(payload.buffer, payload.byteOffset + start, layout.dataEnd(index) - start));
  }

  get key(): string | undefined {
    const key = this.keyText;
    if (key !== KEY_NOT_READ) return key;
    const entry = this.entry;
    return (this.keyText = entry.layout ? entry.keyOf(this.messageId.batchIndex) : entry.metadata.partitionKey);
  }

  get orderingKey(): Buffer | undefined {
    return this.decoded().orderingKey;
  }

  get properties(): Readonly<Record<string, string>> {
    return this.decoded().properties;
  }

  get eventTime(): number | undefined {
    return this.decoded().eventTime;
  }

  get sequenceId(): bigint {
    return this.decoded().sequenceId;
  }

  /** Plain fields for logging and JSON (the getters are not own properties). */
  toJSON(): Record<string, unknown> {
    const { topic, messageId, key, properties, publishTime, eventTime, redeliveryCount, producerName, sequenceId } = this;
    return { topic, messageId: messageId.toString(), key, properties, publishTime, eventTime, redeliveryCount, producerName, sequenceId: sequenceId.toString(), size: this.data.length };
  }

  private decoded(): LazyFields {
    return (this.fields ??= this.entry.layout ? this.batchFields() : this.entryFields());
  }

  private entryFields(): LazyFields {
    const m = this.entry.metadata;
    return {
      orderingKey: m.orderingKey ? Buffer.from(m.orderingKey) : undefined,
      properties: toProperties(m.properties),
      eventTime: eventTimeOf(m.eventTime),
      sequenceId: fromU64(m.sequenceId),
    };
  }

  private batchFields(): LazyFields {
    const { payload, layout, metadata } = this.entry;
    const index = this.messageId.batchIndex;
    const m = decodeSingleMetadata(payload, layout!.metadataStart(index), layout!.dataStart(index));
    return {
      orderingKey: m.orderingKey,
      properties: toProperties(m.properties),
      eventTime: eventTimeOf(m.eventTime),
      // Producers that leave it out number a batch's messages from the entry's sequence id.
      sequenceId: m.sequenceId !== undefined ? BigInt(m.sequenceId) : fromU64(metadata.sequenceId) + BigInt(this.messageId.batchIndex),
    };
  }
}
