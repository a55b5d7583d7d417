import { NearestNeighborDistanceMetric } from './nn-matching';

describe('NearestNeighborDistanceMetric', () => {
  it('gives each detection the cosine distance to the nearest sample of each target', () => {
    const metric = new NearestNeighborDistanceMetric('cosine', 0.2, null);
    metric.partialFit([[1, 0], [0, 2], [1, 1]], [1, 1, 2], [1, 2]);
    const cost = metric.distance([[3, 0], [0, 1], [-1, 0]], [1, 2]);
    expect(cost.rows).toBe(2);
    expect(cost.cols).toBe(3);
    const values = Array.from(cost.values);
    // Target 1 has (1,0) and (0,1): the nearest is exact for the first two detections.
    expect(values.slice(0, 3).map((v) => +v.toFixed(12))).toEqual([0, 0, 1]);
    // Target 2 has (1,1)/√2: cos 45° for the axis vectors, 135° for (-1, 0).
    expect(values[3]).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(values[4]).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(values[5]).toBeCloseTo(1 + Math.SQRT1_2, 12);
  });

  it('keeps only the newest `budget` samples per target', () => {
    const metric = new NearestNeighborDistanceMetric('cosine', 0.2, 2);
    metric.partialFit([[1, 0], [0, 1], [-1, 0]], [7, 7, 7], [7]);
    expect(metric.gallerySize(7)).toBe(2);
    // (1, 0) was dropped: the nearest to it is now (0, 1) at distance 1.
    expect(metric.distance([[1, 0]], [7]).values[0]).toBeCloseTo(1, 12);
  });

  it('forgets targets that are no longer active', () => {
    const metric = new NearestNeighborDistanceMetric('cosine', 0.2, 100);
    metric.partialFit([[1, 0], [0, 1]], [1, 2], [1, 2]);
    metric.partialFit([], [], [2]);
    expect(metric.gallerySize(1)).toBe(0);
    expect(metric.gallerySize(2)).toBe(1);
    expect(() => metric.distance([[1, 0]], [1])).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('supports the squared euclidean metric', () => {
    const metric = new NearestNeighborDistanceMetric('euclidean', 1, null);
    metric.partialFit([[0, 0], [3, 4]], [1, 1], [1]);
    expect(Array.from(metric.distance([[3, 3], [6, 8]], [1]).values)).toEqual([1, 25]);
  });

  it('skips pairs already ruled out, giving them the skipped cost', () => {
    const metric = new NearestNeighborDistanceMetric('cosine', 0.2, null);
    metric.partialFit([[1, 0]], [1], [1]);
    expect(Array.from(metric.distance([[1, 0], [0, 1]], [1], Uint8Array.of(1, 0), 1e5).values)).toEqual([1e5, 1]);
  });
});

/** The plain definition: every embedding kept as its own array, nearest neighbour by a straight loop. */
function referenceDistance(metric: 'cosine' | 'euclidean', galleries: Map<number, number[][]>, features: number[][], targets: number[]): number[] {
  const unit = (v: number[]) => {
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    return v.map((x) => (norm > 0 ? x / norm : 0));
  };
  const out: number[] = [];
  for (const target of targets) {
    for (const feature of features) {
      let best = Infinity;
      for (const sample of galleries.get(target)!) {
        const a = metric === 'cosine' ? unit(sample) : sample;
        const b = metric === 'cosine' ? unit(feature) : feature;
        const d = metric === 'cosine' ? 1 - a.reduce((sum, x, i) => sum + x * b[i]!, 0) : a.reduce((sum, x, i) => sum + (x - b[i]!) ** 2, 0);
        best = Math.min(best, d);
      }
      out.push(best);
    }
  }
  return out;
}

describe('NearestNeighborDistanceMetric against the plain definition', () => {
  // Seeded so a failure reproduces.
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  /** Histogram-like (mostly zeros) or dense vectors. */
  const vector = (length: number, fill: number) => Array.from({ length }, () => (random() < fill ? random() : 0));

  it.each([
    ['cosine', 3, 0.15],
    ['cosine', 3, 1],
    ['cosine', null, 0.3],
    ['euclidean', 4, 0.5],
  ] as const)('%s metric, budget %s, fill %s: same costs after the galleries wrap (or grow)', (metric, budget, fill) => {
    const metric_ = new NearestNeighborDistanceMetric(metric, 0.2, budget);
    const galleries = new Map<number, number[][]>();
    const targets = [1, 2, 3];
    for (let frame = 0; frame < 40; frame++) {
      const features = targets.map(() => vector(37, fill));
      metric_.partialFit(features, targets, targets);
      targets.forEach((target, i) => {
        const gallery = [...(galleries.get(target) ?? []), features[i]!];
        galleries.set(target, budget === null ? gallery : gallery.slice(-budget));
      });
    }
    const queries = Array.from({ length: 5 }, () => vector(37, fill));
    const actual = Array.from(metric_.distance(queries, targets).values);
    const expected = referenceDistance(metric, galleries, queries, targets);
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
    for (const target of targets) expect(metric_.gallerySize(target)).toBe(budget ?? 40);
  });

  it('refuses a feature whose length differs from the gallery', () => {
    const metric = new NearestNeighborDistanceMetric('cosine', 0.2, 5);
    metric.partialFit([[1, 0, 0]], [1], [1]);
    expect(() => metric.distance([[1, 0]], [1])).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => metric.partialFit([[1, 0]], [1], [1])).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});
