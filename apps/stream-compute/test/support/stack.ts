import { randomBytes } from 'node:crypto';
import { RestCatalog } from '@retail/iceberg';
import { MessageId, PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { avroCodecOf, QueueAlert } from '@retail/schema';
import { createLogger, loadConfig, Registry } from '@retail/runtime';
// Tests only: the stack's address book and Trino helper.
import { stackConnectionEnv, stackEndpoints, trinoQuery, trinoRows } from '@retail/stack';

export { stackConnectionEnv, trinoCount, trinoRows, waitFor } from '@retail/stack';
import { streamComputeConfigSchema } from '../../src/config';
import { StreamComputeService } from '../../src/service/service';
import { CAMERAS, STORES } from './scenario';

export const endpoints = stackEndpoints();


export interface TestRun {
  id: string;
  namespace: string;
  topic: string;
  alertsTopic: string;
  prefix: string;
  env: Record<string, string>;
}

export async function createTestRun(label: string, partitions = 2): Promise<TestRun> {
  const id = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const suffix = id.replace(/_/g, '-');
  // A namespace of its own with deduplication on (the alerts topic relies on it, like retail/compute).
  const namespace = `public/${suffix}`;
  const topic = `persistent://${namespace}/detections`;
  const alertsTopic = `persistent://${namespace}/alerts`;
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  await admin.createNamespace(namespace);
  await admin.setDeduplication(namespace, true);
  await admin.createPartitionedTopic(topic, partitions);
  const prefix = `${id}_`;
  return {
    id,
    namespace,
    topic,
    alertsTopic,
    prefix,
    env: {
      ...stackConnectionEnv(),
      INPUT_TOPIC: topic,
      ALERTS_TOPIC: alertsTopic,
      STREAM_COMPUTE_SUBSCRIPTION: 'stream-compute',
      TABLE_NAMESPACE_PREFIX: prefix,
      STREAM_COMPUTE_WRITER_ID: 'sc-0',
      CHECKPOINT_INTERVAL_MS: '300',
      WINDOW_SIZE_MS: '10000',
      WINDOW_SLIDE_MS: '10000',
      ALLOWED_LATENESS_MS: '1000',
      WATERMARK_OUT_OF_ORDERNESS_MS: '500',
      // Idle cameras advance event time with processing time; comparisons with an independent
      // computation must not depend on how long a test waits, so only idle-camera tests shorten this.
      WATERMARK_IDLE_TIMEOUT_MS: '600000',
      REFERENCE_REFRESH_INTERVAL_MS: '1000',
      // One tracked person at a time walks into each camera's queue zone: an alert per visit.
      QUEUE_MIN_TRACKS: '1',
      QUEUE_MIN_DURATION_MS: '2000',
      QUEUE_COOLDOWN_MS: '0',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    },
  };
}

export function serviceConfig(run: TestRun, overrides: Record<string, string> = {}) {
  return loadConfig({ service: 'stream-compute', schema: streamComputeConfigSchema, env: { ...run.env, ...overrides } }).config;
}

/** The service in this process (what main.ts runs, minus the HTTP server and signals). */
export async function startService(
  run: TestRun,
  overrides: Record<string, string> = {},
  onReady?: ConstructorParameters<typeof StreamComputeService>[0]['onReady'],
  hooks: Pick<ConstructorParameters<typeof StreamComputeService>[0], 'beforeOutputTables'> = {},
): Promise<StreamComputeService> {
  const config = serviceConfig(run, overrides);
  const service = new StreamComputeService({
    config,
    logger: createLogger({ service: 'stream-compute', instanceId: config.writer.id, level: 'warn' }),
    metrics: new Registry(),
    ...(onReady ? { onReady } : {}),
    ...hooks,
  });
  await service.start();
  return service;
}

export const table = (run: TestRun, qualified: string): string => {
  const [namespace, name] = qualified.split('.');
  return `iceberg."${run.prefix}${namespace}"."${name}"`;
};

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const point = (x: number, y: number) => `ROW(${x.toFixed(3)}, ${y.toFixed(3)})`;

/**
 * reference.stores and reference.cameras written through Trino (nested zones and lines), so the
 * service reads tables another engine wrote. Each camera has a checkout-queue zone over the right
 * half of the view and a vertical counting line in the middle.
 */
export async function writeReferenceTables(run: TestRun, stores = STORES, cameras = CAMERAS): Promise<void> {
  const schema = `iceberg."${run.prefix}reference"`;
  await trinoQuery(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await trinoQuery(`CREATE TABLE IF NOT EXISTS ${schema}.stores (store_id varchar, name varchar, city varchar, region varchar, lat double, lon double, timezone varchar)`);
  await trinoQuery(
    `CREATE TABLE IF NOT EXISTS ${schema}.cameras (camera_id varchar, store_id varchar, name varchar, ` +
      'zones array(row(zone_id varchar, name varchar, kind varchar, polygon array(row(x double, y double)))), ' +
      'lines array(row(line_id varchar, name varchar, a row(x double, y double), b row(x double, y double))))',
  );
  if (stores.length > 0) await trinoQuery(
    `INSERT INTO ${schema}.stores VALUES ${stores.map((s) => `(${[s.store_id, s.name, s.city, s.region].map(sqlText).join(', ')}, ${s.lat}, ${s.lon}, ${sqlText(s.timezone)})`).join(', ')}`,
  );
  if (cameras.length > 0) await trinoQuery(
    `INSERT INTO ${schema}.cameras VALUES ${cameras
      .map(
        (c) =>
          `(${sqlText(c.camera_id)}, ${sqlText(c.store_id)}, ${sqlText(c.name)}, ` +
          `ARRAY[ROW('queue', 'Checkout queue', 'checkout_queue', ARRAY[${point(0.5, 0)}, ${point(1, 0)}, ${point(1, 1)}, ${point(0.5, 1)}])], ` +
          `ARRAY[ROW('middle', 'Middle', ${point(0.4, 0)}, ${point(0.4, 1)})])`,
      )
      .join(', ')}`,
  );
}

/** Publishes keyed by camera (key-based batches keep each camera's order for Key_Shared) and waits for every broker ack. */
export async function publish(topic: string, messages: { key: string; data: Uint8Array }[]): Promise<void> {
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  try {
    const producer = await client.createProducer({ topic, batcher: 'keyBased', batchingMaxPublishDelayMs: 5 });
    await Promise.all(messages.map((m) => producer.send(m)));
    await producer.close();
  } finally {
    await client.close();
  }
}

/** Gold counts as a dashboard reads them: the per-camera partial rows summed per window, store and item. */
export async function goldCounts(run: TestRun): Promise<{ window_start: number; store_id: string; item_name: string; detections: number; distinct_tracks: number }[]> {
  const rows = await trinoRows(
    `SELECT to_unixtime(window_start), store_id, item_name, sum(detections), sum(distinct_tracks) FROM ${table(run, 'gold.item_counts')} ` +
      'GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
  );
  return rows.map((r) => ({
    window_start: Math.round(Number(r[0]) * 1e6),
    store_id: String(r[1]),
    item_name: String(r[2]),
    detections: Number(r[3]),
    distinct_tracks: Number(r[4]),
  }));
}

export async function count(run: TestRun, qualified: string, where = ''): Promise<number> {
  return Number((await trinoRows(`SELECT count(*) FROM ${table(run, qualified)} ${where}`))[0]![0]);
}

/** Every alert id on the alerts topic, in publish order (duplicates included). */
export async function alertIdsOnTopic(run: TestRun): Promise<string[]> {
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  try {
    const reader = await client.createReader({ topic: run.alertsTopic, startMessageId: MessageId.earliest() });
    const ids: string[] = [];
    while (await reader.hasMessageAvailable()) {
      const decoded = avroCodecOf(QueueAlert).decode((await reader.readNext(5_000)).data);
      ids.push(decoded.ok ? decoded.value.alert_id : 'undecodable');
    }
    await reader.close();
    return ids;
  } finally {
    await client.close();
  }
}

/** Best-effort cleanup of a run's tables and namespaces. */
export async function dropRun(run: TestRun): Promise<void> {
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  for (const ns of ['gold', 'silver', 'ops', 'reference']) {
    const namespace = [`${run.prefix}${ns}`];
    for (const t of await catalog.listTables(namespace).catch(() => [])) await catalog.dropTable(t, { purge: true }).catch(() => undefined);
    await catalog.dropNamespace(namespace).catch(() => undefined);
  }
  await new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl }).deleteNamespace(run.namespace).catch(() => undefined);
}
