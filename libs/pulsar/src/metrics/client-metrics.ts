import { Counter, Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';

/**
 * A count kept locally by a hot path and handed to its prom-client metric in bulk: when the
 * registry is scraped and when its owner releases it. A labelled `inc()` builds and hashes a label
 * string on every call, which cost a few percent of the consume and produce profiles per message.
 */
export class Tally {
  private value = 0;

  constructor(
    private readonly apply: (delta: number) => void,
    /** The set its metric's collect() flushes. */
    readonly collectedIn: Set<Tally>,
  ) {
    collectedIn.add(this);
  }

  add(delta = 1): void {
    this.value += delta;
  }

  flush(): void {
    if (this.value === 0) return;
    const delta = this.value;
    this.value = 0;
    this.apply(delta);
  }
}

/** Live tallies per metric; the metric's collect() (run on every scrape) flushes them. */
const talliesOf = new WeakMap<object, Set<Tally>>();

function flushTallies(this: object): void {
  for (const tally of talliesOf.get(this) ?? []) tally.flush();
}

/**
 * Client metrics on an injectable prom-client registry. Several clients may share one registry:
 * metrics are looked up before being created, so a second client adds to the same series.
 */
export class ClientMetrics {
  readonly messagesSent: Counter<'topic'>;
  readonly messagesReceived: Counter<'topic' | 'subscription'>;
  readonly messagesAcked: Counter<'topic' | 'subscription'>;
  readonly pendingMessages: Gauge<'topic'>;
  readonly reconnects: Counter<'kind'>;
  readonly publishLatency: Histogram<'topic'>;

  constructor(registry: Registry = globalRegistry, prefix = 'pulsar_client_') {
    const existing = <T>(name: string) => registry.getSingleMetric(`${prefix}${name}`) as T | undefined;
    this.messagesSent =
      existing<Counter<'topic'>>('messages_sent_total') ??
      new Counter({ name: `${prefix}messages_sent_total`, help: 'Messages acknowledged by the broker after publishing', labelNames: ['topic'], registers: [registry] });
    this.messagesReceived =
      existing<Counter<'topic' | 'subscription'>>('messages_received_total') ??
      new Counter({ name: `${prefix}messages_received_total`, help: 'Messages handed to the application by consumers and readers', labelNames: ['topic', 'subscription'], registers: [registry], collect: flushTallies });
    this.messagesAcked =
      existing<Counter<'topic' | 'subscription'>>('messages_acked_total') ??
      new Counter({ name: `${prefix}messages_acked_total`, help: 'Messages acknowledged by consumers', labelNames: ['topic', 'subscription'], registers: [registry], collect: flushTallies });
    this.pendingMessages =
      existing<Gauge<'topic'>>('pending_messages') ??
      new Gauge({ name: `${prefix}pending_messages`, help: 'Messages published but not yet acknowledged by the broker', labelNames: ['topic'], registers: [registry], collect: flushTallies });
    this.reconnects =
      existing<Counter<'kind'>>('reconnects_total') ??
      new Counter({ name: `${prefix}reconnects_total`, help: 'Producer and consumer reconnect attempts', labelNames: ['kind'], registers: [registry] });
    this.publishLatency =
      existing<Histogram<'topic'>>('publish_latency_seconds') ??
      new Histogram({
        name: `${prefix}publish_latency_seconds`,
        help: 'Time from send() to the broker receipt',
        labelNames: ['topic'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      });
  }

  /** A tally of `counter` (one of this object's) under `labels`, flushed on every scrape until released. */
  counterTally<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>): Tally {
    return new Tally((delta) => counter.inc(labels, delta), tallySet(counter));
  }

  /** A tally of `gauge` under `labels` whose delta may be negative. */
  gaugeTally<L extends string>(gauge: Gauge<L>, labels: Partial<Record<L, string>>): Tally {
    return new Tally((delta) => (delta > 0 ? gauge.inc(labels, delta) : gauge.dec(labels, -delta)), tallySet(gauge));
  }

  /** Flushes a tally and stops collecting it (its owner is closed). */
  release(tally: Tally): void {
    tally.flush();
    tally.collectedIn.delete(tally);
  }
}

function tallySet(metric: object): Set<Tally> {
  let tallies = talliesOf.get(metric);
  if (!tallies) talliesOf.set(metric, (tallies = new Set()));
  return tallies;
}
