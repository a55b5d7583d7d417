// Crops detections out of a frame and writes them, resized and normalised, into a ReID model's
// planar input tensor. The crop window follows the reference DeepSORT's patch extraction: the box
// keeps its height and centre and takes the patch's aspect ratio (so a person is not squashed), its
// corners are truncated to whole pixels and clipped to the frame.

import { samplingTable } from '../../detection/preprocess';
import type { Tlwh } from '../box';
import { TrackingError } from '../errors';
import type { ImageFrame } from './feature-extractor';

/** Whole-pixel crop [left, right) × [top, bottom) of a frame. */
export interface PatchWindow {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** How pixel values become model inputs: `(value / 255 − mean) / std` per channel, fed in `channelOrder`. */
export interface PatchNormalisation {
  /** Per input channel (in `channelOrder`), in [0, 1] units. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly channelOrder: 'rgb' | 'bgr';
}

/**
 * The crop the reference takes for `box` with a patch of `patchWidth × patchHeight`: null when
 * nothing of it lies in the frame. The reference clips the far corner to the last pixel index
 * (so a crop never includes the last row or column); we do the same to feed the same pixels.
 */
export function patchWindowOf(box: Tlwh, patchWidth: number, patchHeight: number, frameWidth: number, frameHeight: number): PatchWindow | null {
  const [x, y, , height] = box;
  const width = (patchWidth / patchHeight) * height;
  const centreX = x + box[2] / 2;
  const x0 = centreX - width / 2;
  const left = Math.max(0, Math.trunc(x0));
  const top = Math.max(0, Math.trunc(y));
  const right = Math.min(frameWidth - 1, Math.trunc(x0 + width));
  const bottom = Math.min(frameHeight - 1, Math.trunc(y + height));
  if (!(left < right && top < bottom)) return null;
  return { left, top, right, bottom };
}

export function checkImageFrame(frame: ImageFrame): void {
  const needed = frame.width * frame.height * frame.channels;
  if (!(frame.width >= 1 && frame.height >= 1) || frame.data.length < needed)
    throw new TrackingError('invalid-input', `frame data has ${frame.data.length} bytes; ${frame.width}×${frame.height}×${frame.channels} needs ${needed}`);
}

/**
 * Writes one patch into `output` at `offset` as 3 planes of `patchHeight × patchWidth` floats:
 * the window resized with bilinear sampling (OpenCV INTER_LINEAR's half-pixel centres, as the
 * reference's cv2.resize), then normalised. A null window (box outside the frame) becomes a patch
 * of the mean colour, i.e. zeros: the model sees "nothing", deterministically (the reference
 * substitutes random numbers there).
 */
export function writePatch(
  frame: ImageFrame,
  window: PatchWindow | null,
  output: Float32Array,
  offset: number,
  patchWidth: number,
  patchHeight: number,
  normalisation: PatchNormalisation,
): void {
  const plane = patchWidth * patchHeight;
  if (offset < 0 || offset + 3 * plane > output.length)
    throw new TrackingError('invalid-input', `tensor of ${output.length} floats has no room for a ${patchWidth}×${patchHeight} patch at offset ${offset}`);
  if (window === null) {
    output.fill(0, offset, offset + 3 * plane);
    return;
  }
  const { channels, width: frameWidth, data } = frame;
  const columns = samplingTable(window.right - window.left, patchWidth, channels);
  const rows = samplingTable(window.bottom - window.top, patchHeight, 1);
  const x0 = columns.lower;
  const x1 = columns.upper;
  const fx = columns.weight;
  const rowBytes = frameWidth * channels;
  const originBytes = window.top * rowBytes + window.left * channels;
  // Output plane k takes source byte `channelOf[k]` of each pixel (0 R, 1 G, 2 B), scaled and shifted to (v/255 − mean) / std.
  const [c0, c1, c2] = normalisation.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const [s0, s1, s2] = normalisation.std.map((std) => 1 / (255 * std)) as [number, number, number];
  const [m0, m1, m2] = normalisation.mean.map((mean, k) => mean / normalisation.std[k]!) as [number, number, number];
  // One pass over the patch for all three planes (the sampling positions are shared).
  let first = offset;
  for (let y = 0; y < patchHeight; y++) {
    const upperRow = originBytes + rows.lower[y]! * rowBytes;
    const lowerRow = originBytes + rows.upper[y]! * rowBytes;
    const wy = rows.weight[y]!;
    for (let x = 0; x < patchWidth; x++, first++) {
      const wx = fx[x]!;
      const a = upperRow + x0[x]!;
      const b = upperRow + x1[x]!;
      const c = lowerRow + x0[x]!;
      const d = lowerRow + x1[x]!;
      let upper = data[a + c0]! + (data[b + c0]! - data[a + c0]!) * wx;
      let lower = data[c + c0]! + (data[d + c0]! - data[c + c0]!) * wx;
      output[first] = (upper + (lower - upper) * wy) * s0 - m0;
      upper = data[a + c1]! + (data[b + c1]! - data[a + c1]!) * wx;
      lower = data[c + c1]! + (data[d + c1]! - data[c + c1]!) * wx;
      output[first + plane] = (upper + (lower - upper) * wy) * s1 - m1;
      upper = data[a + c2]! + (data[b + c2]! - data[a + c2]!) * wx;
      lower = data[c + c2]! + (data[d + c2]! - data[c + c2]!) * wx;
      output[first + 2 * plane] = (upper + (lower - upper) * wy) * s2 - m2;
    }
  }
}
