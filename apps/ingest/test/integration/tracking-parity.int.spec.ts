// Parity of our DeepSORT port with the reference implementation (nwojke/deep_sort, packaged on
// PyPI as `deepsort`), run by test/parity/deepsort_driver.py in a cached virtualenv: the same
// detections must get the same track ids, and every live track the same state, frame by frame.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linearSumAssignment } from '../../src/tracking/linear-sum-assignment';
import { resolveTrackerOptions, type TrackerOptions } from '../../src/tracking/options';
import { ensureDeepSortVenv, runDriver } from '../parity/python-env';
import { hypothesesOf, runOurs, type FrameSnapshot } from '../parity/run-ours';
import { seededRandom } from '@retail/runtime';
import { generateScenario, type ScenarioSpec } from '../parity/scenario';

/** Boxes come from the same arithmetic in a different order (BLAS vs plain loops): only rounding may differ. */
const BOX_TOLERANCE_PX = 1e-6;

interface Metrics {
  mota: number;
  idf1: number;
  id_switches: number;
  false_positives: number;
  misses: number;
}

interface ReferenceRun {
  frames: FrameSnapshot[];
  metrics: { reference: Metrics; ours: Metrics };
}

const scenarios: { name: string; spec: ScenarioSpec; options: TrackerOptions }[] = [
  { name: 'walkers crossing', spec: { seed: 7, frames: 150, objects: 12, crossings: 2 }, options: {} },
  { name: 'crowded with clutter and occlusions', spec: { seed: 21, frames: 120, objects: 25, crossings: 3, occlusionRate: 0.03, clutterRate: 0.6 }, options: {} },
  {
    name: 'short memory (n_init 2, max_age 8, budget 5)',
    spec: { seed: 99, frames: 120, objects: 10, crossings: 1, occlusionRate: 0.04, featureNoise: 0.05 },
    options: { nInit: 2, maxAge: 8, nnBudget: 5, maxCosineDistance: 0.3, maxIouDistance: 0.6 },
  },
];

let python: string;
let workDir: string;
const report: string[] = [];

beforeAll(async () => {
  python = await ensureDeepSortVenv();
  workDir = mkdtempSync(path.join(tmpdir(), 'deepsort-parity-'));
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (report.length > 0) console.log(['DeepSORT parity (MOTA / IDF1 / id switches, ours vs reference):', ...report].join('\n'));
});

describe('DeepSORT parity with the reference implementation', () => {
  it.each(scenarios)('$name: same ids per detection and same track states', async ({ name, spec, options }) => {
    const frames = generateScenario(spec);
    const ours = runOurs(frames, options);
    const resolved = resolveTrackerOptions(options);
    const reference = await runDriver<ReferenceRun>(
      python,
      'track',
      {
        options: {
          max_iou_distance: resolved.maxIouDistance,
          max_age: resolved.maxAge,
          n_init: resolved.nInit,
          max_cosine_distance: resolved.maxCosineDistance,
          nn_budget: resolved.nnBudget,
        },
        frames: frames.map((frame) => ({ detections: frame.detections.map(({ tlwh, confidence, feature }) => ({ tlwh, confidence, feature })), truth: frame.truth })),
        ours: ours.map(hypothesesOf),
      },
      workDir,
    );

    expect(reference.frames).toHaveLength(frames.length);
    let maxBoxError = 0;
    let tracksCompared = 0;
    reference.frames.forEach((expected, index) => {
      const actual = ours[index]!;
      const where = `${name}, frame ${index}`;
      expect({ where, ids: actual.detection_track_ids }).toEqual({ where, ids: expected.detection_track_ids });
      const { tracks: expectedTracks } = expected;
      expect({ where, tracks: actual.tracks.map(({ tlwh: _, ...rest }) => rest) }).toEqual({ where, tracks: expectedTracks.map(({ tlwh: _, ...rest }) => rest) });
      expectedTracks.forEach((track, k) => {
        track.tlwh.forEach((value, i) => (maxBoxError = Math.max(maxBoxError, Math.abs(value - actual.tracks[k]!.tlwh[i]!))));
        tracksCompared += 1;
      });
    });
    expect(maxBoxError).toBeLessThan(BOX_TOLERANCE_PX);
    // The scenario must exercise the tracker: many tracks, and at least one confirmed.
    expect(tracksCompared).toBeGreaterThan(frames.length);

    const { reference: ref, ours: our } = reference.metrics;
    for (const metrics of [ref, our]) {
      expect(metrics.mota).toBeGreaterThan(0);
      expect(metrics.mota).toBeLessThanOrEqual(1);
      expect(metrics.idf1).toBeGreaterThan(0);
      expect(metrics.idf1).toBeLessThanOrEqual(1);
    }
    // Same ids and boxes frame by frame, so motmetrics scores both the same: every count equal, the ratios to rounding.
    expect({ idSwitches: our.id_switches, falsePositives: our.false_positives, misses: our.misses }).toEqual({
      idSwitches: ref.id_switches,
      falsePositives: ref.false_positives,
      misses: ref.misses,
    });
    expect(our.mota).toBeCloseTo(ref.mota, 9);
    expect(our.idf1).toBeCloseTo(ref.idf1, 9);
    const detections = frames.reduce((sum, frame) => sum + frame.detections.length, 0);
    report.push(
      `  ${name} (${frames.length} frames, ${detections} detections, ${tracksCompared} track states, max box error ${maxBoxError.toExponential(1)} px): ` +
        `ours MOTA ${our.mota.toFixed(4)} IDF1 ${our.idf1.toFixed(4)} IDsw ${our.id_switches} FP ${our.false_positives} FN ${our.misses} | ` +
        `reference MOTA ${ref.mota.toFixed(4)} IDF1 ${ref.idf1.toFixed(4)} IDsw ${ref.id_switches} FP ${ref.false_positives} FN ${ref.misses}`,
    );
  });

  it('linear assignment picks the same pairs as SciPy, ties included', async () => {
    const random = seededRandom(5);
    const matrices: number[][][] = [];
    for (let k = 0; k < 300; k++) {
      const rows = 1 + Math.floor(random() * 7);
      const cols = 1 + Math.floor(random() * 7);
      // Small integer costs make many equal-cost optima, where only identical tie-breaking agrees.
      const integer = k % 2 === 0;
      matrices.push(Array.from({ length: rows }, () => Array.from({ length: cols }, () => (integer ? Math.floor(random() * 3) : random()))));
    }
    const { assignments } = await runDriver<{ assignments: { rows: number[]; cols: number[] }[] }>(python, 'lsa', { matrices }, workDir);
    matrices.forEach((matrix, k) => {
      const rows = matrix.length;
      const cols = matrix[0]!.length;
      const ours = linearSumAssignment({ rows, cols, values: Float64Array.from(matrix.flat()) });
      expect({ k, rows: ours.rows, cols: ours.cols }).toEqual({ k, ...assignments[k] });
    });
  });
});
