import { randomBytes } from 'node:crypto';
import { RestCatalog } from '@retail/iceberg';
import { PulsarAdmin, PulsarClient, type Producer } from '@retail/pulsar';
import { createLogger, loadConfig, Registry } from '@retail/runtime';
// Tests only: the stack's address book and Trino helper.
import { stackConnectionEnv, stackEndpoints } from '@retail/stack';

export { trinoCount, trinoRows, waitFor } from '@retail/stack';
import { icebergWriterConfigSchema, type IcebergWriterConfig } from '../../src/config';
import { IcebergWriterPipeline } from '../../src/pipeline';

export const endpoints = stackEndpoints();

export function uniqueId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** Topics, tables and subscription of one test run, isolated from every other run. */
export interface TestRun {
  id: string;
  detectionsTopic: string;
  trackEventsTopic: string;
  namespacePrefix: string;
  env: Record<string, string>;
}

/** `partitions` 0 makes non-partitioned topics. */
export async function createTestRun(prefix: string, partitions = 2): Promise<TestRun> {
  const id = uniqueId(prefix);
  const suffix = id.replace(/_/g, '-');
  const detectionsTopic = `persistent://public/default/detections-${suffix}`;
  const trackEventsTopic = `persistent://public/default/track-events-${suffix}`;
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  for (const topic of [detectionsTopic, trackEventsTopic]) {
    if (partitions > 0) await admin.createPartitionedTopic(topic, partitions);
    else await admin.createTopic(topic);
  }
  const namespacePrefix = `${id}_`;
  return {
    id,
    detectionsTopic,
    trackEventsTopic,
    namespacePrefix,
    env: {
      ...stackConnectionEnv(endpoints),
      WRITER_TOPICS: `${detectionsTopic},${trackEventsTopic}`,
      WRITER_TABLE_NAMESPACE_PREFIX: namespacePrefix,
      ICEBERG_WRITER_SUBSCRIPTION: 'iceberg-writer',
      WRITER_ID: 'writer-a',
      COMMIT_INTERVAL_MS: '300',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    },
  };
}

export function writerConfig(run: TestRun, overrides: Record<string, string> = {}): IcebergWriterConfig {
  return loadConfig({ service: 'iceberg-writer', schema: icebergWriterConfigSchema, env: { ...run.env, ...overrides } }).config;
}

/** The service's pipeline in this process (what main.ts runs, minus the HTTP server and signals). */
export async function startPipeline(run: TestRun, overrides: Record<string, string> = {}): Promise<IcebergWriterPipeline> {
  const config = writerConfig(run, overrides);
  const pipeline = new IcebergWriterPipeline({
    config,
    logger: createLogger({ service: 'iceberg-writer', instanceId: config.writer.id, level: (process.env.WRITER_TEST_LOG_LEVEL as 'warn' | undefined) ?? 'error' }),
    metrics: new Registry(),
  });
  await pipeline.start();
  return pipeline;
}

export const tableName = (run: TestRun, qualified: string): string => {
  const [namespace, name] = qualified.split('.');
  return `iceberg."${run.namespacePrefix}${namespace}"."${name}"`;
};

export async function openProducer(topic: string): Promise<{ client: PulsarClient; producer: Producer }> {
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const producer = await client.createProducer({ topic, batchingMaxPublishDelayMs: 5 });
  return { client, producer };
}

/** Publishes payloads keyed by index (spread over partitions) and waits for every broker ack. */
export async function publish(topic: string, payloads: Uint8Array[], keyOf: (i: number) => string = (i) => `k${i % 8}`): Promise<void> {
  const { client, producer } = await openProducer(topic);
  try {
    await Promise.all(payloads.map((data, i) => producer.send({ data, key: keyOf(i) })));
  } finally {
    await producer.close();
    await client.close();
  }
}

/** Best-effort cleanup of a run's tables and namespaces. */
export async function dropRunTables(run: TestRun): Promise<void> {
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  for (const ns of ['bronze', 'ops']) {
    const namespace = [`${run.namespacePrefix}${ns}`];
    for (const table of await catalog.listTables(namespace).catch(() => [])) await catalog.dropTable(table, { purge: true }).catch(() => undefined);
    await catalog.dropNamespace(namespace).catch(() => undefined);
  }
}
