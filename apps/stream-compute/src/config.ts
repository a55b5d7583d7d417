import { DetectionEvent, QueueAlert } from '@retail/schema';
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

/** Metrics and health port (Prometheus scrapes stream-compute here; see tools/stack). */
export const STREAM_COMPUTE_HTTP_PORT = 9465;
/** Shared by every instance: Pulsar spreads keys (cameras) across them with Key_Shared. */
export const DEFAULT_SUBSCRIPTION = 'stream-compute';
/**
 * Identifies an instance in the commit markers and checkpoints it leaves in snapshot summaries.
 * Stable across restarts of the same instance (it recovers its own last checkpoint by it) and
 * different between instances running at the same time (e.g. the pod ordinal).
 */
export const DEFAULT_WRITER_ID = 'stream-compute-0';
/** How far behind the newest event time the watermark trails, absorbing camera clock skew. */
export const DEFAULT_WATERMARK_OUT_OF_ORDERNESS_MS = 2_000;
/** A key (camera) silent this long stops holding the watermark back. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Events this late after their window closed still update it; later ones go to the dead-letter path. */
export const DEFAULT_ALLOWED_LATENESS_MS = 10_000;
/** One-minute tumbling windows: size equal to slide. */
export const DEFAULT_WINDOW_SIZE_MS = 60_000;
export const DEFAULT_WINDOW_SLIDE_MS = DEFAULT_WINDOW_SIZE_MS;
/** Event ids are remembered this long to drop redelivered duplicates. */
export const DEFAULT_DEDUP_TTL_MS = 10 * 60_000;
/** How often outputs, operator state and per-camera positions are committed (and messages acknowledged). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5_000;
/** Commit early once a cycle holds this many messages (bounds memory and the acknowledgement delay). */
export const DEFAULT_CHECKPOINT_MAX_MESSAGES = 50_000;
/** A camera silent this long has its in-memory state dropped (it stays in the checkpoint and is reloaded on its next message). */
export const DEFAULT_CAMERA_EVICT_AFTER_MS = 10 * 60_000;
/** How often cycle files no checkpoint can refer to any more are looked for and deleted. */
export const DEFAULT_CHECKPOINT_CLEANUP_INTERVAL_MS = 30_000;
/**
 * Another instance's newest cycle is completed by this one only once it is this old: a live
 * instance completes its own cycles within seconds, and a restarted one does so at start. Only an
 * instance that crashed and never came back (e.g. scaled down while it crashed) needs this.
 */
export const DEFAULT_FOREIGN_CYCLE_GRACE_MS = 2 * 60_000;
/** How often other instances' stalled cycles are looked for. */
export const DEFAULT_FOREIGN_CYCLE_SWEEP_MS = 30_000;
/** How often old snapshots of the output tables are expired (each instance; the commits are cheap no-ops when nothing is due). */
export const DEFAULT_SNAPSHOT_EXPIRY_INTERVAL_MS = 10 * 60_000;
/** How often the reference tables' current snapshot ids are polled for changes. */
export const DEFAULT_REFERENCE_REFRESH_MS = 30_000;
/** Catalog requests slower than this count as failed (commits then check whether they landed). */
export const DEFAULT_CATALOG_REQUEST_TIMEOUT_MS = 30_000;

const lowerSnake = /^([a-z][a-z0-9_]*)?$/;

export const streamComputeConfigSchema = defineServiceConfig(
  { httpPort: STREAM_COMPUTE_HTTP_PORT },
  {
    pulsar: pulsarConnectionSettings(),
    input: z.object({
      topic: setting(configTypes.pulsarTopic().default(DetectionEvent.topic), { env: 'INPUT_TOPIC' }),
      /**
       * Consumed with a Key_Shared subscription keyed by camera, so per-camera order holds. The env
       * name carries the service so a shared shell cannot make two services split one subscription.
       */
      subscription: setting(z.string().min(1).default(DEFAULT_SUBSCRIPTION), { env: 'STREAM_COMPUTE_SUBSCRIPTION' }),
    }),
    writer: z.object({
      id: setting(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-"').default(DEFAULT_WRITER_ID), {
        env: 'STREAM_COMPUTE_WRITER_ID',
      }),
    }),
    // Operator options: unset values take the operators' own defaults (normaliseComputeOptions),
    // which also checks the combination (e.g. dedup TTL at least the allowed lateness).
    watermark: z.object({
      outOfOrdernessMs: setting(configTypes.nonNegativeMs().default(DEFAULT_WATERMARK_OUT_OF_ORDERNESS_MS), { env: 'WATERMARK_OUT_OF_ORDERNESS_MS' }),
      idleTimeoutMs: setting(configTypes.durationMs().default(DEFAULT_IDLE_TIMEOUT_MS), { env: 'WATERMARK_IDLE_TIMEOUT_MS' }),
    }),
    window: z
      .object({
        sizeMs: setting(configTypes.durationMs().default(DEFAULT_WINDOW_SIZE_MS), { env: 'WINDOW_SIZE_MS' }),
        slideMs: setting(configTypes.durationMs().default(DEFAULT_WINDOW_SLIDE_MS), { env: 'WINDOW_SLIDE_MS' }),
        allowedLatenessMs: setting(configTypes.nonNegativeMs().default(DEFAULT_ALLOWED_LATENESS_MS), { env: 'ALLOWED_LATENESS_MS' }),
      })
      .refine((window) => window.slideMs <= window.sizeMs && window.sizeMs % window.slideMs === 0, {
        path: ['slideMs'],
        message: 'expected a slide that divides the window size (equal for tumbling windows)',
      }),
    dedup: z.object({
      ttlMs: setting(configTypes.durationMs().default(DEFAULT_DEDUP_TTL_MS), { env: 'DEDUP_TTL_MS' }),
      /** Per camera (each camera has its own operator state). */
      maxEntries: setting(z.int().positive().optional(), { env: 'DEDUP_MAX_ENTRIES' }),
      /** Stored dedup deltas (older cycle files) a camera's state may refer to before it is written whole again; 1: always whole. */
      maxSegments: setting(z.int().positive().optional(), { env: 'DEDUP_MAX_SEGMENTS' }),
    }),
    quality: z.object({
      checks: z.object({
        confidence: setting(z.boolean().optional(), { env: 'QUALITY_CHECK_CONFIDENCE' }),
        bbox: setting(z.boolean().optional(), { env: 'QUALITY_CHECK_BBOX' }),
        requiredFields: setting(z.boolean().optional(), { env: 'QUALITY_CHECK_REQUIRED_FIELDS' }),
        clockSkew: setting(z.boolean().optional(), { env: 'QUALITY_CHECK_CLOCK_SKEW' }),
      }),
      minConfidence: setting(z.number().min(0).max(1).optional(), { env: 'QUALITY_MIN_CONFIDENCE' }),
      maxPublishDelayMs: setting(configTypes.nonNegativeMs().optional(), { env: 'QUALITY_MAX_PUBLISH_DELAY_MS' }),
      maxNegativeSkewMs: setting(configTypes.nonNegativeMs().optional(), { env: 'QUALITY_MAX_NEGATIVE_SKEW_MS' }),
    }),
    patterns: z.object({
      enabled: setting(z.boolean().optional(), { env: 'PATTERNS_ENABLED' }),
      trackLostAfterMs: setting(configTypes.durationMs().optional(), { env: 'PATTERNS_TRACK_LOST_AFTER_MS' }),
      lineHysteresis: setting(z.number().min(0).lt(0.5).optional(), { env: 'PATTERNS_LINE_HYSTERESIS' }),
      queue: z.object({
        minTracks: setting(z.int().positive().optional(), { env: 'QUEUE_MIN_TRACKS' }),
        minDurationMs: setting(configTypes.nonNegativeMs().optional(), { env: 'QUEUE_MIN_DURATION_MS' }),
        cooldownMs: setting(configTypes.nonNegativeMs().optional(), { env: 'QUEUE_COOLDOWN_MS' }),
      }),
    }),
    silver: z.object({
      enabled: setting(z.boolean().optional(), { env: 'SILVER_ENABLED' }),
    }),
    catalog: catalogConnectionSettings().extend({
      requestTimeoutMs: setting(configTypes.durationMs().default(DEFAULT_CATALOG_REQUEST_TIMEOUT_MS), { env: 'CATALOG_REQUEST_TIMEOUT_MS' }),
    }),
    s3: s3Settings(),
    tables: z.object({
      /**
       * Every output and reference table is its record's own `table` (gold.item_counts, ...). A
       * prefix puts all of them in other namespaces (`it_x_gold.item_counts`), for tests and
       * staging; empty in production.
       */
      namespacePrefix: setting(z.string().regex(lowerSnake, 'expected lower_snake_case or empty').default(''), { env: 'TABLE_NAMESPACE_PREFIX' }),
    }),
    checkpoint: z.object({
      intervalMs: setting(configTypes.durationMs().default(DEFAULT_CHECKPOINT_INTERVAL_MS), { env: 'CHECKPOINT_INTERVAL_MS' }),
      maxMessages: setting(z.int().positive().default(DEFAULT_CHECKPOINT_MAX_MESSAGES), { env: 'CHECKPOINT_MAX_MESSAGES' }),
      /** Where state files go; default `<warehouse>checkpoints/stream-compute/[<table prefix>/]`. */
      stateLocation: setting(z.string().regex(/^(s3|file|memory):\/\//, 'expected an s3://, file:// or memory:// location').optional(), {
        env: 'CHECKPOINT_STATE_LOCATION',
      }),
      cameraEvictAfterMs: setting(configTypes.durationMs().default(DEFAULT_CAMERA_EVICT_AFTER_MS), { env: 'CAMERA_EVICT_AFTER_MS' }),
      /** Deleting this writer's unreferenced cycle files (off: they accumulate, e.g. to inspect them). */
      cleanupEnabled: setting(z.boolean().default(true), { env: 'CHECKPOINT_CLEANUP_ENABLED' }),
      cleanupIntervalMs: setting(configTypes.durationMs().default(DEFAULT_CHECKPOINT_CLEANUP_INTERVAL_MS), { env: 'CHECKPOINT_CLEANUP_INTERVAL_MS' }),
      foreignCycleGraceMs: setting(configTypes.nonNegativeMs().default(DEFAULT_FOREIGN_CYCLE_GRACE_MS), { env: 'FOREIGN_CYCLE_GRACE_MS' }),
      foreignCycleSweepMs: setting(configTypes.durationMs().default(DEFAULT_FOREIGN_CYCLE_SWEEP_MS), { env: 'FOREIGN_CYCLE_SWEEP_MS' }),
    }),
    snapshotExpiry: snapshotExpirySettings({
      intervalMs: DEFAULT_SNAPSHOT_EXPIRY_INTERVAL_MS,
      maxAgeMs: DEFAULT_SERVICE_SNAPSHOT_MAX_AGE_MS,
      retainLast: DEFAULT_SERVICE_SNAPSHOT_RETAIN_LAST,
    }),
    reference: z.object({
      refreshIntervalMs: setting(configTypes.durationMs().default(DEFAULT_REFERENCE_REFRESH_MS), { env: 'REFERENCE_REFRESH_INTERVAL_MS' }),
    }),
    alerts: z.object({
      enabled: setting(z.boolean().default(true), { env: 'ALERTS_ENABLED' }),
      topic: setting(configTypes.pulsarTopic().default(QueueAlert.topic), { env: 'ALERTS_TOPIC' }),
      /**
       * Alerts are exactly once only through broker deduplication on the topic's namespace: checked
       * at start (start fails when it is not on); true turns it on instead (needs admin rights).
       */
      provisionDeduplication: setting(z.boolean().default(false), { env: 'ALERTS_PROVISION_DEDUPLICATION' }),
    }),
  },
);

export type StreamComputeConfig = z.output<typeof streamComputeConfigSchema>;
