import fc from 'fast-check';
import { YoloDecoder, type DecodeSettings, type OutputLayout } from './decode';
import { letterboxOf } from './letterbox';

const NAMES = ['person', 'bicycle', 'car'];
const ANCHORS = 16;

interface Row {
  anchor: number;
  box: [number, number, number, number]; // cx, cy, w, h in canvas pixels
  scores: number[];
}

/** A hand-built output tensor for `images` images of rows each, in the given layout. */
function outputOf(images: Row[][], layout: OutputLayout = 'channels-first'): Float32Array {
  const rowLength = 4 + NAMES.length;
  const data = new Float32Array(images.length * rowLength * ANCHORS);
  images.forEach((rows, image) => {
    const base = image * rowLength * ANCHORS;
    for (const row of rows) {
      const values = [...row.box, ...row.scores];
      values.forEach((value, channel) => {
        const at = layout === 'channels-first' ? base + channel * ANCHORS + row.anchor : base + row.anchor * rowLength + channel;
        data[at] = value;
      });
    }
  });
  return data;
}

function decoderOf(overrides: Partial<DecodeSettings> = {}): YoloDecoder {
  return new YoloDecoder({
    classNames: NAMES,
    anchors: ANCHORS,
    layout: 'channels-first',
    confidenceThreshold: 0.25,
    iouThreshold: 0.45,
    maxDetections: 300,
    maxCandidates: 30_000,
    keepClass: undefined,
    ...overrides,
  });
}

/** A letterbox that changes nothing: 640×640 frame on a 640×640 canvas. */
const IDENTITY = letterboxOf(640, 640, 640, 640);

describe('YoloDecoder', () => {
  it('keeps anchors whose best score reaches the threshold, with the best class', () => {
    const data = outputOf([
      [
        { anchor: 0, box: [100, 100, 20, 40], scores: [0.1, 0.25, 0.05] },
        { anchor: 1, box: [300, 300, 20, 40], scores: [0.24, 0.1, 0.2] },
        { anchor: 2, box: [500, 500, 20, 40], scores: [0.2, 0.3, 0.9] },
      ],
    ]);
    const found = decoderOf().decode(data, 0, IDENTITY);
    expect(found.map((d) => [d.className, d.confidence])).toEqual([
      ['car', expect.closeTo(0.9, 6)],
      ['bicycle', expect.closeTo(0.25, 6)],
    ]);
  });

  it('converts centre boxes to top-left boxes in pixels and normalised units', () => {
    const [found] = decoderOf().decode(outputOf([[{ anchor: 3, box: [320, 160, 64, 32], scores: [0.8, 0, 0] }]]), 0, IDENTITY);
    expect(found!.pixelBox).toEqual({ x: 288, y: 144, w: 64, h: 32 });
    expect(found!.bbox).toEqual({ x: 0.45, y: 0.225, w: 0.1, h: 0.05 });
  });

  it('undoes the letterbox and clips boxes that reach into the padding', () => {
    const letterbox = letterboxOf(1280, 720, 640, 640); // scale 0.5, 140 px of pad above
    const data = outputOf([
      [
        { anchor: 0, box: [100, 240, 40, 80], scores: [0.9, 0, 0] }, // canvas (80,200)-(120,280)
        { anchor: 1, box: [620, 140, 60, 40], scores: [0, 0.9, 0] }, // canvas (590,120)-(650,160): leaves the frame
        { anchor: 2, box: [320, 60, 40, 40], scores: [0, 0, 0.9] }, // wholly in the top padding
      ],
    ]);
    const found = decoderOf().decode(data, 0, letterbox);
    expect(found).toHaveLength(2);
    expect(found[0]!.pixelBox).toEqual({ x: 160, y: 120, w: 80, h: 160 });
    expect(found[1]!.pixelBox).toEqual({ x: 1180, y: 0, w: 100, h: 40 });
    expect(found[1]!.bbox.x + found[1]!.bbox.w).toBeCloseTo(1, 9);
    for (const detection of found) {
      expect(detection.bbox.x).toBeGreaterThanOrEqual(0);
      expect(detection.bbox.y + detection.bbox.h).toBeLessThanOrEqual(1);
    }
  });

  it('filters by class after picking the best class (a box that is more car than person is not a person)', () => {
    const data = outputOf([
      [
        { anchor: 0, box: [100, 100, 20, 20], scores: [0.5, 0, 0.6] },
        { anchor: 1, box: [300, 300, 20, 20], scores: [0.5, 0, 0] },
      ],
    ]);
    const found = decoderOf({ keepClass: Uint8Array.from([1, 0, 0]) }).decode(data, 0, IDENTITY);
    expect(found.map((d) => [d.className, d.pixelBox.x])).toEqual([['person', 290]]);
  });

  it('suppresses an overlapping box of the same class but keeps one of another class', () => {
    // A and B overlap with IoU 0.68; C overlaps A just as much but is a car.
    const data = outputOf([
      [
        { anchor: 0, box: [200, 200, 100, 100], scores: [0.9, 0, 0] },
        { anchor: 1, box: [210, 210, 100, 100], scores: [0.8, 0, 0] },
        { anchor: 2, box: [205, 205, 100, 100], scores: [0, 0, 0.7] },
      ],
    ]);
    const found = decoderOf().decode(data, 0, IDENTITY);
    expect(found.map((d) => [d.className, d.confidence])).toEqual([
      ['person', expect.closeTo(0.9, 6)],
      ['car', expect.closeTo(0.7, 6)],
    ]);
  });

  it('keeps same-class boxes whose overlap is at or under the IoU threshold', () => {
    // Two 100×100 boxes shifted by 50 px: IoU = 5000 / 15000 = 1/3.
    const data = outputOf([
      [
        { anchor: 0, box: [200, 200, 100, 100], scores: [0.9, 0, 0] },
        { anchor: 1, box: [250, 200, 100, 100], scores: [0.8, 0, 0] },
      ],
    ]);
    expect(decoderOf({ iouThreshold: 0.45 }).decode(data, 0, IDENTITY)).toHaveLength(2);
    expect(decoderOf({ iouThreshold: 0.3 }).decode(data, 0, IDENTITY)).toHaveLength(1);
  });

  it('returns at most maxDetections, best first', () => {
    const rows: Row[] = Array.from({ length: 10 }, (_, i) => ({ anchor: i, box: [30 + i * 60, 300, 40, 40], scores: [0.3 + i * 0.05, 0, 0] }));
    const found = decoderOf({ maxDetections: 3 }).decode(outputOf([rows]), 0, IDENTITY);
    expect(found.map((d) => d.confidence)).toEqual([0.75, 0.7, 0.65].map((v) => expect.closeTo(v, 6)));
  });

  it('reads the image at its batch index only', () => {
    const data = outputOf([
      [{ anchor: 0, box: [100, 100, 20, 20], scores: [0.9, 0, 0] }],
      [{ anchor: 5, box: [400, 400, 20, 20], scores: [0, 0.8, 0] }],
    ]);
    const decoder = decoderOf();
    expect(decoder.decode(data, 0, IDENTITY).map((d) => d.className)).toEqual(['person']);
    expect(decoder.decode(data, 1, IDENTITY).map((d) => [d.className, d.pixelBox.x])).toEqual([['bicycle', 390]]);
  });

  it('decodes the transposed anchors-first layout the same way', () => {
    const rows: Row[] = [
      { anchor: 2, box: [100, 100, 20, 40], scores: [0.1, 0.7, 0] },
      { anchor: 9, box: [300, 300, 50, 50], scores: [0.6, 0, 0] },
    ];
    const channelsFirst = decoderOf().decode(outputOf([rows]), 0, IDENTITY);
    const anchorsFirst = decoderOf({ layout: 'anchors-first' }).decode(outputOf([rows], 'anchors-first'), 0, IDENTITY);
    expect(anchorsFirst).toEqual(channelsFirst);
    expect(anchorsFirst).toHaveLength(2);
  });

  it('drops boxes with NaN or empty sizes instead of emitting them', () => {
    const data = outputOf([
      [
        { anchor: 0, box: [100, 100, Number.NaN, 20], scores: [0.9, 0, 0] },
        { anchor: 1, box: [200, 200, 0, 20], scores: [0.9, 0, 0] },
        { anchor: 2, box: [300, 300, 10, 10], scores: [Number.NaN, 0.5, 0] },
      ],
    ]);
    expect(decoderOf().decode(data, 0, IDENTITY).map((d) => d.className)).toEqual(['bicycle']);
  });

  it('orders equal scores by anchor so results are deterministic', () => {
    const rows: Row[] = [
      { anchor: 7, box: [500, 100, 20, 20], scores: [0.5, 0, 0] },
      { anchor: 3, box: [100, 100, 20, 20], scores: [0.5, 0, 0] },
    ];
    expect(decoderOf().decode(outputOf([rows]), 0, IDENTITY).map((d) => d.pixelBox.x)).toEqual([90, 490]);
  });

  it('breaks ties between classes towards the lower class id', () => {
    const [found] = decoderOf().decode(outputOf([[{ anchor: 0, box: [100, 100, 20, 20], scores: [0.1, 0.6, 0.6] }]]), 0, IDENTITY);
    expect(found!.className).toBe('bicycle');
  });

  it('agrees with a plain reference decoder on random outputs', () => {
    const score = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }));
    const row = fc.record({
      anchor: fc.integer({ min: 0, max: ANCHORS - 1 }),
      box: fc.tuple(fc.integer({ min: 0, max: 640 }), fc.integer({ min: 0, max: 640 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })),
      scores: fc.tuple(score, score, score),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 16 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer({ min: 1, max: 5 }), (rows, iou, max) => {
        const data = outputOf([rows]);
        const letterbox = letterboxOf(1280, 720, 640, 640);
        const actual = decoderOf({ iouThreshold: iou, maxDetections: max }).decode(data, 0, letterbox);
        expect(actual).toEqual(referenceDecode(data, 0.25, iou, max, letterbox));
      }),
      { numRuns: 300 },
    );
  });

  it('with a class filter (the sparse scan of the wanted classes) agrees with the reference decoder', () => {
    const score = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }));
    const row = fc.record({
      anchor: fc.integer({ min: 0, max: ANCHORS - 1 }),
      box: fc.tuple(fc.integer({ min: 0, max: 640 }), fc.integer({ min: 0, max: 640 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })),
      scores: fc.tuple(score, score, score),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 16 }), fc.integer({ min: 0, max: NAMES.length - 1 }), fc.integer({ min: 1, max: 5 }), (rows, keptId, max) => {
        const data = outputOf([rows]);
        const keepClass = Uint8Array.from(NAMES, (_, id) => (id === keptId ? 1 : 0));
        const actual = decoderOf({ maxDetections: max, keepClass }).decode(data, 0, IDENTITY);
        expect(actual).toEqual(referenceDecode(data, 0.25, 0.45, max, IDENTITY, keepClass));
      }),
      { numRuns: 300 },
    );
  });
});

/** The decode rules written the slow, obvious way (float32 rounding kept where the decoder has it). */
function referenceDecode(data: Float32Array, threshold: number, iou: number, max: number, letterbox: ReturnType<typeof letterboxOf>, keepClass?: Uint8Array) {
  const value = (channel: number, anchor: number) => data[channel * ANCHORS + anchor]!;
  const candidates: Array<{ anchor: number; classId: number; score: number; box: number[] }> = [];
  for (let anchor = 0; anchor < ANCHORS; anchor++) {
    let classId = -1;
    for (let k = 0; k < NAMES.length; k++) if (value(4 + k, anchor) >= threshold && (classId < 0 || value(4 + k, anchor) > value(4 + classId, anchor))) classId = k;
    if (classId < 0 || (keepClass !== undefined && keepClass[classId] !== 1)) continue;
    const [cx, cy, w, h] = [0, 1, 2, 3].map((c) => value(c, anchor)) as [number, number, number, number];
    const box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map((v) => Math.fround(v));
    candidates.push({ anchor, classId, score: value(4 + classId, anchor), box });
  }
  candidates.sort((a, b) => b.score - a.score || a.anchor - b.anchor);
  const overlap = (a: number[], b: number[]) => {
    const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
    const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
    if (w <= 0 || h <= 0) return 0;
    const area = (x: number[]) => (x[2]! - x[0]!) * (x[3]! - x[1]!);
    return (w * h) / (area(a) + area(b) - w * h);
  };
  const kept: typeof candidates = [];
  for (const candidate of candidates) {
    if (kept.length >= max) break;
    if (!(candidate.box[2]! > candidate.box[0]! && candidate.box[3]! > candidate.box[1]!)) continue;
    if (kept.some((other) => other.classId === candidate.classId && overlap(other.box, candidate.box) > iou)) continue;
    kept.push(candidate);
  }
  const { sourceWidth: width, sourceHeight: height } = letterbox;
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return kept.flatMap(({ classId, score, box }) => {
    const left = clip((box[0]! - letterbox.padLeft) / letterbox.scaleX, width);
    const top = clip((box[1]! - letterbox.padTop) / letterbox.scaleY, height);
    const right = clip((box[2]! - letterbox.padLeft) / letterbox.scaleX, width);
    const bottom = clip((box[3]! - letterbox.padTop) / letterbox.scaleY, height);
    if (!(right > left && bottom > top)) return [];
    return [
      {
        classId,
        className: NAMES[classId]!,
        confidence: Math.min(Math.max(score, 0), 1),
        pixelBox: { x: left, y: top, w: right - left, h: bottom - top },
        bbox: { x: left / width, y: top / height, w: (right - left) / width, h: (bottom - top) / height },
      },
    ];
  });
}
