import { DetectionEvent, detectionIdOf } from '@retail/schema';
import type { DetectedObject } from '../detection';
import type { TrackedObject } from '../tracking';
import { detectionEventsOf, pairDetectionsWithTracks, type FrameIdentity } from './detection-events';

const FRAME: FrameIdentity = { cameraId: 'cam-7', storeId: 'store-1', seq: 41, eventTimeUs: 1_700_000_000_123_456, width: 640, height: 480 };
const MODEL = { name: 'yolov8n', version: '8.1.0' };

function detection(x: number, y: number, w: number, h: number, classId = 0, confidence = 0.9): DetectedObject {
  return {
    classId,
    className: classId === 0 ? 'person' : 'car',
    confidence,
    pixelBox: { x, y, w, h },
    bbox: { x: x / 640, y: y / 480, w: w / 640, h: h / 480 },
  };
}

function track(trackId: number, detectionIndex: number | null, classId = 0): TrackedObject {
  return {
    trackId,
    tlwh: [0, 0, 1, 1],
    box: { x: 0, y: 0, width: 0, height: 0 },
    age: 5,
    hits: 5,
    timeSinceUpdate: detectionIndex === null ? 1 : 0,
    detectionIndex,
    classId,
    className: classId === 0 ? 'person' : 'car',
  };
}

describe('pairDetectionsWithTracks', () => {
  it('gives each detection the track the tracker matched it to, whatever the boxes', () => {
    // The tracks' boxes ([0, 0, 1, 1]) overlap neither detection: the pairing comes from the tracker alone.
    const detections = [detection(300, 100, 50, 100), detection(10, 10, 40, 80)];
    const paired = pairDetectionsWithTracks(detections, [track(3, 1), track(8, 0)]);
    expect(paired.map((p) => [p.detectionIndex, p.trackId])).toEqual([
      [0, 8],
      [1, 3],
    ]);
    expect(paired[1]!.detection).toBe(detections[1]);
  });

  it('leaves out tracks that were not matched on this frame (coasting on a prediction)', () => {
    const paired = pairDetectionsWithTracks([detection(10, 10, 40, 80)], [track(3, null)]);
    expect(paired[0]!.trackId).toBeNull();
  });

  it('refuses an index outside the frame or shared by two tracks', () => {
    const detections = [detection(10, 10, 40, 80)];
    expect(() => pairDetectionsWithTracks(detections, [track(1, 1)])).toThrow(/track 1 reports detection 1, but the frame has 1/);
    expect(() => pairDetectionsWithTracks(detections, [track(1, 0), track(2, 0)])).toThrow(/tracks 1 and 2 both report detection 0/);
  });
});

describe('detectionEventsOf', () => {
  const paired = [
    { detectionIndex: 0, detection: detection(100, 120, 64, 96), trackId: 12 },
    { detectionIndex: 1, detection: detection(0, 0, 10, 10, 2, 0.4), trackId: null },
    { detectionIndex: 2, detection: detection(600, 400, 40, 80), trackId: 13 },
  ];

  it('builds one valid event per tracked detection with deterministic ids, frame time and publish time', () => {
    const events = detectionEventsOf(FRAME, paired, { model: MODEL, publishedTs: 1_700_000_001_000_000, includeUntracked: false });
    expect(events.map((e) => [e.detection_id, e.track_id])).toEqual([
      [detectionIdOf('cam-7', FRAME.eventTimeUs, 0), 12],
      [detectionIdOf('cam-7', FRAME.eventTimeUs, 2), 13],
    ]);
    expect(events[0]).toEqual({
      detection_id: 'cam-7:1700000000123456:0',
      camera_id: 'cam-7',
      store_id: 'store-1',
      frame_ts: FRAME.eventTimeUs,
      published_ts: 1_700_000_001_000_000,
      frame_seq: 41,
      track_id: 12,
      class_id: 0,
      item_name: 'person',
      confidence: 0.9,
      bbox: { x: 100 / 640, y: 120 / 480, w: 64 / 640, h: 96 / 480 },
      frame_width: 640,
      frame_height: 480,
      model_name: 'yolov8n',
      model_version: '8.1.0',
      schema_version: DetectionEvent.version,
    });
    for (const event of events) expect(DetectionEvent.validate(event).ok).toBe(true);
  });

  it('adds untracked detections with a null track id when asked, keeping detector order and ids', () => {
    const events = detectionEventsOf(FRAME, paired, { model: MODEL, publishedTs: 1, includeUntracked: true });
    expect(events.map((e) => [e.detection_id.split(':')[2], e.track_id])).toEqual([
      ['0', 12],
      ['1', null],
      ['2', 13],
    ]);
  });

  it('the same frame gives the same ids on a replay (published_ts aside)', () => {
    const first = detectionEventsOf(FRAME, paired, { model: MODEL, publishedTs: 1, includeUntracked: true });
    const replay = detectionEventsOf(FRAME, paired, { model: MODEL, publishedTs: 2, includeUntracked: true });
    expect(replay.map((e) => e.detection_id)).toEqual(first.map((e) => e.detection_id));
  });

  it('keeps boxes inside the frame when float rounding pushes an edge over', () => {
    const edge = { ...detection(600, 400, 40, 80), bbox: { x: 0.9375, y: 0.8333334, w: 0.0625001, h: 0.1666667 } };
    const [event] = detectionEventsOf(FRAME, [{ detectionIndex: 0, detection: edge, trackId: 1 }], { model: MODEL, publishedTs: FRAME.eventTimeUs, includeUntracked: false });
    expect(event!.bbox.x + event!.bbox.w).toBeLessThanOrEqual(1);
    expect(event!.bbox.y + event!.bbox.h).toBeLessThanOrEqual(1);
    expect(DetectionEvent.validate(event).ok).toBe(true);
  });
});
