import { DEFAULT_COMPUTE_OPTIONS, normaliseComputeOptions } from './options';
import { StreamComputeError } from './errors';

describe('normaliseComputeOptions', () => {
  it('fills defaults (1-minute tumbling windows) and keeps given values', () => {
    expect(normaliseComputeOptions()).toEqual(DEFAULT_COMPUTE_OPTIONS);
    expect(DEFAULT_COMPUTE_OPTIONS.window).toMatchObject({ sizeMs: 60_000, slideMs: 60_000 });
    const options = normaliseComputeOptions({ window: { slideMs: 30_000 }, quality: { checks: { bbox: false } } });
    expect(options.window).toMatchObject({ sizeMs: 60_000, slideMs: 30_000 });
    expect(options.quality.checks).toMatchObject({ bbox: false, confidence: true });
  });

  it.each([
    [{ window: { slideMs: 45_000 } }, /window\.slideMs \(WINDOW_SLIDE_MS\): expected a slide that divides/],
    [{ watermark: { outOfOrdernessMs: -1 } }, /watermark\.outOfOrdernessMs \(WATERMARK_OUT_OF_ORDERNESS_MS\): expected an integer >= 0, got -1/],
    [{ dedup: { ttlMs: 1_000 }, window: { allowedLatenessMs: 5_000 } }, /dedup\.ttlMs \(DEDUP_TTL_MS\): expected at least the allowed lateness/],
    [{ dedup: { maxSegments: 0 } }, /dedup\.maxSegments \(DEDUP_MAX_SEGMENTS\): expected an integer >= 1, got 0/],
    [{ quality: { minConfidence: 2 } }, /quality\.minConfidence: expected a number in \[0, 1\]/],
    [{ patterns: { lineHysteresis: 0.7 } }, /patterns\.lineHysteresis/],
  ])('rejects %j naming the option', (input, message) => {
    expect(() => normaliseComputeOptions(input)).toThrow(message);
    expect(() => normaliseComputeOptions(input)).toThrow(StreamComputeError);
  });
});
