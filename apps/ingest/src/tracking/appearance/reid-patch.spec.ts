import type { ImageFrame } from './feature-extractor';
import { patchWindowOf, writePatch, type PatchNormalisation } from './reid-patch';

const UNIT: PatchNormalisation = { mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'rgb' };

function solid(width: number, height: number, rgb: [number, number, number], channels: 3 | 4 = 3): ImageFrame {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) data.set(channels === 3 ? rgb : [...rgb, 255], i * channels);
  return { width, height, channels, data };
}

/** Pseudo-random pixels (a fixed LCG), so the expected values are computed, not copied. */
function noise(width: number, height: number): ImageFrame {
  const data = new Uint8Array(width * height * 3);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state % 256;
  }
  return { width, height, channels: 3, data };
}

/** Bilinear sample of one channel at output (x, y), written out plainly: the reference for the fast loop. */
function referenceSample(frame: ImageFrame, window: { left: number; top: number; right: number; bottom: number }, outW: number, outH: number, x: number, y: number, channel: number): number {
  const srcW = window.right - window.left;
  const srcH = window.bottom - window.top;
  const coordinate = (i: number, ratio: number, size: number) => {
    const s = Math.max(0, (i + 0.5) * ratio - 0.5);
    const s0 = Math.min(Math.floor(s), size - 1);
    const s1 = Math.min(s0 + 1, size - 1);
    return { s0, s1, w: s1 === s0 ? 0 : s - s0 };
  };
  const cx = coordinate(x, srcW / outW, srcW);
  const cy = coordinate(y, srcH / outH, srcH);
  const pixel = (px: number, py: number) => frame.data[((window.top + py) * frame.width + window.left + px) * frame.channels + channel]!;
  const upper = pixel(cx.s0, cy.s0) * (1 - cx.w) + pixel(cx.s1, cy.s0) * cx.w;
  const lower = pixel(cx.s0, cy.s1) * (1 - cx.w) + pixel(cx.s1, cy.s1) * cx.w;
  return upper * (1 - cy.w) + lower * cy.w;
}

describe('patchWindowOf', () => {
  it('keeps the height and centre and widens the box to the patch aspect ratio (64:128)', () => {
    // 20 wide, 100 high, centred at x = 60: a 50-wide window from 35 to 85.
    expect(patchWindowOf([50, 10, 20, 100], 64, 128, 640, 480)).toEqual({ left: 35, top: 10, right: 85, bottom: 110 });
  });

  it('truncates fractional corners to whole pixels', () => {
    expect(patchWindowOf([10.7, 20.9, 30, 60.5], 64, 128, 640, 480)).toEqual({ left: 10, top: 20, right: 40, bottom: 81 });
  });

  it('clips to the frame, the far corner to the last pixel index', () => {
    expect(patchWindowOf([-20, -10, 50, 100], 64, 128, 640, 480)).toEqual({ left: 0, top: 0, right: 30, bottom: 90 });
    expect(patchWindowOf([600, 400, 60, 120], 64, 128, 640, 480)).toEqual({ left: 600, top: 400, right: 639, bottom: 479 });
  });

  it('gives null for a box with nothing inside the frame', () => {
    expect(patchWindowOf([700, 10, 40, 80], 64, 128, 640, 480)).toBeNull();
    expect(patchWindowOf([10, -200, 40, 80], 64, 128, 640, 480)).toBeNull();
  });
});

describe('writePatch', () => {
  it('normalises each channel as (value / 255 - mean) / std, planes in RGB order', () => {
    const frame = solid(32, 32, [255, 128, 0]);
    const normalisation: PatchNormalisation = { mean: [0.5, 0.25, 0.1], std: [0.5, 0.25, 0.2], channelOrder: 'rgb' };
    const output = new Float32Array(3 * 8 * 4);
    writePatch(frame, { left: 2, top: 2, right: 20, bottom: 30 }, output, 0, 4, 8, normalisation);
    const expected = [(1 - 0.5) / 0.5, (128 / 255 - 0.25) / 0.25, (0 - 0.1) / 0.2];
    for (let plane = 0; plane < 3; plane++) for (let i = 0; i < 32; i++) expect(output[plane * 32 + i]).toBeCloseTo(expected[plane]!, 5);
  });

  it('feeds BGR planes when the model wants them, and reads RGBA frames', () => {
    const output = new Float32Array(3 * 4);
    writePatch(solid(8, 8, [10, 20, 30], 4), { left: 0, top: 0, right: 8, bottom: 8 }, output, 0, 2, 2, { ...UNIT, channelOrder: 'bgr' });
    expect([output[0], output[4], output[8]].map((v) => Math.round(v! * 255))).toEqual([30, 20, 10]);
  });

  it('resizes with bilinear half-pixel sampling, matching a plain per-pixel computation', () => {
    const frame = noise(50, 40);
    const window = { left: 7, top: 3, right: 30, bottom: 37 };
    for (const [outW, outH] of [
      [16, 32],
      [64, 128],
      [23, 34],
    ] as const) {
      const output = new Float32Array(3 * outW * outH);
      writePatch(frame, window, output, 0, outW, outH, UNIT);
      let worst = 0;
      for (let channel = 0; channel < 3; channel++)
        for (let y = 0; y < outH; y++)
          for (let x = 0; x < outW; x++)
            worst = Math.max(worst, Math.abs(output[channel * outW * outH + y * outW + x]! * 255 - referenceSample(frame, window, outW, outH, x, y, channel)));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('copies pixels exactly when the window already has the patch size', () => {
    const frame = noise(20, 20);
    const output = new Float32Array(3 * 4 * 6);
    writePatch(frame, { left: 5, top: 2, right: 9, bottom: 8 }, output, 0, 4, 6, UNIT);
    expect(Math.round(output[0]! * 255)).toBe(frame.data[(2 * 20 + 5) * 3]);
    expect(Math.round(output[2 * 24 + 5 * 4 + 3]! * 255)).toBe(frame.data[(7 * 20 + 8) * 3 + 2]);
  });

  it('writes at the slot offset only, and zeros for a box outside the frame', () => {
    const output = new Float32Array(3 * 2 * 2 * 2).fill(9);
    writePatch(solid(4, 4, [255, 255, 255]), { left: 0, top: 0, right: 4, bottom: 4 }, output, 12, 2, 2, UNIT);
    expect(Array.from(output.subarray(0, 12))).toEqual(new Array(12).fill(9));
    expect(Array.from(output.subarray(12))).toEqual(new Array(12).fill(1));
    writePatch(solid(4, 4, [255, 255, 255]), null, output, 0, 2, 2, UNIT);
    expect(Array.from(output.subarray(0, 12))).toEqual(new Array(12).fill(0));
  });

  it('refuses a slot beyond the tensor', () => {
    expect(() => writePatch(solid(4, 4, [0, 0, 0]), null, new Float32Array(10), 0, 2, 2, UNIT)).toThrow(/no room/);
  });
});
