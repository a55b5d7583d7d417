import fc from 'fast-check';
import { DetectionError } from './errors';
import { LETTERBOX_PAD_VALUE, letterboxOf } from './letterbox';
import { Preprocessor } from './preprocess';
import type { VideoFrame } from '../sources/frame-source';
import type { RgbFrame } from './types';

/** Compile-time guard: the camera sources' frames go to the detector as they are. */
const videoFramesAreRgbFrames: (frame: VideoFrame) => RgbFrame = (frame) => frame;
void videoFramesAreRgbFrames;

function frameOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  }
  return { width, height, rgb: data };
}

/** Value at (channel, y, x) of a CHW tensor. */
function at(tensor: Float32Array, size: number, channel: number, y: number, x: number, offset = 0): number {
  return tensor[offset + channel * size * size + y * size + x]!;
}

/** Plain reference: OpenCV INTER_LINEAR semantics, one pixel at a time, no tables. */
function referenceSample(frame: RgbFrame, resizedW: number, resizedH: number, x: number, y: number, channel: number): number {
  const source = (i: number, outSize: number, inSize: number) => Math.min(Math.max((i + 0.5) * (inSize / outSize) - 0.5, 0), inSize - 1);
  const sx = source(x, resizedW, frame.width);
  const sy = source(y, resizedH, frame.height);
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const x1 = Math.min(x0 + 1, frame.width - 1);
  const y1 = Math.min(y0 + 1, frame.height - 1);
  const value = (px: number, py: number) => frame.rgb[(py * frame.width + px) * 3 + channel]!;
  const top = value(x0, y0) * (1 - (sx - x0)) + value(x1, y0) * (sx - x0);
  const bottom = value(x0, y1) * (1 - (sx - x0)) + value(x1, y1) * (sx - x0);
  return (top * (1 - (sy - y0)) + bottom * (sy - y0)) / 255;
}

describe('Preprocessor', () => {
  it('copies a frame of the input size exactly, as planes R, G, B scaled to [0, 1]', () => {
    const frame = frameOf(4, 4, (x, y) => [x * 60, y * 60, 255 - x * 10]);
    const tensor = new Float32Array(3 * 16);
    new Preprocessor(4, 4).writeFrame(frame, tensor);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        expect(at(tensor, 4, 0, y, x)).toBeCloseTo((x * 60) / 255, 6);
        expect(at(tensor, 4, 1, y, x)).toBeCloseTo((y * 60) / 255, 6);
        expect(at(tensor, 4, 2, y, x)).toBeCloseTo((255 - x * 10) / 255, 6);
      }
    }
  });

  it('copies a frame that already fits the letterbox (16:9 at the input width) into its band unscaled', () => {
    const frame = frameOf(16, 9, (x, y) => [x * 15, y * 25, (x * y) % 256]);
    const tensor = new Float32Array(3 * 256);
    const letterbox = new Preprocessor(16, 16).writeFrame(frame, tensor);
    expect(letterbox).toMatchObject({ resizedWidth: 16, resizedHeight: 9, padLeft: 0, padTop: 3 });
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 16; x++) {
        expect(at(tensor, 16, 0, y + 3, x)).toBe(Math.fround((x * 15) / 255));
        expect(at(tensor, 16, 1, y + 3, x)).toBe(Math.fround((y * 25) / 255));
        expect(at(tensor, 16, 2, y + 3, x)).toBe(Math.fround(((x * y) % 256) / 255));
      }
    }
    for (const y of [0, 2, 12, 15]) expect(at(tensor, 16, 1, y, 5)).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
  });

  it('copies a portrait frame that already fits (full height, narrower) row by row into its columns, at a batch offset', () => {
    const frame = frameOf(9, 16, (x, y) => [x * 25, y * 15, (x + y * 9) % 256]);
    const floats = 3 * 256;
    const tensor = new Float32Array(2 * floats).fill(-1);
    const letterbox = new Preprocessor(16, 16).writeFrame(frame, tensor, floats);
    expect(letterbox).toMatchObject({ resizedWidth: 9, resizedHeight: 16, padLeft: 3, padTop: 0 });
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const inside = x >= 3 && x < 12;
        const [r, g, b] = inside ? [(x - 3) * 25, y * 15, (x - 3 + y * 9) % 256].map((v) => Math.fround(v / 255)) : [LETTERBOX_PAD_VALUE, LETTERBOX_PAD_VALUE, LETTERBOX_PAD_VALUE].map(Math.fround);
        expect([0, 1, 2].map((c) => at(tensor, 16, c, y, x, floats))).toEqual([r, g, b]);
      }
    }
    expect(tensor.subarray(0, floats).every((v) => v === -1)).toBe(true); // the first slot is untouched
  });

  it('copies the same values from a source that starts at any byte offset (word reads or byte reads)', () => {
    const frame = frameOf(16, 9, (x, y) => [(x * 37 + y) % 256, (x * 11 + y * 3) % 256, (x * y * 5) % 256]);
    const expected = new Float32Array(3 * 256);
    new Preprocessor(16, 16).writeFrame(frame, expected);
    for (const shift of [1, 2, 3, 4]) {
      const shifted = new Uint8Array(frame.rgb.length + shift);
      shifted.set(frame.rgb, shift);
      const tensor = new Float32Array(3 * 256);
      new Preprocessor(16, 16).writeFrame({ ...frame, rgb: shifted.subarray(shift) }, tensor);
      expect(tensor).toEqual(expected);
    }
    // 16·9 = 144 pixels: whole words; and the values are byte / 255 as floats.
    expect(at(expected, 16, 0, 3 + 8, 15)).toBe(Math.fround(((15 * 37 + 8) % 256) / 255));
  });

  it('upscales 2×1 to 4×2 with half-pixel bilinear sampling and pads the rest grey', () => {
    // Columns sample source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, ¼, ¾, 1 of the way.
    const frame = frameOf(2, 1, (x) => [x * 255, 0, 0]);
    const tensor = new Float32Array(3 * 16);
    const letterbox = new Preprocessor(4, 4).writeFrame(frame, tensor);
    expect(letterbox).toMatchObject({ resizedWidth: 4, resizedHeight: 2, padTop: 1 });
    for (const y of [1, 2]) expect([0, 1, 2, 3].map((x) => at(tensor, 4, 0, y, x))).toEqual([0, 0.25, 0.75, 1].map((v) => expect.closeTo(v, 6)));
    for (const y of [0, 3]) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) expect(at(tensor, 4, c, y, x)).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
  });

  it('downscales 4×4 to 2×2 by sampling between source pixels (no area averaging)', () => {
    // Output pixel 0 samples source 0.5 (between 0 and 1), pixel 1 samples 2.5 (between 2 and 3).
    const values = [0, 100, 200, 250];
    const frame = frameOf(4, 4, (x) => [values[x]!, values[x]!, values[x]!]);
    const tensor = new Float32Array(3 * 4);
    new Preprocessor(2, 2).writeFrame(frame, tensor);
    expect(at(tensor, 2, 1, 0, 0)).toBeCloseTo(50 / 255, 6);
    expect(at(tensor, 2, 1, 1, 1)).toBeCloseTo(225 / 255, 6);
  });

  it('matches a plain per-pixel reference on random frames and sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 1000 }), (width, height, seed) => {
        const frame = frameOf(width, height, (x, y) => [(x * 37 + y * 11 + seed) % 256, (x * 5 + y * 71 + seed * 3) % 256, (x * y + seed * 7) % 256]);
        const size = 16;
        const tensor = new Float32Array(3 * size * size);
        const box = new Preprocessor(size, size).writeFrame(frame, tensor);
        expect(box).toEqual(letterboxOf(width, height, size, size));
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const inside = x >= box.padLeft && x < box.padLeft + box.resizedWidth && y >= box.padTop && y < box.padTop + box.resizedHeight;
            for (let c = 0; c < 3; c++) {
              const expected = inside ? referenceSample(frame, box.resizedWidth, box.resizedHeight, x - box.padLeft, y - box.padTop, c) : LETTERBOX_PAD_VALUE;
              expect(Math.abs(at(tensor, size, c, y, x) - expected)).toBeLessThan(1e-5);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('writes a second frame at its batch offset without touching the first', () => {
    const pre = new Preprocessor(4, 4);
    const tensor = new Float32Array(2 * pre.floatsPerFrame);
    pre.writeFrame(frameOf(4, 4, () => [255, 255, 255]), tensor, 0);
    pre.writeFrame(frameOf(8, 2, () => [0, 0, 0]), tensor, pre.floatsPerFrame);
    expect(tensor.subarray(0, pre.floatsPerFrame).every((v) => v === 1)).toBe(true);
    expect(at(tensor, 4, 0, 0, 0, pre.floatsPerFrame)).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
    expect(at(tensor, 4, 0, 1, 0, pre.floatsPerFrame)).toBe(0);
  });

  it('leaves the grey bands alone when told the slot already has this letterbox, and rewrites them otherwise', () => {
    const pre = new Preprocessor(4, 4);
    const tensor = new Float32Array(pre.floatsPerFrame);
    const wide = frameOf(4, 2, () => [255, 255, 255]);
    const first = pre.writeFrame(wide, tensor);
    tensor[0] = -1; // a pad pixel (row 0)
    expect(pre.writeFrame(wide, tensor, 0, first)).toBe(first);
    expect(tensor[0]).toBe(-1);
    pre.writeFrame(wide, tensor, 0, pre.letterboxFor(2, 4));
    expect(tensor[0]).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
  });

  it('rejects frames whose byte length is not packed RGB', () => {
    const pre = new Preprocessor(4, 4);
    const rgba = { width: 2, height: 2, rgb: new Uint8Array(16) };
    expect(() => pre.writeFrame(rgba, new Float32Array(48))).toThrow(DetectionError);
    expect(() => pre.writeFrame(rgba, new Float32Array(48))).toThrow(/must hold 12 bytes of packed RGB, got 16/);
    expect(() => pre.writeFrame({ width: 0, height: 2, rgb: new Uint8Array(0) }, new Float32Array(48))).toThrow(/positive integers/);
  });

  it('rejects a tensor without room for the frame', () => {
    const pre = new Preprocessor(4, 4);
    expect(() => pre.writeFrame(frameOf(4, 4, () => [0, 0, 0]), new Float32Array(48), 1)).toThrow(/no room/);
  });
});
