import type { ClientContext } from '../context';
import { PulsarClientError } from '../errors';
import { retryWithBackoff } from '../util/retry';
import { partitionTopicName } from '../lookup/topic-name';
import { MessageId } from '../message-id';
import type { NormalizedConsumerOptions } from '../options';
import { AsyncQueue } from '../util/async-queue';
import type { Message, ReceivedMessage } from './message';
import { PartitionConsumer, type DeadLetterSink, type QueuedDelivery } from './partition-consumer';

export type DeadLetterSinkFactory = (topic: string) => Promise<DeadLetterSink & { close(): Promise<void> }>;

/**
 * A subscription on a topic; for partitioned topics it subscribes to every partition and merges
 * their messages into one receive queue.
 */
export class Consumer implements AsyncIterable<Message> {
  private closed = false;
  private deadLetterSink: Promise<DeadLetterSink & { close(): Promise<void> }> | undefined;
  private partitionUpdates: { timer: NodeJS.Timeout; ctx: ClientContext; make: (partition: number) => PartitionConsumer } | undefined;
  private refreshing = false;

  /** @internal Use PulsarClient.subscribe / createReader. */
  constructor(
    readonly topic: string,
    readonly subscription: string,
    protected readonly partitions: PartitionConsumer[],
    protected readonly queue: AsyncQueue<QueuedDelivery>,
    private readonly partitioned: boolean,
  ) {}

  /** @internal Created by PulsarClient.subscribe / createReader. */
  static async create<T extends Consumer>(
    this: new (topic: string, subscription: string, partitions: PartitionConsumer[], queue: AsyncQueue<QueuedDelivery>, partitioned: boolean) => T,
    ctx: ClientContext,
    options: NormalizedConsumerOptions,
    deadLetters: DeadLetterSinkFactory,
  ): Promise<T> {
    const count = await retryWithBackoff(() => ctx.lookup.partitionCount(options.topic), {
      timeoutMs: ctx.options.operationTimeoutMs,
      initialBackoffMs: ctx.options.initialBackoffMs,
      maxBackoffMs: ctx.options.maxBackoffMs,
    });
    const queue = new AsyncQueue<QueuedDelivery>();
    const holder: { consumer?: T } = {};
    const sink = () => holder.consumer!.deadLetterProducer(deadLetters, options);
    const make = (partition: number, partitionOptions = options) =>
      new PartitionConsumer(ctx, partitionOptions, partitionTopicName(options.topic, partition), partition, queue, sink);
    const partitions =
      count === 0
        ? [new PartitionConsumer(ctx, options, options.topic, -1, queue, sink)]
        : Array.from({ length: count }, (_, i) => make(i));
    const self = new this(options.topic, options.subscription, partitions, queue, count > 0);
    holder.consumer = self;
    await startAll(partitions);
    if (count > 0 && options.durable && options.partitionsAutoUpdateIntervalMs > 0) {
      // A partition added later starts from its beginning, so nothing published to it before we
      // noticed it is skipped.
      const addedPartitionOptions = { ...options, subscriptionInitialPosition: 'earliest' as const };
      const timer = setInterval(() => void self.refreshPartitions(), options.partitionsAutoUpdateIntervalMs);
      timer.unref();
      self.partitionUpdates = { timer, ctx, make: (partition) => make(partition, addedPartitionOptions) };
    }
    return self;
  }

  /** Subscribes to partitions added to the topic since (runs every partitionsAutoUpdateIntervalMs). */
  async refreshPartitions(): Promise<void> {
    const updates = this.partitionUpdates;
    if (!updates || this.closed || this.refreshing) return;
    this.refreshing = true;
    try {
      const count = await updates.ctx.lookup.partitionCount(this.topic);
      const current = this.partitions.length;
      if (count <= current) return;
      const added = Array.from({ length: count - current }, (_, i) => updates.make(current + i));
      await startAll(added);
      if (this.closed) {
        await Promise.allSettled(added.map((p) => p.close()));
        return;
      }
      this.partitions.push(...added);
    } catch (error) {
      updates.ctx.options.onWarning(`consumer on ${this.topic}: checking for new partitions failed`, error);
    } finally {
      this.refreshing = false;
    }
  }

  /** Waits for the next message (rejects with code Timeout after `timeoutMs`, if given). */
  async receive(timeoutMs?: number): Promise<Message> {
    if (this.closed) throw new PulsarClientError('AlreadyClosed', `consumer on ${this.topic} is closed`);
    const message = await this.queue.shift(timeoutMs);
    message.entry.owner!.delivered(message);
    return message;
  }

  /**
   * Waits up to `timeoutMs` for the first message, then takes whatever else is already buffered,
   * up to `maxMessages`. Returns an empty array on timeout instead of rejecting, so a poll loop
   * pays one await per batch rather than one per message.
   */
  async receiveBatch(maxMessages: number, timeoutMs: number): Promise<Message[]> {
    if (this.closed) throw new PulsarClientError('AlreadyClosed', `consumer on ${this.topic} is closed`);
    if (!(maxMessages >= 1)) throw new PulsarClientError('InvalidConfiguration', `receiveBatch: maxMessages must be at least 1, got ${maxMessages}`);
    let first: QueuedDelivery;
    try {
      first = await this.queue.shift(timeoutMs);
    } catch (error) {
      if (error instanceof PulsarClientError && error.code === 'Timeout') return [];
      throw error;
    }
    // Sized once: the first message plus what is buffered, up to maxMessages.
    const batch = new Array<Message>(Math.min(Math.ceil(maxMessages), 1 + this.queue.size));
    first.entry.owner!.delivered(first);
    batch[0] = first;
    for (let i = 1; i < batch.length; i++) {
      const next = this.queue.tryShift();
      if (!next) {
        batch.length = i;
        break;
      }
      next.entry.owner!.delivered(next);
      batch[i] = next;
    }
    return batch;
  }

  /** Iterates messages until the consumer is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (error) {
        if (error instanceof PulsarClientError && error.code === 'AlreadyClosed') return;
        throw error;
      }
    }
  }

  /** Acknowledges one message (a batch entry is acked on the broker once all its messages are). */
  acknowledge(message: Message | MessageId): void {
    const id = idOf(message);
    // A received message carries its batch's ack state (a MessageId or another Message has none).
    this.partitionFor(id.partition).acknowledge(id, (message as Partial<ReceivedMessage>).batchAcks);
  }

  /** Acknowledges this message and everything before it (Exclusive and Failover subscriptions). */
  acknowledgeCumulative(message: Message | MessageId): void {
    this.owner(message).acknowledgeCumulative(idOf(message));
  }

  /** Asks for redelivery after `negativeAckRedeliveryDelayMs`. */
  negativeAcknowledge(message: Message | MessageId): void {
    this.owner(message).negativeAcknowledge(idOf(message));
  }

  /**
   * Moves the subscription to a message id (on its partition, or on all partitions for
   * earliest/latest) or to a publish time (epoch ms, all partitions). As with the Java client, the
   * message at the given id is the next one delivered.
   */
  async seek(target: MessageId | number): Promise<void> {
    if (typeof target === 'number') {
      await Promise.all(this.partitions.map((p) => p.seek({ publishTime: target })));
      return;
    }
    const targets = this.partitioned && target.partition >= 0 ? [this.partitionFor(target.partition)] : this.partitions;
    await Promise.all(targets.map((p) => p.seek({ messageId: target })));
  }

  /** Sends grouped acknowledgements now. */
  flushAcknowledgements(): void {
    for (const p of this.partitions) p.flushAcks();
  }

  /** True when the broker says this (Failover) consumer is the active one. */
  get isActive(): boolean | undefined {
    return this.partitions[0]?.isActive;
  }

  async unsubscribe(): Promise<void> {
    await Promise.all(this.partitions.map((p) => p.unsubscribe()));
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.partitionUpdates) clearInterval(this.partitionUpdates.timer);
    await Promise.all(this.partitions.map((p) => p.close()));
    this.queue.close(new PulsarClientError('AlreadyClosed', `consumer on ${this.topic} is closed`));
    const sink = this.deadLetterSink;
    if (sink) await sink.then((s) => s.close()).catch(() => undefined);
  }

  /** @internal Per-partition consumers (tests and diagnostics). */
  get partitionConsumers(): readonly PartitionConsumer[] {
    return this.partitions;
  }

  protected partitionFor(partition: number): PartitionConsumer {
    const consumer = this.partitioned ? this.partitions[partition] : this.partitions[0];
    if (!consumer) throw new PulsarClientError('InvalidMessageId', `message id names partition ${partition}, but ${this.topic} has ${this.partitions.length}`);
    return consumer;
  }

  private owner(message: Message | MessageId): PartitionConsumer {
    return this.partitionFor(idOf(message).partition);
  }

  private deadLetterProducer(factory: DeadLetterSinkFactory, options: NormalizedConsumerOptions) {
    if (!options.deadLetterPolicy) throw new PulsarClientError('InvalidConfiguration', 'no deadLetterPolicy configured');
    this.deadLetterSink ??= factory(options.deadLetterPolicy.deadLetterTopic).catch((error: unknown) => {
      this.deadLetterSink = undefined;
      throw error;
    });
    return this.deadLetterSink;
  }
}

/** Starts partition consumers together; if any fails, closes them all and rethrows. */
async function startAll(partitions: PartitionConsumer[]): Promise<void> {
  const started = await Promise.allSettled(partitions.map((p) => p.start()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(partitions.map((p) => p.close()));
    throw failed.reason;
  }
}

/** A Message's id, or the MessageId itself (which has no `messageId`). */
function idOf(message: Message | MessageId): MessageId {
  return (message as Partial<Message>).messageId ?? (message as MessageId);
}
