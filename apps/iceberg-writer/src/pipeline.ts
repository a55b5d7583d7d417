import { FileIOResolver, isPermanentIcebergError, RestCatalog, type SnapshotExpiryJob } from '@retail/iceberg';
import { PulsarClient, PulsarClientError, type Consumer, type Message, type MessageId } from '@retail/pulsar';
import { catalogAuthOf, type Logger, type Registry } from '@retail/runtime';
import { DeadLetter, type RecordType } from '@retail/schema';
import { isBackpressured, msUntilDue, shouldCommit, type BatchPolicy } from './batch-policy';
import type { IcebergWriterConfig } from './config';
import { decodeMessage, SERVICE_NAME } from './decode';
import { IcebergWriterError } from './errors';
import { createWriterMetrics, type WriterMetrics } from './metrics';
import { isCommitted, type Positions } from './positions';
import { TableSink } from './table-sink';
import { writerSnapshotExpiry } from './snapshot-expiry';
import { ensureVerifiedTable, tableIdentifierOf } from './tables';
import { recordTypeForTopic } from './topics';

/** How long a consumer waits for a message before re-checking whether to stop. */
const RECEIVE_POLL_MS = 200;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface PipelineOptions {
  config: IcebergWriterConfig;
  logger: Logger;
  metrics: Registry;
  /** Called as the pipeline's dependencies become ready (readiness). */
  onReady?: (what: 'pulsar' | 'tables') => void;
}

interface PartitionProgress {
  consumer: Consumer;
  id: MessageId;
  publishTime: number;
}

/** What one commit cycle gathered: rows per table and, per partition, the newest message. */
class Cycle {
  readonly rows = new Map<TableSink, Record<string, unknown>[]>();
  readonly progress = new Map<string, PartitionProgress>();
  messages = 0;
  startedMs = 0;

  add(sink: TableSink, row: Record<string, unknown> | null): void {
    if (row === null) return;
    let rows = this.rows.get(sink);
    if (!rows) this.rows.set(sink, (rows = []));
    rows.push(row);
  }

  positions(): Positions {
    return Object.fromEntries([...this.progress].map(([partition, p]) => [partition, p.id.toString()]));
  }
}

/** True for errors that no retry can fix: this instance must stop (and exit non-zero). */
export function isFatal(error: unknown): boolean {
  if (error instanceof IcebergWriterError) return !error.retriable;
  return isPermanentIcebergError(error);
}

/**
 * Pulsar topics → Iceberg tables, exactly once (see docs/exactly-once.md). Consumers fill the
 * current cycle; the commit loop swaps it out every interval (or when full), commits each table
 * that got rows with the cycle's positions, and only then acknowledges, cumulatively per partition.
 */
export class IcebergWriterPipeline {
  private readonly metrics: WriterMetrics;
  private readonly policy: BatchPolicy;
  private readonly log: Logger;
  private current = new Cycle();
  private stopping = false;
  private finished = false;
  private fatal: unknown;
  private wake: (() => void) | undefined;
  /** Newest message id accepted per partition by this process (buffered, committing or committed). */
  private readonly accepted = new Map<string, MessageId>();
  private readonly pumps: Promise<void>[] = [];
  private committer: Promise<void> | undefined;
  private client: PulsarClient | undefined;
  private consumers: Consumer[] = [];
  private catalog!: RestCatalog;
  private io!: FileIOResolver;
  private sinks = new Map<RecordType, TableSink>();
  private deadLetters!: TableSink;
  private expiry: SnapshotExpiryJob | undefined;
  /** Resolves once stopped after a graceful stop; rejects with the fatal error otherwise. */
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(private readonly options: PipelineOptions) {
    this.metrics = createWriterMetrics(options.metrics);
    this.policy = { intervalMs: options.config.commit.intervalMs, maxRows: options.config.commit.maxRowsPerCommit };
    this.log = options.logger;
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  get tableSinks(): TableSink[] {
    return [...this.sinks.values(), this.deadLetters];
  }

  async start(): Promise<void> {
    try {
      await this.open();
    } catch (error) {
      await this.finish(error); // closes whatever was opened; `done` rejects with the error
      throw error;
    }
    this.committer = this.commitLoop();
    void this.committer.then(
      () => this.finish(),
      (error) => this.finish(error),
    );
  }

  private async open(): Promise<void> {
    const { config } = this.options;
    const topicRecords = config.input.topics.map((topic) => ({ topic, record: recordTypeForTopic(topic) }));
    const auth = catalogAuthOf(config.catalog, SERVICE_NAME);
    this.catalog = await RestCatalog.connect({
      uri: config.catalog.url,
      warehouse: config.catalog.warehouse,
      requestTimeoutMs: config.catalog.requestTimeoutMs,
      ...(auth ? { auth } : {}),
    });
    this.io = new FileIOResolver({ s3: { ...config.s3 } });

    const records = [...new Set(topicRecords.map((t) => t.record))];
    const deadLetterId = tableIdentifierOf(DeadLetter as unknown as RecordType, config.tables.namespacePrefix, config.deadLetter.table);
    const targets = [
      ...records.map((record) => ({ record, identifier: tableIdentifierOf(record, config.tables.namespacePrefix) })),
      { record: DeadLetter as unknown as RecordType, identifier: deadLetterId },
    ];
    for (const { record, identifier } of targets) {
      const { addedFields } = await ensureVerifiedTable(this.catalog, record, identifier);
      if (addedFields.length > 0) {
        this.log.info({ table: `${identifier.namespace.join('.')}.${identifier.name}`, fieldIds: addedFields, contract: `${record.name} v${record.version}` }, 'table evolved: added the contract fields it lacked');
      }
    }
    const opened = await Promise.all(
      targets.map(({ record, identifier }) =>
        TableSink.open({
          catalog: this.catalog,
          io: this.io,
          record,
          identifier,
          writerId: config.writer.id,
          subscription: config.input.subscription,
          commit: { onRetry: () => this.metrics.commitRetries.inc({ table: `${identifier.namespace.join('.')}.${identifier.name}` }) },
        }),
      ),
    );
    opened.forEach((sink, i) => (i < records.length ? this.sinks.set(sink.record, sink) : (this.deadLetters = sink)));
    for (const sink of opened) this.log.info({ table: sink.key, epoch: sink.epoch, positions: sink.committed }, 'table ready: epoch claimed, positions recovered');
    this.options.onReady?.('tables');

    this.client = new PulsarClient({
      serviceUrl: config.pulsar.serviceUrl,
      ...(config.pulsar.authToken ? { authentication: { token: config.pulsar.authToken } } : {}),
    });
    for (const { topic, record } of topicRecords) {
      const consumer = await this.client.subscribe({
        topic,
        subscription: config.input.subscription,
        subscriptionType: 'Failover',
        subscriptionInitialPosition: 'earliest',
        // Failover makes the consumer whose name sorts first active (per partition, spread by name).
        consumerName: `${config.writer.id}-${config.instanceId ?? process.pid}`,
      });
      this.consumers.push(consumer);
      this.pumps.push(this.pump(consumer, topic, record).catch((error) => this.fail(error)));
    }
    this.options.onReady?.('pulsar');
    this.expiry = writerSnapshotExpiry({
      settings: config.snapshotExpiry,
      tables: opened.map((sink) => sink.identifier),
      target: { catalog: this.catalog, io: this.io },
      logger: this.log,
      metrics: this.metrics,
    });
    this.expiry.start();
  }

  /** For readiness: the catalog answers a cheap request. */
  async catalogReachable(): Promise<boolean> {
    const first = this.tableSinks[0];
    if (!first) return false;
    return this.catalog.namespaceExists(first.identifier.namespace).catch(() => false);
  }

  /** Graceful stop: no more consuming, commit what is buffered, acknowledge, close. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.done.catch(() => undefined);
  }

  /** A fatal error (e.g. fenced): stop consuming, commit and acknowledge nothing more. */
  private fail(error: unknown): void {
    this.fatal ??= error;
    this.stopping = true;
    this.wake?.();
  }

  private async finish(error?: unknown): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.stopping = true;
    this.wake?.();
    await Promise.allSettled(this.pumps);
    await this.expiry?.stop();
    for (const consumer of this.consumers) consumer.flushAcknowledgements();
    await Promise.allSettled(this.consumers.map((c) => c.close()));
    await this.client?.close().catch(() => undefined);
    this.io?.close();
    const failure = error ?? this.fatal;
    if (failure !== undefined) this.log.error({ err: failure }, 'pipeline stopped on an error: nothing more is consumed or acknowledged');
    if (failure === undefined) this.settle.resolve();
    else this.settle.reject(failure);
  }

  private async pump(consumer: Consumer, topic: string, record: RecordType): Promise<void> {
    while (!this.stopping) {
      if (isBackpressured(this.policy, this.current.messages)) {
        await sleep(10);
        continue;
      }
      let message: Message;
      try {
        message = await consumer.receive(RECEIVE_POLL_MS);
      } catch (error) {
        if (error instanceof PulsarClientError && error.code === 'Timeout') continue;
        if (this.stopping) return;
        this.log.warn({ err: error, topic }, 'receive failed; retrying');
        await sleep(RETRY_MIN_MS);
        continue;
      }
      await this.handle(consumer, record, message);
    }
  }

  private async handle(consumer: Consumer, record: RecordType, message: Message): Promise<void> {
    const partition = message.topic;
    this.metrics.messagesConsumed.inc({ topic: partition });
    const accepted = this.accepted.get(partition);
    if (accepted === undefined) {
      // A partition new to this instance may have been consumed by another one since start.
      await this.refreshPositions();
    } else if (message.messageId.compareTo(accepted) <= 0) {
      // Redelivered after a reconnect: it is already in a cycle of this process (or committed),
      // and the cumulative acknowledgement of a later message covers it.
      this.metrics.messagesSkipped.inc({ table: 'redelivered' });
      return;
    }
    this.accepted.set(partition, message.messageId);
    const decoded = decodeMessage(record, message);
    const sink = decoded.ok ? this.sinks.get(record)! : this.deadLetters;
    const cycle = this.current;
    if (isCommitted(sink.committed, partition, message.messageId)) {
      this.metrics.messagesSkipped.inc({ table: sink.key });
      cycle.add(sink, null);
    } else {
      cycle.add(sink, decoded.ok ? decoded.row : (decoded.deadLetter as unknown as Record<string, unknown>));
      if (!decoded.ok) this.metrics.deadLetters.inc({ reason: decoded.reason });
    }
    cycle.progress.set(partition, { consumer, id: message.messageId, publishTime: message.publishTime });
    if (cycle.messages++ === 0) cycle.startedMs = Date.now();
    if (cycle.messages >= this.policy.maxRows) this.wake?.();
  }

  private async refreshPositions(): Promise<void> {
    await retry(async () => {
      for (const sink of this.tableSinks) sink.refresh((await this.catalog.loadTable(sink.identifier)).metadata);
    }, this.log, () => this.stopping);
  }

  private async commitLoop(): Promise<void> {
    for (;;) {
      await this.nextTrigger();
      if (this.fatal !== undefined) throw this.fatal;
      const cycle = this.current;
      if (cycle.messages === 0) {
        if (this.stopping) return;
        continue;
      }
      this.current = new Cycle();
      await this.commitCycle(cycle);
    }
  }

  /** Resolves when the current cycle is due (time or size) or the pipeline is stopping. */
  private async nextTrigger(): Promise<void> {
    while (!this.stopping && !shouldCommit(this.policy, this.current.messages, this.current.startedMs, Date.now())) {
      const wait = this.current.messages === 0 ? this.policy.intervalMs : msUntilDue(this.policy, this.current.startedMs, Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, wait));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async commitCycle(cycle: Cycle): Promise<void> {
    const positions = cycle.positions();
    this.metrics.batchSize.observe(cycle.messages);
    // Tables commit independently (each with its own checkpoint); Pulsar hears of it only when all did.
    await Promise.all(
      [...cycle.rows].map(([sink, rows]) =>
        retry(
          async () => {
            const timer = this.metrics.commitDuration.startTimer({ table: sink.key });
            const committed = await sink.commit(rows, positions);
            timer();
            this.metrics.rowsCommitted.inc({ table: sink.key }, committed);
          },
          this.log,
          () => false,
          (error) => {
            this.metrics.commitRetries.inc({ table: sink.key });
            this.log.warn({ err: error, table: sink.key }, 'commit failed; retrying the same commit');
          },
        ),
      ),
    );
    this.log.debug({ messages: cycle.messages, tables: [...cycle.rows.keys()].map((sink) => sink.key) }, 'cycle committed; acknowledging');
    // Tables that got no rows this cycle keep their positions: those messages were acked below
    // only after every table with rows committed, so nothing of theirs can be redelivered unseen.
    let newestPublish = 0;
    for (const progress of cycle.progress.values()) {
      try {
        progress.consumer.acknowledgeCumulative(progress.id);
      } catch (error) {
        // The partition moved to another instance; it re-reads from the last ack and skips what is committed.
        this.log.warn({ err: error }, 'acknowledge failed');
      }
      newestPublish = Math.max(newestPublish, progress.publishTime);
    }
    if (newestPublish > 0) this.metrics.checkpointLag.set(Math.max(0, (Date.now() - newestPublish) / 1000));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Repeats `operation` with capped exponential backoff until it succeeds or fails fatally. */
async function retry(
  operation: () => Promise<void>,
  log: Logger,
  giveUp: () => boolean,
  onRetry?: (error: unknown) => void,
): Promise<void> {
  let delay = RETRY_MIN_MS;
  for (;;) {
    try {
      await operation();
      return;
    } catch (error) {
      if (isFatal(error) || giveUp()) throw error;
      if (onRetry) onRetry(error);
      else log.warn({ err: error }, 'operation failed; retrying');
      await sleep(delay);
      delay = Math.min(RETRY_MAX_MS, delay * 2);
    }
  }
}
