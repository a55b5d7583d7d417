import { ItemCount, SilverDetection } from '@retail/schema';
import { collectingOutputs } from './outputs';
import { ComputePipeline } from './pipeline';
import type { ComputeOptionsInput } from './options';
import { detection, MINUTE_US, NOW_MS, referenceOf, SECOND_US, T0 } from './test-support/fixtures';
import { ReferenceTables } from './reference-join';

const OPTIONS: ComputeOptionsInput = {
  watermark: { outOfOrdernessMs: 2_000, idleTimeoutMs: 30_000 },
  window: { sizeMs: 60_000, slideMs: 60_000, allowedLatenessMs: 5_000 },
  dedup: { ttlMs: 60_000 },
};

function setup(options: ComputeOptionsInput = OPTIONS, reference: ReferenceTables = referenceOf(2, 1)) {
  const { outputs, collected } = collectingOutputs();
  return { pipeline: new ComputePipeline(options, outputs, reference), collected };
}

const s = (seconds: number) => T0 + seconds * SECOND_US;

describe('ComputePipeline', () => {
  it('counts out-of-order detections in their event-time window and fires it once, after the allowed lateness', () => {
    const { pipeline, collected } = setup();
    for (const [seconds, track] of [[10, 1], [5, 2], [30, 1], [59, 3], [61, 1]] as const) pipeline.process(detection({ frame_ts: s(seconds), track_id: track }), NOW_MS);
    expect(collected.itemCounts).toEqual([]); // watermark 59 s: the window [0, 60) waits for 60 + 5 s
    pipeline.process(detection({ frame_ts: s(58) }), NOW_MS); // behind the watermark, within the lateness
    pipeline.process(detection({ frame_ts: s(67), track_id: 9 }), NOW_MS); // watermark 65 s
    expect(collected.itemCounts).toEqual([
      expect.objectContaining({ window_start: T0, window_end: T0 + MINUTE_US, store_id: 'store-1', item_name: 'person', detections: 5, distinct_tracks: 3, store_name: 'Store store-1', computed_ts: NOW_MS * 1000 }),
    ]);
    expect(ItemCount.validate(collected.itemCounts[0]).ok).toBe(true);
    expect(collected.lateEvents).toEqual([]);
  });

  it('drops duplicates by detection id (a redelivery counts once)', () => {
    const { pipeline, collected } = setup();
    const first = detection({ frame_ts: s(1) });
    pipeline.process(first, NOW_MS);
    pipeline.process({ ...first }, NOW_MS);
    pipeline.process(detection({ frame_ts: s(200) }), NOW_MS);
    expect(collected.itemCounts.map((r) => r.detections)).toEqual([1]);
    expect(collected.silverDetections.map((r) => r.detection_id)).toEqual([first.detection_id, expect.any(String)]);
    expect(pipeline.counters().duplicates).toBe(1);
  });

  it('sends detections later than the allowed lateness to the late-events output with the reason', () => {
    const { pipeline, collected } = setup();
    pipeline.process(detection({ frame_ts: s(30) }), NOW_MS); // watermark 28 s
    pipeline.process(detection({ frame_ts: s(20), detection_id: 'late-1' }), NOW_MS); // 8 s behind
    pipeline.process(detection({ frame_ts: s(23) }), NOW_MS); // 5 s behind: accepted
    expect(collected.lateEvents).toEqual([
      expect.objectContaining({ detection_id: 'late-1', behind_ms: 8_000, reason: 'late by 3 s beyond the allowed lateness of 5 s (8 s behind the watermark)' }),
    ]);
    pipeline.process(detection({ frame_ts: s(300) }), NOW_MS);
    expect(collected.itemCounts.map((r) => r.detections)).toEqual([2]);
    expect(pipeline.counters().late).toBe(1);
  });

  it('does not let an idle camera hold the windows back, and counts it again when it returns in time', () => {
    const { pipeline, collected } = setup();
    pipeline.process(detection({ camera_id: 'cam-2', frame_ts: s(1) }), NOW_MS);
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(100) }), NOW_MS + 1_000);
    expect(collected.itemCounts).toEqual([]); // cam-2 holds the watermark at -1 s
    pipeline.tick(NOW_MS + 31_000); // cam-2 idle for 31 s: excluded
    expect(pipeline.watermark).toBe(s(98));
    expect(collected.itemCounts.map((r) => [r.window_start, r.detections])).toEqual([[T0, 1]]);
    pipeline.process(detection({ camera_id: 'cam-2', frame_ts: s(95) }), NOW_MS + 40_000); // rejoins within the lateness
    expect(pipeline.watermark).toBe(s(98)); // never backwards
    pipeline.process(detection({ camera_id: 'cam-2', frame_ts: s(180) }), NOW_MS + 41_000);
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(180) }), NOW_MS + 41_000);
    expect(collected.itemCounts.map((r) => [r.window_start - T0, r.detections])).toEqual([
      [0, 1],
      [MINUTE_US, 2],
    ]);
  });

  it('closes a silent camera\'s last window once its silence passes the idle timeout, and treats what comes after by the lateness rule', () => {
    const { pipeline, collected } = setup();
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(10) }), NOW_MS);
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(20) }), NOW_MS + 10_000);
    // Window [0, 60 s) fires at watermark 65 s: newest 20 s - 2 s out-of-orderness + silence beyond 30 s.
    pipeline.tick(NOW_MS + 10_000 + 30_000 + 46_000);
    expect(collected.itemCounts).toEqual([]);
    expect(pipeline.watermark).toBe(s(64));
    pipeline.tick(NOW_MS + 10_000 + 30_000 + 47_000);
    expect(collected.itemCounts.map((r) => [r.window_start, r.detections])).toEqual([[T0, 2]]);
    // The camera was only paused: its next detections are judged against the advanced watermark.
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(62) }), NOW_MS + 90_000); // 3 s behind: within the lateness
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(30) }), NOW_MS + 90_000); // its window is gone: late
    expect(pipeline.counters().late).toBe(1);
    expect(collected.lateEvents.map((e) => e.frame_ts)).toEqual([s(30)]);
    pipeline.finish(NOW_MS + 91_000);
    expect(collected.itemCounts.map((r) => [r.window_start - T0, r.detections])).toEqual([
      [0, 2],
      [MINUTE_US, 1],
    ]);
  });

  it('measures idleness in the stream time it is given, not the processing time (a stalled stream is not a silent camera)', () => {
    const { pipeline, collected } = setup();
    const streamAt = 1_000_000;
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(20) }), NOW_MS, streamAt);
    // An hour of processing time, but no evidence that the stream moved: nothing is projected.
    pipeline.tick(NOW_MS + 3_600_000, streamAt);
    expect(pipeline.watermark).toBe(s(18));
    // The backlog arrives: its detections are on time, not late.
    pipeline.process(detection({ camera_id: 'cam-1', frame_ts: s(21) }), NOW_MS + 3_600_000, streamAt + 1_000);
    expect(collected.lateEvents).toEqual([]);
    // Stream time moves 30 s (idle timeout) + 46 s beyond the camera's last detection: [0, 60 s) waits for watermark 65 s.
    pipeline.tick(NOW_MS + 3_600_000, streamAt + 1_000 + 30_000 + 45_000);
    expect(collected.itemCounts).toEqual([]);
    pipeline.tick(NOW_MS + 3_600_000, streamAt + 1_000 + 30_000 + 46_000);
    expect(collected.itemCounts.map((r) => [r.window_start, r.detections, r.computed_ts])).toEqual([[T0, 2, (NOW_MS + 3_600_000) * 1000]]);
  });

  it('rejects detections of unknown cameras and failed quality checks with reasons, and counts them', () => {
    const { pipeline, collected } = setup();
    pipeline.process(detection({ camera_id: 'cam-7' }), NOW_MS);
    pipeline.process(detection({ confidence: 1.2 }), NOW_MS);
    expect(collected.rejected.map((r) => [r.stage, r.reasonCode, r.reason])).toEqual([
      ['join', 'unknown_camera', 'unknown camera "cam-7" (not in the reference cameras)'],
      ['quality', 'confidence_out_of_range', 'confidence 1.2 is outside [0, 1]'],
    ]);
    expect(Object.fromEntries(pipeline.counters().rejectedByReason)).toEqual({ unknown_camera: 1, confidence_out_of_range: 1 });
    expect(collected.silverDetections).toEqual([]);
  });

  it('does not let a rejected detection move the watermark', () => {
    const { pipeline } = setup();
    pipeline.process(detection({ frame_ts: s(10) }), NOW_MS);
    pipeline.process(detection({ frame_ts: s(500), published_ts: s(10) }), NOW_MS); // clock skew
    expect(pipeline.watermark).toBe(s(8));
  });

  it('joins against replaced reference data from the next detection on', () => {
    const { pipeline, collected } = setup(OPTIONS, ReferenceTables.empty());
    pipeline.process(detection({ frame_ts: s(1) }), NOW_MS);
    pipeline.replaceReference(referenceOf(1, 1));
    pipeline.process(detection({ frame_ts: s(2) }), NOW_MS);
    expect(collected.rejected.map((r) => r.reasonCode)).toEqual(['unknown_camera']);
    expect(collected.silverDetections).toHaveLength(1);
  });

  it('writes silver rows with store, camera and zones', () => {
    const reference = referenceOf(1, 1, {
      zones: [{ zone_id: 'z', name: 'Z', kind: 'aisle', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] }],
    });
    const { pipeline, collected } = setup(OPTIONS, reference);
    pipeline.process(detection({ bbox: { x: 0.6, y: 0.1, w: 0.2, h: 0.2 } }), NOW_MS); // stands at (0.7, 0.3): inside the triangle
    pipeline.process(detection({ bbox: { x: 0.1, y: 0.5, w: 0.2, h: 0.2 } }), NOW_MS); // (0.2, 0.7): outside
    expect(collected.silverDetections.map((r) => r.zone_ids)).toEqual([['z'], []]);
    expect(collected.silverDetections[0]).toMatchObject({ camera_name: 'Camera cam-1', timezone: 'Europe/Amsterdam', position_x: 0.7 });
    for (const row of collected.silverDetections) expect(SilverDetection.validate(row).ok).toBe(true);
  });

  it('fires everything on finish and accepts nothing after it', () => {
    const { pipeline, collected } = setup();
    pipeline.process(detection({ frame_ts: s(1) }), NOW_MS);
    pipeline.finish(NOW_MS);
    expect(collected.itemCounts).toHaveLength(1);
    expect(() => pipeline.process(detection(), NOW_MS)).toThrow(/finished/);
    expect(() => pipeline.tick(NOW_MS)).toThrow(/finished/);
  });

  it('refuses a snapshot of another version or taken with other options', () => {
    const { pipeline } = setup();
    const snapshot = pipeline.snapshot();
    expect(() => pipeline.restore({ ...snapshot, version: 99 })).toThrow(/snapshot version 99/);
    expect(() => setup({ ...OPTIONS, patterns: { enabled: false } }).pipeline.restore(snapshot)).toThrow(/patterns enabled/);
  });
});
