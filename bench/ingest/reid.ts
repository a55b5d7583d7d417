// Cost of the ReID appearance extractor per frame with 50 detections on a 640×360 frame (what the
// pipeline hands on for a 16:9 camera): cropping + resizing + normalising into the 50×3×128×64 batch (our
// code), and the model run. The model is the synthetic ReID-shaped one (stripe means, no learned
// weights), so the inference figure is NOT a trained network's cost; no trained ReID weights can be
// fetched here (apps/ingest/src/detection/README.md).
//
// Run: npx tsx bench/ingest/reid.ts [--iterations 50] [--detections 50]
// (or as part of the ingest suite: `npm run bench -- ingest`, which calls runReidBench)

// The benchmark measures ingest's own extractor, which no library exports: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImageFrame } from '../../apps/ingest/src/tracking/appearance/feature-extractor';
import { DEFAULT_REID_MEAN, DEFAULT_REID_STD, ReidOnnxExtractor } from '../../apps/ingest/src/tracking/appearance/reid-onnx-extractor';
import { patchWindowOf, writePatch } from '../../apps/ingest/src/tracking/appearance/reid-patch';
import type { Tlwh } from '../../apps/ingest/src/tracking/box';
import { writeSyntheticReid } from '../../apps/ingest/src/models/synthetic-reid';
import { seededUniform } from '../../apps/ingest/src/models/seeded-random';
import { argument } from './args';

const FRAME_WIDTH = 640;
const FRAME_HEIGHT = 360;
/** Frames extracted before timing (JIT, onnxruntime's arenas). */
const WARMUP_FRAMES = 5;

export interface ReidBenchResult {
  /** Cropping, resizing and normalising a frame's crops, CPU time (steady when the machine is shared). */
  preprocessCpuMsPerFrame: number;
  /** The same through the extractor, wall time. */
  preprocessMsPerFrame: number;
  /** The synthetic model's run per frame of `detections` crops, wall time (not a trained network's cost). */
  syntheticInferenceMsPerFrame: number;
}

/** CPU time of the crop preparation alone, as the extractor does it (same functions, same tensor layout). */
function preprocessCpuMs(frame: ImageFrame, boxes: readonly Tlwh[], iterations: number): number {
  const perPatch = 3 * 128 * 64;
  const input = new Float32Array(boxes.length * perPatch);
  const normalisation = { mean: DEFAULT_REID_MEAN, std: DEFAULT_REID_STD, channelOrder: 'rgb' as const };
  const once = () => boxes.forEach((box, slot) => writePatch(frame, patchWindowOf(box, 64, 128, frame.width, frame.height), input, slot * perPatch, 64, 128, normalisation));
  for (let i = 0; i < WARMUP_FRAMES; i++) once();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) once();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

/** Person-sized boxes (30-90 px wide, 2-3× as tall) at seeded places, some reaching over the frame edge. */
function boxesOf(count: number): Tlwh[] {
  const next = seededUniform(3);
  const unit = () => (next() + 1) / 2;
  return Array.from({ length: count }, () => {
    const width = 30 + 60 * unit();
    const height = width * (2 + unit());
    return [unit() * FRAME_WIDTH - width / 2, unit() * FRAME_HEIGHT - height / 2, width, height] as const;
  });
}

export async function runReidBench(options: { iterations: number; detections: number }): Promise<ReidBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-reid-'));
  try {
    const modelUri = await writeSyntheticReid(path.join(dir, 'reid.onnx'));
    const extractor = await ReidOnnxExtractor.load({ modelUri, modelCacheDir: dir, intraOpThreads: 1 });
    const noise = seededUniform(5);
    const data = Uint8Array.from({ length: FRAME_WIDTH * FRAME_HEIGHT * 3 }, () => Math.floor((noise() + 1) * 127.5));
    const frame: ImageFrame = { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, data };
    const boxes = boxesOf(options.detections);
    try {
      for (let i = 0; i < WARMUP_FRAMES; i++) await extractor.extract(frame, boxes);
      const before = { ...extractor.stats };
      for (let i = 0; i < options.iterations; i++) await extractor.extract(frame, boxes);
      const preprocessMs = extractor.stats.preprocessMs - before.preprocessMs;
      const inferenceMs = extractor.stats.inferenceMs - before.inferenceMs;
      const result: ReidBenchResult = {
        preprocessCpuMsPerFrame: preprocessCpuMs(frame, boxes, options.iterations),
        preprocessMsPerFrame: preprocessMs / options.iterations,
        syntheticInferenceMsPerFrame: inferenceMs / options.iterations,
      };
      const perCrop = (ms: number) => `${((ms * 1000) / options.detections).toFixed(0)} µs/crop`;
      console.log(`ReID extractor, ${options.detections} crops per ${FRAME_WIDTH}×${FRAME_HEIGHT} frame into one ${options.detections}×3×128×64 batch (one thread):`);
      console.log(`  crop + resize + normalise  ${result.preprocessCpuMsPerFrame.toFixed(2)} ms/frame CPU time (${perCrop(result.preprocessCpuMsPerFrame)}); wall ${result.preprocessMsPerFrame.toFixed(2)} ms`);
      console.log(`  synthetic model run        ${result.syntheticInferenceMsPerFrame.toFixed(2)} ms/frame wall (stripe means only: not a trained ReID network's cost)`);
      return result;
    } finally {
      await extractor.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (not imported by bench/ingest/main.ts).
if (require.main === module) {
  runReidBench({ iterations: argument('iterations', 50), detections: argument('detections', 50) }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
