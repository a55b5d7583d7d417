import { fromU64, u64 } from '../codec/codec';
import { CompressionType, type MessageMetadata } from '../codec/wire-types';
import { encodeBatch } from '../commands/batch';
import { closeProducerCommand, producerCommand, sendCommand } from '../commands/builders';
import { COMPRESSION_TYPES, compressPayload } from '../compression';
import type { Connection, ProducerListener } from '../connection/connection';
import type { ClientContext } from '../context';
import { PulsarClientError } from '../errors';
import { encodePayloadFrame } from '../framing/frame';
import { MessageId, messageIdFromWire } from '../message-id';
import type { NormalizedProducerOptions } from '../options';
import { Fifo } from '../util/fifo';
import { ReconnectScheduler, type HandleState, type Reconnectable } from '../util/reconnect-scheduler';
import { retryWithBackoff } from '../util/retry';
import type { Tally } from '../metrics/client-metrics';
import { BatchAccumulator, type OutgoingMessage, type QueuedMessage } from './batch-accumulator';
import type { BaseCommand } from '../codec/wire-types';

export type ProducerState = HandleState;

/** One entry on the wire: a single message or a batch, with the sequence ids it covers. */
interface OpSend {
  sequenceId: number;
  highestSequenceId: number;
  messages: QueuedMessage[];
  batched: boolean;
  frame: Buffer;
  createdAt: number;
}

/**
 * Producer for one (non-partitioned topic or) partition. Keeps a stable producer name and
 * monotonically increasing sequence ids so the broker's deduplication drops messages that are
 * resent after a reconnect; pending ops are resent in order with their original sequence ids.
 */
export class PartitionProducer implements ProducerListener, Reconnectable {
  state: ProducerState = 'connecting';
  readonly producerId: number;
  producerName: string | undefined;
  private readonly pendingOps: OpSend[] = [];
  private readonly slotWaiters = new Fifo<() => void>();
  private readonly accumulator: BatchAccumulator | undefined;
  private readonly reconnects: ReconnectScheduler;
  private readonly compression: CompressionType;
  private connection: Connection | undefined;
  private nextSequenceId: number;
  private pendingMessages = 0;
  private epoch = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  private sendTimeoutTimer: NodeJS.Timeout | undefined;
  private failure: PulsarClientError | undefined;
  private readonly pendingTally: Tally;

  constructor(
    private readonly ctx: ClientContext,
    private readonly options: NormalizedProducerOptions,
    readonly topic: string,
    readonly partition: number,
  ) {
    this.producerId = ctx.nextProducerId();
    this.producerName = options.producerName;
    this.nextSequenceId = options.initialSequenceId ?? 0;
    this.compression = COMPRESSION_TYPES[options.compression];
    this.reconnects = new ReconnectScheduler(this, ctx, 'producer', `producer on ${topic}`);
    this.pendingTally = ctx.metrics.gaugeTally(ctx.metrics.pendingMessages, { topic });
    this.accumulator = options.batchingEnabled
      ? new BatchAccumulator(options.batcher === 'keyBased', options.batchingMaxMessages, options.batchingMaxBytes)
      : undefined;
  }

  /** First connection: retries retriable failures until the operation timeout, then gives up. */
  async start(): Promise<void> {
    try {
      await retryWithBackoff(() => this.connect(), {
        timeoutMs: this.ctx.options.operationTimeoutMs,
        initialBackoffMs: this.ctx.options.initialBackoffMs,
        maxBackoffMs: this.ctx.options.maxBackoffMs,
      });
    } catch (error) {
      this.state = 'failed';
      throw error;
    }
    if (this.options.sendTimeoutMs > 0) {
      this.sendTimeoutTimer = setInterval(() => this.expireTimedOutOps(), Math.max(10, Math.min(1000, this.options.sendTimeoutMs / 4)));
      this.sendTimeoutTimer.unref();
    }
  }

  get pendingCount(): number {
    return this.pendingMessages;
  }

  /** Queues a message; resolves with its id once the broker persisted it (or reports it a duplicate: id -1:-1). */
  send(message: OutgoingMessage): Promise<MessageId> {
    const unusable = this.unusableError();
    if (unusable) return Promise.reject(unusable);
    if (this.pendingMessages >= this.options.maxPendingMessages) {
      if (!this.options.blockIfQueueFull) {
        return Promise.reject(new PulsarClientError('ProducerQueueFull', `producer on ${this.topic} has ${this.pendingMessages} pending messages (maxPendingMessages)`, { retriable: true }));
      }
      return this.sendWhenRoom(message);
    }
    try {
      return this.enqueue(message);
    } catch (error) {
      // send() reports failures through its promise only, as it did when it was async.
      return Promise.reject(error);
    }
  }

  private async sendWhenRoom(message: OutgoingMessage): Promise<MessageId> {
    while (this.pendingMessages >= this.options.maxPendingMessages) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      const unusable = this.unusableError();
      if (unusable) throw unusable;
    }
    return this.enqueue(message);
  }

  /** Accepts a message into the current batch (or sends it alone); the returned promise settles with its receipt. */
  private enqueue(message: OutgoingMessage): Promise<MessageId> {
    const maxSize = this.connection?.maxMessageSize ?? this.ctx.options.maxFrameSize;
    if (message.payload.length > maxSize) {
      return Promise.reject(new PulsarClientError('MessageTooLarge', `message of ${message.payload.length} bytes exceeds the broker's limit of ${maxSize}`));
    }
    let resolve!: (id: MessageId) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<MessageId>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const queued: QueuedMessage = {
      payload: message.payload,
      partitionKey: message.partitionKey,
      orderingKey: message.orderingKey,
      properties: message.properties,
      eventTime: message.eventTime,
      sequenceId: message.sequenceId,
      promise,
      resolve,
      reject,
      enqueuedAt: Date.now(),
    };
    if (message.sequenceId !== undefined && message.sequenceId >= this.nextSequenceId) {
      // Ids the client assigns later continue above the caller's, so the broker does not drop them as duplicates.
      this.nextSequenceId = message.sequenceId + 1;
    }
    this.pendingMessages++;
    this.pendingTally.add(1);
    const acc = this.accumulator;
    if (acc && message.payload.length < this.options.batchingMaxBytes) {
      if (acc.wouldOverflow(message.payload.length)) this.flushBatch();
      if (acc.add(queued)) this.flushBatch();
      else if (!this.batchTimer) {
        this.batchTimer = setTimeout(() => this.flushBatch(), this.options.batchingMaxPublishDelayMs);
      }
    } else {
      this.flushBatch();
      this.enqueueOp([queued], false);
    }
    return promise;
  }

  /** Sends the current batch now and waits until everything sent so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    this.flushBatch();
    await Promise.allSettled(this.pendingOps.flatMap((op) => op.messages.map((m) => m.promise)));
  }

  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return;
    const deadline = new Promise((r) => setTimeout(r, this.ctx.options.operationTimeoutMs).unref());
    if (this.state === 'ready') await Promise.race([this.flush(), deadline]);
    this.state = 'closing';
    const connection = this.connection;
    if (connection?.isReady) {
      await connection.request((id) => closeProducerCommand(this.producerId, id), `close producer on ${this.topic}`).catch(() => undefined);
      connection.unregisterProducer(this.producerId);
    }
    this.terminate(new PulsarClientError('AlreadyClosed', `producer on ${this.topic} was closed`));
    this.state = 'closed';
  }

  // ---- ProducerListener --------------------------------------------------------------------

  onSendReceipt(command: BaseCommand): void {
    const receipt = command.sendReceipt!;
    const sequenceId = Number(fromU64(receipt.sequenceId));
    const head = this.pendingOps[0];
    if (!head || sequenceId < head.sequenceId) return; // late receipt of an op already settled
    if (sequenceId > head.sequenceId) {
      this.ctx.options.onWarning(`producer ${this.producerName} on ${this.topic}: receipt for sequence ${sequenceId}, expected ${head.sequenceId}; reconnecting to resend`);
      this.connection?.close(new PulsarClientError('ConnectionError', 'out-of-order send receipt', { retriable: true }));
      return;
    }
    this.pendingOps.shift();
    // A duplicate (the broker's deduplication dropped it) is acknowledged with ledger and entry -1, as Java reports it.
    const entryId = receipt.messageId ? messageIdFromWire(receipt.messageId, this.partition) : new MessageId(-1n, -1n, this.partition);
    const latency = (Date.now() - head.createdAt) / 1000;
    const { messages } = head;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index]!;
      message.resolve(head.batched ? new MessageId(entryId.ledgerId, entryId.entryId, this.partition, index, messages.length) : entryId);
    }
    this.settled(messages.length);
    this.ctx.metrics.messagesSent.inc({ topic: this.topic }, messages.length);
    this.ctx.metrics.publishLatency.observe({ topic: this.topic }, latency);
  }

  onSendError(command: BaseCommand): void {
    const error = PulsarClientError.fromServer(command.sendError?.error, command.sendError?.message, `send on ${this.topic}`);
    if (error.code === 'NotAllowedError') {
      const op = this.pendingOps.shift();
      if (op) this.fail(op.messages, error);
      return;
    }
    // Any other send error: resync by reconnecting; pending ops are resent with their sequence ids.
    this.connection?.close(new PulsarClientError('ConnectionError', error.message, { retriable: true, cause: error }));
  }

  onClosedByBroker(): void {
    this.reconnects.closedByBroker(() => (this.connection = undefined));
  }

  onConnectionClosed(connection: Connection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.reconnects.connectionClosed();
  }

  /** A new epoch tells the broker this PRODUCER supersedes the one it may still hold for us. */
  reattach(): Promise<void> {
    this.epoch++;
    return this.connect();
  }

  onReconnectFailed(error: PulsarClientError): void {
    this.failure = error;
    this.terminate(error);
  }

  /** Test hook: the connection currently carrying this producer. */
  get currentConnection(): Connection | undefined {
    return this.connection;
  }

  // ---- internals ---------------------------------------------------------------------------

  private unusableError(): PulsarClientError | undefined {
    if (this.state === 'closing' || this.state === 'closed') {
      return new PulsarClientError('AlreadyClosed', `producer on ${this.topic} is closed`);
    }
    if (this.state === 'failed') return this.failure ?? new PulsarClientError('NotConnected', `producer on ${this.topic} failed`);
    return undefined;
  }

  private async connect(): Promise<void> {
    const connection = await this.ctx.connectionFor(this.topic);
    connection.registerProducer(this.producerId, this);
    let response: BaseCommand;
    try {
      response = await this.reconnects.attach(() => connection.request(
        (requestId) =>
          producerCommand({
            topic: this.topic,
            producerId: this.producerId,
            requestId,
            ...(this.producerName ? { producerName: this.producerName } : {}),
            userProvidedProducerName: this.options.producerName !== undefined,
            epoch: this.epoch,
            metadata: Object.entries(this.options.properties).map(([key, value]) => ({ key, value })),
          }),
        `create producer on ${this.topic}`,
      ));
    } catch (error) {
      connection.unregisterProducer(this.producerId);
      throw error;
    }
    if (this.state === 'closed' || this.state === 'closing') {
      // Closed while connecting: release the broker-side producer too (it holds the producer name).
      connection.unregisterProducer(this.producerId);
      connection.request((id) => closeProducerCommand(this.producerId, id), `close producer on ${this.topic}`).catch(() => undefined);
      return;
    }
    const success = response.producerSuccess!;
    const firstConnect = this.producerName === undefined || this.state === 'connecting';
    this.producerName = success.producerName;
    if (firstConnect && this.options.initialSequenceId === undefined) {
      const last = Number(fromU64(success.lastSequenceId, -1n));
      this.nextSequenceId = Math.max(this.nextSequenceId, last + 1);
    }
    this.connection = connection;
    this.state = 'ready';
    this.reconnects.attached();
    // Resend everything not yet acknowledged, in order, with the original sequence ids.
    for (const op of this.pendingOps) connection.write(op.frame);
  }

  private flushBatch(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    if (!this.accumulator || this.accumulator.isEmpty) return;
    for (const batch of this.accumulator.drain()) this.enqueueOp(batch, true);
  }

  /**
   * Assigns sequence ids to messages without their own (in wire order, so they stay monotonic),
   * encodes, and writes if connected. The op carries the first and the highest id of its messages.
   */
  private enqueueOp(messages: QueuedMessage[], batched: boolean): void {
    for (const message of messages) message.sequenceId ??= this.nextSequenceId++;
    const first = messages[0]!;
    const sequenceId = first.sequenceId!;
    const highestSequenceId = messages[messages.length - 1]!.sequenceId!;
    let payload: Uint8Array;
    const metadata: MessageMetadata = {
      producerName: this.producerName ?? '',
      sequenceId: u64(sequenceId),
      publishTime: u64(Date.now()),
    };
    if (batched) {
      payload = encodeBatch(messages);
      metadata.numMessagesInBatch = messages.length;
      metadata.highestSequenceId = u64(highestSequenceId);
      // Every batch carries its first message's keys at the entry level, as Java's
      // Commands.initBatchMessageMetadata does: Key_Shared dispatches the entry on them (ordering
      // key, else partition key). Key-based batches hold one key, so per-key order holds.
      if (first.partitionKey !== undefined) metadata.partitionKey = first.partitionKey;
      if (first.orderingKey) metadata.orderingKey = first.orderingKey;
    } else {
      payload = first.payload;
      if (first.properties?.length) metadata.properties = first.properties;
      if (first.partitionKey !== undefined) metadata.partitionKey = first.partitionKey;
      if (first.orderingKey) metadata.orderingKey = first.orderingKey;
      if (first.eventTime !== undefined) metadata.eventTime = u64(first.eventTime);
    }
    if (this.compression !== CompressionType.NONE) {
      metadata.compression = this.compression;
      metadata.uncompressedSize = payload.length;
      payload = compressPayload(this.compression, payload);
    }
    const frame = encodePayloadFrame(
      sendCommand(this.producerId, sequenceId, messages.length, batched ? highestSequenceId : undefined),
      metadata,
      payload,
    );
    const op: OpSend = { sequenceId, highestSequenceId, messages, batched, frame, createdAt: first.enqueuedAt };
    this.pendingOps.push(op);
    if (this.state === 'ready' && this.connection) this.connection.write(frame);
  }

  private expireTimedOutOps(): void {
    const head = this.pendingOps[0];
    if (!head || Date.now() - head.createdAt < this.options.sendTimeoutMs) return;
    // Like the Java client, a timed-out head fails everything queued behind it.
    this.failPending(new PulsarClientError('Timeout', `send on ${this.topic} not acknowledged within ${this.options.sendTimeoutMs} ms`, { retriable: true }));
  }

  private failPending(error: PulsarClientError): void {
    this.flushBatch();
    for (const op of this.pendingOps.splice(0)) this.fail(op.messages, error);
  }

  private terminate(error: PulsarClientError): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.sendTimeoutTimer) clearInterval(this.sendTimeoutTimer);
    this.reconnects.cancel();
    this.batchTimer = this.sendTimeoutTimer = undefined;
    this.failPending(error);
    for (const wake of this.slotWaiters.drain()) wake();
    this.ctx.metrics.release(this.pendingTally);
  }

  private fail(messages: QueuedMessage[], error: PulsarClientError): void {
    for (const message of messages) message.reject(error);
    this.settled(messages.length);
  }

  /** `count` messages left the pending queue: frees their slots for waiting senders. */
  private settled(count: number): void {
    this.pendingMessages -= count;
    this.pendingTally.add(-count);
    for (let i = 0; i < count; i++) {
      const wake = this.slotWaiters.shift();
      if (!wake) break;
      wake();
    }
  }
}

