import fc from 'fast-check';
import { NO_WATERMARK, WatermarkTracker } from './watermarks';
import { NOW_MS, SECOND_US, T0 } from './test-support/fixtures';

const OPTIONS = { outOfOrdernessMs: 2_000, idleTimeoutMs: 30_000 };

describe('WatermarkTracker', () => {
  it('has no watermark before any event', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    expect(tracker.advance(NOW_MS)).toBe(NO_WATERMARK);
  });

  it('trails the newest event time by the out-of-orderness and ignores older events', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.observe('cam-1', T0 + 5 * SECOND_US, NOW_MS);
    expect(tracker.advance(NOW_MS)).toBe(T0 + 8 * SECOND_US);
  });

  it('is the minimum over active cameras', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.observe('cam-2', T0 + 4 * SECOND_US, NOW_MS);
    expect(tracker.advance(NOW_MS)).toBe(T0 + 2 * SECOND_US);
  });

  it('excludes a camera idle longer than the timeout, and never moves back when it rejoins', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.observe('cam-2', T0 + 4 * SECOND_US, NOW_MS);
    expect(tracker.advance(NOW_MS + 30_000)).toBe(T0 + 2 * SECOND_US); // exactly at the timeout: still active
    tracker.observe('cam-1', T0 + 50 * SECOND_US, NOW_MS + 31_000);
    expect(tracker.advance(NOW_MS + 31_000)).toBe(T0 + 48 * SECOND_US); // cam-2 is idle now
    expect(tracker.activeCameras(NOW_MS + 31_000)).toEqual(['cam-1']);

    tracker.observe('cam-2', T0 + 6 * SECOND_US, NOW_MS + 32_000); // rejoins far behind
    expect(tracker.advance(NOW_MS + 32_000)).toBe(T0 + 48 * SECOND_US);
    expect(tracker.activeCameras(NOW_MS + 32_000)).toEqual(['cam-1', 'cam-2']);
    // ...and holds it until it catches up.
    tracker.observe('cam-1', T0 + 90 * SECOND_US, NOW_MS + 33_000);
    expect(tracker.advance(NOW_MS + 33_000)).toBe(T0 + 48 * SECOND_US);
    tracker.observe('cam-2', T0 + 70 * SECOND_US, NOW_MS + 34_000);
    expect(tracker.advance(NOW_MS + 34_000)).toBe(T0 + 68 * SECOND_US);
  });

  it('with every camera idle, follows processing time beyond the idle timeout', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    expect(tracker.advance(NOW_MS)).toBe(T0 + 8 * SECOND_US);
    expect(tracker.advance(NOW_MS + 30_000)).toBe(T0 + 8 * SECOND_US); // at the timeout: not idle yet
    expect(tracker.advance(NOW_MS + 30_500)).toBe(T0 + 8.5 * SECOND_US); // silent 0.5 s beyond it
    expect(tracker.advance(NOW_MS + 90_000)).toBe(T0 + 68 * SECOND_US);
    expect(tracker.advance(NOW_MS + 3_600_000)).toBe(T0 + 3_578 * SECOND_US);
  });

  it('with every camera idle, the slowest projected camera decides; a camera that sends again stops the projection', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.observe('cam-2', T0 + 20 * SECOND_US, NOW_MS + 5_000);
    // cam-1: 10 s + (45 - 30) s = 25 s; cam-2: 20 s + (40 - 30) s = 30 s → 25 s - 2 s.
    expect(tracker.advance(NOW_MS + 45_000)).toBe(T0 + 23 * SECOND_US);
    // cam-2 sends again, behind the projected watermark: it is active, and the watermark does not move back.
    tracker.observe('cam-2', T0 + 21 * SECOND_US, NOW_MS + 46_000);
    expect(tracker.advance(NOW_MS + 46_000)).toBe(T0 + 23 * SECOND_US);
    expect(tracker.advance(NOW_MS + 60_000)).toBe(T0 + 23 * SECOND_US); // cam-2 active: no projection
    tracker.observe('cam-2', T0 + 40 * SECOND_US, NOW_MS + 61_000);
    expect(tracker.advance(NOW_MS + 61_000)).toBe(T0 + 38 * SECOND_US);
  });

  it('projects idle cameras the same after a restore', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.advance(NOW_MS);
    const copy = new WatermarkTracker(OPTIONS);
    copy.restore(JSON.parse(JSON.stringify(tracker.snapshot())));
    expect(copy.advance(NOW_MS + 40_000)).toBe(tracker.advance(NOW_MS + 40_000));
    expect(copy.current).toBe(T0 + 18 * SECOND_US);
  });

  it('restores a snapshot exactly (through JSON)', () => {
    const tracker = new WatermarkTracker(OPTIONS);
    tracker.observe('cam-1', T0 + 10 * SECOND_US, NOW_MS);
    tracker.observe('cam-2', T0 + 20 * SECOND_US, NOW_MS + 5);
    tracker.advance(NOW_MS + 5);
    const copy = new WatermarkTracker(OPTIONS);
    copy.restore(JSON.parse(JSON.stringify(tracker.snapshot())));
    expect(copy.snapshot()).toEqual(tracker.snapshot());
    expect(copy.current).toBe(tracker.current);
    const empty = new WatermarkTracker(OPTIONS);
    copy.restore(JSON.parse(JSON.stringify(empty.snapshot())));
    expect(copy.current).toBe(NO_WATERMARK);
  });
});

describe('WatermarkTracker against a from-scratch computation', () => {
  it('skipping recomputation never changes the watermark', () => {
    const step = fc.record({
      camera: fc.integer({ min: 0, max: 4 }),
      eventS: fc.integer({ min: 0, max: 100 }),
      gapMs: fc.integer({ min: 0, max: 40_000 }),
      /** A tick this long after the event, with no event: cameras may go idle in between. */
      tickMs: fc.option(fc.integer({ min: 0, max: 40_000 })),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const tracker = new WatermarkTracker(OPTIONS);
        const newest = new Map<number, { max: number; seen: number }>();
        let expected = NO_WATERMARK;
        const expectedAt = (now: number) => {
          const active = [...newest.values()].filter((c) => now - c.seen <= OPTIONS.idleTimeoutMs);
          // With no active camera, each camera's clock runs on by its silence beyond the idle timeout.
          const clocks = active.length > 0 ? active.map((c) => c.max) : [...newest.values()].map((c) => c.max + Math.max(0, now - c.seen - OPTIONS.idleTimeoutMs) * 1000);
          if (clocks.length > 0) expected = Math.max(expected, Math.min(...clocks) - OPTIONS.outOfOrdernessMs * 1000);
          return expected;
        };
        let now = NOW_MS;
        for (const { camera, eventS, gapMs, tickMs } of steps) {
          now += gapMs;
          const ts = T0 + eventS * SECOND_US;
          tracker.observe(`cam-${camera}`, ts, now);
          const clock = newest.get(camera) ?? { max: ts, seen: now };
          newest.set(camera, { max: Math.max(clock.max, ts), seen: now });
          expect(tracker.advance(now)).toBe(expectedAt(now));
          if (tickMs !== null) {
            now += tickMs;
            expect(tracker.advance(now)).toBe(expectedAt(now));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
