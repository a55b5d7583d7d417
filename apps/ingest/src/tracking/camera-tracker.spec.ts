import { TrackEvent } from '@retail/schema';
import { HsvHistogramExtractor } from './appearance/hsv-histogram-extractor';
import type { ImageFrame } from './appearance/feature-extractor';
import { CameraTracker, normalisedBoxOf, type FrameDetection, type LifecycleEvent } from './camera-tracker';
import { trackEventOf } from './track-events';

const FRAME_MS = 200;
const T0 = 1_700_000_000_000_000; // µs
const frameAt = (index: number) => ({ timestampUs: T0 + index * FRAME_MS * 1000, width: 640, height: 480 });
const person = (x: number, feature = [1, 0, 0]): FrameDetection => ({ tlwh: [x, 100, 40, 100], confidence: 0.9, classId: 0, className: 'person', feature });

describe('CameraTracker', () => {
  it('reports confirmed tracks with class, normalised box and counters', () => {
    const tracker = new CameraTracker();
    expect(tracker.update(frameAt(0), [person(100)]).tracks).toEqual([]);
    tracker.update(frameAt(1), [person(102)]);
    const { tracks } = tracker.update(frameAt(2), [{ ...person(104), classId: 24, className: 'backpack' }]);
    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    expect(track).toMatchObject({ trackId: 1, age: 3, hits: 3, timeSinceUpdate: 0, classId: 24, className: 'backpack' });
    expect(track!.tlwh[0]).toBeGreaterThan(100);
    expect(track!.box.x).toBeCloseTo(track!.tlwh[0] / 640, 12);
    expect(track!.box.height).toBeCloseTo(track!.tlwh[3] / 480, 12);
  });

  it('reports the detection each track was matched to on this frame, whatever the detection order', () => {
    const tracker = new CameraTracker();
    for (let frame = 0; frame < 6; frame++) {
      const left = person(100 + frame);
      const right = person(400 - frame, [0, 1, 0]);
      const detections = frame % 2 === 0 ? [left, right] : [right, left];
      const { tracks } = tracker.update(frameAt(frame), detections);
      for (const track of tracks) expect(detections[track.detectionIndex!]).toBe(track.trackId === 1 ? left : right);
    }
    const { tracks } = tracker.update(frameAt(6), [person(106)]);
    expect(tracks.map((track) => [track.trackId, track.detectionIndex])).toEqual([
      [1, 0],
      [2, null],
    ]);
  });

  it('takes the pairing from the assignment when boxes coincide and only appearance tells objects apart', () => {
    const tracker = new CameraTracker();
    const red = person(100, [1, 0, 0]);
    const green = person(100, [0, 1, 0]);
    for (let frame = 0; frame < 3; frame++) tracker.update(frameAt(frame), [red, green]);
    // Same boxes, order swapped: an overlap-based pairing cannot tell which detection is which.
    const { tracks } = tracker.update(frameAt(3), [green, red]);
    expect(tracks.map((track) => [track.trackId, track.detectionIndex])).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });

  it('emits started on confirmation, lost on the first miss, ended with the dwell time on deletion', () => {
    const tracker = new CameraTracker({ tracker: { maxAge: 3 } });
    const events: LifecycleEvent[] = [];
    let frame = 0;
    for (; frame < 5; frame++) events.push(...tracker.update(frameAt(frame), [person(100 + 2 * frame)]).events);
    for (; frame < 12; frame++) events.push(...tracker.update(frameAt(frame), []).events);
    expect(events.map((event) => [event.kind, event.eventTs])).toEqual([
      ['started', frameAt(2).timestampUs],
      ['lost', frameAt(5).timestampUs],
      // max_age 3: deleted on the fourth miss in a row.
      ['ended', frameAt(8).timestampUs],
    ]);
    const ended = events[2]!;
    expect(ended).toMatchObject({ trackId: 1, firstSeenTs: frameAt(0).timestampUs, lastSeenTs: frameAt(4).timestampUs, dwellMs: 4 * FRAME_MS, className: 'person' });
    expect(events[0]!.dwellMs).toBeNull();
  });

  it('emits lost again after the track was seen again', () => {
    const tracker = new CameraTracker();
    const kinds: string[] = [];
    const pattern = [1, 1, 1, 0, 1, 0, 0, 1];
    pattern.forEach((seen, frame) => kinds.push(...tracker.update(frameAt(frame), seen ? [person(100 + frame)] : []).events.map((event) => event.kind)));
    expect(kinds).toEqual(['started', 'lost', 'lost']);
  });

  it('never reports tentative tracks or their deletion', () => {
    const tracker = new CameraTracker();
    const first = tracker.update(frameAt(0), [person(100)]);
    const second = tracker.update(frameAt(1), []);
    expect([...first.events, ...second.events, ...first.tracks, ...second.tracks]).toEqual([]);
  });

  it('ends every started track when the stream finishes', () => {
    const tracker = new CameraTracker();
    for (let frame = 0; frame < 3; frame++) tracker.update(frameAt(frame), [person(100), person(400, [0, 1, 0])]);
    const ended = tracker.finish(frameAt(3).timestampUs);
    expect(ended.map((event) => [event.kind, event.trackId, event.dwellMs])).toEqual([
      ['ended', 1, 2 * FRAME_MS],
      ['ended', 2, 2 * FRAME_MS],
    ]);
    // Numbering goes on after a finish so ids stay unique on the stream.
    expect(tracker.update(frameAt(4), [person(100)]).events).toEqual([]);
    tracker.update(frameAt(5), [person(100)]);
    expect(tracker.update(frameAt(6), [person(100)]).tracks[0]!.trackId).toBe(3);
  });

  it('turns life-cycle events into valid TrackEvent records', () => {
    const tracker = new CameraTracker({ tracker: { maxAge: 1 } });
    const events: LifecycleEvent[] = [];
    for (let frame = 0; frame < 3; frame++) events.push(...tracker.update(frameAt(frame), [person(100)]).events);
    for (let frame = 3; frame < 6; frame++) events.push(...tracker.update(frameAt(frame), []).events);
    const records = events.map((event) => trackEventOf(event, { cameraId: 'cam-01', storeId: 'store-7' }));
    expect(records.map((record) => record.kind)).toEqual(['started', 'lost', 'ended']);
    for (const record of records) expect(TrackEvent.validate(record)).toMatchObject({ ok: true });
    expect(records[2]).toMatchObject({ event_id: `cam-01:1:ended:${frameAt(4).timestampUs}`, track_id: 1, item_name: 'person', class_id: 0, dwell_ms: 2 * FRAME_MS });
  });

  it('computes missing features with the extractor', async () => {
    const image: ImageFrame = { width: 640, height: 480, channels: 3, data: new Uint8Array(640 * 480 * 3).fill(128) };
    const tracker = new CameraTracker({ extractor: new HsvHistogramExtractor() });
    const { feature: _, ...withoutFeature } = person(100);
    for (let frame = 0; frame < 3; frame++) await tracker.track({ ...frameAt(frame), image }, [withoutFeature]);
    const result = await tracker.track({ ...frameAt(3), image }, [withoutFeature]);
    expect(result.tracks.map((track) => track.trackId)).toEqual([1]);
    await expect(new CameraTracker().track(frameAt(0), [withoutFeature])).rejects.toThrow(/no extractor is configured/);
  });

  it('rejects frames out of time order', () => {
    const tracker = new CameraTracker();
    tracker.update(frameAt(5), []);
    expect(() => tracker.update(frameAt(4), [])).toThrow(/must be in time order/);
  });
});

describe('normalisedBoxOf', () => {
  it('divides by the frame size and clips to the frame', () => {
    const box = normalisedBoxOf([64, 48, 64, 96], 640, 480);
    [box.x, box.y, box.width, box.height].forEach((value, i) => expect(value).toBeCloseTo([0.1, 0.1, 0.1, 0.2][i]!, 12));
    const clipped = normalisedBoxOf([-10, 400, 100, 200], 640, 480);
    expect(clipped.x).toBe(0);
    expect(clipped.width).toBeCloseTo(90 / 640, 12);
    expect(clipped.y + clipped.height).toBe(1);
  });
});
