import type { ImageFrame } from './feature-extractor';
import { HsvHistogramExtractor, rgbToHsv } from './hsv-histogram-extractor';

/** A frame painted with rectangles of solid colour on grey. */
function paint(width: number, height: number, rectangles: { x: number; y: number; w: number; h: number; rgb: [number, number, number] }[]): ImageFrame {
  const data = new Uint8Array(width * height * 3).fill(100);
  for (const { x, y, w, h, rgb } of rectangles) {
    for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) data.set(rgb, (row * width + col) * 3);
  }
  return { width, height, channels: 3, data };
}

const cosineDistance = (a: Float32Array, b: Float32Array) => 1 - a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('HsvHistogramExtractor', () => {
  const extractor = new HsvHistogramExtractor();

  it('converts RGB to HSV', () => {
    expect(rgbToHsv(255, 0, 0)).toEqual([0, 1, 1]);
    expect(rgbToHsv(0, 255, 0).map((v) => +v.toFixed(6))).toEqual([0.333333, 1, 1]);
    expect(rgbToHsv(0, 0, 0)).toEqual([0, 0, 0]);
    expect(rgbToHsv(128, 128, 128)[1]).toBe(0);
  });

  it('gives unit-length embeddings of the configured length', async () => {
    const frame = paint(200, 200, [{ x: 10, y: 10, w: 50, h: 120, rgb: [200, 30, 30] }]);
    const [feature] = await extractor.extract(frame, [[10, 10, 50, 120]]);
    expect(feature).toHaveLength(8 * 4 * 4);
    expect(Math.hypot(...feature!)).toBeCloseTo(1, 6);
  });

  it('tells different clothes colours apart and finds the same colour close', () => {
    const frame = paint(300, 200, [
      { x: 10, y: 10, w: 50, h: 120, rgb: [200, 30, 30] },
      { x: 100, y: 20, w: 60, h: 140, rgb: [205, 35, 28] },
      { x: 200, y: 10, w: 50, h: 120, rgb: [30, 40, 200] },
    ]);
    const [red, alsoRed, blue] = extractor.extractSync(frame, [
      [10, 10, 50, 120],
      [100, 20, 60, 140],
      [200, 10, 50, 120],
    ]);
    expect(cosineDistance(red!, alsoRed!)).toBeLessThan(0.05);
    expect(cosineDistance(red!, blue!)).toBeGreaterThan(0.5);
  });

  it('gives a uniform unit vector for a box outside the frame', () => {
    const [feature] = extractor.extractSync(paint(50, 50, []), [[100, 100, 20, 40]]);
    expect(new Set(feature).size).toBe(1);
    expect(Math.hypot(...feature!)).toBeCloseTo(1, 6);
  });

  it('validates its options and the frame size', () => {
    expect(() => new HsvHistogramExtractor({ hueBins: 0 })).toThrow(/hueBins is 0/);
    expect(() => new HsvHistogramExtractor({ centreFraction: 1.5 })).toThrow(/centreFraction/);
    expect(() => extractor.extractSync({ width: 10, height: 10, channels: 3, data: new Uint8Array(10) }, [])).toThrow(/needs 300/);
  });

  it.each([
    [8, 4, 4],
    [5, 3, 7],
  ])('puts every colour of a dense RGB grid in the bin rgbToHsv gives (%i×%i×%i bins)', (hueBins, saturationBins, valueBins) => {
    const extractor = new HsvHistogramExtractor({ hueBins, saturationBins, valueBins, centreFraction: 1 });
    // One pixel per frame: its histogram has a single non-zero bin, the pixel's.
    const frame: ImageFrame = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
    const mismatches: string[] = [];
    const levels = [0, 1, 2, 3, 63, 64, 85, 127, 128, 170, 191, 192, 254, 255];
    for (let step = 5; step < 256; step += 15) levels.push(step);
    for (const r of levels) {
      for (const g of levels) {
        for (const b of levels) {
          frame.data.set([r, g, b]);
          const [hue, saturation, value] = rgbToHsv(r, g, b);
          const expected =
            (Math.min(hueBins - 1, Math.floor(hue * hueBins)) * saturationBins + Math.min(saturationBins - 1, Math.floor(saturation * saturationBins))) * valueBins +
            Math.min(valueBins - 1, Math.floor(value * valueBins));
          const [histogram] = extractor.extractSync(frame, [[0, 0, 1, 1]]);
          const actual = histogram!.findIndex((v) => v > 0);
          if (actual !== expected) mismatches.push(`${r},${g},${b}: ${actual} instead of ${expected}`);
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('bins every sampled pixel as rgbToHsv says (a plain per-sample reference on a noisy frame)', () => {
    const width = 97;
    const height = 61;
    let state = 12345;
    const data = Uint8Array.from({ length: width * height * 3 }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    const frame: ImageFrame = { width, height, channels: 3, data };
    const boxes: [number, number, number, number][] = [[3.5, 2.25, 40, 50], [-10, -5, 30, 30], [80, 40, 40, 40], [10, 10, 90, 55]];
    const reference = (box: [number, number, number, number]) => {
      const histogram = new Float32Array(128);
      const [x, y, w, h] = box;
      const margin = (1 - 0.8) / 2; // the default centre fraction
      const [left, top] = [Math.max(0, x + w * margin), Math.max(0, y + h * margin)];
      const [right, bottom] = [Math.min(width, x + w * (1 - margin)), Math.min(height, y + h * (1 - margin))];
      const columns = Math.min(32, Math.floor(right - left));
      const rows = Math.min(32, Math.floor(bottom - top));
      for (let row = 0; row < rows; row++) {
        for (let column = 0; column < columns; column++) {
          const py = Math.min(height - 1, Math.floor(top + ((row + 0.5) * (bottom - top)) / rows));
          const px = Math.min(width - 1, Math.floor(left + ((column + 0.5) * (right - left)) / columns));
          const at = (py * width + px) * 3;
          const [hue, saturation, value] = rgbToHsv(data[at]!, data[at + 1]!, data[at + 2]!);
          histogram[(Math.min(7, Math.floor(hue * 8)) * 4 + Math.min(3, Math.floor(saturation * 4))) * 4 + Math.min(3, Math.floor(value * 4))]! += 1;
        }
      }
      const rooted = histogram.map(Math.sqrt);
      const norm = Math.hypot(...rooted);
      return rooted.map((v) => v / norm);
    };
    const features = extractor.extractSync(frame, boxes);
    features.forEach((feature, i) => expect(Array.from(feature).map((v) => +v.toFixed(6))).toEqual(Array.from(reference(boxes[i]!)).map((v) => +v.toFixed(6))));
  });
});
