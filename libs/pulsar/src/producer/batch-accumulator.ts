import type { KeyValue } from '../codec/wire-types';
import type { MessageId } from '../message-id';

/** What send() hands to a partition producer. */
export interface OutgoingMessage {
  payload: Uint8Array;
  partitionKey: string | undefined;
  orderingKey: Uint8Array | undefined;
  properties: KeyValue[] | undefined;
  eventTime: number | undefined;
  /** Set by the caller for its own deduplication ids; otherwise assigned when the message goes on the wire. */
  sequenceId: number | undefined;
}

/** A message accepted by send() and not yet acknowledged; its fields are also what encodeBatch reads. */
export interface QueuedMessage extends OutgoingMessage {
  promise: Promise<MessageId>;
  resolve: (id: MessageId) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
}

/**
 * Collects messages into batches. The default batcher keeps one batch in arrival order; the
 * key-based batcher keeps one batch per key (ordering key, else partition key) so that every
 * batch has a single key and Key_Shared dispatch keeps per-key order.
 */
export class BatchAccumulator {
  private readonly groups = new Map<string, QueuedMessage[]>();
  private messages = 0;
  private bytes = 0;
  /** The group of the previous add: consecutive messages of one group skip the map lookup. */
  private lastGroup: string | undefined;
  private lastList: QueuedMessage[] | undefined;

  constructor(
    private readonly keyBased: boolean,
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  get isEmpty(): boolean {
    return this.messages === 0;
  }

  /** Whether adding `size` more bytes would overflow the current batch. */
  wouldOverflow(size: number): boolean {
    return this.messages > 0 && this.bytes + size > this.maxBytes;
  }

  /** Adds a message; returns true when the batch is full and should be flushed now. */
  add(message: QueuedMessage): boolean {
    const group = this.keyBased ? groupKey(message) : '';
    let list = group === this.lastGroup ? this.lastList : this.groups.get(group);
    if (!list) this.groups.set(group, (list = []));
    this.lastGroup = group;
    this.lastList = list;
    list.push(message);
    this.messages++;
    this.bytes += message.payload.length;
    return this.messages >= this.maxMessages || this.bytes >= this.maxBytes;
  }

  /** Empties the accumulator, returning one list per batch in order of first arrival. */
  drain(): QueuedMessage[][] {
    const batches = [...this.groups.values()];
    this.groups.clear();
    this.lastGroup = this.lastList = undefined;
    this.messages = 0;
    this.bytes = 0;
    return batches;
  }
}

function groupKey(message: QueuedMessage): string {
  if (message.orderingKey) return `o:${Buffer.from(message.orderingKey).toString('base64')}`;
  return message.partitionKey === undefined ? '' : `k:${message.partitionKey}`;
}
