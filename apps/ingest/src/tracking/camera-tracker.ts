// Tracking of one camera stream: runs DeepSORT on each frame's detections, carries each track's
// object class, reports the confirmed tracks and the life-cycle changes (started, lost, ended).

import type { FeatureExtractor, ImageFrame } from './appearance/feature-extractor';
import type { Tlwh } from './box';
import { DeepSortTracker, type UpdateResult } from './deep-sort-tracker';
import type { Detection } from './detection';
import { TrackingError } from './errors';
import type { TrackerOptions } from './options';
import type { Track } from './track';

/** A detector output for one frame, in pixels of that frame. */
export interface FrameDetection {
  readonly tlwh: Tlwh;
  readonly confidence: number;
  readonly classId: number;
  readonly className: string;
  /** Appearance embedding; computed with the tracker's extractor when absent. */
  readonly feature?: ArrayLike<number>;
}

export interface FrameInfo {
  /** Event time of the frame, microseconds since the epoch (UTC). */
  readonly timestampUs: number;
  readonly width: number;
  readonly height: number;
  /** Pixels, needed only when detections come without features. */
  readonly image?: ImageFrame;
}

/** A box in frame coordinates divided by the frame size, clamped to [0, 1]. */
export interface NormalisedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TrackedObject {
  trackId: number;
  /** Kalman estimate in pixels (x, y, w, h). */
  tlwh: [number, number, number, number];
  box: NormalisedBox;
  /** Frames since the track was created. */
  age: number;
  /** Detections matched to the track, the first included. */
  hits: number;
  /** 0 when a detection was matched on this frame; otherwise the box is a prediction. */
  timeSinceUpdate: number;
  /**
   * Position, in this frame's detection list, of the detection the tracker matched to this track on this frame
   * (as the assignment decided it, not guessed from overlap); null when the track only coasts on its prediction.
   */
  detectionIndex: number | null;
  /** Class of the latest matched detection. */
  classId: number;
  className: string;
}

export type LifecycleKind = 'started' | 'lost' | 'ended';

/** A change in a track's life, with the fields of `TrackEvent` minus the stream's identity. */
export interface LifecycleEvent {
  kind: LifecycleKind;
  trackId: number;
  /** Frame on which the change was seen (µs). */
  eventTs: number;
  firstSeenTs: number;
  lastSeenTs: number;
  /** Time between first and last sighting; set only for `ended`. */
  dwellMs: number | null;
  classId: number;
  className: string;
}

export interface FrameTracks {
  timestampUs: number;
  /** Confirmed tracks, in creation order (a track unseen for a few frames is still listed until it is deleted). */
  tracks: TrackedObject[];
  events: LifecycleEvent[];
}

export interface CameraTrackerOptions {
  tracker?: TrackerOptions;
  /** Computes features for detections that come without one. */
  extractor?: FeatureExtractor;
}

interface TrackHistory {
  firstSeenTs: number;
  lastSeenTs: number;
  classId: number;
  className: string;
  started: boolean;
  lost: boolean;
}

export class CameraTracker {
  private readonly tracker: DeepSortTracker;
  private readonly extractor: FeatureExtractor | undefined;
  private readonly history = new Map<number, TrackHistory>();
  private lastTimestampUs = -Infinity;

  constructor(options: CameraTrackerOptions = {}) {
    this.tracker = new DeepSortTracker(options.tracker);
    this.extractor = options.extractor;
  }

  /** Tracks one frame; computes missing features with the extractor from `frame.image`. */
  async track(frame: FrameInfo, detections: readonly FrameDetection[]): Promise<FrameTracks> {
    const missing = detections.map((detection, index) => (detection.feature === undefined ? index : -1)).filter((index) => index >= 0);
    if (missing.length === 0) return this.update(frame, detections);
    if (this.extractor === undefined || frame.image === undefined)
      throw new TrackingError('invalid-input', `${missing.length} detection(s) have no feature and ${this.extractor === undefined ? 'no extractor is configured' : 'the frame has no image'}`);
    const features = await this.extractor.extract(frame.image, missing.map((index) => detections[index]!.tlwh));
    const completed = [...detections];
    missing.forEach((index, k) => (completed[index] = { ...detections[index]!, feature: features[k]! }));
    return this.update(frame, completed);
  }

  /** Tracks one frame whose detections all carry features. Frames must come in time order. */
  update(frame: FrameInfo, detections: readonly FrameDetection[]): FrameTracks {
    if (!(frame.width > 0 && frame.height > 0)) throw new TrackingError('invalid-input', `frame size ${frame.width}×${frame.height} is not positive`);
    if (!(frame.timestampUs >= this.lastTimestampUs))
      throw new TrackingError('invalid-input', `frame at ${frame.timestampUs} µs comes after one at ${this.lastTimestampUs} µs; frames must be in time order`);
    this.lastTimestampUs = frame.timestampUs;
    const inputs: Detection[] = detections.map((detection, index) => {
      if (detection.feature === undefined) throw new TrackingError('invalid-input', `detection ${index} has no feature; use track() with an extractor`);
      return { tlwh: detection.tlwh, confidence: detection.confidence, feature: detection.feature };
    });
    const result = this.tracker.step(inputs);
    const events = this.recordLifecycle(frame.timestampUs, detections, result);
    const detectionOfTrack = new Map<number, number>();
    for (const { trackId, detectionIndex } of [...result.matched, ...result.created]) detectionOfTrack.set(trackId, detectionIndex);
    const tracks = this.tracker.activeTracks
      .filter((track) => track.isConfirmed())
      .map((track) => this.describe(track, frame, detectionOfTrack.get(track.trackId) ?? null));
    return { timestampUs: frame.timestampUs, tracks, events };
  }

  /** Ends every started track, e.g. when the stream closes; the tracker starts afresh (ids keep increasing). */
  finish(timestampUs: number): LifecycleEvent[] {
    const events: LifecycleEvent[] = [];
    for (const [trackId, history] of this.history) if (history.started) events.push(this.event('ended', trackId, timestampUs, history));
    this.history.clear();
    this.tracker.reset();
    return events;
  }

  private recordLifecycle(timestampUs: number, detections: readonly FrameDetection[], result: UpdateResult): LifecycleEvent[] {
    const events: LifecycleEvent[] = [];
    for (const { trackId, detectionIndex } of result.created) {
      const { classId, className } = detections[detectionIndex]!;
      this.history.set(trackId, { firstSeenTs: timestampUs, lastSeenTs: timestampUs, classId, className, started: false, lost: false });
    }
    for (const { trackId, detectionIndex } of result.matched) {
      const history = this.history.get(trackId)!;
      const { classId, className } = detections[detectionIndex]!;
      Object.assign(history, { lastSeenTs: timestampUs, classId, className, lost: false });
    }
    for (const track of this.tracker.activeTracks) {
      const history = this.history.get(track.trackId)!;
      if (track.isConfirmed() && !history.started) {
        history.started = true;
        events.push(this.event('started', track.trackId, timestampUs, history));
      }
    }
    for (const trackId of result.missed) {
      const history = this.history.get(trackId)!;
      if (history.started && !history.lost) {
        history.lost = true;
        events.push(this.event('lost', trackId, timestampUs, history));
      }
    }
    for (const track of result.deleted) {
      const history = this.history.get(track.trackId)!;
      this.history.delete(track.trackId);
      if (history.started) events.push(this.event('ended', track.trackId, timestampUs, history));
    }
    return events;
  }

  private event(kind: LifecycleKind, trackId: number, eventTs: number, history: TrackHistory): LifecycleEvent {
    return {
      kind,
      trackId,
      eventTs,
      firstSeenTs: history.firstSeenTs,
      lastSeenTs: history.lastSeenTs,
      dwellMs: kind === 'ended' ? Math.round((history.lastSeenTs - history.firstSeenTs) / 1000) : null,
      classId: history.classId,
      className: history.className,
    };
  }

  private describe(track: Track, frame: FrameInfo, detectionIndex: number | null): TrackedObject {
    const tlwh = track.tlwh();
    const history = this.history.get(track.trackId)!;
    return {
      trackId: track.trackId,
      tlwh,
      box: normalisedBoxOf(tlwh, frame.width, frame.height),
      age: track.age,
      hits: track.hits,
      timeSinceUpdate: track.timeSinceUpdate,
      detectionIndex,
      classId: history.classId,
      className: history.className,
    };
  }
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** The part of a pixel box inside the frame, in frame-relative units. */
export function normalisedBoxOf(tlwh: Tlwh, frameWidth: number, frameHeight: number): NormalisedBox {
  const left = clamp01(tlwh[0] / frameWidth);
  const top = clamp01(tlwh[1] / frameHeight);
  const right = clamp01((tlwh[0] + tlwh[2]) / frameWidth);
  const bottom = clamp01((tlwh[1] + tlwh[3]) / frameHeight);
  return { x: left, y: top, width: right - left, height: bottom - top };
}
