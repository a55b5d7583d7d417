import type { DetectionEvent } from '@retail/schema';
import { Deduplicator, type DedupSnapshot, type LegacyDedupSnapshot, type StoredDedupDelta } from './dedup';
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

/** Bumped when the snapshot layout changes; restore takes this one and version 1 (full dedup ids), refuses others. */
export const PIPELINE_SNAPSHOT_VERSION = 2;

export interface PipelineSnapshot {
  version: number;
  watermark: WatermarkSnapshot;
  /** Incremental: may refer to deltas stored by earlier snapshots (`dedupRefsOf`). */
  dedup: DedupSnapshot;
  windows: ItemCountWindowsSnapshot;
  /** null when patterns are disabled. */
  patterns: PatternSnapshot | null;
}

/** Version 1 (checkpoints written before incremental dedup): the dedup state in full. */
export interface PipelineSnapshotV1 extends Omit<PipelineSnapshot, 'dedup'> {
  dedup: LegacyDedupSnapshot;
}

/** The refs of the stored dedup deltas a snapshot needs (oldest first): fetch them before `restore`. */
export function dedupRefsOf(snapshot: PipelineSnapshot | PipelineSnapshotV1): string[] {
  const dedup = snapshot.dedup;
  return 'version' in dedup && Array.isArray(dedup.segments) ? dedup.segments.map((segment) => segment.ref) : [];
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

  /**
   * All operator state as plain JSON-serialisable data (reference tables excluded: they are
   * reloaded). The dedup part is incremental: call `persisted(ref)` once the snapshot is stored.
   */
  snapshot(): PipelineSnapshot {
    return {
      version: PIPELINE_SNAPSHOT_VERSION,
      watermark: this.watermarks.snapshot(),
      dedup: this.dedup.snapshot(),
      windows: this.windows.snapshot(),
      patterns: this.patterns?.snapshot() ?? null,
    };
  }

  /** The last `snapshot()` is stored durably under `ref`; later snapshots refer to its dedup delta there. */
  persisted(ref: string): void {
    this.dedup.persisted(ref);
  }

  /** The next snapshot holds the full dedup state and refers to no stored deltas (e.g. before old files go). */
  requireFullSnapshot(): void {
    this.dedup.requireFullSnapshot();
  }

  /** Refs of the stored dedup deltas the state depends on, oldest first (keep those files). */
  get dedupSegmentRefs(): string[] {
    return this.dedup.segmentRefs;
  }

  /**
   * Replaces all operator state with a snapshot taken by a pipeline with the same options.
   * `storedDedupDelta(ref)` returns `dedup.delta` of the snapshot persisted under `ref`, for each of
   * `dedupRefsOf(snapshot)`; `storedAt` (optional) is where this snapshot is stored, so its own
   * dedup delta needs no rewrite.
   */
  restore(snapshot: PipelineSnapshot | PipelineSnapshotV1, storedDedupDelta?: StoredDedupDelta, storedAt?: string): void {
    const version: unknown = snapshot?.version;
    if (version !== PIPELINE_SNAPSHOT_VERSION && version !== 1)
      throw new StreamComputeError('INVALID_SNAPSHOT', `pipeline snapshot version ${String(version)} is neither ${PIPELINE_SNAPSHOT_VERSION} nor 1; start from an empty state or migrate it`);
    const dedupVersion: unknown = (snapshot.dedup as { version?: unknown } | null)?.version;
    if (dedupVersion !== (version === 1 ? undefined : 2))
      throw new StreamComputeError('INVALID_SNAPSHOT', `pipeline snapshot version ${version} holds dedup state of version ${String(dedupVersion ?? 1)}`);
    if ((snapshot.patterns === null) !== (this.patterns === null))
      throw new StreamComputeError('INVALID_SNAPSHOT', `pipeline snapshot was taken with patterns ${snapshot.patterns === null ? 'disabled' : 'enabled'}; restore it with the same options`);
    // Dedup first: it is the part that reads other stored state and fails on a bad ref.
    this.dedup.restore(snapshot.dedup, storedDedupDelta, storedAt);
    this.watermarks.restore(snapshot.watermark);
    this.lastWatermark = this.watermarks.current;
    this.windows.restore(snapshot.windows);
    if (this.patterns !== null && snapshot.patterns !== null) this.patterns.restore(snapshot.patterns);
  }
}

function finished(): StreamComputeError {
  return new StreamComputeError('PIPELINE_FINISHED', 'the pipeline was finished (end of input); create a new one, or restore a snapshot into a new one, to process more');
}
