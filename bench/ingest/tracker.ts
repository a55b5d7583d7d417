// DeepSORT update time with 50 detections per frame: our TypeScript port against the reference
// Python implementation on the same input (the parity test's driver, timed in-process).
//
// Run: npx tsx bench/ingest/tracker.ts [--frames 300] [--detections 50]
// (or as part of the ingest suite: `npm run bench -- ingest`, which calls runTrackerBench)
// Prints mean milliseconds per frame (predict + update) for both and ours/reference (target ≤ 0.2).

// The benchmark measures ingest's own tracker, which no library exports: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeepSortTracker } from '../../apps/ingest/src/tracking/deep-sort-tracker';
import { resolveTrackerOptions } from '../../apps/ingest/src/tracking/options';
import { ensureDeepSortVenv, runDriver } from '../../apps/ingest/test/parity/python-env';
import { generateScenario } from '../../apps/ingest/test/parity/scenario';
import { argument } from './args';

/** Frames run before timing starts (JIT warm-up on our side, caches on theirs). */
const WARMUP_FRAMES = 30;
/** Embedding length of the reference's ReID network (cosine metric learning, 128-d). */
const FEATURE_LENGTH = 128;


function timeOurs(frames: ReturnType<typeof generateScenario>): number {
  const inputs = frames.map((frame) => frame.detections.map(({ tlwh, confidence, feature }) => ({ tlwh, confidence, feature: Float32Array.from(feature) })));
  const tracker = new DeepSortTracker();
  let elapsed = 0;
  inputs.forEach((detections, index) => {
    const start = performance.now();
    tracker.step(detections);
    if (index >= WARMUP_FRAMES) elapsed += performance.now() - start;
  });
  return elapsed / (inputs.length - WARMUP_FRAMES);
}

export interface TrackerBenchResult {
  oursMsPerFrame: number;
  referenceMsPerFrame: number;
  /** ours ÷ reference. */
  ratio: number;
}

/** Times our DeepSORT and the reference Python implementation on the same frames; prints and returns the figures. */
export async function runTrackerBench(options: { frames: number; detections: number }): Promise<TrackerBenchResult> {
  const frameCount = options.frames + WARMUP_FRAMES;
  const detectionsPerFrame = options.detections;
  const frames = generateScenario({
    seed: 1,
    frames: frameCount,
    objects: detectionsPerFrame,
    allPresent: true,
    crossings: 0,
    occlusionRate: 0,
    clutterRate: 0,
    featureLength: FEATURE_LENGTH,
  });

  const oursMs = timeOurs(frames);
  const python = await ensureDeepSortVenv();
  const workDir = mkdtempSync(path.join(tmpdir(), 'deepsort-bench-'));
  try {
    const options = resolveTrackerOptions();
    const reference = await runDriver<{ seconds_per_frame: number }>(
      python,
      'bench',
      {
        options: { max_iou_distance: options.maxIouDistance, max_age: options.maxAge, n_init: options.nInit, max_cosine_distance: options.maxCosineDistance, nn_budget: options.nnBudget },
        frames: frames.map((frame) => ({ detections: frame.detections.map(({ tlwh, confidence, feature }) => ({ tlwh, confidence, feature })) })),
        warmup_frames: WARMUP_FRAMES,
      },
      workDir,
    );
    const referenceMs = reference.seconds_per_frame * 1000;
    const ratio = oursMs / referenceMs;
    console.log(`DeepSORT update, ${detectionsPerFrame} detections/frame, ${frameCount - WARMUP_FRAMES} timed frames`);
    console.log(`  ours (TypeScript): ${oursMs.toFixed(3)} ms/frame`);
    console.log(`  reference (Python): ${referenceMs.toFixed(3)} ms/frame`);
    console.log(`  ratio ours/reference: ${ratio.toFixed(3)} (target ≤ 0.2: ${ratio <= 0.2 ? 'met' : 'NOT met'})`);
    return { oursMsPerFrame: oursMs, referenceMsPerFrame: referenceMs, ratio };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// Run directly (not imported by bench/ingest/main.ts).
if (require.main === module) {
  runTrackerBench({ frames: argument('frames', 300), detections: argument('detections', 50) }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
