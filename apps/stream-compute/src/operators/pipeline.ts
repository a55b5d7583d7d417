import type { DetectionEvent } from '@retail/schema';
import { Deduplicator, type DedupSnapshot } from './dedup';
import { StreamComputeError } from './errors';
import { ItemCountWindows, type ItemCountWindowsSnapshot } from './item-count-windows';
import { LatenessPolicy } from './lateness';
import { normaliseComputeOptions, type ComputeOptions, type ComputeOptionsInput } from './options';
import type { ComputeOutputs } from './outputs';
import { PatternDetector, type PatternSnapshot } from './patterns';
import { QualityChecker } from './quality';
import { ReferenceJoin, ReferenceTables } from './reference-join';
import { silverDetectionOf } from './silver';
import { US_PER_MS } from './time';
import { NO_WATERMARK, WatermarkTracker, type WatermarkSnapshot } from './watermarks';

/** Bumped when the snapshot layout changes; restore refuses other versions. */
export const PIPELINE_SNAPSHOT_VERSION = 1;

export interface PipelineSnapshot {
  version: number;
  watermark: WatermarkSnapshot;
  dedup: DedupSnapshot;
  windows: ItemCountWindowsSnapshot;
  /** null when patterns are disabled. */
  patterns: PatternSnapshot | null;
}

/** Counters for metrics (monotonic per process, not part of snapshots). */
export interface PipelineCounters {
  processed: number;
  duplicates: number;
  dedupEvictions: number;
  late: number;
  rejectedByReason: Map<string, number>;
  patternLateSkipped: number;
}

/**
 * The event-time pipeline: quality → watermark → dedup → lateness → reference join → windows,
 * silver rows and patterns. Single-threaded and deterministic: the same events with the same
 * processing times (`nowMs`, injected) give the same outputs, also across snapshot/restore.
 */
export class ComputePipeline {
  readonly options: ComputeOptions;
  readonly join: ReferenceJoin;
  private readonly quality: QualityChecker;
  private readonly watermarks: WatermarkTracker;
  private readonly dedup: Deduplicator;
  private readonly lateness: LatenessPolicy;
  private readonly windows: ItemCountWindows;
  private readonly patterns: PatternDetector | null;
  private readonly emitItemCount: ComputeOutputs['itemCount'];
  private lastWatermark = NO_WATERMARK;
  private processed = 0;
  private late = 0;
  private readonly joinMisses = new Map<string, number>();

  constructor(
    options: ComputeOptionsInput,
    private readonly outputs: ComputeOutputs,
    reference: ReferenceTables = ReferenceTables.empty(),
  ) {
    this.options = normaliseComputeOptions(options);
    const o = this.options;
    this.join = new ReferenceJoin(reference);
    this.quality = new QualityChecker(o.quality);
    this.watermarks = new WatermarkTracker(o.watermark);
    this.dedup = new Deduplicator(o.dedup);
    this.lateness = new LatenessPolicy(o.window.allowedLatenessMs);
    this.windows = new ItemCountWindows(o.window);
    this.patterns = o.patterns.enabled ? new PatternDetector(o.patterns, () => this.join.tables, outputs) : null;
    this.emitItemCount = (row) => outputs.itemCount(row);
  }

  /** Swaps the reference data atomically; detections processed afterwards join against it. */
  replaceReference(tables: ReferenceTables): void {
    this.join.replace(tables);
  }

  get watermark(): number {
    return this.lastWatermark;
  }

  /**
   * One detection, received at processing time `nowMs` (milliseconds). `streamMs` is the time its
   * idleness is measured in (default `nowMs`; the service passes the message's publish time, see
   * docs/stream-compute.md, "Idle cameras in the service"): a camera is idle once the stream time
   * passed to `tick` is more than the idle timeout beyond the stream time of its last detection.
   */
  process(event: DetectionEvent, nowMs: number, streamMs: number = nowMs): void {
    if (this.lastWatermark === Number.POSITIVE_INFINITY) throw finished();
    this.processed++;
    if (!this.quality.check(event)) {
      this.outputs.rejected({ stage: 'quality', reasonCode: this.quality.reason, reason: this.quality.message, event });
      return;
    }
    this.watermarks.observe(event.camera_id, event.frame_ts, streamMs);
    if (!this.dedup.isDuplicate(event.detection_id, event.frame_ts)) this.accept(event, nowMs);
    this.advance(nowMs, streamMs);
  }

  /**
   * Lets time pass without events: idle cameras stop holding the watermark back. `streamMs` (default
   * `nowMs`) is how far time has verifiably moved for the camera's stream (see `process`).
   */
  tick(nowMs: number, streamMs: number = nowMs): void {
    if (this.lastWatermark === Number.POSITIVE_INFINITY) throw finished();
    this.advance(nowMs, streamMs);
  }

  /**
   * End of a bounded input (replays, tests): the watermark jumps to the end of time, so every
   * window fires and every open pattern ends. The pipeline accepts nothing after this.
   */
  finish(nowMs: number): void {
    this.lastWatermark = Number.POSITIVE_INFINITY;
    this.windows.fire(this.lastWatermark, nowMs * US_PER_MS, this.emitItemCount);
    this.patterns?.advance(this.lastWatermark);
  }

  private accept(event: DetectionEvent, nowMs: number): void {
    const watermark = this.lastWatermark;
    if (this.lateness.isTooLate(event.frame_ts, watermark)) {
      this.late++;
      this.outputs.lateEvent(this.lateness.lateEventOf(event, watermark, nowMs * US_PER_MS));
      return;
    }
    const store = this.join.join(event);
    if (store === undefined) {
      this.joinMisses.set(this.join.missCode, (this.joinMisses.get(this.join.missCode) ?? 0) + 1);
      this.outputs.rejected({ stage: 'join', reasonCode: this.join.missCode, reason: this.join.missReason, event });
      return;
    }
    this.windows.add(event, store);
    if (this.options.silver.enabled) this.outputs.silverDetection(silverDetectionOf(event, store, this.join.camera!));
    this.patterns?.offer(event);
  }

  private advance(nowMs: number, streamMs: number): void {
    const watermark = this.watermarks.advance(streamMs);
    if (watermark === this.lastWatermark) return;
    this.lastWatermark = watermark;
    this.windows.fire(watermark, nowMs * US_PER_MS, this.emitItemCount);
    this.dedup.expire(watermark);
    this.patterns?.advance(watermark);
  }

  counters(): PipelineCounters {
    const rejectedByReason = new Map<string, number>([...this.quality.counts, ...this.joinMisses]);
    return {
      processed: this.processed,
      duplicates: this.dedup.duplicates,
      dedupEvictions: this.dedup.evictions,
      late: this.late,
      rejectedByReason,
      patternLateSkipped: this.patterns?.lateSkipped ?? 0,
    };
  }

  /** All operator state as plain JSON-serialisable data (reference tables excluded: they are reloaded). */
  snapshot(): PipelineSnapshot {
    return {
      version: PIPELINE_SNAPSHOT_VERSION,
      watermark: this.watermarks.snapshot(),
      dedup: this.dedup.snapshot(),
      windows: this.windows.snapshot(),
      patterns: this.patterns?.snapshot() ?? null,
    };
  }

  /** Replaces all operator state with a snapshot taken by a pipeline with the same options. */
  restore(snapshot: PipelineSnapshot): void {
    if (snapshot?.version !== PIPELINE_SNAPSHOT_VERSION)
      throw new StreamComputeError('INVALID_SNAPSHOT', `pipeline snapshot version ${String(snapshot?.version)} is not ${PIPELINE_SNAPSHOT_VERSION}; start from an empty state or migrate it`);
    if ((snapshot.patterns === null) !== (this.patterns === null))
      throw new StreamComputeError('INVALID_SNAPSHOT', `pipeline snapshot was taken with patterns ${snapshot.patterns === null ? 'disabled' : 'enabled'}; restore it with the same options`);
    this.watermarks.restore(snapshot.watermark);
    this.lastWatermark = this.watermarks.current;
    this.dedup.restore(snapshot.dedup);
    this.windows.restore(snapshot.windows);
    if (this.patterns !== null && snapshot.patterns !== null) this.patterns.restore(snapshot.patterns);
  }
}

function finished(): StreamComputeError {
  return new StreamComputeError('PIPELINE_FINISHED', 'the pipeline was finished (end of input); create a new one, or restore a snapshot into a new one, to process more');
}
