import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeOnnxModel, type OnnxInitializer, type OnnxNode } from './onnx-builder';
import { seededUniform } from './seeded-random';

/*
 * A ReID-SHAPED test model: the input/output contract of DeepSORT's appearance network
 * (`input` N×3×128×64 → `features` N×128) with NO learned weights. It cannot tell two people
 * apart the way a trained ReID network does (by clothing texture, build, gait); it only describes
 * the crop's colour layout:
 *
 *   - the crop is averaged over STRIPES horizontal stripes per channel (AveragePool), giving
 *     3 × STRIPES numbers ("red top, blue trousers" in the normalised input's units);
 *   - `projection: 'random'` (default) multiplies them by a fixed seeded random matrix to 128
 *     numbers, as a real embedding head would spread them; `'identity'` returns the stripe means
 *     themselves (length 3 × STRIPES), so tests can compute the expected feature by hand.
 *
 * What it shows: model loading from any model source, input-size discovery, crop/resize/normalise,
 * batching all crops of a frame into one run (each output row depends on its own crop only), L2
 * normalisation, and that the tracker's appearance cascade runs on these features (differently
 * coloured objects get far-apart features, the same object similar ones). What it cannot show: ReID
 * accuracy, or a trained network's cost per crop.
 */

export const SYNTHETIC_REID_INPUT = { width: 64, height: 128 } as const;
/** Horizontal stripes averaged per channel. */
export const SYNTHETIC_REID_STRIPES = 8;
/** DeepSORT's embedding length. */
export const SYNTHETIC_REID_EMBEDDING = 128;

export interface SyntheticReidOptions {
  readonly projection?: 'random' | 'identity';
  /** true (default): batch dimension `batch`; false: fixed batch of 1. */
  readonly dynamicBatch?: boolean;
  readonly seed?: number;
}

/** Length of the model's output row. */
export function syntheticReidFeatureLength(projection: 'random' | 'identity' = 'random'): number {
  return projection === 'identity' ? 3 * SYNTHETIC_REID_STRIPES : SYNTHETIC_REID_EMBEDDING;
}

export function buildSyntheticReid(options: SyntheticReidOptions = {}): Uint8Array {
  const projection = options.projection ?? 'random';
  const { width, height } = SYNTHETIC_REID_INPUT;
  const stripeHeight = height / SYNTHETIC_REID_STRIPES;
  const pooled = 3 * SYNTHETIC_REID_STRIPES;
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [
    // [N, 3, 128, 64] → [N, 3, 8, 1]: the mean of each channel over each stripe.
    { op: 'AveragePool', inputs: ['input'], outputs: ['stripes'], attributes: { kernel_shape: [stripeHeight, width], strides: [stripeHeight, width] } },
    // → [N, 24], channel-major (all red stripes, then green, then blue).
    { op: 'Flatten', inputs: ['stripes'], outputs: projection === 'identity' ? ['features'] : ['stripe_means'], attributes: { axis: 1 } },
  ];
  if (projection === 'random') {
    const next = seededUniform(options.seed ?? 7);
    const weights = new Float32Array(pooled * SYNTHETIC_REID_EMBEDDING);
    for (let i = 0; i < weights.length; i++) weights[i] = next();
    initializers.push({ name: 'projection', dims: [pooled, SYNTHETIC_REID_EMBEDDING], data: weights });
    nodes.push({ op: 'MatMul', inputs: ['stripe_means', 'projection'], outputs: ['features'] });
  }
  const batch = options.dynamicBatch === false ? 1 : 'batch';
  return encodeOnnxModel({
    name: 'synthetic_reid',
    inputs: [{ name: 'input', dims: [batch, 3, height, width] }],
    outputs: [{ name: 'features', dims: [batch, syntheticReidFeatureLength(projection)] }],
    nodes,
    initializers,
    metadata: {
      description: 'Synthetic ReID-shaped test model (stripe colour means; no learned weights, no ReID accuracy)',
      author: 'retail-lakehouse tests',
      version: `synthetic-reid-1-${projection}`,
    },
  });
}

/** Writes the model to `file` (creating folders) and returns the path. */
export async function writeSyntheticReid(file: string, options: SyntheticReidOptions = {}): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, buildSyntheticReid(options));
  return file;
}
