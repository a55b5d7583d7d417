import fc from 'fast-check';
import { Deduplicator, type DedupIds, type DedupSnapshot } from './dedup';
import { StreamComputeError } from './errors';
import { SECOND_US, T0 } from './test-support/fixtures';

/** Ids and event times a snapshot chain stands for, decoded independently of `Deduplicator.restore`. */
function liveOf(snapshot: DedupSnapshot, stored: ReadonlyMap<string, DedupIds>): [string, number][] {
  const decode = ({ ids, tsDeltas }: DedupIds) => {
    let ts = 0;
    return ids.map((id, i): [string, number] => [id, (ts += tsDeltas[i]!)]);
  };
  const live = snapshot.segments.flatMap((segment) => decode(stored.get(segment.ref)!).slice(segment.skip));
  return [...live, ...decode(snapshot.delta)];
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const idsOf = (snapshot: DedupSnapshot) => snapshot.delta.ids;

describe('Deduplicator', () => {
  it('drops a repeated detection id and counts it', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 100 });
    expect(dedup.isDuplicate('a', T0)).toBe(false);
    expect(dedup.isDuplicate('b', T0)).toBe(false);
    expect(dedup.isDuplicate('a', T0)).toBe(true);
    expect(dedup.duplicates).toBe(1);
    expect(dedup.size).toBe(2);
  });

  it('forgets ids once the watermark is more than the TTL past them, not before', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 100 });
    dedup.isDuplicate('old', T0);
    dedup.isDuplicate('new', T0 + 30 * SECOND_US);
    dedup.expire(T0 + 60 * SECOND_US); // exactly the TTL behind: kept
    expect(dedup.size).toBe(2);
    dedup.expire(T0 + 60 * SECOND_US + 1);
    expect(dedup.size).toBe(1);
    expect(dedup.isDuplicate('new', T0 + 30 * SECOND_US)).toBe(true);
    expect(dedup.isDuplicate('old', T0)).toBe(false); // forgotten, so remembered again
  });

  it('never expires an id early when ids arrive out of event-time order', () => {
    const dedup = new Deduplicator({ ttlMs: 10_000, maxEntries: 100 });
    dedup.isDuplicate('later', T0 + 20 * SECOND_US);
    dedup.isDuplicate('earlier', T0);
    dedup.expire(T0 + 15 * SECOND_US);
    expect(dedup.isDuplicate('later', T0 + 20 * SECOND_US)).toBe(true);
    expect(dedup.isDuplicate('earlier', T0)).toBe(true); // held behind 'later' (outlives its TTL, never the reverse)
  });

  it('evicts the oldest ids beyond the hard cap and counts evictions', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) dedup.isDuplicate(id, T0);
    expect(dedup.size).toBe(3);
    expect(dedup.evictions).toBe(2);
    expect(dedup.isDuplicate('e', T0)).toBe(true);
    expect(dedup.isDuplicate('a', T0)).toBe(false);
  });

  it('keeps its order across many removals from the front (the queue compacts)', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 1_000 });
    for (let i = 0; i < 5_000; i++) dedup.isDuplicate(`id-${i}`, T0 + i);
    expect(dedup.evictions).toBe(4_000);
    const snapshot = dedup.snapshot();
    expect(snapshot.delta.ids[0]).toBe('id-4000');
    expect(snapshot.delta.ids.at(-1)).toBe('id-4999');
    expect(snapshot.delta.tsDeltas.slice(0, 2)).toEqual([T0 + 4_000, 1]);
  });
});

describe('Deduplicator snapshots', () => {
  const options = { ttlMs: 60_000, maxEntries: 100 };

  it('a snapshot stores only the ids inserted since the last persisted one and refers to the older deltas', () => {
    const dedup = new Deduplicator(options);
    const stored = new Map<string, DedupIds>();
    for (const id of ['a', 'b', 'c']) dedup.isDuplicate(id, T0);
    const first = dedup.snapshot();
    expect(first).toEqual({ version: 2, segments: [], delta: { ids: ['a', 'b', 'c'], tsDeltas: [T0, 0, 0] } });
    dedup.isDuplicate('d', T0 + 1); // processing goes on while the snapshot is committed: the next delta
    stored.set('f1', copy(first.delta));
    dedup.persisted('f1');
    expect(dedup.segmentRefs).toEqual(['f1']);
    dedup.isDuplicate('e', T0 + 2);
    const second = dedup.snapshot();
    expect(second).toEqual({ version: 2, segments: [{ ref: 'f1', skip: 0, count: 3 }], delta: { ids: ['d', 'e'], tsDeltas: [T0 + 1, 1] } });
    expect(liveOf(second, stored).map(([id]) => id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a snapshot retaken without persisted (a failed commit) starts again at the last persisted boundary', () => {
    const dedup = new Deduplicator(options);
    dedup.isDuplicate('a', T0);
    dedup.snapshot();
    dedup.persisted('f1');
    dedup.isDuplicate('b', T0);
    expect(idsOf(dedup.snapshot())).toEqual(['b']);
    dedup.isDuplicate('c', T0);
    expect(idsOf(dedup.snapshot())).toEqual(['b', 'c']);
    dedup.persisted('f3');
    expect(dedup.segmentRefs).toEqual(['f1', 'f3']);
    expect(dedup.snapshot().segments).toEqual([
      { ref: 'f1', skip: 0, count: 1 },
      { ref: 'f3', skip: 0, count: 2 },
    ]);
  });

  it('expiry and eviction show as skips; a segment whose ids all left drops out', () => {
    const dedup = new Deduplicator({ ttlMs: 10_000, maxEntries: 4 });
    for (const id of ['a', 'b']) dedup.isDuplicate(id, T0);
    dedup.snapshot();
    dedup.persisted('f1');
    for (const id of ['c', 'd']) dedup.isDuplicate(id, T0 + 5 * SECOND_US);
    dedup.snapshot();
    dedup.persisted('f2');
    dedup.isDuplicate('e', T0 + 6 * SECOND_US); // evicts a
    expect(dedup.snapshot().segments).toEqual([
      { ref: 'f1', skip: 1, count: 2 },
      { ref: 'f2', skip: 0, count: 2 },
    ]);
    dedup.expire(T0 + 15 * SECOND_US + 1); // b, c, d expire; e stays
    const snapshot = dedup.snapshot();
    expect(snapshot.segments).toEqual([]);
    expect(idsOf(snapshot)).toEqual(['e']);
    expect(dedup.segmentRefs).toEqual(['f1', 'f2']); // until persisted, the last persisted snapshot still needs them
    dedup.persisted('f3');
    expect(dedup.segmentRefs).toEqual(['f3']);
  });

  it('an empty delta adds no segment', () => {
    const dedup = new Deduplicator(options);
    dedup.isDuplicate('a', T0);
    dedup.snapshot();
    dedup.persisted('f1');
    dedup.isDuplicate('a', T0); // a duplicate: nothing new
    expect(dedup.snapshot()).toEqual({ version: 2, segments: [{ ref: 'f1', skip: 0, count: 1 }], delta: { ids: [], tsDeltas: [] } });
    dedup.persisted('f2');
    expect(dedup.segmentRefs).toEqual(['f1']);
  });

  it('rebases (no segments, every live id) once the segments would exceed maxSegments', () => {
    const dedup = new Deduplicator({ ...options, maxSegments: 3 });
    const deltas: string[][] = [];
    for (let cycle = 1; cycle <= 5; cycle++) {
      dedup.isDuplicate(`id-${cycle}`, T0 + cycle);
      const snapshot = dedup.snapshot();
      deltas.push(idsOf(snapshot));
      expect(snapshot.segments.length).toBeLessThan(3);
      dedup.persisted(`f${cycle}`);
    }
    expect(deltas).toEqual([['id-1'], ['id-2'], ['id-3'], ['id-1', 'id-2', 'id-3', 'id-4'], ['id-5']]);
    expect(dedup.segmentRefs).toEqual(['f4', 'f5']);
  });

  it('maxSegments 1 makes every snapshot full (the layout before incremental snapshots)', () => {
    const dedup = new Deduplicator({ ...options, maxSegments: 1 });
    dedup.isDuplicate('a', T0);
    dedup.snapshot();
    dedup.persisted('f1');
    dedup.isDuplicate('b', T0);
    expect(dedup.snapshot()).toMatchObject({ segments: [], delta: { ids: ['a', 'b'] } });
  });

  it('requireFullSnapshot rebases until a full snapshot is persisted', () => {
    const dedup = new Deduplicator(options);
    dedup.isDuplicate('a', T0);
    dedup.snapshot();
    dedup.persisted('f1');
    dedup.isDuplicate('b', T0);
    dedup.requireFullSnapshot();
    expect(dedup.snapshot()).toMatchObject({ segments: [], delta: { ids: ['a', 'b'] } });
    expect(dedup.snapshot()).toMatchObject({ segments: [], delta: { ids: ['a', 'b'] } }); // not persisted: still full
    dedup.persisted('f2');
    expect(dedup.segmentRefs).toEqual(['f2']);
    dedup.isDuplicate('c', T0);
    expect(dedup.snapshot()).toMatchObject({ segments: [{ ref: 'f2', skip: 0, count: 2 }], delta: { ids: ['c'] } });
  });

  it('a full snapshot requested while another is being committed is still taken next', () => {
    const dedup = new Deduplicator(options);
    dedup.isDuplicate('a', T0);
    dedup.snapshot();
    dedup.persisted('f1');
    dedup.requireFullSnapshot();
    dedup.snapshot(); // full
    dedup.requireFullSnapshot(); // asked again before that one is confirmed
    dedup.persisted('f2');
    dedup.isDuplicate('b', T0);
    expect(dedup.snapshot()).toMatchObject({ segments: [], delta: { ids: ['a', 'b'] } });
  });

  it('persisted without a snapshot to confirm is refused', () => {
    const dedup = new Deduplicator(options);
    expect(() => dedup.persisted('f1')).toThrow(/persisted\('f1'\) without a snapshot/);
    dedup.snapshot();
    dedup.persisted('f1');
    expect(() => dedup.persisted('f2')).toThrow(StreamComputeError);
  });

  it('restores a chain: stored deltas from their skip, then the own delta, with event times and order', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 4 });
    const stored = new Map<string, DedupIds>();
    const persist = (ref: string) => {
      stored.set(ref, copy(dedup.snapshot().delta));
      dedup.persisted(ref);
    };
    for (const id of ['a', 'b', 'c']) dedup.isDuplicate(id, T0 + 10);
    persist('f1');
    dedup.isDuplicate('d', T0 + 20);
    dedup.isDuplicate('e', T0 + 5); // evicts a
    const snapshot = copy(dedup.snapshot());
    const copyOf = new Deduplicator({ ttlMs: 60_000, maxEntries: 4 });
    copyOf.restore(snapshot, (ref) => stored.get(ref));
    expect(copyOf.size).toBe(4);
    expect(copyOf.segmentRefs).toEqual(['f1']);
    expect(copyOf.snapshot()).toEqual(snapshot); // same chain, nothing pending
    copyOf.isDuplicate('f', T0 + 30); // evicts b
    expect(copyOf.isDuplicate('b', T0 + 10)).toBe(false);
    copyOf.expire(T0 + 60 * SECOND_US + 11); // nothing: the front, d (T0 + 20), is within the TTL
    expect(copyOf.size).toBe(4);
    copyOf.expire(T0 + 60 * SECOND_US + 21); // d, then e (T0 + 5, held behind d)
    expect(copyOf.snapshot().delta.ids).toEqual(['f', 'b']);
  });

  it('restore with storedAt continues the chain with the restored snapshot as a segment', () => {
    const dedup = new Deduplicator(options);
    const stored = new Map<string, DedupIds>();
    dedup.isDuplicate('a', T0);
    stored.set('f1', copy(dedup.snapshot().delta));
    dedup.persisted('f1');
    dedup.isDuplicate('b', T0);
    const snapshot = copy(dedup.snapshot());
    stored.set('f2', snapshot.delta);
    const resumed = new Deduplicator(options);
    resumed.restore(snapshot, (ref) => stored.get(ref), 'f2');
    expect(resumed.segmentRefs).toEqual(['f1', 'f2']);
    resumed.isDuplicate('c', T0);
    expect(resumed.snapshot()).toMatchObject({ segments: [{ ref: 'f1' }, { ref: 'f2' }], delta: { ids: ['c'] } });
    const rewritten = new Deduplicator(options);
    rewritten.restore(snapshot, (ref) => stored.get(ref));
    expect(rewritten.segmentRefs).toEqual(['f1']);
    expect(idsOf(rewritten.snapshot())).toEqual(['b']); // no storedAt: the restored delta is written again
  });

  it('restores the legacy layout (checkpoints written before incremental snapshots) as a delta', () => {
    const dedup = new Deduplicator({ ttlMs: 60_000, maxEntries: 3 });
    dedup.restore({ ids: ['a', 'b', 'c'], tsDeltas: [T0, 0, 5] });
    expect(dedup.segmentRefs).toEqual([]);
    dedup.isDuplicate('d', T0 + 5);
    expect(dedup.snapshot()).toEqual({ version: 2, segments: [], delta: { ids: ['b', 'c', 'd'], tsDeltas: [T0, 5, 0] } });
    dedup.expire(T0 + 60 * SECOND_US + 1);
    expect(idsOf(dedup.snapshot())).toEqual(['c', 'd']);
  });

  describe('refuses, naming the ref', () => {
    const chain = () => {
      const dedup = new Deduplicator(options);
      for (const id of ['a', 'b']) dedup.isDuplicate(id, T0);
      const stored = new Map([['s3://state/cycle-1.bin', copy(dedup.snapshot().delta)]]);
      dedup.persisted('s3://state/cycle-1.bin');
      dedup.isDuplicate('c', T0);
      return { snapshot: copy(dedup.snapshot()), stored };
    };
    const restoring = (snapshot: DedupSnapshot, storedDelta?: (ref: string) => DedupIds | undefined) => () =>
      new Deduplicator(options).restore(snapshot, storedDelta);

    it.each<[string, (delta: DedupIds) => unknown]>([
      ['shorter than count', (delta) => ({ ids: delta.ids.slice(1), tsDeltas: delta.tsDeltas.slice(1) })],
      ['longer than count', (delta) => ({ ids: [...delta.ids, 'x'], tsDeltas: [...delta.tsDeltas, 0] })],
      ['of unequal columns', (delta) => ({ ids: delta.ids, tsDeltas: [0] })],
      ['without ids', () => ({ tsDeltas: [0, 0] })],
      ['with a non-string id', () => ({ ids: ['a', 7], tsDeltas: [0, 0] })],
      ['missing', () => undefined],
    ])('a stored delta %s', (_, corrupt) => {
      const { snapshot, stored } = chain();
      const run = restoring(snapshot, (ref) => corrupt(stored.get(ref)!) as DedupIds);
      expect(run).toThrow(StreamComputeError);
      expect(run).toThrow(/s3:\/\/state\/cycle-1\.bin/);
      try {
        run();
      } catch (error) {
        expect((error as StreamComputeError).code).toBe('INVALID_SNAPSHOT');
      }
    });

    it('segments without a resolver', () => {
      expect(restoring(chain().snapshot)).toThrow(/refers to 1 stored deltas \(first s3:\/\/state\/cycle-1\.bin\) but no resolver/);
    });

    it('a skip beyond the count', () => {
      const { snapshot, stored } = chain();
      snapshot.segments[0]!.skip = 3;
      expect(restoring(snapshot, (ref) => stored.get(ref))).toThrow(/segment 0 \(ref s3:\/\/state\/cycle-1\.bin\) needs integers 0 <= skip <= count/);
    });

    it('an id twice among the live ids', () => {
      const { snapshot, stored } = chain();
      snapshot.delta.ids[0] = 'a';
      expect(restoring(snapshot, (ref) => stored.get(ref))).toThrow(/an id occurs twice/);
    });

    it('an unknown version', () => {
      expect(restoring({ version: 3 } as unknown as DedupSnapshot)).toThrow(/expected version 2 with segments, got version 3/);
    });
  });

  it('a failed restore leaves the state as it was', () => {
    const dedup = new Deduplicator(options);
    dedup.isDuplicate('a', T0);
    expect(() => dedup.restore({ version: 2, segments: [{ ref: 'gone', skip: 0, count: 1 }], delta: { ids: [], tsDeltas: [] } }, () => undefined)).toThrow(/gone/);
    expect(dedup.isDuplicate('a', T0)).toBe(true);
  });
});

// ---- property: snapshot chains against a model -------------------------------------------------

type Op =
  | { kind: 'insert'; id: number; dtS: number; jitterUs: number }
  | { kind: 'advance'; byS: number }
  | { kind: 'snapshot' }
  | { kind: 'persisted' }
  | { kind: 'requireFull' }
  | { kind: 'restore'; pick: number; storedAt: boolean };

const TTL_MS = 10_000;

/**
 * The rules restated over explicit sequence numbers: live entries, persisted boundary and segments
 * as ranges. It predicts each snapshot exactly.
 */
interface Model {
  live: { id: string; ts: number; seq: number }[];
  inserted: number;
  boundary: number;
  segments: { ref: string; first: number; count: number }[];
  /** `requireFullSnapshot` calls, and how many of them a persisted full snapshot answered. */
  fullRequests: number;
  fullRequestsAnswered: number;
}

function expectedSnapshot(model: Model, maxSegments: number) {
  const front = model.live[0]?.seq ?? model.inserted;
  const kept = model.segments.filter((segment) => segment.first + segment.count > front);
  const incremental = Math.max(model.boundary, front);
  const rebase = model.fullRequests > model.fullRequestsAnswered || kept.length + (model.inserted > incremental ? 1 : 0) > maxSegments;
  const first = rebase ? front : incremental;
  return {
    rebase,
    kept: rebase ? [] : kept,
    first,
    segments: (rebase ? [] : kept).map((segment) => ({ ref: segment.ref, skip: Math.max(0, front - segment.first), count: segment.count })),
    live: model.live.filter((entry) => entry.seq >= first).map((entry): [string, number] => [entry.id, entry.ts]),
  };
}

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), id: fc.integer({ min: 0, max: 14 }), dtS: fc.integer({ min: -3, max: 3 }), jitterUs: fc.integer({ min: -1, max: 1 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), byS: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'persisted' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'requireFull' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restore' as const), pick: fc.nat(), storedAt: fc.boolean() }) },
);

describe('Deduplicator snapshot chains (property)', () => {
  it('every snapshot is exactly the model delta, resolves to the live ids, and restores to a deduplicator that answers like one never snapshotted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.array(opArbitrary, { minLength: 20, maxLength: 150, size: 'max' }), (maxEntries, maxSegments, ops) => {
        const options = { ttlMs: TTL_MS, maxEntries, maxSegments };
        const stored = new Map<string, DedupIds>();
        /** Inserts and expiries so far, to rebuild a deduplicator that never snapshotted. */
        let history: ({ id: string; ts: number } | { watermark: number })[] = [];
        let clock = T0;
        let dedup = new Deduplicator(options);
        let reference = new Deduplicator(options);
        let model: Model = { live: [], inserted: 0, boundary: 0, segments: [], fullRequests: 0, fullRequestsAnswered: 0 };
        type Taken = { snapshot: DedupSnapshot; expected: ReturnType<typeof expectedSnapshot>; model: Model; history: typeof history; clock: number };
        let pending: Taken | null = null;
        const persistedSnapshots: (Taken & { ref: string })[] = [];
        let refs = 0;

        for (const op of ops) {
          switch (op.kind) {
            case 'insert': {
              const id = `id-${op.id}`;
              const ts = clock + op.dtS * SECOND_US + op.jitterUs; // ± 1 µs: ids exactly at the TTL edge
              const duplicate = reference.isDuplicate(id, ts);
              expect(dedup.isDuplicate(id, ts)).toBe(duplicate);
              history.push({ id, ts });
              if (!duplicate) {
                if (model.live.length >= maxEntries) model.live.shift();
                model.live.push({ id, ts, seq: model.inserted++ });
              }
              break;
            }
            case 'advance': {
              clock += op.byS * SECOND_US;
              reference.expire(clock);
              dedup.expire(clock);
              history.push({ watermark: clock });
              while (model.live.length > 0 && model.live[0]!.ts < clock - TTL_MS * 1000) model.live.shift();
              break;
            }
            case 'snapshot': {
              const snapshot = copy(dedup.snapshot());
              const expected = expectedSnapshot(model, maxSegments);
              expect(snapshot.segments).toEqual(expected.segments);
              expect(liveOf({ ...snapshot, segments: [] }, stored)).toEqual(expected.live); // the delta: inserted since the boundary
              expect(liveOf(snapshot, stored)).toEqual(model.live.map((entry) => [entry.id, entry.ts])); // the whole chain
              expect(snapshot.segments.length).toBeLessThanOrEqual(maxSegments);
              pending = { snapshot, expected, model: structuredClone(model), history: [...history], clock };
              break;
            }
            case 'persisted': {
              if (pending === null) {
                expect(() => dedup.persisted('nothing')).toThrow(StreamComputeError);
                break;
              }
              const ref = `ref-${++refs}`;
              stored.set(ref, pending.snapshot.delta);
              dedup.persisted(ref);
              const { expected } = pending;
              const count = pending.model.inserted - expected.first;
              model.segments = count > 0 ? [...expected.kept, { ref, first: expected.first, count }] : expected.kept;
              model.boundary = pending.model.inserted;
              if (expected.rebase) model.fullRequestsAnswered = pending.model.fullRequests;
              persistedSnapshots.push({ ...pending, ref });
              pending = null;
              break;
            }
            case 'requireFull': {
              dedup.requireFullSnapshot();
              model.fullRequests++;
              break;
            }
            case 'restore': {
              if (persistedSnapshots.length === 0) break;
              const chosen = persistedSnapshots[op.pick % persistedSnapshots.length]!;
              dedup = new Deduplicator(options);
              dedup.restore(copy(chosen.snapshot), (ref) => stored.get(ref), op.storedAt ? chosen.ref : undefined);
              // What a restarted process has: state as of that snapshot, a fresh never-snapshotted reference.
              history = [...chosen.history];
              clock = chosen.clock;
              reference = new Deduplicator(options);
              for (const step of history) if ('watermark' in step) reference.expire(step.watermark);
              else reference.isDuplicate(step.id, step.ts);
              const restoredSegments = chosen.expected.kept;
              const deltaCount = chosen.model.inserted - chosen.expected.first;
              const ownSegment = op.storedAt && deltaCount > 0 ? [{ ref: chosen.ref, first: chosen.expected.first, count: deltaCount }] : [];
              model = {
                live: structuredClone(chosen.model.live),
                inserted: chosen.model.inserted,
                boundary: op.storedAt ? chosen.model.inserted : chosen.expected.first,
                segments: [...restoredSegments, ...ownSegment],
                fullRequests: 0,
                fullRequestsAnswered: 0,
              };
              pending = null;
              expect(dedup.size).toBe(reference.size);
              break;
            }
          }
          expect(dedup.size).toBe(model.live.length);
          expect(dedup.segmentRefs).toEqual(model.segments.map((segment) => segment.ref));
        }
        // Every id the pool can produce is answered alike (each probe also inserts, in both).
        for (let id = 0; id < 15; id++) expect(dedup.isDuplicate(`id-${id}`, clock)).toBe(reference.isDuplicate(`id-${id}`, clock));
      }),
      { seed: 20_261_122, numRuns: 150 },
    );
  });
});
