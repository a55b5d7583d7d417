import {
  AckType,
  InitialPosition,
  KeySharedMode,
  SubType,
  type AckValidationError,
  type BaseCommand,
  type KeySharedMeta,
  type MessageIdData,
} from '../codec/wire-types';
import {
  ackCommand,
  closeConsumerCommand,
  flowCommand,
  getLastMessageIdCommand,
  redeliverCommand,
  seekCommand,
  subscribeCommand,
  unsubscribeCommand,
} from '../commands/builders';
import { encodeIndividualAckFrame } from '../commands/ack-frame';
import { prepareCompression } from '../compression';
import type { Connection, ConsumerListener } from '../connection/connection';
import type { ClientContext } from '../context';
import { PulsarClientError } from '../errors';
import type { PayloadSection } from '../framing/frame';
import { MessageId, messageIdFromWire, messageIdToWire } from '../message-id';
import type { NormalizedConsumerOptions, SubscriptionType } from '../options';
import type { AsyncQueue } from '../util/async-queue';
import { ReconnectScheduler, type HandleState, type Reconnectable } from '../util/reconnect-scheduler';
import { retryWithBackoff } from '../util/retry';
import type { Tally } from '../metrics/client-metrics';
import { AckTracker, type BatchAcks } from './ack-tracker';
import type { Message, ReceivedMessage } from './message';
import { parseEntry } from './message-parser';

export type ConsumerState = HandleState;

/** Ids per ACK command, so that one flush of many entries stays well below the broker's frame size. */
const MAX_IDS_PER_ACK = 1000;

const SUB_TYPES: Record<SubscriptionType, SubType> = {
  Exclusive: SubType.Exclusive,
  Shared: SubType.Shared,
  Failover: SubType.Failover,
  KeyShared: SubType.Key_Shared,
};

/** Where messages bound for a dead-letter topic go (a producer, created lazily). */
export interface DeadLetterSink {
  send(message: { data: Uint8Array; key?: string; properties?: Record<string, string>; eventTime?: number }): Promise<unknown>;
}

/** What the receive queue holds: received messages, whose entry names the partition consumer responsible (`entry.owner`). */
export type QueuedDelivery = ReceivedMessage;

/**
 * Consumer of one topic or partition: subscribes, keeps flow-control permits topped up
 * (refilled once half the receiver queue has been consumed), unpacks batches into the shared
 * queue, groups acks, schedules negative-ack redeliveries, dead-letters messages redelivered too
 * often, and resubscribes with backoff after connection loss.
 */
export class PartitionConsumer implements ConsumerListener, Reconnectable {
  state: ConsumerState = 'connecting';
  readonly consumerId: number;
  isActive: boolean | undefined;
  reachedEndOfTopic = false;
  private connection: Connection | undefined;
  private readonly reconnects: ReconnectScheduler;
  private readonly acks = new AckTracker();
  /** Entries to ack individually at the next flush, by `ledger:entry`. */
  private readonly pendingIndividualAcks = new Map<string, MessageId>();
  private pendingCumulativeAck: MessageId | undefined;
  private readonly nacks = new Map<string, { id: MessageId; due: number }>();
  private permitsToReturn = 0;
  private lastDelivered: MessageId | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private nackTimer: NodeJS.Timeout | undefined;
  private seeking = false;
  private readonly receivedTally: Tally;
  private readonly ackedTally: Tally;

  constructor(
    private readonly ctx: ClientContext,
    private readonly options: NormalizedConsumerOptions,
    readonly topic: string,
    readonly partition: number,
    private readonly queue: AsyncQueue<QueuedDelivery>,
    private readonly deadLetters: () => Promise<DeadLetterSink>,
  ) {
    this.consumerId = ctx.nextConsumerId();
    this.reconnects = new ReconnectScheduler(this, ctx, 'consumer', `consumer on ${topic}`);
    const labels = { topic, subscription: options.subscription };
    this.receivedTally = ctx.metrics.counterTally(ctx.metrics.messagesReceived, labels);
    this.ackedTally = ctx.metrics.counterTally(ctx.metrics.messagesAcked, labels);
  }

  async start(): Promise<void> {
    await prepareCompression();
    try {
      await retryWithBackoff(() => this.subscribe(), {
        timeoutMs: this.ctx.options.operationTimeoutMs,
        initialBackoffMs: this.ctx.options.initialBackoffMs,
        maxBackoffMs: this.ctx.options.maxBackoffMs,
      });
    } catch (error) {
      this.state = 'failed';
      this.releaseTallies();
      throw error;
    }
    if (this.options.ackGroupingTimeMs > 0) {
      this.ackTimer = setInterval(() => this.flushAcks(), this.options.ackGroupingTimeMs);
      this.ackTimer.unref();
    }
    const nackTick = Math.max(10, Math.min(1000, Math.floor(this.options.negativeAckRedeliveryDelayMs / 3)));
    this.nackTimer = setInterval(() => this.redeliverDueNacks(), nackTick);
    this.nackTimer.unref();
  }

  /** Called by the facade when the application takes a message: counts a permit. */
  delivered(message: Message): void {
    this.lastDelivered = message.messageId;
    this.receivedTally.add();
    this.returnPermits(1);
  }

  /** `batch` is the ack state a received message carries (saves looking it up). */
  acknowledge(id: MessageId, batch?: BatchAcks): void {
    if (this.nacks.size) this.nacks.delete(id.toString());
    this.ackedTally.add();
    const entry = this.acks.individual(id, batch);
    if (!entry) return;
    this.pendingIndividualAcks.set(`${entry.ledgerId}:${entry.entryId}`, entry);
    if (this.options.ackGroupingTimeMs === 0) this.flushAcks();
  }

  acknowledgeCumulative(id: MessageId): void {
    if (this.options.subscriptionType === 'Shared' || this.options.subscriptionType === 'KeyShared') {
      throw new PulsarClientError('InvalidConfiguration', `acknowledgeCumulative is not allowed on ${this.options.subscriptionType} subscriptions: acknowledge each message instead`);
    }
    this.ackedTally.add();
    const target = this.acks.cumulative(id);
    if (!target) return;
    if (!this.pendingCumulativeAck || target.compareTo(this.pendingCumulativeAck) > 0) this.pendingCumulativeAck = target;
    if (this.options.ackGroupingTimeMs === 0) this.flushAcks();
  }

  negativeAcknowledge(id: MessageId): void {
    this.nacks.set(id.toString(), { id, due: Date.now() + this.options.negativeAckRedeliveryDelayMs });
    if (this.options.negativeAckRedeliveryDelayMs === 0) this.redeliverDueNacks();
  }

  /** Sends grouped acks now. */
  flushAcks(): void {
    const connection = this.connection;
    if (!connection?.isReady || this.state !== 'ready') return;
    if (this.pendingCumulativeAck) {
      connection.send(ackCommand(this.consumerId, AckType.Cumulative, [messageIdToWire(this.pendingCumulativeAck)]));
      this.pendingCumulativeAck = undefined;
    }
    if (this.pendingIndividualAcks.size) {
      const ids = [...this.pendingIndividualAcks.values()];
      this.pendingIndividualAcks.clear();
      for (let i = 0; i < ids.length; i += MAX_IDS_PER_ACK) {
        connection.write(encodeIndividualAckFrame(this.consumerId, ids.slice(i, i + MAX_IDS_PER_ACK)));
      }
    }
  }

  async seek(target: { messageId: MessageId } | { publishTime: number }): Promise<void> {
    const connection = this.requireConnection();
    this.seeking = true;
    try {
      await connection.request(
        (id) => seekCommand(this.consumerId, id, 'messageId' in target ? { messageId: messageIdToWire(target.messageId) } : { publishTime: target.publishTime }),
        `seek on ${this.topic}`,
      );
    } catch (error) {
      this.seeking = false;
      throw error;
    }
    // The broker now disconnects this consumer; buffered messages are from before the seek.
    this.dropBuffered();
    this.acks.clear();
    this.pendingIndividualAcks.clear();
    this.pendingCumulativeAck = undefined;
    this.nacks.clear();
    if ('messageId' in target && !this.options.durable) this.lastDelivered = undefined;
  }

  async lastMessageId(): Promise<MessageId> {
    const response = await this.requireConnection().request((id) => getLastMessageIdCommand(this.consumerId, id), `get last message id of ${this.topic}`);
    return messageIdFromWire(response.getLastMessageIdResponse!.lastMessageId, this.partition);
  }

  /** Reader start position from the options (undefined for durable consumers). */
  get startPosition(): { id: MessageId; inclusive: boolean } | undefined {
    const id = this.options.startMessageId;
    return id ? { id, inclusive: this.options.startMessageIdInclusive ?? false } : undefined;
  }

  /** The id of the last message handed to the application. */
  get lastDeliveredId(): MessageId | undefined {
    return this.lastDelivered;
  }

  async unsubscribe(): Promise<void> {
    this.flushAcks();
    await this.requireConnection().request((id) => unsubscribeCommand(this.consumerId, id), `unsubscribe from ${this.topic}`);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.flushAcks();
    this.state = 'closing';
    this.stopTimers();
    const connection = this.connection;
    if (connection?.isReady) {
      await connection.request((id) => closeConsumerCommand(this.consumerId, id), `close consumer on ${this.topic}`).catch(() => undefined);
      connection.unregisterConsumer(this.consumerId);
    }
    this.connection = undefined;
    this.state = 'closed';
    this.releaseTallies();
  }

  // ---- ConsumerListener --------------------------------------------------------------------

  onMessage(command: BaseCommand, payload: PayloadSection): void {
    if (this.state !== 'ready' || this.seeking) return;
    const redeliveryCount = command.message?.redeliveryCount ?? 0;
    // Readers: skip what precedes the start position (or, after a reconnect, what was already read).
    let skipBefore: { id: MessageId; inclusive: boolean } | undefined;
    if (!this.options.durable) {
      if (this.lastDelivered) skipBefore = { id: this.lastDelivered, inclusive: false };
      else if (this.options.startMessageId) skipBefore = { id: this.options.startMessageId, inclusive: this.options.startMessageIdInclusive ?? false };
    }
    const parsed = parseEntry(command, payload, this.topic, this.partition, this.acks, skipBefore, this);
    if (!parsed.ok) {
      this.ctx.options.onWarning(`consumer on ${this.topic}: discarding entry ${parsed.entryId}: ${parsed.reason}`);
      this.sendValidationAck(parsed.entryId, parsed.validationError);
      this.returnPermits(parsed.skipped);
      return;
    }
    if (parsed.skipped) this.returnPermits(parsed.skipped);
    const dlq = this.options.deadLetterPolicy;
    if (dlq && redeliveryCount > dlq.maxRedeliverCount) {
      for (const message of parsed.messages) void this.deadLetter(message);
      return;
    }
    const messages = parsed.messages;
    for (let i = 0; i < messages.length; i++) this.queue.push(messages[i]!);
  }

  onActiveConsumerChange(isActive: boolean): void {
    this.isActive = isActive;
  }

  onReachedEndOfTopic(): void {
    this.reachedEndOfTopic = true;
  }

  onClosedByBroker(): void {
    this.reconnects.closedByBroker(() => {
      this.connection?.unregisterConsumer(this.consumerId);
      this.connection = undefined;
    });
  }

  onConnectionClosed(connection: Connection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.reconnects.connectionClosed();
  }

  reattach(): Promise<void> {
    return this.subscribe();
  }

  onReconnectFailed(error: PulsarClientError): void {
    this.ctx.options.onWarning(`consumer on ${this.topic} stopped: ${error.message}`, error);
  }

  /** Test hook: the connection currently carrying this consumer. */
  get currentConnection(): Connection | undefined {
    return this.connection;
  }

  /** Stops without telling the broker (used when the client itself is torn down). */
  abandon(): void {
    this.state = 'closed';
    this.stopTimers();
    this.connection = undefined;
    this.releaseTallies();
  }

  // ---- internals ---------------------------------------------------------------------------

  private requireConnection(): Connection {
    if (!this.connection?.isReady) {
      throw new PulsarClientError('NotConnected', `consumer on ${this.topic} is ${this.state}`, { retriable: true });
    }
    return this.connection;
  }

  private keySharedMeta(): KeySharedMeta | undefined {
    if (this.options.subscriptionType !== 'KeyShared') return undefined;
    const policy = this.options.keySharedPolicy;
    return {
      keySharedMode: policy.mode === 'sticky' ? KeySharedMode.STICKY : KeySharedMode.AUTO_SPLIT,
      ...(policy.mode === 'sticky' ? { hashRanges: policy.ranges.map(([start, end]) => ({ start, end })) } : {}),
      ...(policy.allowOutOfOrderDelivery ? { allowOutOfOrderDelivery: true } : {}),
    };
  }

  /** Non-durable (reader) start position: resume after the last delivered message on reconnect. */
  private startMessageId(): MessageIdData | undefined {
    if (this.options.durable) return undefined;
    if (this.lastDelivered) return messageIdToWire(this.lastDelivered, true);
    const start = this.options.startMessageId;
    // The broker delivers from this position inclusive; onMessage drops it for exclusive readers.
    return start ? messageIdToWire(start, true) : undefined;
  }

  private async subscribe(): Promise<void> {
    const connection = await this.ctx.connectionFor(this.topic);
    connection.registerConsumer(this.consumerId, this);
    const startMessageId = this.startMessageId();
    const keySharedMeta = this.keySharedMeta();
    try {
      await this.reconnects.attach(() => connection.request(
        (requestId) =>
          subscribeCommand({
            topic: this.topic,
            subscription: this.options.subscription,
            subType: SUB_TYPES[this.options.subscriptionType],
            consumerId: this.consumerId,
            requestId,
            ...(this.options.consumerName ? { consumerName: this.options.consumerName } : {}),
            ...(this.options.priorityLevel !== undefined ? { priorityLevel: this.options.priorityLevel } : {}),
            durable: this.options.durable,
            initialPosition: this.options.subscriptionInitialPosition === 'earliest' ? InitialPosition.Earliest : InitialPosition.Latest,
            ...(startMessageId ? { startMessageId } : {}),
            ...(keySharedMeta ? { keySharedMeta } : {}),
          }),
        `subscribe ${this.options.subscription} on ${this.topic}`,
      ));
    } catch (error) {
      connection.unregisterConsumer(this.consumerId);
      throw error;
    }
    if (this.state === 'closing' || this.state === 'closed') {
      // Closed while subscribing: release the broker-side consumer too (an Exclusive one would block others).
      connection.unregisterConsumer(this.consumerId);
      connection.request((id) => closeConsumerCommand(this.consumerId, id), `close consumer on ${this.topic}`).catch(() => undefined);
      return;
    }
    // Messages buffered from the previous connection will be redelivered by the broker.
    this.dropBuffered();
    this.permitsToReturn = 0;
    this.seeking = false;
    this.connection = connection;
    this.state = 'ready';
    this.reconnects.attached();
    // Acks made while disconnected go out before FLOW, so the broker does not redeliver those messages.
    this.flushAcks();
    connection.send(flowCommand(this.consumerId, this.options.receiverQueueSize));
  }

  private dropBuffered(): void {
    this.queue.removeWhere((m) => m.entry.owner === this);
  }

  private returnPermits(count: number): void {
    this.permitsToReturn += count;
    if (this.permitsToReturn >= Math.max(1, Math.floor(this.options.receiverQueueSize / 2)) && this.connection?.isReady && this.state === 'ready') {
      this.connection.send(flowCommand(this.consumerId, this.permitsToReturn));
      this.permitsToReturn = 0;
    }
  }

  private sendValidationAck(entry: MessageId, validationError: AckValidationError): void {
    this.connection?.send(ackCommand(this.consumerId, AckType.Individual, [messageIdToWire(entry)], validationError));
  }

  private redeliverDueNacks(): void {
    if (!this.nacks.size || !this.connection?.isReady || this.state !== 'ready') return;
    const now = Date.now();
    const due = new Map<string, MessageId>();
    for (const [key, nack] of this.nacks) {
      if (nack.due <= now) {
        // The batch tracker stays: the nacked index remains outstanding, so acks of its siblings
        // cannot ack the entry before the broker has redelivered it.
        // The broker redelivers whole entries: one id per entry.
        const entry = nack.id.entry();
        due.set(`${entry.ledgerId}:${entry.entryId}`, entry);
        this.nacks.delete(key);
      }
    }
    if (!due.size) return;
    const shared = this.options.subscriptionType === 'Shared' || this.options.subscriptionType === 'KeyShared';
    if (shared) {
      this.connection.send(redeliverCommand(this.consumerId, [...due.values()].map((id) => messageIdToWire(id))));
    } else {
      // Exclusive/Failover rewind to the first unacked message: drop the local buffer to avoid duplicates.
      const dropped = this.queue.removeWhere((m) => m.entry.owner === this).length;
      this.connection.send(redeliverCommand(this.consumerId, []));
      this.returnPermits(dropped);
    }
  }

  private async deadLetter(message: Message): Promise<void> {
    try {
      const sink = await this.deadLetters();
      await sink.send({
        data: message.data,
        ...(message.key !== undefined ? { key: message.key } : {}),
        ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
        properties: { ...message.properties, REAL_TOPIC: this.topic, ORIGIN_MESSAGE_ID: message.messageId.toString() },
        ...(message.eventTime !== undefined ? { eventTime: message.eventTime } : {}),
      });
      this.acknowledge(message.messageId);
      this.returnPermits(1);
    } catch (error) {
      this.ctx.options.onWarning(`consumer on ${this.topic}: dead-lettering ${message.messageId} failed; it will be redelivered`, error);
      this.negativeAcknowledge(message.messageId);
    }
  }

  private releaseTallies(): void {
    this.ctx.metrics.release(this.receivedTally);
    this.ctx.metrics.release(this.ackedTally);
  }

  private stopTimers(): void {
    if (this.ackTimer) clearInterval(this.ackTimer);
    if (this.nackTimer) clearInterval(this.nackTimer);
    this.reconnects.cancel();
    this.ackTimer = this.nackTimer = undefined;
  }
}

