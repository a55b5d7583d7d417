import { DetectionError } from './errors';
import { LETTERBOX_PAD_VALUE, letterboxOf, type Letterbox } from './letterbox';
import type { RgbFrame } from './types';

/*
 * Letterbox + bilinear resize + HWC uint8 → CHW float32 [0, 1], fused in one pass that writes
 * straight into the model's input tensor. Hand-written rather than an image library because the
 * frames arrive as raw RGB buffers from GStreamer (nothing to decode), the output must land in a
 * planar float tensor at a batch offset (libraries produce packed images and need a second pass),
 * and the sampling must match what YOLOv8 was trained with (OpenCV INTER_LINEAR: half-pixel
 * centres, no antialiasing) — an exact contract we can test down to the pixel. Values stay float
 * (OpenCV would round the resized image to uint8 first; the difference is under 1/255).
 */

const INV_255 = 1 / 255;

/** Per-geometry sampling tables, built once per camera resolution and reused for every frame. */
interface ResizePlan {
  readonly letterbox: Letterbox;
  /** Byte offsets (x * 3) of the left/right source pixels and the right pixel's weight, per output column. */
  readonly x0: Int32Array;
  readonly x1: Int32Array;
  readonly fx: Float32Array;
  /** Source rows above/below and the lower row's weight, per output row. */
  readonly y0: Int32Array;
  readonly y1: Int32Array;
  readonly fy: Float32Array;
}

/** Source positions sampled by each output index under OpenCV's half-pixel convention, clamped to the image. */
export function samplingTable(sourceSize: number, outputSize: number, byteStride = 1) {
  const lower = new Int32Array(outputSize);
  const upper = new Int32Array(outputSize);
  const weight = new Float32Array(outputSize);
  const ratio = sourceSize / outputSize;
  for (let i = 0; i < outputSize; i++) {
    let s = (i + 0.5) * ratio - 0.5;
    if (s < 0) s = 0;
    let s0 = Math.floor(s);
    if (s0 > sourceSize - 1) s0 = sourceSize - 1;
    const s1 = Math.min(s0 + 1, sourceSize - 1);
    lower[i] = s0 * byteStride;
    upper[i] = s1 * byteStride;
    weight[i] = s1 === s0 ? 0 : s - s0;
  }
  return { lower, upper, weight };
}

function planOf(letterbox: Letterbox): ResizePlan {
  const columns = samplingTable(letterbox.sourceWidth, letterbox.resizedWidth, 3);
  const rows = samplingTable(letterbox.sourceHeight, letterbox.resizedHeight, 1);
  return { letterbox, x0: columns.lower, x1: columns.upper, fx: columns.weight, y0: rows.lower, y1: rows.upper, fy: rows.weight };
}

/** Writes frames into a CHW float32 tensor; caches sampling tables per source resolution. */
export class Preprocessor {
  private readonly plans = new Map<string, ResizePlan>();

  constructor(
    readonly inputWidth: number,
    readonly inputHeight: number,
  ) {}

  /** Floats one frame takes in the input tensor (3 planes). */
  get floatsPerFrame(): number {
    return 3 * this.inputWidth * this.inputHeight;
  }

  /** The letterbox a frame of this size gets (cached). */
  letterboxFor(width: number, height: number): Letterbox {
    return this.planFor(width, height).letterbox;
  }

  /**
   * Fills `output[offset .. offset + 3·H·W)` with the letterboxed frame, channels R, G, B as planes.
   * Returns the letterbox (the same object for every frame of one size) so boxes can be mapped back.
   * `keepPaddingOf`: the letterbox this slot was last written with; when it is this frame's, the grey
   * bands are already in place and are not rewritten (a third of the tensor for 16:9 cameras).
   */
  writeFrame(frame: RgbFrame, output: Float32Array, offset = 0, keepPaddingOf?: Letterbox): Letterbox {
    checkFrame(frame);
    if (offset < 0 || offset + this.floatsPerFrame > output.length) {
      throw new DetectionError('invalid-input', `tensor of ${output.length} floats has no room for a frame at offset ${offset}`);
    }
    const plan = this.planFor(frame.width, frame.height);
    if (keepPaddingOf !== plan.letterbox) fillPadding(plan.letterbox, output, offset);
    const { letterbox } = plan;
    if (letterbox.resizedWidth === letterbox.sourceWidth && letterbox.resizedHeight === letterbox.sourceHeight) copyInto(letterbox, frame.rgb, output, offset);
    else resizeInto(plan, frame.rgb, output, offset);
    return plan.letterbox;
  }

  private planFor(width: number, height: number): ResizePlan {
    const key = `${width}x${height}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = planOf(letterboxOf(width, height, this.inputWidth, this.inputHeight));
      this.plans.set(key, plan);
    }
    return plan;
  }
}

export function checkFrame(frame: RgbFrame): void {
  if (!Number.isInteger(frame.width) || !Number.isInteger(frame.height) || frame.width < 1 || frame.height < 1) {
    throw new DetectionError('invalid-input', `frame size must be positive integers, got ${frame.width}x${frame.height}`);
  }
  const expected = frame.width * frame.height * 3;
  if (frame.rgb.length !== expected) {
    throw new DetectionError(
      'invalid-input',
      `frame ${frame.width}x${frame.height} must hold ${expected} bytes of packed RGB, got ${frame.rgb.length} (row padding or RGBA? convert to packed RGB first)`,
    );
  }
}

/** Grey bands around the resized frame, in all three planes. */
function fillPadding(letterbox: Letterbox, output: Float32Array, offset: number): void {
  const { targetWidth: width, targetHeight: height, resizedWidth, resizedHeight, padLeft, padTop } = letterbox;
  const plane = width * height;
  const right = padLeft + resizedWidth;
  const bottom = padTop + resizedHeight;
  for (let channel = 0; channel < 3; channel++) {
    const base = offset + channel * plane;
    output.fill(LETTERBOX_PAD_VALUE, base, base + padTop * width);
    output.fill(LETTERBOX_PAD_VALUE, base + bottom * width, base + plane);
    if (padLeft === 0 && right === width) continue;
    for (let y = padTop; y < bottom; y++) {
      const row = base + y * width;
      output.fill(LETTERBOX_PAD_VALUE, row, row + padLeft);
      output.fill(LETTERBOX_PAD_VALUE, row + right, row + width);
    }
  }
}

/**
 * The frame already has its letterboxed size (the service hands on 640×360 for a 16:9 camera): bilinear sampling at
 * scale 1 lands on pixel centres with zero weights, i.e. a plain copy, so copy without the interpolation (~6× cheaper).
 * A frame as wide as the input (landscape) fills whole rows, so in each plane it is one contiguous run: it is copied
 * as one span (half the time of row-by-row indexing); a narrower one (portrait) row by row.
 */
function copyInto(letterbox: Letterbox, source: Uint8Array, output: Float32Array, offset: number): void {
  const width = letterbox.targetWidth;
  const plane = width * letterbox.targetHeight;
  const columns = letterbox.resizedWidth;
  const first = offset + letterbox.padTop * width + letterbox.padLeft;
  if (columns === width) {
    copySpan(source, 0, output, first, plane, columns * letterbox.resizedHeight);
    return;
  }
  for (let y = 0; y < letterbox.resizedHeight; y++) copySpan(source, y * columns * 3, output, first + y * width, plane, columns);
}

/** Whether a Uint32Array reads bytes in memory order from its lowest bits (x86, ARM). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Byte → [0, 1] float, the same values as `byte * INV_255`. */
const UNIT_OF_BYTE = Float32Array.from({ length: 256 }, (_, byte) => byte * INV_255);

/** `pixels` packed RGB pixels from `source[from]` to the R, G and B planes at `to`, `to + plane`, `to + 2·plane`. */
function copySpan(source: Uint8Array, from: number, output: Float32Array, to: number, plane: number, pixels: number): void {
  // Views with their own zero-based index: one counter for all three planes, and bounds the JIT can check once.
  const red = output.subarray(to, to + pixels);
  const green = output.subarray(to + plane, to + plane + pixels);
  const blue = output.subarray(to + 2 * plane, to + 2 * plane + pixels);
  let pixel = 0;
  const start = source.byteOffset + from;
  if (LITTLE_ENDIAN && start % 4 === 0) {
    // Four pixels are three aligned 32-bit words: a third of the loads of reading byte by byte.
    const words = new Uint32Array(source.buffer, start, Math.floor(pixels / 4) * 3);
    for (let word = 0; pixel + 4 <= pixels; pixel += 4, word += 3) {
      const w0 = words[word]!;
      const w1 = words[word + 1]!;
      const w2 = words[word + 2]!;
      red[pixel] = UNIT_OF_BYTE[w0 & 255]!;
      green[pixel] = UNIT_OF_BYTE[(w0 >>> 8) & 255]!;
      blue[pixel] = UNIT_OF_BYTE[(w0 >>> 16) & 255]!;
      red[pixel + 1] = UNIT_OF_BYTE[w0 >>> 24]!;
      green[pixel + 1] = UNIT_OF_BYTE[w1 & 255]!;
      blue[pixel + 1] = UNIT_OF_BYTE[(w1 >>> 8) & 255]!;
      red[pixel + 2] = UNIT_OF_BYTE[(w1 >>> 16) & 255]!;
      green[pixel + 2] = UNIT_OF_BYTE[w1 >>> 24]!;
      blue[pixel + 2] = UNIT_OF_BYTE[w2 & 255]!;
      red[pixel + 3] = UNIT_OF_BYTE[(w2 >>> 8) & 255]!;
      green[pixel + 3] = UNIT_OF_BYTE[(w2 >>> 16) & 255]!;
      blue[pixel + 3] = UNIT_OF_BYTE[w2 >>> 24]!;
    }
  }
  const bytes = source.subarray(from, from + pixels * 3);
  for (let at = pixel * 3; pixel < pixels; pixel++, at += 3) {
    red[pixel] = UNIT_OF_BYTE[bytes[at]!]!;
    green[pixel] = UNIT_OF_BYTE[bytes[at + 1]!]!;
    blue[pixel] = UNIT_OF_BYTE[bytes[at + 2]!]!;
  }
}

function resizeInto(plan: ResizePlan, source: Uint8Array, output: Float32Array, offset: number): void {
  const { letterbox, x0, x1, fx, y0, y1, fy } = plan;
  const width = letterbox.targetWidth;
  const plane = width * letterbox.targetHeight;
  const sourceRowBytes = letterbox.sourceWidth * 3;
  const columns = letterbox.resizedWidth;
  for (let y = 0; y < letterbox.resizedHeight; y++) {
    const top = y0[y]! * sourceRowBytes;
    const bottom = y1[y]! * sourceRowBytes;
    const wy = fy[y]!;
    let red = offset + (letterbox.padTop + y) * width + letterbox.padLeft;
    let green = red + plane;
    let blue = green + plane;
    for (let x = 0; x < columns; x++) {
      const wx = fx[x]!;
      const a = top + x0[x]!;
      const b = top + x1[x]!;
      const c = bottom + x0[x]!;
      const d = bottom + x1[x]!;
      // Unrolled over R, G, B: this body runs ~400k times a frame.
      let upper = source[a]! + (source[b]! - source[a]!) * wx;
      let lower = source[c]! + (source[d]! - source[c]!) * wx;
      output[red++] = (upper + (lower - upper) * wy) * INV_255;
      upper = source[a + 1]! + (source[b + 1]! - source[a + 1]!) * wx;
      lower = source[c + 1]! + (source[d + 1]! - source[c + 1]!) * wx;
      output[green++] = (upper + (lower - upper) * wy) * INV_255;
      upper = source[a + 2]! + (source[b + 2]! - source[a + 2]!) * wx;
      lower = source[c + 2]! + (source[d + 2]! - source[c + 2]!) * wx;
      output[blue++] = (upper + (lower - upper) * wy) * INV_255;
    }
  }
}
