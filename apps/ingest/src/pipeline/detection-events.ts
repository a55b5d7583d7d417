import { DetectionEvent, detectionIdOf } from '@retail/schema';
import type { DetectedObject } from '../detection';
import type { TrackedObject } from '../tracking';

/** The frame a set of events describes. */
export interface FrameIdentity {
  cameraId: string;
  storeId: string;
  seq: number;
  /** Event time of the frame (µs since the epoch): the events' `frame_ts`. */
  eventTimeUs: number;
  width: number;
  height: number;
}

export interface ModelIdentity {
  name: string;
  version: string;
}

/** A detection of this frame and the confirmed track it was matched to (null when none). */
export interface PairedDetection {
  /** Position in the detector's output for this frame: part of the deterministic detection id. */
  detectionIndex: number;
  detection: DetectedObject;
  trackId: number | null;
}

/**
 * Pairs the frame's detections with the confirmed tracks the tracker matched to them on this frame, using the
 * detection index the tracker reports (its assignment, not a guess by overlap). Tracks coasting on a prediction
 * carry no index and are left out; detections no confirmed track took come back with a null track id.
 */
export function pairDetectionsWithTracks(detections: readonly DetectedObject[], tracks: readonly TrackedObject[]): PairedDetection[] {
  const trackOf = new Map<number, number>();
  for (const track of tracks) {
    const index = track.detectionIndex;
    if (index === null) continue;
    if (!Number.isInteger(index) || index < 0 || index >= detections.length)
      throw new RangeError(`track ${track.trackId} reports detection ${index}, but the frame has ${detections.length} detection(s)`);
    const other = trackOf.get(index);
    if (other !== undefined) throw new RangeError(`tracks ${other} and ${track.trackId} both report detection ${index}`);
    trackOf.set(index, track.trackId);
  }
  return detections.map((detection, detectionIndex) => ({ detectionIndex, detection, trackId: trackOf.get(detectionIndex) ?? null }));
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/**
 * One DetectionEvent per tracked detection (and per untracked one when `includeUntracked`), in detector order.
 * `frame_ts` is the frame's event time, `published_ts` the time of building, the id is deterministic.
 */
export function detectionEventsOf(
  frame: FrameIdentity,
  paired: readonly PairedDetection[],
  options: { model: ModelIdentity; publishedTs: number; includeUntracked: boolean },
): DetectionEvent[] {
  const events: DetectionEvent[] = [];
  for (const { detectionIndex, detection, trackId } of paired) {
    if (trackId === null && !options.includeUntracked) continue;
    const x = clamp01(detection.bbox.x);
    const y = clamp01(detection.bbox.y);
    events.push({
      detection_id: detectionIdOf(frame.cameraId, frame.eventTimeUs, detectionIndex),
      camera_id: frame.cameraId,
      store_id: frame.storeId,
      frame_ts: frame.eventTimeUs,
      published_ts: options.publishedTs,
      frame_seq: frame.seq,
      track_id: trackId,
      class_id: detection.classId,
      item_name: detection.className,
      confidence: clamp01(detection.confidence),
      bbox: { x, y, w: clamp01(Math.min(detection.bbox.w, 1 - x)), h: clamp01(Math.min(detection.bbox.h, 1 - y)) },
      frame_width: frame.width,
      frame_height: frame.height,
      model_name: options.model.name,
      model_version: options.model.version,
      schema_version: DetectionEvent.version,
    });
  }
  return events;
}
