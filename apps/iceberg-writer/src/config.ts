import { DeadLetter, DetectionEvent, TrackEvent } from '@retail/schema';
import {
  catalogConnectionSettings,
  configTypes,
  defineServiceConfig,
  pulsarConnectionSettings,
  s3Settings,
  setting,
  snapshotExpirySettings,
} from '@retail/runtime';
import { DEFAULT_SERVICE_SNAPSHOT_MAX_AGE_MS, DEFAULT_SERVICE_SNAPSHOT_RETAIN_LAST } from '@retail/iceberg';
import { z } from 'zod';

/** Metrics and health port (Prometheus scrapes iceberg-writer here; see tools/stack). */
export const ICEBERG_WRITER_HTTP_PORT = 9466;
/** Event topics landed in the lakehouse; each topic's record type names its table. */
export const DEFAULT_TOPICS = [DetectionEvent.topic, TrackEvent.topic];
export const DEFAULT_SUBSCRIPTION = 'iceberg-writer';
/**
 * Identifies this writer in the commit markers it leaves in snapshot summaries. It must stay the
 * same across restarts (recovery finds its last commit by it) and differ between writers that
 * commit to the same table concurrently.
 */
export const DEFAULT_WRITER_ID = 'iceberg-writer-0';
/** Commit at least this often, so rows are queryable within seconds. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;
/** Commit early once this many rows are buffered, bounding memory and file sizes. */
export const DEFAULT_MAX_ROWS_PER_COMMIT = 100_000;
/** Catalog requests slower than this count as failed (commits then check whether they landed). */
export const DEFAULT_CATALOG_REQUEST_TIMEOUT_MS = 30_000;
/** How often old snapshots of the written tables are expired (one snapshot per table per cycle otherwise piles up). */
export const DEFAULT_SNAPSHOT_EXPIRY_INTERVAL_MS = 5 * 60_000;
/** `namespace.table` of the dead-letter table. */
export const DEFAULT_DEAD_LETTER_TABLE = `${DeadLetter.table.namespace}.${DeadLetter.table.name}`;

export const icebergWriterConfigSchema = defineServiceConfig(
  { httpPort: ICEBERG_WRITER_HTTP_PORT },
  {
    pulsar: pulsarConnectionSettings(),
    input: z.object({
      /** A JSON list or a comma-separated list in WRITER_TOPICS. */
      topics: setting(z.array(configTypes.pulsarTopic()).min(1).default(DEFAULT_TOPICS), { env: 'WRITER_TOPICS' }),
      subscription: setting(z.string().min(1).default(DEFAULT_SUBSCRIPTION), { env: 'ICEBERG_WRITER_SUBSCRIPTION' }),
    }),
    writer: z.object({
      id: setting(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-"').default(DEFAULT_WRITER_ID), { env: 'WRITER_ID' }),
    }),
    commit: z.object({
      intervalMs: setting(configTypes.durationMs().default(DEFAULT_COMMIT_INTERVAL_MS), { env: 'COMMIT_INTERVAL_MS' }),
      maxRowsPerCommit: setting(z.int().positive().default(DEFAULT_MAX_ROWS_PER_COMMIT), { env: 'COMMIT_MAX_ROWS' }),
    }),
    catalog: catalogConnectionSettings().extend({
      requestTimeoutMs: setting(configTypes.durationMs().default(DEFAULT_CATALOG_REQUEST_TIMEOUT_MS), { env: 'CATALOG_REQUEST_TIMEOUT_MS' }),
    }),
    tables: z.object({
      /**
       * Each record type names its own table (bronze.detections, ...). A prefix puts all of them in
       * other namespaces (`it_x_bronze.detections`), for tests and staging; empty in production.
       */
      namespacePrefix: setting(z.string().regex(/^([a-z][a-z0-9_]*)?$/, 'expected lower_snake_case or empty').default(''), {
        env: 'WRITER_TABLE_NAMESPACE_PREFIX',
      }),
    }),
    s3: s3Settings(),
    snapshotExpiry: snapshotExpirySettings({
      intervalMs: DEFAULT_SNAPSHOT_EXPIRY_INTERVAL_MS,
      maxAgeMs: DEFAULT_SERVICE_SNAPSHOT_MAX_AGE_MS,
      retainLast: DEFAULT_SERVICE_SNAPSHOT_RETAIN_LAST,
    }),
    deadLetter: z.object({
      /** Records that fail validation or conversion land here instead of blocking the topic. */
      table: setting(z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'expected namespace.table in lower_snake_case').default(DEFAULT_DEAD_LETTER_TABLE), {
        env: 'DEAD_LETTER_TABLE',
      }),
    }),
  },
);

export type IcebergWriterConfig = z.output<typeof icebergWriterConfigSchema>;
