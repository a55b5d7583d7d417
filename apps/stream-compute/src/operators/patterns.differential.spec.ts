import fc from 'fast-check';
import { seededRandom } from '@retail/runtime';
import type { DetectionEvent } from '@retail/schema';
import { decimal, PatternDetector, type PatternOptions, type PatternOutputs, type PatternSnapshot } from './patterns';
import { ReferenceTables } from './reference-join';
import { camera, SECOND_US, store } from './test-support/fixtures';
import { randomScenario, scenarioReference, type ScenarioOptions, type Step } from './test-support/random-scenario';
import { ReferencePatternDetector } from './test-support/reference-patterns';

// The detector against the implementation it replaced (kept in test-support): same rows, in the
// same order across the three outputs, same snapshots and counters, on random scenarios with
// disorder, duplicates, unknown cameras, idle gaps and a reference-data update mid-stream.

const SCENARIO: ScenarioOptions = { cameras: 3, eventsPerCamera: 250, maxDelayUs: 4_000_000, duplicateRate: 0.05, veryLateRate: 0.02, unknownCameraRate: 0.02, badQualityRate: 0, idleGapMs: 30_000 };

interface Detector {
  offer(event: DetectionEvent): void;
  advance(watermark: number): void;
  snapshot(): PatternSnapshot;
  restore(snapshot: PatternSnapshot): void;
  lateSkipped: number;
  unknownCameraSkipped: number;
  readonly trackCount: number;
  readonly buffered: number;
}
type Make = (options: PatternOptions, reference: () => ReferenceTables, outputs: PatternOutputs) => Detector;
const makeCurrent: Make = (options, reference, outputs) => new PatternDetector(options, reference, outputs);
const makeReference: Make = (options, reference, outputs) => new ReferencePatternDetector(options, reference, outputs);

type Row = ['dwell' | 'crossing' | 'alert', unknown];

/** Every output row in emission order, whatever its kind; with `failEvery`, every so many rows the output throws after taking it. */
function loggingOutputs(failEvery: number | null): { outputs: PatternOutputs; rows: Row[] } {
  const rows: Row[] = [];
  const log = (kind: Row[0], row: unknown) => {
    rows.push([kind, row]);
    if (failEvery !== null && rows.length % failEvery === 0) throw new Error(`output failure after row ${rows.length}`);
  };
  return { rows, outputs: { zoneDwell: (row) => log('dwell', row), lineCrossing: (row) => log('crossing', row), queueAlert: (row) => log('alert', row) } };
}

/** The scenario's reference data after an update: a zone gone, a zone renamed, a line moved, a camera gone. */
function updatedReference(): ReferenceTables {
  const base = scenarioReference(SCENARIO.cameras);
  const cam1 = base.camera('cam-1')!;
  const cam2 = base.camera('cam-2')!;
  const polygon = (points: readonly { x: number; y: number }[]) => points.map((p) => ({ x: p.x, y: p.y }));
  return new ReferenceTables(
    [store('store-1'), store('store-2', { name: 'Store two, renamed' })],
    [
      camera('cam-1', 'store-1', {
        zones: cam1.zones.filter((z) => z.kind !== 'shelf').map((z) => ({ zone_id: z.zoneId, name: z.name, kind: z.kind, polygon: polygon(z.polygon) })),
        lines: cam1.lines.map((l) => ({ line_id: l.lineId, name: l.name, a: { x: l.a.x, y: 0.7 }, b: { x: l.b.x, y: 0.7 } })),
      }),
      camera('cam-2', 'store-2', {
        zones: cam2.zones.map((z) => ({ zone_id: z.zoneId, name: `${z.name} (new)`, kind: z.kind, polygon: polygon(z.polygon) })),
        lines: cam2.lines.map((l) => ({ line_id: l.lineId, name: l.name, a: l.a, b: l.b })),
      }),
    ],
  );
}

interface Plan {
  steps: Step[];
  options: PatternOptions;
  /** Watermark = highest event time seen − lag, advanced every `every` steps (and fully on ticks). */
  lagUs: number;
  every: number;
  /** Step at which the reference data is replaced (never when beyond the steps). */
  updateAt: number;
  /** Steps after which snapshots are compared. */
  checkpoints: number[];
  /** Every so many rows the outputs throw (the detector must lose nothing it had not taken yet); null: never. */
  failEvery: number | null;
}

function planOf(seed: number): Plan {
  const random = seededRandom(seed ^ 0x5eed);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  // Half the scenarios on a coarse clock: many sightings (of several tracks and cameras) share an
  // event time, so ties in the release order and tracks lost at the same moment are common.
  const gridUs = random() < 0.5 ? 1 : between(2, 10) * 100_000;
  const steps = randomScenario(seed, SCENARIO).map((step) =>
    step.kind === 'event' ? { ...step, event: { ...step.event, frame_ts: step.event.frame_ts - (step.event.frame_ts % gridUs) } } : step,
  );
  return {
    steps,
    options: {
      trackLostAfterMs: between(1, 8) * 1_000,
      lineHysteresis: [0.01, 0.02, 0.05][between(0, 2)]!,
      queue: { minTracks: between(1, 3), minDurationMs: between(0, 6) * 1_000, cooldownMs: between(0, 20) * 1_000 },
    },
    lagUs: between(0, 5) * SECOND_US,
    every: between(1, 20),
    updateAt: random() < 0.7 ? between(0, steps.length) : Number.POSITIVE_INFINITY,
    checkpoints: [between(0, steps.length), between(0, steps.length), between(0, steps.length)],
    failEvery: random() < 0.25 ? between(5, 60) : null,
  };
}

interface RunResult {
  rows: Row[];
  failures: number;
  snapshots: string[];
  counters: [lateSkipped: number, unknownCameraSkipped: number];
}

/**
 * Runs a plan on a detector; at `restartAt` the state moves through a JSON snapshot into a fresh
 * detector made by `restartWith` (a restart, possibly restoring another implementation's snapshot).
 */
function run(plan: Plan, make: Make, restart?: { at: number; with: Make }): RunResult {
  const { outputs, rows } = loggingOutputs(plan.failEvery);
  let failures = 0;
  const advance = (watermark: number) => {
    // A failed advance is retried by the next one, as the pipeline's caller would after an error.
    try {
      detector.advance(watermark);
    } catch {
      failures++;
    }
  };
  const before = scenarioReference(SCENARIO.cameras);
  const after = updatedReference();
  let tables = before;
  const reference = () => tables;
  let detector = make(plan.options, reference, outputs);
  const snapshots: string[] = [];
  let late = 0;
  let unknown = 0;
  let highest = Number.NEGATIVE_INFINITY;
  plan.steps.forEach((step, i) => {
    if (i === plan.updateAt) tables = after;
    if (restart !== undefined && i === restart.at) {
      const snapshot = JSON.stringify(detector.snapshot());
      late += detector.lateSkipped;
      unknown += detector.unknownCameraSkipped;
      detector = restart.with(plan.options, reference, outputs);
      detector.restore(JSON.parse(snapshot));
    }
    if (plan.checkpoints.includes(i)) snapshots.push(JSON.stringify(detector.snapshot()));
    if (step.kind === 'tick') {
      advance(highest);
      return;
    }
    detector.offer(step.event);
    highest = Math.max(highest, step.event.frame_ts);
    if (i % plan.every === 0) advance(highest - plan.lagUs);
  });
  while (detector.trackCount > 0 || detector.buffered > 0 || failures === 0) {
    const before = failures;
    advance(Number.POSITIVE_INFINITY);
    if (failures === before) break;
  }
  snapshots.push(JSON.stringify(detector.snapshot()));
  expect([detector.trackCount, detector.buffered]).toEqual([0, 0]);
  return { rows, failures, snapshots, counters: [late + detector.lateSkipped, unknown + detector.unknownCameraSkipped] };
}

describe('PatternDetector against the implementation it replaced', () => {
  it('gives the same rows in the same order, the same snapshots and the same counters', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const plan = planOf(seed);
        expect(run(plan, makeCurrent)).toEqual(run(plan, makeReference));
      }),
      { numRuns: 60 },
    );
  });

  it('continues exactly after a restart, also from a snapshot the replaced implementation wrote', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (seed, at, fromReference) => {
        const plan = { ...planOf(seed), checkpoints: [], failEvery: null };
        const uninterrupted = run(plan, makeReference);
        const restartAt = Math.floor(at * plan.steps.length);
        const restarted = run(plan, fromReference ? makeReference : makeCurrent, { at: restartAt, with: makeCurrent });
        expect(restarted).toEqual(uninterrupted);
      }),
      { numRuns: 40 },
    );
  });

  it('the scenarios exercise every kind of row (so the comparison is not vacuous)', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++)
      for (const [kind, row] of run({ ...planOf(seed), failEvery: null }, makeCurrent).rows) {
        const fields = row as { ended_by?: string; state?: string; direction?: string; zone_name?: string };
        seen.add(`${kind}:${fields.ended_by ?? fields.state ?? fields.direction}`);
        if (fields.zone_name?.endsWith('(new)')) seen.add('renamed zone');
      }
    expect([...seen].sort()).toEqual(['alert:cleared', 'alert:raised', 'crossing:in', 'crossing:out', 'dwell:exit', 'dwell:track_lost', 'renamed zone']);
    const plans = Array.from({ length: 40 }, (_, seed) => planOf(seed));
    expect(plans.filter((plan) => plan.failEvery !== null && run(plan, makeCurrent).failures > 0).length).toBeGreaterThanOrEqual(3);
    const tiedLosses = plans.filter((plan) => {
      const losses = run({ ...plan, failEvery: null }, makeCurrent).rows.filter(([kind, row]) => kind === 'dwell' && (row as { ended_by: string }).ended_by === 'track_lost');
      const keys = losses.map(([, row]) => `${(row as { camera_id: string }).camera_id}:${(row as { exit_ts: number }).exit_ts}`);
      return new Set(keys).size < keys.length;
    });
    expect(tiedLosses.length).toBeGreaterThanOrEqual(3);
  });
});

describe('decimal (the timestamps in row ids)', () => {
  it('is String(n) for any number', () => {
    const edges = [0, -1, 1e8 - 1, 1e8, 1e8 + 1, 2e8 - 1, 1795255204217993, 1795255299999999, 1795255300000000, 9_007_199_199_999_999, 6_710_886_399_999_999, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e21, 0.5, -0, NaN, Infinity];
    for (const n of edges) expect([n, decimal(n)]).toEqual([n, String(n)]);
    fc.assert(
      fc.property(fc.oneof(fc.tuple(fc.integer({ min: 0, max: 90_071_992 }), fc.integer({ min: 0, max: 99_999_999 })).map(([high, low]) => high * 100_000_000 + low), fc.maxSafeInteger(), fc.double()), (n) => {
        expect(decimal(n)).toBe(String(n));
      }),
      { numRuns: 2_000 },
    );
  });
});
