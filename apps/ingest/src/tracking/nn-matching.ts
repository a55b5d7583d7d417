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

/**
 * Dot product of `query` with the sample stored at `offset` of `data`, four lanes at a time: the
 * innermost loop of appearance matching.
 */
function dotAt(data: Float64Array, offset: number, query: Float64Array): number {
  const n = query.length;
  const head = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < head; i += 4) {
    const at = offset + i;
    s0 += data[at]! * query[i]!;
    s1 += data[at + 1]! * query[i + 1]!;
    s2 += data[at + 2]! * query[i + 2]!;
    s3 += data[at + 3]! * query[i + 3]!;
  }
  for (let i = head; i < n; i++) s0 += data[offset + i]! * query[i]!;
  return s0 + s1 + (s2 + s3);
}

function squaredDistanceAt(data: Float64Array, offset: number, query: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < query.length; i++) {
    const d = data[offset + i]! - query[i]!;
    sum += d * d;
  }
  return sum;
}

/**
 * Dot product over the query's non-zero positions only (`nonZero`, ascending). Histogram features
 * are mostly zeros (a crop covers a few colours of 128 bins), so this reads a fraction of each
 * sample; products with a zero add nothing, so the value is the dense one up to summation order.
 */
function sparseDotAt(data: Float64Array, offset: number, query: Float64Array, nonZero: Int32Array): number {
  let s0 = 0;
  let s1 = 0;
  const n = nonZero.length;
  const head = n - (n % 2);
  for (let k = 0; k < head; k += 2) {
    const i = nonZero[k]!;
    const j = nonZero[k + 1]!;
    s0 += data[offset + i]! * query[i]!;
    s1 += data[offset + j]! * query[j]!;
  }
  if (head < n) {
    const i = nonZero[head]!;
    s0 += data[offset + i]! * query[i]!;
  }
  return s0 + s1;
}

/** A query prepared for the gallery scan: its values and, when it is sparse enough to pay off, its non-zero positions. */
export interface PreparedQuery {
  readonly values: Float64Array;
  readonly nonZero: Int32Array | undefined;
}

/** A sparse scan reads an index and a value per non-zero: it pays off below about half the length. */
const SPARSE_QUERY_MAX_FILL = 0.5;

export function preparedQuery(values: Float64Array): PreparedQuery {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  if (count > values.length * SPARSE_QUERY_MAX_FILL) return { values, nonZero: undefined };
  const nonZero = new Int32Array(count);
  let next = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nonZero[next++] = i;
  return { values, nonZero };
}

/** Gallery slots allocated at first for an unbounded gallery; it doubles when full. */
const UNBOUNDED_INITIAL_CAPACITY = 16;

/**
 * One target's embeddings in a single contiguous array: a ring of `budget` slots that overwrites
 * the oldest when full (or a growing array without a budget). Nearest-neighbour search scans it
 * straight through, and a steady stream of embeddings allocates nothing: one array per target
 * instead of one per embedding, which kept the garbage collector busy with galleries that live
 * for up to `budget` frames.
 */
class Gallery {
  private data: Float64Array;
  private next = 0;
  size = 0;

  constructor(
    readonly dimension: number,
    private readonly budget: number | null,
  ) {
    this.data = new Float64Array(dimension * (budget ?? UNBOUNDED_INITIAL_CAPACITY));
  }

  private get capacity(): number {
    return this.data.length / this.dimension;
  }

  add(embedding: Float64Array): void {
    if (this.budget === null && this.size === this.capacity) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
      this.next = this.size; // a full unbounded gallery never wrapped: its samples are in order
    }
    this.data.set(embedding, this.next * this.dimension);
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Smallest cosine distance (1 − dot; samples and query are unit vectors) to any sample. */
  nearestCosine(query: PreparedQuery): number {
    let best = -Infinity;
    const end = this.size * this.dimension;
    const { values, nonZero } = query;
    if (nonZero !== undefined) {
      for (let offset = 0; offset < end; offset += this.dimension) {
        const similarity = sparseDotAt(this.data, offset, values, nonZero);
        if (similarity > best) best = similarity;
      }
    } else {
      for (let offset = 0; offset < end; offset += this.dimension) {
        const similarity = dotAt(this.data, offset, values);
        if (similarity > best) best = similarity;
      }
    }
    return 1 - best;
  }

  /** Smallest squared euclidean distance to any sample. */
  nearestSquared(query: Float64Array): number {
    let best = Infinity;
    const end = this.size * this.dimension;
    for (let offset = 0; offset < end; offset += this.dimension) {
      const distance = squaredDistanceAt(this.data, offset, query);
      if (distance < best) best = distance;
    }
    return best;
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
    const queries: Array<PreparedQuery | undefined> = new Array(cols);
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
        if (query === undefined) queries[col] = query = preparedQuery(this.prepare(features[col]!));
        if (query.values.length !== gallery.dimension)
          throw new TrackingError('invalid-input', `appearance feature ${col} has ${query.values.length} values, target ${target}'s have ${gallery.dimension}`);
        values[at] = cosine ? gallery.nearestCosine(query) : Math.max(0, gallery.nearestSquared(query.values));
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
