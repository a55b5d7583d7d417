import type { ProducerMessage } from '@retail/pulsar';
import { DropOldestBuffer } from './drop-oldest-buffer';

/** What the publisher needs of a Pulsar producer (a Producer fits; tests use a scripted one). */
export interface MessageSink {
  send(message: ProducerMessage): Promise<unknown>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Callbacks for metrics and logs; every one is optional. `key` is the message key (the camera id). */
export interface PublisherHooks {
  /** The broker acknowledged a message `latencyMs` after publish() took it. */
  published?(key: string, latencyMs: number): void;
  /** The buffer was full and this (oldest) message was dropped. */
  dropped?(key: string): void;
  /** A send failed for good (the producer was closed or hit a non-retriable error); the message is lost. */
  failed?(key: string, error: unknown): void;
  bufferSize?(size: number): void;
}

export interface TopicPublisherOptions {
  /** Messages waiting in front of the producer at most; beyond, the oldest are dropped. */
  bufferCapacity: number;
  /** Messages handed to the producer and not yet acknowledged, at most. */
  maxInFlight: number;
  hooks?: PublisherHooks;
  /** Injected for tests. */
  nowMs?: () => number;
}

interface Outgoing {
  message: ProducerMessage & { key: string };
  acceptedAtMs: number;
}

/**
 * Publishes to one topic without ever blocking the caller and without unbounded memory: messages go to the
 * producer while fewer than `maxInFlight` are unacknowledged (the producer keeps those and resends them with their
 * sequence ids after a reconnect), the rest wait in a drop-oldest buffer. While the broker is away the in-flight
 * window fills, then the buffer; when it comes back both drain in order.
 */
export class TopicPublisher {
  private readonly buffer: DropOldestBuffer<Outgoing>;
  private readonly hooks: PublisherHooks;
  private readonly nowMs: () => number;
  private inFlightCount = 0;
  /** When the broker last acknowledged (or failed) a send, or when the window last became non-empty. */
  private lastProgressMs = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private reportedBufferSize = -1;

  constructor(
    private readonly sink: MessageSink,
    private readonly options: TopicPublisherOptions,
  ) {
    if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1)
      throw new RangeError(`maxInFlight must be a whole number of at least 1, got ${options.maxInFlight}`);
    this.buffer = new DropOldestBuffer(options.bufferCapacity);
    this.hooks = options.hooks ?? {};
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Messages waiting in the buffer (not yet handed to the producer). */
  get buffered(): number {
    return this.buffer.size;
  }

  /** Messages handed to the producer and not yet acknowledged. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Messages dropped because the buffer was full, since creation. */
  get dropped(): number {
    return this.buffer.dropped;
  }

  /** How long in-flight messages have waited without any acknowledgement (0 when nothing is in flight). */
  stalledMs(): number {
    return this.inFlightCount === 0 ? 0 : this.nowMs() - this.lastProgressMs;
  }

  /** Queues a message; returns at once. */
  publish(key: string, data: Uint8Array, eventTimeMs: number): void {
    if (this.closed) throw new Error('publisher is closed');
    const evicted = this.buffer.push({ message: { key, data, eventTime: eventTimeMs }, acceptedAtMs: this.nowMs() });
    if (evicted) this.hooks.dropped?.(evicted.message.key);
    this.pump();
  }

  /** Resolves when everything published so far has been acknowledged (or failed), then flushes the producer. */
  async flush(): Promise<void> {
    if (this.buffer.size > 0 || this.inFlightCount > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.sink.flush();
  }

  /** Flushes, then closes the producer. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.sink.close();
  }

  private pump(): void {
    while (this.inFlightCount < this.options.maxInFlight && this.buffer.size > 0) this.send(this.buffer.shift()!);
    // Reported on change only: pump runs once per message and acknowledgement, the size rarely moves.
    if (this.buffer.size !== this.reportedBufferSize) {
      this.reportedBufferSize = this.buffer.size;
      this.hooks.bufferSize?.(this.buffer.size);
    }
    if (this.buffer.size === 0 && this.inFlightCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private send(outgoing: Outgoing): void {
    if (this.inFlightCount === 0) this.lastProgressMs = this.nowMs();
    this.inFlightCount++;
    const key = outgoing.message.key;
    let sent: Promise<unknown>;
    try {
      sent = this.sink.send(outgoing.message);
    } catch (error) {
      sent = Promise.reject(error); // a broken sink that throws is treated like a rejected send
    }
    // One reaction per message (this runs for every event): report, then free the slot and pump.
    sent.then(
      () => this.settle(() => this.hooks.published?.(key, this.nowMs() - outgoing.acceptedAtMs)),
      (error: unknown) => this.settle(() => this.hooks.failed?.(key, error)),
    );
  }

  private settle(report: () => void): void {
    try {
      report();
    } finally {
      this.lastProgressMs = this.nowMs();
      this.inFlightCount--;
      this.pump();
    }
  }
}
