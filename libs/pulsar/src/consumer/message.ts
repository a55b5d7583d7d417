import { fromU64 } from '../codec/codec';
import type { KeyValue, MessageMetadata, U64 } from '../codec/wire-types';
import { decodeSingleMetadata } from '../commands/batch';
import type { MessageId } from '../message-id';
import type { BatchAcks } from './ack-tracker';

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
  key: string | undefined;
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

/**
 * A message as the consumer receives it. It points into the entry's payload (no copy) and
 * decodes its metadata when first asked, so the per-message cost of unpacking a batch is one
 * object and one message id.
 */
export class ReceivedMessage implements Message {
  private fields: LazyFields | undefined;
  private dataView: Buffer | undefined;

  /**
   * @param entry the entry's MessageMetadata (shared by every message of a batch)
   * @param payload the entry's uncompressed payload; a batched message lies at [dataStart, dataEnd)
   *   with its SingleMessageMetadata at [metaStart, dataStart); metaStart is -1 for an unbatched entry
   * @param batchAcks ack state of the batch this message came in (undefined when not batched)
   */
  constructor(
    readonly topic: string,
    readonly messageId: MessageId,
    readonly publishTime: number,
    readonly redeliveryCount: number,
    private readonly entry: MessageMetadata,
    private readonly payload: Buffer,
    private readonly metaStart: number,
    private readonly dataStart: number,
    private readonly dataEnd: number,
    readonly batchAcks: BatchAcks | undefined,
  ) {}

  get producerName(): string {
    return this.entry.producerName;
  }

  get data(): Buffer {
    return (this.dataView ??= this.payload.subarray(this.dataStart, this.dataEnd));
  }

  get key(): string | undefined {
    return this.decoded().key;
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
    return { topic, messageId: messageId.toString(), key, properties, publishTime, eventTime, redeliveryCount, producerName, sequenceId: sequenceId.toString(), size: this.dataEnd - this.dataStart };
  }

  private decoded(): LazyFields {
    return (this.fields ??= this.metaStart < 0 ? this.entryFields() : this.batchFields());
  }

  private entryFields(): LazyFields {
    const m = this.entry;
    return {
      key: m.partitionKey,
      orderingKey: m.orderingKey ? Buffer.from(m.orderingKey) : undefined,
      properties: toProperties(m.properties),
      eventTime: eventTimeOf(m.eventTime),
      sequenceId: fromU64(m.sequenceId),
    };
  }

  private batchFields(): LazyFields {
    const m = decodeSingleMetadata(this.payload, this.metaStart, this.dataStart);
    return {
      key: m.partitionKey,
      orderingKey: m.orderingKey,
      properties: toProperties(m.properties),
      eventTime: eventTimeOf(m.eventTime),
      // Producers that leave it out number a batch's messages from the entry's sequence id.
      sequenceId: m.sequenceId !== undefined ? BigInt(m.sequenceId) : fromU64(this.entry.sequenceId) + BigInt(this.messageId.batchIndex),
    };
  }
}
