// Appearance distance between detections and tracks: each track keeps a gallery of its recent
// appearance embeddings, and a detection's distance to a track is the smallest distance to any
// embedding in that gallery (nearest neighbour), as DeepSORT does.

import { TrackingError } from './errors';

export type AppearanceMetric = 'cosine' | 'euclidean';

/** A cost matrix: `rows × cols` values, row-major. */
export interface CostMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
}

export function costMatrix(rows: number, cols: number): CostMatrix {
  return { rows, cols, values: new Float64Array(rows * cols) };
}

/** Euclidean (L2) norm. */
function normOf(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}

/** A copy scaled to unit length (a zero vector stays zero, so its cosine distance is 1 to everything). */
export function normalised(vector: ArrayLike<number>): Float64Array {
  const norm = normOf(vector);
  const out = new Float64Array(vector.length);
  if (norm > 0) for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

/** Gallery slots allocated at first for an unbounded gallery; it doubles when full. */
const UNBOUNDED_INITIAL_CAPACITY = 16;

/**
 * One target's embeddings in a single array laid out dimension by dimension: value `i` of the sample in slot `s` is
 * at `i · capacity + s`. The slots are a ring of `budget` that overwrites the oldest when full (or grow without a
 * budget), so a steady stream of embeddings allocates nothing (an array per embedding kept the garbage collector
 * busy with galleries that live for `budget` frames). A query is compared with all samples at once, one dimension
 * at a time, running straight along that dimension's values; dimensions where the query is zero are skipped, which
 * for histogram features (a crop covers a few colours of 128 bins) is most of them.
 */
class Gallery {
  private data: Float64Array;
  /** Per slot: the running sum of the current query. */
  private sums: Float64Array;
  /** Scratch: the dimensions where the current query is not zero. */
  private readonly nonZeroDims: Int32Array;
  private capacity: number;
  private next = 0;
  size = 0;

  constructor(
    readonly dimension: number,
    private readonly budget: number | null,
  ) {
    this.capacity = budget ?? UNBOUNDED_INITIAL_CAPACITY;
    this.data = new Float64Array(dimension * this.capacity);
    this.sums = new Float64Array(this.capacity);
    this.nonZeroDims = new Int32Array(dimension);
  }

  add(embedding: Float64Array): void {
    if (this.budget === null && this.size === this.capacity) this.grow();
    const { data, capacity, next } = this;
    for (let i = 0; i < this.dimension; i++) data[i * capacity + next] = embedding[i]!;
    this.next = (next + 1) % capacity;
    if (this.size < capacity) this.size++;
  }

  /** Smallest cosine distance (1 − dot; samples and query are unit vectors) to any sample. */
  nearestCosine(query: Float64Array): number {
    const { data, capacity, size, sums } = this;
    const dims = this.nonZeroDims;
    let count = 0;
    for (let i = 0; i < this.dimension; i++) if (query[i] !== 0) dims[count++] = i;
    sums.fill(0, 0, size);
    // Four dimensions per pass over the slots: a quarter of the loads and stores of the running sums.
    let k = 0;
    for (; k + 4 <= count; k += 4) {
      const i0 = dims[k]!;
      const i1 = dims[k + 1]!;
      const i2 = dims[k + 2]!;
      const i3 = dims[k + 3]!;
      const q0 = query[i0]!;
      const q1 = query[i1]!;
      const q2 = query[i2]!;
      const q3 = query[i3]!;
      const b0 = i0 * capacity;
      const b1 = i1 * capacity;
      const b2 = i2 * capacity;
      const b3 = i3 * capacity;
      for (let slot = 0; slot < size; slot++) {
        sums[slot] = sums[slot]! + (data[b0 + slot]! * q0 + data[b1 + slot]! * q1 + (data[b2 + slot]! * q2 + data[b3 + slot]! * q3));
      }
    }
    for (; k < count; k++) {
      const i = dims[k]!;
      const q = query[i]!;
      const base = i * capacity;
      for (let slot = 0; slot < size; slot++) sums[slot] = sums[slot]! + data[base + slot]! * q;
    }
    let best = -Infinity;
    for (let slot = 0; slot < size; slot++) if (sums[slot]! > best) best = sums[slot]!;
    return 1 - best;
  }

  /** Smallest squared euclidean distance to any sample. */
  nearestSquared(query: Float64Array): number {
    const { data, capacity, size, sums } = this;
    sums.fill(0, 0, size);
    for (let i = 0; i < this.dimension; i++) {
      const q = query[i]!;
      const base = i * capacity;
      for (let slot = 0; slot < size; slot++) {
        const d = data[base + slot]! - q;
        sums[slot] = sums[slot]! + d * d;
      }
    }
    let best = Infinity;
    for (let slot = 0; slot < size; slot++) if (sums[slot]! < best) best = sums[slot]!;
    return best;
  }

  /** Doubles an unbounded gallery (only when full, so its samples are in slots 0 … size − 1). */
  private grow(): void {
    const capacity = this.capacity * 2;
    const data = new Float64Array(this.dimension * capacity);
    for (let i = 0; i < this.dimension; i++) data.set(this.data.subarray(i * this.capacity, (i + 1) * this.capacity), i * capacity);
    this.data = data;
    this.sums = new Float64Array(capacity);
    this.next = this.size;
    this.capacity = capacity;
  }
}

export class NearestNeighborDistanceMetric {
  /** Per target (track id): its gallery; cosine galleries hold unit vectors. */
  private galleries = new Map<number, Gallery>();

  /**
   * @param metric `cosine` (1 − cos θ) or `euclidean` (squared L2 distance)
   * @param matchingThreshold costs above it are not a match
   * @param budget gallery size per target; the oldest embeddings are dropped beyond it (null: unbounded)
   */
  constructor(
    readonly metric: AppearanceMetric,
    readonly matchingThreshold: number,
    readonly budget: number | null,
  ) {}

  /** Adds new embeddings to their targets' galleries, then forgets every target not in `activeTargets`. */
  partialFit(features: readonly ArrayLike<number>[], targets: readonly number[], activeTargets: readonly number[]): void {
    for (let index = 0; index < features.length; index++) {
      const embedding = this.prepare(features[index]!);
      const target = targets[index]!;
      let gallery = this.galleries.get(target);
      if (gallery === undefined) this.galleries.set(target, (gallery = new Gallery(embedding.length, this.budget)));
      else if (gallery.dimension !== embedding.length)
        throw new TrackingError('invalid-input', `appearance features of target ${target} have ${gallery.dimension} values, got one of ${embedding.length}`);
      gallery.add(embedding);
    }
    const kept = new Map<number, Gallery>();
    for (const target of activeTargets) {
      const gallery = this.galleries.get(target);
      if (gallery !== undefined) kept.set(target, gallery);
    }
    this.galleries = kept;
  }

  /**
   * Cost matrix of shape targets × features: nearest-neighbour distance of each feature to each
   * target's gallery. Where `skip` (same shape) is 1, the distance is not computed and the entry
   * is `skippedCost` instead: pairs already ruled out (by the Kalman gate) cost nothing to compare.
   */
  distance(features: readonly ArrayLike<number>[], targets: readonly number[], skip?: Uint8Array, skippedCost = 0): CostMatrix {
    const cols = features.length;
    const matrix = costMatrix(targets.length, cols);
    const values = matrix.values;
    // Queries are prepared when a pair first needs them: with the gate, most never do.
    const queries: Array<Float64Array | undefined> = new Array(cols);
    const cosine = this.metric === 'cosine';
    for (let row = 0; row < targets.length; row++) {
      const target = targets[row]!;
      const gallery = this.galleries.get(target);
      if (gallery === undefined || gallery.size === 0) throw new TrackingError('invalid-input', `no appearance samples for target ${target}`);
      for (let col = 0; col < cols; col++) {
        const at = row * cols + col;
        if (skip !== undefined && skip[at] === 1) {
          values[at] = skippedCost;
          continue;
        }
        let query = queries[col];
        if (query === undefined) queries[col] = query = this.prepare(features[col]!);
        if (query.length !== gallery.dimension)
          throw new TrackingError('invalid-input', `appearance feature ${col} has ${query.length} values, target ${target}'s have ${gallery.dimension}`);
        values[at] = cosine ? gallery.nearestCosine(query) : Math.max(0, gallery.nearestSquared(query));
      }
    }
    return matrix;
  }

  /** Number of embeddings kept for a target (0 when it has none). */
  gallerySize(target: number): number {
    return this.galleries.get(target)?.size ?? 0;
  }

  private prepare(feature: ArrayLike<number>): Float64Array {
    return this.metric === 'cosine' ? normalised(feature) : Float64Array.from(feature as ArrayLike<number>);
  }
}
