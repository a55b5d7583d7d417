import type { ClientContext } from '../context';
import { FATAL_ON_RECONNECT, PulsarClientError } from '../errors';
import { Backoff } from './backoff';

/** Lifecycle shared by partition producers and consumers. */
export type HandleState = 'connecting' | 'ready' | 'reconnecting' | 'closing' | 'closed' | 'failed';

/** The producer or consumer a scheduler brings back after its connection is lost. */
export interface Reconnectable {
  state: HandleState;
  /** One attempt to get a connection and register on it again (PRODUCER or SUBSCRIBE). */
  reattach(): Promise<void>;
  /** Reconnecting stopped on an error retrying cannot fix; `state` is already 'failed'. */
  onReconnectFailed(error: PulsarClientError): void;
}

/**
 * Reconnects a producer or consumer with capped exponential backoff after its connection closes
 * or the broker closes it, until an attempt succeeds, the handle is closed, or the broker answers
 * with an error that retrying cannot fix.
 */
export class ReconnectScheduler {
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  /** Set while an attach request is in flight; a broker close arriving then voids that attempt. */
  private attaching = false;
  private closedWhileAttaching = false;

  /** What a retry does, for warnings. */
  private readonly verb: string;

  /** `label` names the handle in warnings, e.g. "producer on persistent://t/n/x". */
  constructor(
    private readonly target: Reconnectable,
    private readonly ctx: ClientContext,
    private readonly kind: 'producer' | 'consumer',
    private readonly label: string,
  ) {
    this.backoff = new Backoff(ctx.options.initialBackoffMs, ctx.options.maxBackoffMs);
    this.verb = kind === 'consumer' ? 'resubscribing' : 'reconnecting';
  }

  /** Runs one attach request (the broker's answer to PRODUCER or SUBSCRIBE) and notes a broker close that races it. */
  async attach<T>(request: () => Promise<T>): Promise<T> {
    this.attaching = true;
    this.closedWhileAttaching = false;
    try {
      const answer = await request();
      if (this.closedWhileAttaching) {
        throw new PulsarClientError('ConnectionClosed', `broker closed ${this.label} while it was being attached`, { retriable: true });
      }
      return answer;
    } finally {
      this.attaching = false;
    }
  }

  /** The handle is attached again: the next loss starts from the shortest backoff. */
  attached(): void {
    this.backoff.reset();
  }

  /**
   * The broker closed the handle: `detach` drops its connection and a reconnect is scheduled.
   * During an attach request nothing is detached: the close can share a TCP read with the success
   * answer and run before it is processed, so that attempt fails (see `attach`) and its caller retries.
   */
  closedByBroker(detach: () => void): void {
    if (this.attaching) {
      this.closedWhileAttaching = true;
      return;
    }
    detach();
    this.schedule(new PulsarClientError('ConnectionClosed', `broker closed ${this.label}`, { retriable: true }));
  }

  connectionClosed(): void {
    this.schedule(new PulsarClientError('ConnectionClosed', `connection for ${this.label} closed`, { retriable: true }));
  }

  schedule(reason: PulsarClientError): void {
    const target = this.target;
    if (target.state === 'closing' || target.state === 'closed' || target.state === 'failed' || this.timer) return;
    target.state = 'reconnecting';
    const wait = this.backoff.next();
    this.ctx.options.onWarning(`${this.label}: ${reason.message}; ${this.verb} in ${wait} ms`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (target.state !== 'reconnecting') return;
      this.ctx.metrics.reconnects.inc({ kind: this.kind });
      target.reattach().catch((error: unknown) => {
        if (error instanceof PulsarClientError && FATAL_ON_RECONNECT.has(error.code)) {
          target.state = 'failed';
          target.onReconnectFailed(error);
          return;
        }
        this.schedule(error instanceof PulsarClientError ? error : new PulsarClientError('ConnectionError', String(error), { retriable: true }));
      });
    }, wait);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
