import {
  DEFAULT_ALLOWED_LATENESS_MS,
  DEFAULT_DEDUP_TTL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_WATERMARK_OUT_OF_ORDERNESS_MS,
  DEFAULT_WINDOW_SIZE_MS,
  DEFAULT_WINDOW_SLIDE_MS,
} from '../config';
import { StreamComputeError } from './errors';

/** Dedup remembers at most this many ids; beyond it the oldest are evicted (and counted). */
export const DEFAULT_DEDUP_MAX_ENTRIES = 2_000_000;
/** Dedup snapshots are incremental; a full one (a rebase) comes once the state would depend on more stored deltas than this. */
export const DEFAULT_DEDUP_MAX_SEGMENTS = 32;
/** Quality: detections below this confidence are rejected (0 keeps everything the detector sent). */
export const DEFAULT_MIN_CONFIDENCE = 0;
/** Quality: published_ts may trail frame_ts by at most this much (detector backlog). */
export const DEFAULT_MAX_PUBLISH_DELAY_MS = 60_000;
/** Quality: published_ts may precede frame_ts by at most this much (clocks of camera and detector host differ). */
export const DEFAULT_MAX_NEGATIVE_SKEW_MS = 1_000;
/** Patterns: a track not seen for this long (event time) is lost; its open dwells end. */
export const DEFAULT_TRACK_LOST_AFTER_MS = 5_000;
/** Patterns: queue alert when at least this many tracks stand in a checkout queue zone ... */
export const DEFAULT_QUEUE_MIN_TRACKS = 5;
/** ... for at least this long ... */
export const DEFAULT_QUEUE_MIN_DURATION_MS = 60_000;
/** ... and not again within this long after the previous alert of the zone. */
export const DEFAULT_QUEUE_COOLDOWN_MS = 5 * 60_000;
/** Patterns: a track must move this far (normalised units) past a counting line to change sides; absorbs box jitter. */
export const DEFAULT_LINE_HYSTERESIS = 0.02;

export interface QualityChecks {
  /** Confidence in [minConfidence, 1]. */
  confidence: boolean;
  /** Box inside the frame with a positive size. */
  bbox: boolean;
  /** Identifiers and item name non-empty, times finite. */
  requiredFields: boolean;
  /** published_ts - frame_ts within [-maxNegativeSkewMs, maxPublishDelayMs]. */
  clockSkew: boolean;
}

export interface ComputeOptions {
  watermark: { outOfOrdernessMs: number; idleTimeoutMs: number };
  window: { sizeMs: number; slideMs: number; allowedLatenessMs: number };
  /** `maxSegments`: stored deltas a dedup state may depend on (1: every snapshot is full). */
  dedup: { ttlMs: number; maxEntries: number; maxSegments: number };
  quality: { checks: QualityChecks; minConfidence: number; maxPublishDelayMs: number; maxNegativeSkewMs: number };
  patterns: {
    /** Off: no dwell, crossings or queue alerts (and no per-event polygon tests). */
    enabled: boolean;
    trackLostAfterMs: number;
    lineHysteresis: number;
    queue: { minTracks: number; minDurationMs: number; cooldownMs: number };
  };
  /** Off: no silver.detections rows (the benchmark's core path). */
  silver: { enabled: boolean };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ComputeOptionsInput = DeepPartial<ComputeOptions>;

export const DEFAULT_COMPUTE_OPTIONS: ComputeOptions = {
  watermark: { outOfOrdernessMs: DEFAULT_WATERMARK_OUT_OF_ORDERNESS_MS, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS },
  window: { sizeMs: DEFAULT_WINDOW_SIZE_MS, slideMs: DEFAULT_WINDOW_SLIDE_MS, allowedLatenessMs: DEFAULT_ALLOWED_LATENESS_MS },
  dedup: { ttlMs: DEFAULT_DEDUP_TTL_MS, maxEntries: DEFAULT_DEDUP_MAX_ENTRIES, maxSegments: DEFAULT_DEDUP_MAX_SEGMENTS },
  quality: {
    checks: { confidence: true, bbox: true, requiredFields: true, clockSkew: true },
    minConfidence: DEFAULT_MIN_CONFIDENCE,
    maxPublishDelayMs: DEFAULT_MAX_PUBLISH_DELAY_MS,
    maxNegativeSkewMs: DEFAULT_MAX_NEGATIVE_SKEW_MS,
  },
  patterns: {
    enabled: true,
    trackLostAfterMs: DEFAULT_TRACK_LOST_AFTER_MS,
    lineHysteresis: DEFAULT_LINE_HYSTERESIS,
    queue: { minTracks: DEFAULT_QUEUE_MIN_TRACKS, minDurationMs: DEFAULT_QUEUE_MIN_DURATION_MS, cooldownMs: DEFAULT_QUEUE_COOLDOWN_MS },
  },
  silver: { enabled: true },
};

/** Defaults filled in and every value checked once; errors name the option (and its env variable) and the fix. */
export function normaliseComputeOptions(input: ComputeOptionsInput = {}): ComputeOptions {
  const d = DEFAULT_COMPUTE_OPTIONS;
  const options: ComputeOptions = {
    watermark: { ...d.watermark, ...input.watermark },
    window: { ...d.window, ...input.window },
    dedup: { ...d.dedup, ...input.dedup },
    quality: { ...d.quality, ...input.quality, checks: { ...d.quality.checks, ...input.quality?.checks } },
    patterns: { ...d.patterns, ...input.patterns, queue: { ...d.patterns.queue, ...input.patterns?.queue } },
    silver: { ...d.silver, ...input.silver },
  };
  const integer = (key: string, env: string | null, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min)
      throw invalid(key, env, `expected an integer >= ${min}, got ${value}`);
  };
  integer('watermark.outOfOrdernessMs', 'WATERMARK_OUT_OF_ORDERNESS_MS', options.watermark.outOfOrdernessMs, 0);
  integer('watermark.idleTimeoutMs', 'WATERMARK_IDLE_TIMEOUT_MS', options.watermark.idleTimeoutMs, 1);
  integer('window.sizeMs', 'WINDOW_SIZE_MS', options.window.sizeMs, 1);
  integer('window.slideMs', 'WINDOW_SLIDE_MS', options.window.slideMs, 1);
  integer('window.allowedLatenessMs', 'ALLOWED_LATENESS_MS', options.window.allowedLatenessMs, 0);
  integer('dedup.ttlMs', 'DEDUP_TTL_MS', options.dedup.ttlMs, 1);
  integer('dedup.maxEntries', null, options.dedup.maxEntries, 1);
  integer('dedup.maxSegments', 'DEDUP_MAX_SEGMENTS', options.dedup.maxSegments, 1);
  integer('quality.maxPublishDelayMs', null, options.quality.maxPublishDelayMs, 0);
  integer('quality.maxNegativeSkewMs', null, options.quality.maxNegativeSkewMs, 0);
  integer('patterns.trackLostAfterMs', null, options.patterns.trackLostAfterMs, 1);
  integer('patterns.queue.minTracks', null, options.patterns.queue.minTracks, 1);
  integer('patterns.queue.minDurationMs', null, options.patterns.queue.minDurationMs, 0);
  integer('patterns.queue.cooldownMs', null, options.patterns.queue.cooldownMs, 0);
  if (options.window.slideMs > options.window.sizeMs || options.window.sizeMs % options.window.slideMs !== 0)
    throw invalid('window.slideMs', 'WINDOW_SLIDE_MS', `expected a slide that divides the window size ${options.window.sizeMs} (equal for tumbling windows), got ${options.window.slideMs}`);
  // A duplicate must be recognised for as long as its original could still be counted.
  if (options.dedup.ttlMs < options.window.allowedLatenessMs)
    throw invalid('dedup.ttlMs', 'DEDUP_TTL_MS', `expected at least the allowed lateness (${options.window.allowedLatenessMs} ms), got ${options.dedup.ttlMs}; otherwise a late duplicate is counted twice`);
  const q = options.quality.minConfidence;
  if (!(q >= 0 && q <= 1)) throw invalid('quality.minConfidence', null, `expected a number in [0, 1], got ${q}`);
  const h = options.patterns.lineHysteresis;
  if (!(h >= 0 && h < 0.5)) throw invalid('patterns.lineHysteresis', null, `expected a normalised distance in [0, 0.5), got ${h}`);
  return options;
}

function invalid(key: string, env: string | null, message: string): StreamComputeError {
  return new StreamComputeError('INVALID_OPTIONS', `stream-compute option ${key}${env ? ` (${env})` : ''}: ${message}`);
}
