// The built-in appearance descriptor for when no ReID model is configured: a joint HSV colour
// histogram of the middle of each crop. Cheap (a bounded number of pixel samples per box) and
// robust to small misalignments, but it only tells clothes of different colours apart.

import type { Tlwh } from '../box';
import { TrackingError } from '../errors';
import { l2Normalise, type FeatureExtractor, type ImageFrame } from './feature-extractor';

export const DEFAULT_HUE_BINS = 8;
export const DEFAULT_SATURATION_BINS = 4;
export const DEFAULT_VALUE_BINS = 4;
/** Samples per crop side at most: the cost per box stays bounded however large the box. */
export const DEFAULT_MAX_SAMPLES_PER_SIDE = 32;
/** Fraction of the box width/height kept around the centre; the edges are mostly background. */
export const DEFAULT_CENTRE_FRACTION = 0.8;

export interface HsvHistogramOptions {
  hueBins?: number;
  saturationBins?: number;
  valueBins?: number;
  maxSamplesPerSide?: number;
  centreFraction?: number;
}

/** Hue in [0, 1), saturation and value in [0, 1] of an 8-bit RGB colour. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  let hue = 0;
  if (delta > 0) {
    if (max === r) hue = ((g - b) / delta + 6) % 6;
    else if (max === g) hue = (b - r) / delta + 2;
    else hue = (r - g) / delta + 4;
    hue /= 6;
  }
  return [hue, max === 0 ? 0 : delta / max, max / 255];
}

/**
 * Saturation and value bins together (`saturationBin · valueBins + valueBin`) for every `(max, delta)` of an 8-bit
 * colour, at `max · 256 + delta`: both depend on the two numbers only, so a pixel's bin costs one lookup instead of
 * two divisions, two floors and two clamps. Built with `rgbToHsv`'s arithmetic, so the bins are the same. 128 KiB,
 * shared by the extractors of one configuration.
 */
const saturationValueTables = new Map<string, Uint16Array>();

function saturationValueTableOf(saturationBins: number, valueBins: number): Uint16Array {
  const key = `${saturationBins}x${valueBins}`;
  let table = saturationValueTables.get(key);
  if (table === undefined) {
    table = new Uint16Array(256 * 256);
    for (let max = 0; max < 256; max++) {
      const valueBin = Math.min(valueBins - 1, Math.floor((max / 255) * valueBins));
      for (let delta = 0; delta <= max; delta++) {
        const saturation = max === 0 ? 0 : delta / max;
        const saturationBin = Math.min(saturationBins - 1, Math.floor(saturation * saturationBins));
        table[max * 256 + delta] = saturationBin * valueBins + valueBin;
      }
    }
    saturationValueTables.set(key, table);
  }
  return table;
}

function binCount(key: string, value: number | undefined, fallback: number, max: number): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < 1 || count > max)
    throw new TrackingError('invalid-option', `hsv histogram option ${key} is ${count}; set it to a whole number from 1 to ${max}`);
  return count;
}

export class HsvHistogramExtractor implements FeatureExtractor {
  readonly name = 'hsv-histogram';
  readonly featureLength: number;
  /** Scratch: byte offset of each sampled column within a row. */
  private readonly columnOffsets: Int32Array;
  private readonly hueBins: number;
  private readonly saturationBins: number;
  private readonly valueBins: number;
  private readonly maxSamplesPerSide: number;
  private readonly centreFraction: number;
  /** `saturationValueTableOf` for this extractor's bins. */
  private readonly saturationValueBins: Uint16Array;

  constructor(options: HsvHistogramOptions = {}) {
    this.hueBins = binCount('hueBins', options.hueBins, DEFAULT_HUE_BINS, 64);
    this.saturationBins = binCount('saturationBins', options.saturationBins, DEFAULT_SATURATION_BINS, 64);
    this.valueBins = binCount('valueBins', options.valueBins, DEFAULT_VALUE_BINS, 64);
    this.maxSamplesPerSide = binCount('maxSamplesPerSide', options.maxSamplesPerSide, DEFAULT_MAX_SAMPLES_PER_SIDE, 1024);
    this.centreFraction = options.centreFraction ?? DEFAULT_CENTRE_FRACTION;
    if (!(this.centreFraction > 0 && this.centreFraction <= 1))
      throw new TrackingError('invalid-option', `hsv histogram option centreFraction is ${this.centreFraction}; set it to a number in (0, 1]`);
    this.featureLength = this.hueBins * this.saturationBins * this.valueBins;
    this.columnOffsets = new Int32Array(this.maxSamplesPerSide);
    this.saturationValueBins = saturationValueTableOf(this.saturationBins, this.valueBins);
  }

  async extract(frame: ImageFrame, boxes: readonly Tlwh[]): Promise<Float32Array[]> {
    return this.extractSync(frame, boxes);
  }

  /** The same as `extract`, for callers that need no promise. */
  extractSync(frame: ImageFrame, boxes: readonly Tlwh[]): Float32Array[] {
    if (frame.data.length < frame.width * frame.height * frame.channels)
      throw new TrackingError('invalid-input', `frame data has ${frame.data.length} bytes; ${frame.width}×${frame.height}×${frame.channels} needs ${frame.width * frame.height * frame.channels}`);
    return boxes.map((box) => this.histogramOf(frame, box));
  }

  /**
   * The histogram bin of one pixel: `rgbToHsv`'s hue arithmetic inlined (no array per pixel; this runs ~50 000 times
   * a frame), saturation and value from the table.
   */
  private binOf(r: number, g: number, b: number): number {
    const max = Math.max(r, g, b);
    const delta = max - Math.min(r, g, b);
    let hueBin = 0;
    if (delta > 0) {
      let hue: number;
      if (max === r) hue = ((g - b) / delta + 6) % 6;
      else if (max === g) hue = (b - r) / delta + 2;
      else hue = (r - g) / delta + 4;
      hueBin = Math.min(this.hueBins - 1, Math.floor((hue / 6) * this.hueBins));
    }
    return hueBin * this.saturationBins * this.valueBins + this.saturationValueBins[max * 256 + delta]!;
  }

  private histogramOf(frame: ImageFrame, box: Tlwh): Float32Array {
    const histogram = new Float32Array(this.featureLength);
    const [x, y, width, height] = box;
    const margin = (1 - this.centreFraction) / 2;
    const left = Math.max(0, x + width * margin);
    const top = Math.max(0, y + height * margin);
    const right = Math.min(frame.width, x + width * (1 - margin));
    const bottom = Math.min(frame.height, y + height * (1 - margin));
    if (right - left >= 1 && bottom - top >= 1) {
      const columns = Math.min(this.maxSamplesPerSide, Math.floor(right - left));
      const rows = Math.min(this.maxSamplesPerSide, Math.floor(bottom - top));
      // Sample columns are the same on every row: their byte offsets are worked out once per box.
      const columnOffsets = this.columnOffsets;
      for (let column = 0; column < columns; column++) {
        columnOffsets[column] = Math.min(frame.width - 1, Math.floor(left + ((column + 0.5) * (right - left)) / columns)) * frame.channels;
      }
      const data = frame.data;
      for (let row = 0; row < rows; row++) {
        const py = Math.min(frame.height - 1, Math.floor(top + ((row + 0.5) * (bottom - top)) / rows));
        const rowOffset = py * frame.width * frame.channels;
        for (let column = 0; column < columns; column++) {
          const offset = rowOffset + columnOffsets[column]!;
          histogram[this.binOf(data[offset]!, data[offset + 1]!, data[offset + 2]!)]! += 1;
        }
      }
      // Square roots (Hellinger) keep one dominant colour from swamping the cosine distance.
      for (let i = 0; i < histogram.length; i++) histogram[i] = Math.sqrt(histogram[i]!);
    }
    return l2Normalise(histogram);
  }
}
