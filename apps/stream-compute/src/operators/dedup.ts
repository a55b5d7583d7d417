import { StreamComputeError } from './errors';
import { DEFAULT_DEDUP_MAX_SEGMENTS } from './options';
import { US_PER_MS } from './time';

/** Columnar ids in insertion (eviction) order; event times delta-coded (small numbers, short JSON). */
export interface DedupIds {
  ids: string[];
  /** First entry: the event time; each next: the difference to the previous entry's. */
  tsDeltas: number[];
}

/** The layout before incremental snapshots (pipeline snapshot version 1): every live id, in full. */
export type LegacyDedupSnapshot = DedupIds;

/** A delta persisted by an earlier snapshot: `ref` is the opaque string the caller gave `persisted(ref)`. */
export interface DedupSegmentRef {
  ref: string;
  /** Leading ids of that stored delta already expired or evicted. */
  skip: number;
  /** Ids in that stored delta. */
  count: number;
}

/**
 * The live ids are, in order: for each segment (oldest first) its stored delta's ids [skip, count),
 * then `delta`. A snapshot stores only what was inserted since the last persisted one and refers
 * to the older deltas, so its size follows the insert rate, not rate × TTL.
 */
export interface DedupSnapshot {
  version: 2;
  segments: DedupSegmentRef[];
  /** Ids inserted since the last persisted boundary (every live id after a rebase), stored in full. */
  delta: DedupIds;
}

/** The stored delta of the snapshot persisted under a ref (the caller's storage). */
export type StoredDedupDelta = (ref: string) => DedupIds | undefined;

/** A persisted delta the state depends on; sequence numbers are absolute insertion counts. */
interface Segment {
  ref: string;
  /** Sequence number of the stored delta's first id. */
  first: number;
  count: number;
}

/** What the last `snapshot()` emitted, until `persisted(ref)` confirms it. */
interface PendingSnapshot {
  /** Segments the snapshot referred to (still alive at snapshot time). */
  kept: Segment[];
  first: number;
  count: number;
  rebase: boolean;
  /** The `requireFullSnapshot` requests a rebase snapshot satisfies once persisted. */
  fullRequests: number;
}

/**
 * Drops detections whose `detection_id` was seen before. State is bounded two ways: an id expires
 * once the watermark is more than the TTL past its event time, and beyond `maxEntries` the oldest
 * inserted ids are evicted (counted in `evictions`; a duplicate of an evicted id gets through).
 *
 * Snapshots are incremental (see `DedupSnapshot`): ids only ever leave from the front, so the
 * alive part of every persisted delta is a suffix, tracked by absolute insertion sequence numbers.
 */
export class Deduplicator {
  private readonly ttlUs: number;
  private readonly maxEntries: number;
  private readonly maxSegments: number;
  private seen = new Set<string>();
  /** The same ids in insertion order, with event times; insertion order is roughly event-time order, which expiry relies on. */
  private order = new InsertionQueue();
  /** Ids inserted so far (a sequence number per id); the front id's is `inserted - size`. */
  private inserted = 0;
  /** The persisted deltas the last persisted (or restored) snapshot needs, oldest first; contiguous, ending at `persistedEnd`. */
  private segments: Segment[] = [];
  private persistedEnd = 0;
  private pending: PendingSnapshot | null = null;
  private fullRequests = 0;
  private fullRequestsSatisfied = 0;
  /** Ids evicted by the hard cap before they expired (monotonic; a metric, not snapshotted). */
  evictions = 0;
  /** Duplicates dropped (monotonic; a metric, not snapshotted). */
  duplicates = 0;

  constructor(options: { ttlMs: number; maxEntries: number; maxSegments?: number }) {
    this.ttlUs = options.ttlMs * US_PER_MS;
    this.maxEntries = options.maxEntries;
    this.maxSegments = options.maxSegments ?? DEFAULT_DEDUP_MAX_SEGMENTS;
  }

  get size(): number {
    return this.seen.size;
  }

  /** True when the id was seen (and not yet expired); otherwise remembers it. */
  isDuplicate(detectionId: string, eventTs: number): boolean {
    if (this.seen.has(detectionId)) {
      this.duplicates++;
      return true;
    }
    if (this.seen.size >= this.maxEntries) {
      this.seen.delete(this.order.shift());
      this.evictions++;
    }
    this.seen.add(detectionId);
    this.order.push(detectionId, eventTs);
    this.inserted++;
    return false;
  }

  /**
   * Forgets ids more than the TTL behind the watermark. Walks from the oldest insertion and stops
   * at the first id still alive: an id inserted out of event-time order may outlive its TTL by the
   * disorder, never the other way round (no id expires early).
   */
  expire(watermark: number): void {
    const cutoff = watermark - this.ttlUs;
    while (this.order.frontTs < cutoff) this.seen.delete(this.order.shift());
  }

  /**
   * The state as the persisted segments plus the ids inserted since the last persisted boundary.
   * Remembers that delta as pending until `persisted(ref)`; calling it again first (a failed
   * commit) starts again at the same boundary. A rebase (every live id in the delta, no segments)
   * when `requireFullSnapshot()` asked for it or the segments would exceed `maxSegments`.
   */
  snapshot(): DedupSnapshot {
    const front = this.inserted - this.size;
    const kept = this.segments.filter((segment) => segment.first + segment.count > front);
    const incremental = Math.max(this.persistedEnd, front);
    const segmentsAfter = kept.length + (this.inserted > incremental ? 1 : 0);
    const rebase = this.fullRequests > this.fullRequestsSatisfied || segmentsAfter > this.maxSegments;
    const first = rebase ? front : incremental;
    this.pending = { kept: rebase ? [] : kept, first, count: this.inserted - first, rebase, fullRequests: this.fullRequests };
    return {
      version: 2,
      segments: this.pending.kept.map((segment) => ({ ref: segment.ref, skip: Math.max(0, front - segment.first), count: segment.count })),
      delta: this.order.encode(first - front, this.size),
    };
  }

  /**
   * The last `snapshot()` is stored durably under `ref`: its delta becomes a segment (after a
   * rebase, the only one). Call it once per stored snapshot, before the next `snapshot()`.
   */
  persisted(ref: string): void {
    const pending = this.pending;
    if (pending === null) throw new StreamComputeError('INVALID_SNAPSHOT', `dedup: persisted('${ref}') without a snapshot() to confirm (called twice, or after a restore)`);
    if (typeof ref !== 'string' || ref === '') throw new StreamComputeError('INVALID_SNAPSHOT', `dedup: persisted(ref) needs a non-empty string ref, got ${JSON.stringify(ref)}`);
    this.pending = null;
    this.segments = pending.count > 0 ? [...pending.kept, { ref, first: pending.first, count: pending.count }] : pending.kept;
    this.persistedEnd = pending.first + pending.count;
    if (pending.rebase) this.fullRequestsSatisfied = pending.fullRequests;
  }

  /** The next snapshot (and any after it, until one is persisted) stores every live id and no segments. */
  requireFullSnapshot(): void {
    this.fullRequests++;
  }

  /**
   * Refs of the stored deltas the state depends on, oldest first: those the last persisted (or
   * restored) snapshot refers to, plus its own ref when its delta was not empty. Keep these files.
   */
  get segmentRefs(): string[] {
    return this.segments.map((segment) => segment.ref);
  }

  /**
   * Replaces the state. `storedDelta(ref)` returns the delta stored by the snapshot persisted under
   * `ref` (needed when the snapshot has segments). `storedAt`, when given, is where this snapshot
   * itself is stored: its delta then becomes a segment too; otherwise (and for the legacy layout)
   * the next snapshot writes it again.
   * Accepts the legacy layout `{ ids, tsDeltas }` as a delta without segments.
   */
  restore(snapshot: DedupSnapshot | LegacyDedupSnapshot, storedDelta?: StoredDedupDelta, storedAt?: string): void {
    const parts = partsOf(snapshot, storedDelta);
    const seen = new Set<string>();
    const order = new InsertionQueue();
    const segments: Segment[] = [];
    let segmentsEnd = 0;
    for (const { ids, skip, ref } of parts) {
      decodeInto(ids, skip, seen, order);
      if (ref === undefined) continue; // the snapshot's own delta: last
      segments.push({ ref, first: segmentsEnd - skip, count: ids.ids.length });
      segmentsEnd += ids.ids.length - skip;
    }
    if (seen.size !== order.length) throw new StreamComputeError('INVALID_SNAPSHOT', 'dedup snapshot: an id occurs twice among its live ids');
    const delta = parts[parts.length - 1]!.ids;
    // A legacy snapshot's delta is not where a resolver would look (`delta` of a version 2 snapshot): written again instead.
    if (storedAt !== undefined && 'version' in snapshot && delta.ids.length > 0) {
      segments.push({ ref: storedAt, first: segmentsEnd, count: delta.ids.length });
      segmentsEnd += delta.ids.length;
    }
    this.seen = seen;
    this.order = order;
    this.inserted = order.length;
    this.segments = segments;
    this.persistedEnd = segmentsEnd;
    this.pending = null;
    this.fullRequestsSatisfied = this.fullRequests; // a request was about the state replaced here
  }
}

/** One run of stored ids: a segment's stored delta (with its ref) or the snapshot's own delta. */
interface Part {
  ids: DedupIds;
  skip: number;
  ref?: string;
}

/** The snapshot's runs of ids, checked: stored deltas resolved, lengths and skips consistent. */
function partsOf(snapshot: DedupSnapshot | LegacyDedupSnapshot, storedDelta: StoredDedupDelta | undefined): Part[] {
  if (snapshot !== null && typeof snapshot === 'object' && !('version' in snapshot)) {
    if (!isDedupIds(snapshot)) throw invalid('dedup snapshot (legacy layout): expected ids and tsDeltas arrays of equal length');
    return [{ ids: snapshot, skip: 0 }];
  }
  if (snapshot?.version !== 2 || !Array.isArray(snapshot.segments)) throw invalid(`dedup snapshot: expected version 2 with segments, got version ${String((snapshot as { version?: unknown } | null)?.version)}`);
  if (!isDedupIds(snapshot.delta)) throw invalid('dedup snapshot: its delta needs ids and tsDeltas arrays of equal length');
  if (snapshot.segments.length > 0 && storedDelta === undefined)
    throw invalid(`dedup snapshot refers to ${snapshot.segments.length} stored deltas (first ${snapshot.segments[0]!.ref}) but no resolver was given; fetch them (dedupRefsOf) and pass one`);
  const parts: Part[] = [];
  let frontReached = false;
  for (const [i, segment] of snapshot.segments.entries()) {
    const { ref, skip, count } = segment ?? ({} as Partial<DedupSegmentRef>);
    if (typeof ref !== 'string') throw invalid(`dedup snapshot: segment ${i} has no ref`);
    if (!Number.isSafeInteger(count) || !Number.isSafeInteger(skip) || skip! < 0 || skip! > count!)
      throw invalid(`dedup snapshot: segment ${i} (ref ${ref}) needs integers 0 <= skip <= count, got skip ${skip}, count ${count}`);
    // Ids leave only from the front: once a segment has live ids, no later one skips any.
    if (frontReached && skip! > 0) throw invalid(`dedup snapshot: segment ${i} (ref ${ref}) skips ${skip} ids after a segment with live ids`);
    if (skip! < count!) frontReached = true;
    const stored = storedDelta!(ref);
    if (!isDedupIds(stored)) throw invalid(`dedup stored delta of ref ${ref} is missing or malformed (expected ids and tsDeltas arrays of equal length)`);
    if (stored.ids.length !== count)
      throw invalid(`dedup stored delta of ref ${ref} holds ${stored.ids.length} ids, the snapshot expects ${count}; the ref points at another state`);
    parts.push({ ids: stored, skip: skip!, ref });
  }
  parts.push({ ids: snapshot.delta, skip: 0 });
  return parts;
}

function isDedupIds(value: unknown): value is DedupIds {
  if (value === null || typeof value !== 'object') return false;
  const { ids, tsDeltas } = value as Partial<DedupIds>;
  if (!Array.isArray(ids) || !Array.isArray(tsDeltas) || ids.length !== tsDeltas.length) return false;
  for (let i = 0; i < ids.length; i++) if (typeof ids[i] !== 'string' || !Number.isFinite(tsDeltas[i])) return false;
  return true;
}

/** Adds `ids` from `skip` on; the event times of the skipped ones still sum into the first kept one's. */
function decodeInto({ ids, tsDeltas }: DedupIds, skip: number, seen: Set<string>, order: InsertionQueue): void {
  let ts = 0;
  for (let i = 0; i < ids.length; i++) {
    ts += tsDeltas[i]!;
    if (i < skip) continue;
    seen.add(ids[i]!);
    order.push(ids[i]!, ts);
  }
}

function invalid(message: string): StreamComputeError {
  return new StreamComputeError('INVALID_SNAPSHOT', message);
}

/** Ids with their event times in insertion order: appended at the back, removed only at the front. */
class InsertionQueue {
  private ids: string[] = [];
  private times: number[] = [];
  /** Index of the front entry; the dead prefix is compacted away once it is half the arrays. */
  private head = 0;

  get length(): number {
    return this.ids.length - this.head;
  }

  /** Event time of the front entry (Infinity when empty): most expiry calls stop here. */
  get frontTs(): number {
    return this.head < this.times.length ? this.times[this.head]! : Number.POSITIVE_INFINITY;
  }

  push(id: string, ts: number): void {
    this.ids.push(id);
    this.times.push(ts);
  }

  /** Removes and returns the front id (the queue must not be empty). */
  shift(): string {
    const id = this.ids[this.head]!;
    this.ids[this.head] = ''; // let the string go now, not at the next compaction
    this.head++;
    if (this.head >= COMPACT_AT && this.head * 2 >= this.ids.length) {
      this.ids.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return id;
  }

  /** Entries [from, to) counted from the front, event times delta-coded. */
  encode(from: number, to: number): DedupIds {
    const start = this.head + from;
    const end = this.head + to;
    const ids = this.ids.slice(start, end);
    const tsDeltas: number[] = [];
    let previous = 0;
    for (let i = start; i < end; i++) {
      const ts = this.times[i]!;
      tsDeltas.push(ts - previous);
      previous = ts;
    }
    return { ids, tsDeltas };
  }
}

/** Dead front entries compacted in batches at least this large (amortised O(1) per removal). */
const COMPACT_AT = 1024;
