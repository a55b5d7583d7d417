// Iceberg writer benchmark, in one run against the local stack's REST catalog and MinIO:
//  1. append throughput and per-append latency: @retail/iceberg's TableWriter vs PyIceberg's
//     `Table.append`, same Arrow batches of DetectionEvents, one append (one snapshot, one file per
//     partition) per batch on both sides, both warmed up, in alternating rounds into fresh tables.
//     Our writer pipelines: later batches encode (on a worker thread) and upload while a commit
//     is in flight (at most 8 appends in flight); snapshots land in order, those staged when the
//     catalog answers go out together in the next request (counts printed);
//  2. publish → visible-in-Trino latency through the iceberg-writer service at a steady rate.
//
// Run: npm run bench -- iceberg [--batches 20] [--rows 5000] [--rounds 3] [--rate 200] [--seconds 20] [--warmup 3] [--interval 1000]
//      [--only append|e2e] [--verbose]
// Ends with one JSON line {"suite":"iceberg","unit":"rows/s","ours":N,"peer":N,"ratio":R,"e2e_p99_ms":N}.

// The service's pipeline and config are not exported by any library: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import {
  FileIOResolver,
  loadOrCreateTableWithIds,
  RestCatalog,
  TableWriter,
  workerParquetEncoder,
  type NestedField,
  type PartitionField,
  type TableIdentifier,
} from '@retail/iceberg';
import { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { createLogger, loadConfig, Registry } from '@retail/runtime';
import { arrowRecordBatchOf, avroCodecOf, DetectionEvent, icebergPartitionSpecOf, icebergSchemaOf } from '@retail/schema';
import { stackConnectionEnv, stackEndpoints, trinoQuery } from '@retail/stack';
import * as arrow from 'apache-arrow';
import { detections } from './detections';
import { icebergWriterConfigSchema } from '../../apps/iceberg-writer/src/config';
import { IcebergWriterPipeline } from '../../apps/iceberg-writer/src/pipeline';

const PYICEBERG_VERSION = '0.12.0';
const endpoints = stackEndpoints();

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1]}`);
  return value;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A venv with PyIceberg under ~/.cache/retail-lakehouse/venvs (made once, like libs/iceberg's interop
 * test, whose venv lacks pyiceberg-core: PyIceberg needs it to write day-partitioned tables).
 */
function pyIcebergPython(): string {
  const cache = process.env.STACK_CACHE_DIR ?? path.join(homedir(), '.cache', 'retail-lakehouse');
  const venv = path.join(cache, 'venvs', `pyiceberg-${PYICEBERG_VERSION}`);
  const python = path.join(venv, 'bin', 'python');
  const ready = () => {
    try {
      execFileSync(python, ['-c', 'import pyiceberg, pyarrow, pyiceberg_core'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(python) && ready()) return python;
  console.log(`creating ${venv} (pip install pyiceberg[pyarrow,pyiceberg-core]==${PYICEBERG_VERSION}); partitioned appends need pyiceberg-core`);
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `pyiceberg[pyarrow,pyiceberg-core]==${PYICEBERG_VERSION}`], { stdio: 'inherit', timeout: 300_000 });
  return python;
}

async function freshTable(catalog: RestCatalog, namespace: string[], name: string): Promise<TableIdentifier> {
  const identifier = { namespace, name };
  await loadOrCreateTableWithIds(catalog, identifier, {
    fields: icebergSchemaOf(DetectionEvent).fields as NestedField[],
    partitionFields: icebergPartitionSpecOf(DetectionEvent).fields as PartitionField[],
  });
  return identifier;
}

interface AppendFigures {
  rows: number;
  seconds: number;
  /** Per append: from the call until its snapshot is committed. */
  commitMs: number[];
  /** Commit requests sent to the catalog (PyIceberg: one per append). */
  catalogRequests?: number;
}

/**
 * Appends the benchmark lets be in flight at once: one at the catalog while the next ones encode
 * and upload; those already staged when the catalog answers go out in the next request together
 * (each still its own snapshot).
 */
const PIPELINE_DEPTH = 8;
/** Untimed appends before the figures, on both sides: V8 optimises our hot paths over the first ones. */
const WARMUP_APPENDS = 30;

async function benchOurs(catalog: RestCatalog, io: FileIOResolver, identifier: TableIdentifier, batches: arrow.RecordBatch[]): Promise<AppendFigures> {
  let catalogRequests = 0;
  const counting = {
    loadTable: (id: TableIdentifier) => catalog.loadTable(id),
    commitTable: (...args: Parameters<RestCatalog['commitTable']>) => (catalogRequests++, catalog.commitTable(...args)),
  };
  // Parquet encodes on a worker thread (an option of the library; its default is inline).
  const writer = new TableWriter({ catalog: counting, io, table: await catalog.loadTable(identifier), encoder: workerParquetEncoder() });
  const commitMs: number[] = [];
  const pending: Promise<unknown>[] = [];
  let rows = 0;
  const started = performance.now();
  for (const batch of batches) {
    // Still one append per batch; the next batch encodes and uploads while the previous commit is in flight.
    if (pending.length >= PIPELINE_DEPTH) await pending.shift();
    const t0 = performance.now();
    await writer.write(batch);
    pending.push(writer.commit().then(() => commitMs.push(performance.now() - t0)));
    rows += batch.numRows;
  }
  await Promise.all(pending);
  return { rows, seconds: (performance.now() - started) / 1000, commitMs, catalogRequests };
}

function benchPyIceberg(identifier: TableIdentifier, warmup: TableIdentifier, batches: arrow.RecordBatch[], workDir: string): AppendFigures {
  const python = pyIcebergPython();
  const ipcPath = path.join(workDir, 'batches.arrows');
  writeFileSync(ipcPath, arrow.tableToIPC(new arrow.Table(batches), 'stream'));
  const config = {
    catalog: {
      type: 'rest',
      uri: endpoints.catalogUrl,
      's3.endpoint': endpoints.s3Endpoint,
      's3.access-key-id': endpoints.s3AccessKeyId,
      's3.secret-access-key': endpoints.s3SecretAccessKey,
      's3.region': endpoints.s3Region,
    },
    table: `${identifier.namespace.join('.')}.${identifier.name}`,
    warmup_table: `${warmup.namespace.join('.')}.${warmup.name}`,
    warmup_appends: WARMUP_APPENDS,
    ipc: ipcPath,
  };
  const output = execFileSync(python, [path.join(__dirname, 'pyiceberg_append.py'), JSON.stringify(config)], { encoding: 'utf8', timeout: 600_000 });
  const result = JSON.parse(output.trim().split('\n').pop()!) as { rows: number; seconds: number; commit_ms: number[] };
  return { rows: result.rows, seconds: result.seconds, commitMs: result.commit_ms };
}

/** Publishes at `rate`/s through the service and measures when each row first shows up in Trino. */
interface EndToEndFigures {
  /** Latencies of the measured rows (after the warm-up). */
  latencies: number[];
  /** Worst latency among the warm-up rows: the service's first cycles, cold (JIT, WASM, connections). */
  coldMaxMs: number;
}

/**
 * A freshly started Trino spends seconds planning and compiling its first queries; a dashboard
 * polling a running Trino does not pay that. Query the table until three answers in a row come
 * back quickly (or 30 s pass), so a cold engine does not show up as commit latency.
 */
async function warmUpTrino(table: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let quickInARow = 0;
  while (quickInARow < 3 && Date.now() < deadline) {
    const started = Date.now();
    const ok = await trinoQuery(`SELECT frame_seq FROM ${table} WHERE frame_seq >= 0`).then(
      () => true,
      () => false,
    );
    quickInARow = ok && Date.now() - started < 500 ? quickInARow + 1 : 0;
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Publishes at `rate`/s through the service and measures when each row first shows up in Trino.
 * The first `warmupSeconds` of rows are published the same way but reported apart (`coldMaxMs`):
 * the figures are the steady state of a running service.
 */
async function benchEndToEnd(namespacePrefix: string, rate: number, seconds: number, warmupSeconds: number, intervalMs: number): Promise<EndToEndFigures> {
  const topic = `persistent://public/default/detections-bench-${namespacePrefix.replace(/_/g, '-')}`.replace(/-+$/, '');
  await new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl }).createPartitionedTopic(topic, 2);
  const config = loadConfig({
    service: 'iceberg-writer',
    schema: icebergWriterConfigSchema,
    env: {
      WRITER_TOPICS: topic,
      WRITER_TABLE_NAMESPACE_PREFIX: namespacePrefix,
      ...stackConnectionEnv(endpoints),
      WRITER_ID: 'bench',
      COMMIT_INTERVAL_MS: String(intervalMs),
    },
  }).config;
  const registry = new Registry();
  const pipeline = new IcebergWriterPipeline({ config, logger: createLogger({ service: 'iceberg-writer', instanceId: 'bench', level: 'error' }), metrics: registry });
  await pipeline.start();
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const producer = await client.createProducer({ topic, batchingMaxPublishDelayMs: 1 });
  const table = `iceberg."${namespacePrefix}bronze"."detections"`;
  const warmupRows = rate * warmupSeconds;
  const total = rate * (warmupSeconds + seconds);
  const sentAt = new Array<number>(total);
  const seenAt = new Array<number | undefined>(total);
  let publishing = true;

  await warmUpTrino(table);

  // Two staggered pollers: a row counts as visible at the start of the first query that returned
  // it, so the resolution is about half a Trino query's duration.
  let lowest = 0;
  const queryMs: number[] = [];
  const poller = async (delayMs: number) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const deadline = Date.now() + (seconds + 60) * 1000;
    while ((publishing || lowest < total) && Date.now() < deadline) {
      const started = Date.now();
      const rows = (await trinoQuery(`SELECT frame_seq FROM ${table} WHERE frame_seq >= ${lowest}`).catch(() => ({ rows: [] }))).rows;
      queryMs.push(Date.now() - started);
      for (const [seq] of rows) {
        const i = Number(seq);
        if (seenAt[i] === undefined || seenAt[i]! > started) seenAt[i] = started;
      }
      while (lowest < total && seenAt[lowest] !== undefined) lowest++;
    }
  };
  const poll = Promise.all([poller(0), poller(150)]);

  const codec = avroCodecOf(DetectionEvent);
  const started = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const event = { ...detections(1, i)[0]!, frame_seq: i };
    sentAt[i] = Date.now();
    sends.push(producer.send({ data: codec.encode(event), key: event.camera_id }));
  }
  await Promise.all(sends);
  publishing = false;
  await Promise.race([poll, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  await producer.close();
  await client.close();
  await pipeline.stop();
  if (process.argv.includes('--verbose')) {
    for (let second = 0; second < warmupSeconds + seconds; second++) {
      const window = seenAt.slice(second * rate, (second + 1) * rate).map((seen, k) => (seen === undefined ? NaN : seen - sentAt[second * rate + k]!));
      console.log(`  second ${String(second).padStart(2)}${second < warmupSeconds ? ' (warm-up)' : ''}: max ${Math.max(...window)} ms, min ${Math.min(...window)} ms`);
    }
    console.log(`  trino query ms: p50 ${Math.round(percentile(queryMs, 50))}, max ${Math.round(Math.max(...queryMs))}`);
    const commits = ((await registry.getSingleMetric('iceberg_writer_commit_duration_seconds')?.get())?.values ?? []) as {
      metricName?: string;
      value: number;
      labels: Record<string, unknown>;
    }[];
    const sum = commits.find((v) => v.metricName?.endsWith('_sum'))?.value ?? NaN;
    const count = commits.find((v) => v.metricName?.endsWith('_count'))?.value ?? NaN;
    const buckets = commits.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => `≤${v.labels.le}s:${v.value}`);
    console.log(`  service commits (write + commit per table): ${count}, mean ${Math.round((sum / count) * 1000)} ms, cumulative ${buckets.join(' ')}`);
  }
  const latencies: number[] = [];
  for (let i = warmupRows; i < total; i++) if (seenAt[i] !== undefined) latencies.push(seenAt[i]! - sentAt[i]!);
  const unseen = seenAt.slice(0, total).filter((seen) => seen === undefined).length + (total - seenAt.length);
  if (unseen > 0) console.log(`warning: ${unseen} of ${total} rows not seen in Trino`);
  let coldMaxMs = 0;
  for (let i = 0; i < warmupRows; i++) coldMaxMs = Math.max(coldMaxMs, (seenAt[i] ?? Number.POSITIVE_INFINITY) - sentAt[i]!);
  return { latencies, coldMaxMs };
}

function sumFigures(figures: AppendFigures[]): AppendFigures {
  return {
    rows: figures.reduce((sum, f) => sum + f.rows, 0),
    seconds: figures.reduce((sum, f) => sum + f.seconds, 0),
    commitMs: figures.flatMap((f) => f.commitMs),
    catalogRequests: figures.reduce((sum, f) => sum + (f.catalogRequests ?? f.commitMs.length), 0),
  };
}

/**
 * Both sides append the same batches in `rounds` alternating rounds (ours first, then PyIceberg
 * first, ...), each round into fresh tables, so a change in the machine's load during the run
 * hits both alike; rates are total rows over total timed seconds.
 */
async function benchAppends(
  catalog: RestCatalog,
  io: FileIOResolver,
  namespace: string[],
  batchCount: number,
  rowsPerBatch: number,
  rounds: number,
  workDir: string,
): Promise<{ ours: AppendFigures; peer: AppendFigures }> {
  const batches = Array.from({ length: batchCount }, (_, b) => arrowRecordBatchOf(DetectionEvent, detections(rowsPerBatch, b * rowsPerBatch)));
  console.log(`append: ${rounds} rounds of ${batchCount} appends of ${rowsPerBatch} DetectionEvents (struct bbox, day partitions), fresh tables each round`);

  // Warm-up appends on both sides, so neither pays first-use costs (JIT, WASM init, imports) in the figures.
  const warmupBatches = Array.from({ length: WARMUP_APPENDS }, (_, i) => batches[i % batches.length]!);
  await benchOurs(catalog, io, await freshTable(catalog, namespace, 'warmup_ours'), warmupBatches);
  const pyWarmup = await freshTable(catalog, namespace, 'warmup_pyiceberg');
  const ours: AppendFigures[] = [];
  const peer: AppendFigures[] = [];
  for (let round = 0; round < rounds; round++) {
    const runOurs = async () => ours.push(await benchOurs(catalog, io, await freshTable(catalog, namespace, `ours_${round}`), batches));
    const runPeer = async () => peer.push(benchPyIceberg(await freshTable(catalog, namespace, `pyiceberg_${round}`), pyWarmup, batches, workDir));
    if (round % 2 === 0) {
      await runOurs();
      await runPeer();
    } else {
      await runPeer();
      await runOurs();
    }
    const rate = (f: AppendFigures) => Math.round(f.rows / f.seconds);
    console.log(`  round ${round + 1}: @retail/iceberg ${rate(ours.at(-1)!)} rows/s, PyIceberg ${rate(peer.at(-1)!)} rows/s`);
  }
  const total = { ours: sumFigures(ours), peer: sumFigures(peer) };
  const fmt = (name: string, f: AppendFigures) =>
    `${name.padEnd(22)} ${Math.round(f.rows / f.seconds).toString().padStart(8)} rows/s   append p50 ${round(percentile(f.commitMs, 50))} ms   p99 ${round(percentile(f.commitMs, 99))} ms   ${f.commitMs.length} snapshots in ${f.catalogRequests} catalog commits`;
  console.log(fmt('@retail/iceberg', total.ours));
  console.log(fmt(`PyIceberg ${PYICEBERG_VERSION}`, total.peer));
  return total;
}

async function main(): Promise<void> {
  const batchCount = argument('batches', 20);
  const rowsPerBatch = argument('rows', 5000);
  const rounds = argument('rounds', 3);
  const rate = argument('rate', 200);
  const seconds = argument('seconds', 20);
  const warmupSeconds = argument('warmup', 3);
  const intervalMs = argument('interval', 1000);
  const namespace = [`bench_iceberg_${Date.now().toString(36)}`];
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  const io = new FileIOResolver({
    s3: { endpoint: endpoints.s3Endpoint, region: endpoints.s3Region, accessKeyId: endpoints.s3AccessKeyId, secretAccessKey: endpoints.s3SecretAccessKey, forcePathStyle: true },
  });
  const workDir = mkdtempSync(path.join(tmpdir(), 'bench-iceberg-'));
  const prefix = `${namespace[0]}_`;
  try {
    await catalog.ensureNamespace(namespace);
    const onlyIndex = process.argv.indexOf('--only');
    const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
    if (only !== undefined && only !== 'append' && only !== 'e2e') throw new Error(`--only must be append or e2e, got ${only}`);
    let ours: AppendFigures = { rows: NaN, seconds: NaN, commitMs: [] };
    let peer: AppendFigures = { rows: NaN, seconds: NaN, commitMs: [] };
    if (only !== 'e2e') ({ ours, peer } = await benchAppends(catalog, io, namespace, batchCount, rowsPerBatch, rounds, workDir));
    const oursRate = ours.rows / ours.seconds;
    const peerRate = peer.rows / peer.seconds;

    console.log(
      `end to end: ${rate} msg/s for ${warmupSeconds} s (warm-up) + ${seconds} s (measured) through iceberg-writer (COMMIT_INTERVAL_MS=${intervalMs}), visibility polled in Trino`,
    );
    const { latencies: e2e, coldMaxMs } = only === 'append' ? { latencies: [], coldMaxMs: NaN } : await benchEndToEnd(prefix, rate, seconds, warmupSeconds, intervalMs);
    const e2eP50 = percentile(e2e, 50);
    const e2eP99 = percentile(e2e, 99);
    console.log(
      `publish → visible in Trino: p50 ${Math.round(e2eP50)} ms   p99 ${Math.round(e2eP99)} ms   (${e2e.length} rows; warm-up rows at most ${Math.round(coldMaxMs)} ms)`,
    );

    console.log(
      JSON.stringify({
        suite: 'iceberg',
        unit: 'rows/s',
        ours: Math.round(oursRate),
        peer: Math.round(peerRate),
        ratio: round(oursRate / peerRate, 2),
        ours_commit_p50_ms: round(percentile(ours.commitMs, 50)),
        ours_commit_p99_ms: round(percentile(ours.commitMs, 99)),
        peer_commit_p50_ms: round(percentile(peer.commitMs, 50)),
        peer_commit_p99_ms: round(percentile(peer.commitMs, 99)),
        e2e_p50_ms: Math.round(e2eP50),
        e2e_p99_ms: Math.round(e2eP99),
        e2e_cold_max_ms: Math.round(coldMaxMs),
        commit_interval_ms: intervalMs,
      }),
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    for (const ns of [namespace, [`${prefix}bronze`], [`${prefix}ops`]]) {
      for (const table of await catalog.listTables(ns).catch(() => [])) await catalog.dropTable(table, { purge: true }).catch(() => undefined);
      await catalog.dropNamespace(ns).catch(() => undefined);
    }
    io.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
