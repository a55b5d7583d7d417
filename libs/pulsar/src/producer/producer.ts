import type { KeyValue } from '../codec/wire-types';
import type { ClientContext } from '../context';
import { PulsarClientError } from '../errors';
import { retryWithBackoff } from '../util/retry';
import { partitionTopicName } from '../lookup/topic-name';
import type { MessageId } from '../message-id';
import type { NormalizedProducerOptions } from '../options';
import { PartitionProducer } from './partition-producer';
import { RoundRobinRouter } from './partition-router';

export interface ProducerMessage {
  data: Uint8Array | string;
  /** Partition key: routes to the partition the Java client would pick, and is the Key_Shared key. */
  key?: string;
  /** Overrides `key` for Key_Shared dispatch only. */
  orderingKey?: Uint8Array | string;
  properties?: Record<string, string>;
  /** Application event time in epoch milliseconds. */
  eventTime?: number;
  /**
   * The caller's own sequence id for broker deduplication (like Java's `TypedMessageBuilder.sequenceId`):
   * a whole number from 0 to 2^53 - 1, greater than every id this producer name sent before; a
   * namespace with deduplication drops a message whose id is not, and its send then resolves with
   * ledger and entry -1. Messages without one get the next id after the highest used so far.
   */
  sequenceId?: number | bigint;
}

/**
 * Publishes to a topic; for a partitioned topic it holds one producer per partition and routes
 * messages like the Java client's default router.
 */
export class Producer {
  private closed = false;
  private partitionTimer: NodeJS.Timeout | undefined;
  private refreshing = false;

  private constructor(
    readonly topic: string,
    private readonly partitions: PartitionProducer[],
    private router: RoundRobinRouter | undefined,
    private readonly ctx: ClientContext,
    private readonly options: NormalizedProducerOptions,
  ) {
    if (router && options.partitionsAutoUpdateIntervalMs > 0) {
      this.partitionTimer = setInterval(() => void this.refreshPartitions(), options.partitionsAutoUpdateIntervalMs);
      this.partitionTimer.unref();
    }
  }

  /** @internal Created by PulsarClient.createProducer. */
  static async create(ctx: ClientContext, options: NormalizedProducerOptions): Promise<Producer> {
    const count = await retryWithBackoff(() => ctx.lookup.partitionCount(options.topic), {
      timeoutMs: ctx.options.operationTimeoutMs,
      initialBackoffMs: ctx.options.initialBackoffMs,
      maxBackoffMs: ctx.options.maxBackoffMs,
    });
    const producers =
      count === 0
        ? [new PartitionProducer(ctx, options, options.topic, -1)]
        : Array.from({ length: count }, (_, i) => new PartitionProducer(ctx, options, partitionTopicName(options.topic, i), i));
    await startAll(producers);
    return new Producer(options.topic, producers, count === 0 ? undefined : newRouter(count, options), ctx, options);
  }

  /**
   * Picks up partitions added to the topic since creation (runs every
   * partitionsAutoUpdateIntervalMs). Keys then route over the new count, as with the Java client.
   */
  async refreshPartitions(): Promise<void> {
    if (!this.router || this.closed || this.refreshing) return;
    this.refreshing = true;
    try {
      const count = await this.ctx.lookup.partitionCount(this.topic);
      const current = this.partitions.length;
      if (count <= current) return;
      const added = Array.from({ length: count - current }, (_, i) =>
        new PartitionProducer(this.ctx, this.options, partitionTopicName(this.topic, current + i), current + i),
      );
      await startAll(added);
      if (this.closed) {
        await Promise.allSettled(added.map((p) => p.close()));
        return;
      }
      this.partitions.push(...added);
      this.router = newRouter(count, this.options);
    } catch (error) {
      this.ctx.options.onWarning(`producer on ${this.topic}: checking for new partitions failed`, error);
    } finally {
      this.refreshing = false;
    }
  }

  /** Name the broker knows this producer by (of the first partition for partitioned topics). */
  get producerName(): string | undefined {
    return this.partitions[0]?.producerName;
  }

  get partitionCount(): number {
    return this.router ? this.partitions.length : 0;
  }

  /** Messages handed to send() and not yet acknowledged by the broker. */
  get pendingCount(): number {
    return this.partitions.reduce((sum, p) => sum + p.pendingCount, 0);
  }

  /**
   * Publishes a message; resolves with its id once the broker has persisted it. Waits while the
   * pending queue is full (or fails with ProducerQueueFull when blockIfQueueFull is false).
   */
  send(message: ProducerMessage | Uint8Array | string): Promise<MessageId> {
    if (this.closed) return Promise.reject(new PulsarClientError('AlreadyClosed', `producer on ${this.topic} is closed`));
    const msg: ProducerMessage = typeof message === 'string' || message instanceof Uint8Array ? { data: message } : message;
    let sequenceId: number | undefined;
    if (msg.sequenceId !== undefined) {
      sequenceId = Number(msg.sequenceId);
      if (!Number.isSafeInteger(sequenceId) || sequenceId < 0) {
        return Promise.reject(new PulsarClientError('InvalidConfiguration', `send: sequenceId must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${String(msg.sequenceId)}`));
      }
    }
    const target = this.router ? this.partitions[this.router.choose(msg.key)]! : this.partitions[0]!;
    return target.send({
      payload: typeof msg.data === 'string' ? Buffer.from(msg.data, 'utf8') : msg.data,
      partitionKey: msg.key,
      orderingKey: typeof msg.orderingKey === 'string' ? Buffer.from(msg.orderingKey, 'utf8') : msg.orderingKey,
      properties: toKeyValues(msg.properties),
      eventTime: msg.eventTime,
      sequenceId,
    });
  }

  /** Sends buffered batches and waits for every message sent so far to be acknowledged or failed. */
  async flush(): Promise<void> {
    await Promise.all(this.partitions.map((p) => p.flush()));
  }

  /** Flushes, then closes the producer on the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.partitionTimer) clearInterval(this.partitionTimer);
    await Promise.all(this.partitions.map((p) => p.close()));
  }

  /** @internal Per-partition producers (tests and diagnostics). */
  get partitionProducers(): readonly PartitionProducer[] {
    return this.partitions;
  }
}

function newRouter(partitions: number, options: NormalizedProducerOptions): RoundRobinRouter {
  return new RoundRobinRouter(partitions, options.batchingEnabled ? options.batchingMaxPublishDelayMs : undefined);
}

/** Starts producers together; if any fails, closes them all and rethrows. */
async function startAll(producers: PartitionProducer[]): Promise<void> {
  const started = await Promise.allSettled(producers.map((p) => p.start()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(producers.map((p) => p.close()));
    throw failed.reason;
  }
}

function toKeyValues(properties: Record<string, string> | undefined): KeyValue[] | undefined {
  return properties ? Object.entries(properties).map(([key, value]) => ({ key, value })) : undefined;
}
