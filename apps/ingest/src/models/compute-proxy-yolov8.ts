import { COCO_CLASS_NAMES, formatClassNames } from '../detection/class-names';
import { encodeOnnxModel, type OnnxInitializer, type OnnxNode } from './onnx-builder';
import { seededUniform } from './seeded-random';

/*
 * A COMPUTE PROXY for YOLOv8n, for benchmarks only: a plain convolutional network with YOLOv8n's
 * input/output contract (`images` N×3×640×640 → `output0` N×84×8400 from heads at strides 8, 16
 * and 32, SiLU activations) and about the same arithmetic (~8.7 GFLOPs per image), filled with
 * seeded random weights. It lets us time inference against preprocessing and decoding at realistic
 * proportions where the real weights cannot be fetched. Its outputs are noise shaped like
 * detections: it detects nothing, and its speed is only indicative of YOLOv8n's (same FLOPs, a
 * simpler graph: no C2f splits/concats, no SPPF, no DFL). A fixed scene of 20 objects is added to
 * the output so that decoding and NMS have realistic work (see sceneOf).
 */

/** Conv layers of the backbone: [output channels, stride]; input side 640, first layer reads 3 channels. */
const BACKBONE: ReadonlyArray<readonly [number, number]> = [
  [16, 2], // 320
  [32, 2], // 160
  [32, 1],
  [32, 1],
  [32, 1],
  [64, 2], // 80  → P3
  [64, 1],
  [64, 1],
  [64, 1],
  [64, 1],
  [64, 1],
  [64, 1],
  [128, 2], // 40 → P4
  [128, 1],
  [128, 1],
  [128, 1],
  [256, 2], // 20 → P5
  [256, 1],
  [256, 1],
];
/** Backbone layer indices whose outputs feed the heads (last layer at 80, 40 and 20 pixels). */
const HEAD_TAPS = [11, 15, 18] as const;
const HEAD_CHANNELS = 64;
const INPUT_SIZE = 640;
/** Class logits start low: the random network alone puts nothing over a 0.25 threshold. */
const CLASS_BIAS = -4;
/** Weight scale: large enough to keep signal through 19 random layers, small enough not to blow up. */
const WEIGHT_GAIN = 2;
/** The fixed "scene" added to the output: objects, each seen by several overlapping anchors, as YOLO heads do. */
const SCENE_OBJECTS = 20;
const ANCHORS_PER_OBJECT = 5;

/**
 * A fixed busy scene so decoding does realistic work: SCENE_OBJECTS objects (mostly people), each
 * reported by ANCHORS_PER_OBJECT neighbouring anchors with jittered boxes and scores, which NMS
 * must collapse to one box each.
 */
function sceneOf(next: () => number): { values: Float32Array; keep: Float32Array } {
  const anchors = 8400;
  const values = new Float32Array(84 * anchors);
  const keep = new Float32Array(anchors).fill(1);
  for (let object = 0; object < SCENE_OBJECTS; object++) {
    const cx = 80 + (next() + 1) * 240;
    const cy = 120 + (next() + 1) * 200;
    const w = 40 + (next() + 1) * 30;
    const h = w * 2.2;
    const classId = object % 5 === 4 ? 26 : 0; // people, and a handbag now and then
    for (let k = 0; k < ANCHORS_PER_OBJECT; k++) {
      const anchor = object * 97 + k * 11 + 300;
      keep[anchor] = 0;
      values[anchor] = cx + next() * 4;
      values[anchors + anchor] = cy + next() * 4;
      values[2 * anchors + anchor] = w * (1 + next() * 0.05);
      values[3 * anchors + anchor] = h * (1 + next() * 0.05);
      values[(4 + classId) * anchors + anchor] = 0.55 + next() * 0.3;
      values[(4 + 24) * anchors + anchor] = 0.1; // a weaker second class, as real heads produce
    }
  }
  return { values, keep };
}

/**
 * A crowd instead of the default scene: `columns × rows` people on a grid inside the canvas rows `top..bottom` (say
 * where a 16:9 frame sits in the letterbox), none overlapping, so every one survives NMS. Same anchor pattern.
 */
export interface ProxyCrowd {
  readonly columns: number;
  readonly rows: number;
  readonly top: number;
  readonly bottom: number;
}

function crowdOf(crowd: ProxyCrowd, next: () => number): { values: Float32Array; keep: Float32Array } {
  const anchors = 8400;
  const values = new Float32Array(84 * anchors);
  const keep = new Float32Array(anchors).fill(1);
  const cellWidth = INPUT_SIZE / crowd.columns;
  const cellHeight = (crowd.bottom - crowd.top) / crowd.rows;
  for (let object = 0; object < crowd.columns * crowd.rows; object++) {
    const cx = ((object % crowd.columns) + 0.5) * cellWidth;
    const cy = crowd.top + (Math.floor(object / crowd.columns) + 0.5) * cellHeight;
    const h = cellHeight * 0.8;
    const w = Math.min(h / 2.2, cellWidth * 0.8);
    for (let k = 0; k < ANCHORS_PER_OBJECT; k++) {
      const anchor = object * 97 + k * 11 + 300;
      if (anchor >= anchors) throw new RangeError(`a crowd of ${crowd.columns * crowd.rows} does not fit the anchors`);
      keep[anchor] = 0;
      values[anchor] = cx + next();
      values[anchors + anchor] = cy + next();
      values[2 * anchors + anchor] = w * (1 + next() * 0.05);
      values[3 * anchors + anchor] = h * (1 + next() * 0.05);
      values[4 * anchors + anchor] = 0.55 + next() * 0.3;
      values[(4 + 24) * anchors + anchor] = 0.1;
    }
  }
  return { values, keep };
}

export interface ComputeProxyModel {
  readonly bytes: Uint8Array;
  /** Multiply-adds ×2 of the convolutions for one 640×640 image. */
  readonly flopsPerImage: number;
}

export function buildComputeProxyYolov8(seed = 1, crowd?: ProxyCrowd): ComputeProxyModel {
  const next = seededUniform(seed);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  let flops = 0;
  let counter = 0;

  /** conv (+ SiLU) returning the output name; `size` is the output side in pixels. */
  function conv(input: string, inChannels: number, outChannels: number, kernel: number, stride: number, size: number, options: { silu: boolean; bias?: number }): string {
    const id = counter++;
    const weights = new Float32Array(outChannels * inChannels * kernel * kernel);
    // Variance-preserving scale keeps activations bounded through the stack.
    const scale = Math.sqrt((3 * WEIGHT_GAIN) / (inChannels * kernel * kernel));
    for (let i = 0; i < weights.length; i++) weights[i] = next() * scale;
    const bias = new Float32Array(outChannels).fill(options.bias ?? 0);
    initializers.push({ name: `w${id}`, dims: [outChannels, inChannels, kernel, kernel], data: weights }, { name: `b${id}`, dims: [outChannels], data: bias });
    const pad = Math.floor(kernel / 2);
    nodes.push({ op: 'Conv', inputs: [input, `w${id}`, `b${id}`], outputs: [`c${id}`], attributes: { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] } });
    flops += 2 * size * size * outChannels * inChannels * kernel * kernel;
    if (!options.silu) return `c${id}`;
    nodes.push({ op: 'Sigmoid', inputs: [`c${id}`], outputs: [`g${id}`] }, { op: 'Mul', inputs: [`c${id}`, `g${id}`], outputs: [`a${id}`] });
    return `a${id}`;
  }

  let current = 'images';
  let channels = 3;
  let size = INPUT_SIZE;
  const taps: Array<{ name: string; channels: number; size: number }> = [];
  BACKBONE.forEach(([outChannels, stride], index) => {
    size /= stride;
    current = conv(current, channels, outChannels, 3, stride, size, { silu: true });
    channels = outChannels;
    if ((HEAD_TAPS as readonly number[]).includes(index)) taps.push({ name: current, channels, size });
  });

  initializers.push({ name: 'head_shape', dims: [3], data: BigInt64Array.from([0n, 84n, -1n]) });
  const heads = taps.map((tap, index) => {
    const hidden = conv(tap.name, tap.channels, HEAD_CHANNELS, 3, 1, tap.size, { silu: true });
    const box = conv(hidden, HEAD_CHANNELS, 4, 1, 1, tap.size, { silu: false });
    const cls = conv(hidden, HEAD_CHANNELS, COCO_CLASS_NAMES.length, 1, 1, tap.size, { silu: false, bias: CLASS_BIAS });
    nodes.push(
      { op: 'Concat', inputs: [box, cls], outputs: [`head${index}`], attributes: { axis: 1 } },
      { op: 'Reshape', inputs: [`head${index}`, 'head_shape'], outputs: [`flat${index}`] },
    );
    return `flat${index}`;
  });
  // Rows 0-3 become cx, cy in [0, 640) and w, h in [0, 160); rows 4+ class probabilities.
  const rowScale = new Float32Array(84).fill(1);
  rowScale.set([INPUT_SIZE, INPUT_SIZE, 160, 160]);
  initializers.push({ name: 'row_scale', dims: [1, 84, 1], data: rowScale });
  const scene = crowd === undefined ? sceneOf(next) : crowdOf(crowd, next);
  initializers.push({ name: 'scene_values', dims: [1, 84, 8400], data: scene.values }, { name: 'scene_keep', dims: [1, 1, 8400], data: scene.keep });
  nodes.push(
    { op: 'Concat', inputs: heads, outputs: ['raw'], attributes: { axis: 2 } },
    { op: 'Sigmoid', inputs: ['raw'], outputs: ['squashed'] },
    { op: 'Mul', inputs: ['squashed', 'row_scale'], outputs: ['network_out'] },
    // Anchors of the fixed scene take the scene's values; all others keep the network's.
    { op: 'Mul', inputs: ['network_out', 'scene_keep'], outputs: ['kept'] },
    { op: 'Add', inputs: ['kept', 'scene_values'], outputs: ['output0'] },
  );

  const bytes = encodeOnnxModel({
    name: 'yolov8n_compute_proxy',
    inputs: [{ name: 'images', dims: ['batch', 3, INPUT_SIZE, INPUT_SIZE] }],
    outputs: [{ name: 'output0', dims: ['batch', 84, 8400] }],
    nodes,
    initializers,
    metadata: {
      description: 'YOLOv8n compute proxy: random weights, detects nothing; for benchmarks only',
      task: 'detect',
      imgsz: `[${INPUT_SIZE}, ${INPUT_SIZE}]`,
      names: formatClassNames(COCO_CLASS_NAMES),
      version: `proxy-seed-${seed}`,
    },
  });
  return { bytes, flopsPerImage: flops };
}
