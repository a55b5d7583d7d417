// stream-compute end to end through Pulsar: synthetic detections (tools/demo's scene) are published
// as Avro, keyed by camera_id with key-based batching, to a fresh partitioned topic; then the real
// service (in this process, as the integration tests run it) drains the backlog. Two phases, each
// with its own subscription and tables on the same topic:
//   committed   — the service with its default checkpoint settings: every event decoded, validated,
//                 processed and its cycle committed to Iceberg (state file + table commits) and acked.
//   process     — commits deferred past the end of the run (one cycle holds every message): the
//                 consume + decode + validate + operators path alone; the single final commit is timed apart.
// Rates are wall-clock events/s on this machine; the broker, catalog, MinIO and this process share its cores.

// The benchmark drives the service and the test helpers that set up its tables: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { randomBytes } from 'node:crypto';
import { ExactlyOnceWriter, FileIOResolver, RestCatalog, SUMMARY, type TableMetadata } from '@retail/iceberg';
import { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { arrowRecordBatchOf, avroCodecOf, Camera, DetectionEvent, Store, type RecordType } from '@retail/schema';
import { Registry, createLogger, loadConfig } from '@retail/runtime';
import { stackConnectionEnv, stackEndpoints } from '@retail/stack';
import { streamComputeConfigSchema } from '../../apps/stream-compute/src/config';
import { decodeDetection } from '../../apps/stream-compute/src/service/decode';
import { StreamComputeService } from '../../apps/stream-compute/src/service/service';
import { ensureVerifiedTable, tableIdentifierOf } from '../../apps/stream-compute/src/service/tables';
import type { TestRun } from '../../apps/stream-compute/test/support/stack';
import { buildReference, buildScene, type Scene } from '../../tools/demo/src/scene';

/** 25 stores × 2 cameras = 50 camera keys. */
const SCENE_STORES = 25;
const SCENE_FPS = 10;
const SCENE_SHOPPERS_PER_MINUTE = 40;
/** Sends in flight at once: bounds the publisher's memory without starving key-based batches. */
const PUBLISH_WINDOW = 20_000;
const POLL_MS = 50;
const BACKLOG_POLL_MS = 250;
/** "Never" for the process-only phase: no time- or size-triggered cycle during the run. */
const DEFERRED_INTERVAL_MS = 3_600_000;
/**
 * The process-only phase times this many messages at most: with commits deferred nothing is
 * acknowledged, and the broker stops dispatching near its unacked-messages-per-subscription limit
 * (Pulsar's default maxUnackedMessagesPerSubscription is 200,000).
 */
const PROCESS_ONLY_MAX_EVENTS = 150_000;

export interface ThroughPulsarOptions {
  events: number;
  partitions: number;
  /** Each phase gives up after this long (reported as timed out with what it did). */
  phaseTimeoutMs: number;
  /** Profiling: told when a phase's service subscribed and when the phase ended (its figures taken). */
  onPhase?: (label: string, moment: 'subscribed' | 'ended') => void;
}

export interface PhaseResult {
  label: string;
  events: number;
  /** Subscribed → every message handled by the operators. */
  processSeconds: number;
  /** Subscribed → every message acknowledged after its cycle committed (subscription backlog 0). */
  committedSeconds: number | undefined;
  /** CPU of this process (the service) from subscribe to the end of the phase. */
  cpuSeconds: number;
  cycles: number;
  /** Cycle steps the service repeated after an error (e.g. a busy catalog). */
  commitRetries: number;
  /** Messages that became dead letters (a sane run has next to none: the scene's cameras are all in the reference tables). */
  deadLetters: number;
  timedOut: boolean;
}

export interface ThroughPulsarResult {
  publishedPerSecond: number;
  /** decodeDetection (Avro decode + contract validation) alone, in memory: events per CPU-second. */
  decodePerCpuSecond: number;
  committed: PhaseResult;
  processOnly: PhaseResult;
}

const endpoints = stackEndpoints();
const codec = avroCodecOf(DetectionEvent);

/** A scene of at least `count` detections, stamped so its last frame is about now. */
function sceneOf(count: number): Scene {
  let durationS = 60;
  for (;;) {
    const startUs = (Date.now() - durationS * 1000) * 1000;
    const scene = buildScene({ seed: 11, stores: SCENE_STORES, startUs, durationS, fps: SCENE_FPS, shoppersPerMinute: SCENE_SHOPPERS_PER_MINUTE });
    if (scene.detections.length >= count) return { ...scene, detections: scene.detections.slice(0, count) };
    durationS = Math.ceil((durationS * count * 1.1) / Math.max(1, scene.detections.length));
  }
}

async function publishAll(topic: string, messages: { key: string; data: Uint8Array }[]): Promise<number> {
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  try {
    const producer = await client.createProducer({ topic, batcher: 'keyBased', batchingMaxPublishDelayMs: 5 });
    const started = performance.now();
    for (let i = 0; i < messages.length; i += PUBLISH_WINDOW) {
      await Promise.all(messages.slice(i, i + PUBLISH_WINDOW).map((m) => producer.send(m)));
    }
    const seconds = (performance.now() - started) / 1000;
    await producer.close();
    return messages.length / seconds;
  } finally {
    await client.close();
  }
}

function runFor(topic: string, namespace: string, phase: string): TestRun {
  const prefix = `bench_compute_${phase}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}_`;
  return {
    id: prefix,
    namespace,
    topic,
    alertsTopic: `persistent://${namespace}/alerts-${phase}`,
    prefix,
    env: {
      ...stackConnectionEnv(),
      INPUT_TOPIC: topic,
      ALERTS_TOPIC: `persistent://${namespace}/alerts-${phase}`,
      STREAM_COMPUTE_SUBSCRIPTION: `stream-compute-${phase}`,
      STREAM_COMPUTE_WRITER_ID: `bench-${phase}`,
      TABLE_NAMESPACE_PREFIX: prefix,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    },
  };
}

async function counterValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function backlog(admin: PulsarAdmin, topic: string, subscription: string): Promise<number> {
  const stats = await admin.partitionedTopicStats(topic);
  const sub = stats.subscriptions[subscription] as { msgBacklog?: number } | undefined;
  return sub?.msgBacklog ?? Number.POSITIVE_INFINITY;
}

/**
 * The local catalog keeps its state in SQLite: commits arriving at once (the service claims its
 * writer epoch on every output table in parallel at start) fail with SQLITE_BUSY, after which the
 * catalog process stayed wedged until restarted. The benchmark therefore sends this process's
 * table commits one at a time, as a catalog with a real database would take them concurrently.
 * No app code changes: only the RestCatalog method in this process is wrapped.
 */
function serialiseCatalogCommits(): void {
  const prototype = RestCatalog.prototype as unknown as { commitTable: (...args: unknown[]) => Promise<unknown>; __serialised?: boolean };
  if (prototype.__serialised) return;
  const original = prototype.commitTable;
  let queue: Promise<unknown> = Promise.resolve();
  prototype.commitTable = function (this: unknown, ...args: unknown[]) {
    const result = queue.then(() => original.apply(this, args));
    queue = result.catch(() => undefined);
    return result;
  };
  prototype.__serialised = true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Attempts at writing a phase's reference tables: the shared catalog (SQLite) answers "busy" under load. */
const REFERENCE_ATTEMPTS = 8;
const REFERENCE_RETRY_DELAY_MS = 2_000;
const SERVICE_START_ATTEMPTS = 3;

/** One reference table written as the services write theirs (Trino's CREATE SCHEMA kept failing on the busy catalog). */
async function writeReferenceTable(catalog: RestCatalog, io: FileIOResolver, record: RecordType, prefix: string, rows: readonly object[]): Promise<void> {
  const identifier = tableIdentifierOf(record, prefix);
  await ensureVerifiedTable(catalog, record, identifier);
  const { writer } = await ExactlyOnceWriter.start<unknown>({ catalog, io, identifier, writerId: 'bench-reference' });
  // The writer's epoch claim is itself a snapshot, so "has a snapshot" does not mean "has rows":
  // only rows mean an earlier attempt landed.
  if (currentRecordCount(writer.table) > 0) return;
  await writer.write(arrowRecordBatchOf(record, rows as never));
  await writer.commit({ kind: 'bench-reference' });
  const written = currentRecordCount(writer.table);
  if (written !== rows.length) throw new Error(`${tableIdentifierOf(record, prefix).name}: wrote ${rows.length} reference rows, the table holds ${written}`);
}

function currentRecordCount(metadata: TableMetadata): number {
  const current = metadata.snapshots?.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
  return Number(current?.summary[SUMMARY.totalRecords] ?? 0);
}

/** A phase's run with reference.stores and reference.cameras written under its prefix. */
async function preparedRun(topic: string, namespace: string, phase: string, created: TestRun[]): Promise<TestRun> {
  const reference = buildReference({ stores: SCENE_STORES });
  const run = runFor(topic, namespace, phase);
  created.push(run);
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  const { config } = loadConfig({ service: 'stream-compute', schema: streamComputeConfigSchema, env: run.env });
  const io = new FileIOResolver({ s3: { ...config.s3 } });
  try {
    for (const [record, rows] of [[Store, reference.stores], [Camera, reference.cameras]] as const) {
      for (let attempt = 1; ; attempt++) {
        try {
          await writeReferenceTable(catalog, io, record, run.prefix, rows);
          break;
        } catch (error) {
          if (attempt >= REFERENCE_ATTEMPTS) throw error;
          console.log(`  writing ${record.table.namespace}.${record.table.name} failed (${String(error).slice(0, 160)}); retrying`);
          await sleep(REFERENCE_RETRY_DELAY_MS);
        }
      }
    }
  } finally {
    io.close();
  }
  return run;
}

async function runPhase(
  run: TestRun,
  label: string,
  events: number,
  overrides: Record<string, string>,
  timeoutMs: number,
  onPhase?: ThroughPulsarOptions['onPhase'],
): Promise<PhaseResult> {
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  const subscription = run.env.STREAM_COMPUTE_SUBSCRIPTION!;
  const { config } = loadConfig({ service: 'stream-compute', schema: streamComputeConfigSchema, env: { ...run.env, ...overrides } });
  let subscribedAt = 0;
  let cpuAtSubscribe = process.cpuUsage();
  let registry = new Registry();
  let service: StreamComputeService;
  // The shared SQLite catalog fails requests now and then under other clients' load; a failed start leaves nothing running.
  for (let attempt = 1; ; attempt++) {
    registry = new Registry();
    service = new StreamComputeService({
      config,
      logger: createLogger({ service: 'stream-compute', instanceId: config.writer.id, level: 'warn' }),
      metrics: registry,
      onReady: (what) => {
        if (what !== 'pulsar') return;
        subscribedAt = performance.now();
        cpuAtSubscribe = process.cpuUsage();
        onPhase?.(label, 'subscribed');
      },
    });
    try {
      await service.start();
      break;
    } catch (error) {
      if (attempt >= SERVICE_START_ATTEMPTS) throw error;
      console.log(`  ${label}: the service did not start (${String(error).slice(0, 160)}); retrying`);
      await sleep(REFERENCE_RETRY_DELAY_MS);
    }
  }
  const deadline = subscribedAt + timeoutMs;
  const cycles = async () => (await registry.getSingleMetric('stream_compute_commit_duration_seconds')?.get())?.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))?.value ?? 0;
  try {
    let processed = 0;
    while ((processed = await counterValue(registry, 'stream_compute_events_in_total')) < events && performance.now() < deadline) await sleep(POLL_MS);
    const processSeconds = (performance.now() - subscribedAt) / 1000;
    let committedSeconds: number | undefined;
    if (processed >= events && overrides.CHECKPOINT_MAX_MESSAGES === undefined) {
      while (performance.now() < deadline) {
        if ((await backlog(admin, run.topic, subscription)) === 0) {
          committedSeconds = (performance.now() - subscribedAt) / 1000;
          break;
        }
        await sleep(BACKLOG_POLL_MS);
      }
    }
    const cpu = process.cpuUsage(cpuAtSubscribe);
    onPhase?.(label, 'ended');
    return {
      label,
      events: processed,
      processSeconds,
      committedSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cycles: await cycles(),
      commitRetries: await counterValue(registry, 'stream_compute_commit_retries_total'),
      deadLetters: await counterValue(registry, 'stream_compute_dead_letters_total'),
      timedOut: processed < events || (overrides.CHECKPOINT_MAX_MESSAGES === undefined && committedSeconds === undefined),
    };
  } finally {
    // Process-only phase: this stop commits the one deferred cycle; its duration is printed apart.
    const stopping = performance.now();
    await service.stop();
    if (overrides.CHECKPOINT_MAX_MESSAGES !== undefined) console.log(`  (${label}: the deferred cycle of all events committed on stop in ${((performance.now() - stopping) / 1000).toFixed(1)} s)`);
  }
}

/** Drops the phases' tables and the run's Pulsar namespace (best effort). */
async function cleanup(runs: TestRun[], namespace: string): Promise<void> {
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  for (const run of runs) {
    for (const ns of ['gold', 'silver', 'ops', 'reference']) {
      const namespaceId = [`${run.prefix}${ns}`];
      for (const t of await catalog.listTables(namespaceId).catch(() => [])) await catalog.dropTable(t, { purge: true }).catch(() => undefined);
      await catalog.dropNamespace(namespaceId).catch(() => undefined);
    }
  }
  // The broker refuses forced namespace deletion: topics first (force closes their subscriptions), then the empty namespace.
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  await admin.deletePartitionedTopic(`persistent://${namespace}/detections`).catch(() => undefined);
  for (const run of runs) await admin.deleteTopic(run.alertsTopic).catch(() => undefined);
  await admin.deleteNamespace(namespace, false).catch((error: unknown) => console.log(`  could not delete ${namespace}: ${String(error).slice(0, 160)}`));
}

/** The service's decode step alone over the same payloads, so its share of the CPU can be told apart. */
function decodeRate(messages: readonly { key: string; data: Uint8Array }[]): number {
  const decodeAll = () => {
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      decodeDetection({ topic: 'bench', messageId: i, key: message.key, data: message.data }, 0);
    }
  };
  decodeAll(); // warm-up: JIT
  const started = process.cpuUsage();
  decodeAll();
  const cpu = process.cpuUsage(started);
  return messages.length / ((cpu.user + cpu.system) / 1e6);
}

export async function measureThroughPulsar(options: ThroughPulsarOptions): Promise<ThroughPulsarResult> {
  serialiseCatalogCommits();
  const scene = sceneOf(options.events);
  const messages = scene.detections.map((event) => ({ key: event.camera_id, data: codec.encode(event) }));
  const decodePerCpuSecond = decodeRate(messages);
  const namespace = `public/bench-compute-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const topic = `persistent://${namespace}/detections`;
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  await admin.createNamespace(namespace);
  // Queue alerts rely on broker de-duplication, as in retail/compute.
  await admin.setDeduplication(namespace, true);
  await admin.createPartitionedTopic(topic, options.partitions);
  const created: TestRun[] = [];
  try {
    const committedRun = await preparedRun(topic, namespace, 'committed', created);
    const processRun = await preparedRun(topic, namespace, 'process', created);
    // Both subscriptions exist before publishing, so the topic keeps every message for both phases.
    const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
    for (const run of [committedRun, processRun]) {
      const consumer = await client.subscribe({ topic, subscription: run.env.STREAM_COMPUTE_SUBSCRIPTION!, subscriptionType: 'KeyShared', subscriptionInitialPosition: 'earliest' });
      await consumer.close();
    }
    await client.close();
    console.log(`through Pulsar: publishing ${messages.length.toLocaleString('en-US')} detections (${scene.cameras.length} cameras) to ${topic} (${options.partitions} partitions, key-based batches)`);
    const publishedPerSecond = await publishAll(topic, messages);
    const committed = await runPhase(committedRun, 'service as configured (default checkpoints, Iceberg commits)', messages.length, {}, options.phaseTimeoutMs, options.onPhase);
    const processOnly = await runPhase(
      processRun,
      'consume + decode + validate + operators (commits deferred)',
      Math.min(messages.length, PROCESS_ONLY_MAX_EVENTS),
      { CHECKPOINT_MAX_MESSAGES: String(messages.length + 1), CHECKPOINT_INTERVAL_MS: String(DEFERRED_INTERVAL_MS) },
      options.phaseTimeoutMs,
      options.onPhase,
    );
    return { publishedPerSecond, decodePerCpuSecond, committed, processOnly };
  } finally {
    await cleanup(created, namespace);
  }
}
