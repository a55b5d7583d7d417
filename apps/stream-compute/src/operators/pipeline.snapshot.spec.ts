import fc from 'fast-check';
import type { DedupIds } from './dedup';
import { StreamComputeError } from './errors';
import { collectingOutputs, type CollectedOutputs } from './outputs';
import { ComputePipeline, dedupRefsOf, type PipelineSnapshot, type PipelineSnapshotV1 } from './pipeline';
import type { ComputeOptionsInput } from './options';
import { randomScenario, scenarioReference, type ScenarioOptions, type Step } from './test-support/random-scenario';
import { NOW_MS } from './test-support/fixtures';

const OPTIONS: ComputeOptionsInput = {
  watermark: { outOfOrdernessMs: 1_500, idleTimeoutMs: 30_000 },
  window: { sizeMs: 20_000, slideMs: 5_000, allowedLatenessMs: 2_000 },
  dedup: { ttlMs: 30_000, maxEntries: 150 },
  patterns: { trackLostAfterMs: 3_000, lineHysteresis: 0.02, queue: { minTracks: 2, minDurationMs: 2_000, cooldownMs: 10_000 } },
};
const SCENARIO: ScenarioOptions = { cameras: 3, eventsPerCamera: 80, maxDelayUs: 5_000_000, duplicateRate: 0.1, veryLateRate: 0.03, unknownCameraRate: 0.02, badQualityRate: 0.02, idleGapMs: 40_000 };

/** Runs the steps; at `split` the state goes through a JSON snapshot into a fresh pipeline (a restart). */
function run(steps: readonly Step[], split: number | null): CollectedOutputs {
  const { outputs, collected } = collectingOutputs();
  const reference = scenarioReference(SCENARIO.cameras);
  let pipeline = new ComputePipeline(OPTIONS, outputs, reference);
  steps.forEach((step, i) => {
    if (i === split) {
      const snapshot = JSON.stringify(pipeline.snapshot());
      pipeline = new ComputePipeline(OPTIONS, outputs, reference);
      pipeline.restore(JSON.parse(snapshot));
    }
    if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    else pipeline.tick(step.nowMs);
  });
  pipeline.finish(NOW_MS + 86_400_000);
  return collected;
}

describe('snapshot and restore', () => {
  it('a restart at any point gives exactly the outputs of an uninterrupted run', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (seed, at) => {
        const steps = randomScenario(seed, SCENARIO);
        const split = Math.floor(at * steps.length);
        expect(run(steps, split)).toEqual(run(steps, null));
      }),
      { numRuns: 40 },
    );
  });

  it('the scenarios exercise every output (so the comparison is not vacuous)', () => {
    const totals = new Map<string, number>();
    for (let seed = 1; seed <= 10; seed++)
      for (const [name, rows] of Object.entries(run(randomScenario(seed, SCENARIO), null))) totals.set(name, (totals.get(name) ?? 0) + rows.length);
    for (const name of ['itemCounts', 'silverDetections', 'zoneDwells', 'lineCrossings', 'queueAlerts', 'lateEvents', 'rejected']) expect([name, totals.get(name)]).toEqual([name, expect.any(Number)]);
    for (const [name, count] of totals) expect([name, count > 0]).toEqual([name, true]);
  });

  it('snapshots are plain JSON and identical for identical histories', () => {
    const steps = randomScenario(42, SCENARIO);
    const snapshotAfter = (n: number) => {
      const pipeline = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
      for (const step of steps.slice(0, n)) if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
      return pipeline.snapshot();
    };
    const snapshot = snapshotAfter(150);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(JSON.stringify(snapshotAfter(150))).toBe(JSON.stringify(snapshot));
  });
});

/**
 * Runs the steps like the service: every `every` steps a commit starts (snapshot stored as JSON
 * under a new ref) and completes `lag` steps later (`persisted`); at `split` the process restarts
 * from the newest persisted snapshot (its dedup chain resolved) and the steps after it are
 * delivered again, the outputs produced since then discarded (they were never committed).
 */
function runWithCommits(steps: readonly Step[], split: number, every: number, lag: number, options: ComputeOptionsInput = OPTIONS) {
  const { outputs, collected } = collectingOutputs();
  const reference = scenarioReference(SCENARIO.cameras);
  const stored = new Map<string, string>();
  const lengthsOf = () => Object.fromEntries(Object.entries(collected).map(([name, rows]) => [name, (rows as unknown[]).length]));
  let pipeline = new ComputePipeline(options, outputs, reference);
  let committing: { ref: string; step: number; lengths: Record<string, number> } | undefined;
  let newest: typeof committing;
  let restarted = false;
  const segmentCounts: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    if (committing !== undefined && i === committing.step + lag) {
      pipeline.persisted(committing.ref);
      newest = committing;
      committing = undefined;
    }
    if (i === split && !restarted && newest !== undefined) {
      restarted = true;
      const snapshot = JSON.parse(stored.get(newest.ref)!) as PipelineSnapshot;
      const deltas = new Map(dedupRefsOf(snapshot).map((ref) => [ref, (JSON.parse(stored.get(ref)!) as PipelineSnapshot).dedup.delta]));
      pipeline = new ComputePipeline(options, outputs, reference);
      pipeline.restore(snapshot, (ref) => deltas.get(ref), newest.ref);
      for (const [name, length] of Object.entries(newest.lengths)) (collected[name as keyof CollectedOutputs] as unknown[]).length = length;
      committing = undefined;
      i = newest.step;
    }
    if (i > 0 && i % every === 0 && committing === undefined) {
      const snapshot = pipeline.snapshot();
      segmentCounts.push(snapshot.dedup.segments.length);
      committing = { ref: `cycle-${i}-${segmentCounts.length}`, step: i, lengths: lengthsOf() };
      stored.set(committing.ref, JSON.stringify(snapshot));
    }
    const step = steps[i]!;
    if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    else pipeline.tick(step.nowMs);
  }
  pipeline.finish(NOW_MS + 86_400_000);
  return { collected, segmentCounts, restarted };
}

describe('incremental dedup in pipeline snapshots', () => {
  it('a restart from a chain of persisted snapshots gives exactly the outputs of an uninterrupted run', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0.2, max: 1, noNaN: true }), fc.integer({ min: 5, max: 30 }), fc.integer({ min: 1, max: 4 }), (seed, at, every, lag) => {
        const steps = randomScenario(seed, SCENARIO);
        const { collected, segmentCounts, restarted } = runWithCommits(steps, Math.floor(at * steps.length), every, lag);
        expect(restarted).toBe(true);
        expect(segmentCounts.some((count) => count > 0)).toBe(true);
        expect(collected).toEqual(run(steps, null));
      }),
      { seed: 20_261_122, numRuns: 25 },
    );
  });

  it('snapshots refer to earlier ones and stay within maxSegments (rebasing)', () => {
    const steps = randomScenario(7, SCENARIO);
    const { segmentCounts } = runWithCommits(steps, -1, 5, 2, { ...OPTIONS, dedup: { ...OPTIONS.dedup, maxSegments: 4 } });
    expect(Math.max(...segmentCounts)).toBe(3);
    expect(segmentCounts.filter((count) => count === 0).length).toBeGreaterThan(1); // the first, then rebases
  });

  it('a snapshot with segments needs a resolver', () => {
    const pipeline = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    const steps = randomScenario(3, SCENARIO);
    for (const step of steps.slice(0, 50)) if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    pipeline.snapshot();
    pipeline.persisted('cycle-1');
    expect(pipeline.dedupSegmentRefs).toEqual(['cycle-1']);
    for (const step of steps.slice(50, 60)) if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    const snapshot = JSON.parse(JSON.stringify(pipeline.snapshot())) as PipelineSnapshot;
    expect(dedupRefsOf(snapshot)).toEqual(['cycle-1']);
    const fresh = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    expect(() => fresh.restore(snapshot)).toThrow(StreamComputeError);
    expect(() => fresh.restore(snapshot)).toThrow(/cycle-1.*no resolver/);
  });

  it('requireFullSnapshot makes the next snapshot stand alone', () => {
    const pipeline = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    const steps = randomScenario(3, SCENARIO);
    for (const step of steps.slice(0, 50)) if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    pipeline.snapshot();
    pipeline.persisted('cycle-1');
    pipeline.requireFullSnapshot();
    const snapshot = pipeline.snapshot();
    expect(dedupRefsOf(snapshot)).toEqual([]);
    const fresh = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    fresh.restore(JSON.parse(JSON.stringify(snapshot)));
    expect(fresh.snapshot()).toEqual(snapshot);
  });

  it('restores a version 1 snapshot (dedup ids in full), whose restart gives the same outputs', () => {
    const steps = randomScenario(11, SCENARIO);
    const split = Math.floor(steps.length / 2);
    const { outputs, collected } = collectingOutputs();
    const reference = scenarioReference(SCENARIO.cameras);
    let pipeline = new ComputePipeline(OPTIONS, outputs, reference);
    steps.forEach((step, i) => {
      if (i === split) {
        // What a checkpoint written before the upgrade holds: version 1, dedup as { ids, tsDeltas }.
        const current = pipeline.snapshot();
        expect(current.dedup.segments).toEqual([]);
        const v1: PipelineSnapshotV1 = { ...current, version: 1, dedup: current.dedup.delta };
        pipeline = new ComputePipeline(OPTIONS, outputs, reference);
        pipeline.restore(JSON.parse(JSON.stringify(v1)));
        expect(dedupRefsOf(v1)).toEqual([]);
      }
      if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
      else pipeline.tick(step.nowMs);
    });
    pipeline.finish(NOW_MS + 86_400_000);
    expect(collected).toEqual(run(steps, null));
  });

  it.each<[string, (snapshot: PipelineSnapshot) => unknown, RegExp]>([
    ['an unknown version', (snapshot) => ({ ...snapshot, version: 3 }), /version 3 is neither 2 nor 1/],
    ['version 1 with a version 2 dedup state', (snapshot) => ({ ...snapshot, version: 1 }), /version 1 holds dedup state of version 2/],
    ['version 2 with the legacy dedup layout', (snapshot) => ({ ...snapshot, dedup: snapshot.dedup.delta }), /version 2 holds dedup state of version 1/],
  ])('refuses %s', (_, change, message) => {
    const snapshot = new ComputePipeline(OPTIONS, collectingOutputs().outputs).snapshot();
    const fresh = new ComputePipeline(OPTIONS, collectingOutputs().outputs);
    expect(() => fresh.restore(change(snapshot) as PipelineSnapshot)).toThrow(message);
  });

  it('a short stored delta is refused naming its ref', () => {
    const pipeline = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    const steps = randomScenario(5, SCENARIO);
    for (const step of steps.slice(0, 40)) if (step.kind === 'event') pipeline.process(step.event, step.nowMs);
    const first = pipeline.snapshot();
    pipeline.persisted('s3://warehouse/state/cycle-1.bin');
    const second = JSON.parse(JSON.stringify(pipeline.snapshot())) as PipelineSnapshot;
    const short: DedupIds = { ids: first.dedup.delta.ids.slice(1), tsDeltas: first.dedup.delta.tsDeltas.slice(1) };
    const fresh = new ComputePipeline(OPTIONS, collectingOutputs().outputs, scenarioReference(SCENARIO.cameras));
    expect(() => fresh.restore(second, () => short)).toThrow(/stored delta of ref s3:\/\/warehouse\/state\/cycle-1\.bin holds \d+ ids, the snapshot expects/);
  });
});
