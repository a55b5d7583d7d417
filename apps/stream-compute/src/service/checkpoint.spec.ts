import { CHECKPOINT_PROPERTY, WRITER_EPOCH_PROPERTY, WRITER_ID_PROPERTY, type TableMetadata } from '@retail/iceberg';
import { MessageId } from '@retail/pulsar';
import {
  appliedCycle,
  assertCycleNotApplied,
  camerasTakenOver,
  compareCameraCommits,
  completedCyclesOf,
  cameraEntryOf,
  isAtOrBelow,
  newestCameraSource,
  stateCheckpointOf,
  stateCheckpointsByWriter,
  type CameraBase,
  type StateCheckpoint,
} from './checkpoint';

const id = (ledger: number, entry: number, partition = 0, batch = -1) => `${ledger}:${entry}:${partition}:${batch}`;

function checkpoint(cycle: number, cameras: Record<string, [string, string] | [string, string, number]>): StateCheckpoint {
  return stateCheckpointOf('sub', cycle, `s3://w/c/cycle-${cycle}`, new Map(Object.entries(cameras).map(([c, [position, file, version]]) => [c, { position, file, ...(version !== undefined ? { version } : {}) }])));
}

/** Table metadata whose main chain is the given snapshots' summaries, oldest first. */
function metadataWith(summaries: Record<string, string>[]): TableMetadata {
  const snapshots = summaries.map((summary, i) => ({
    'snapshot-id': i + 1,
    ...(i > 0 ? { 'parent-snapshot-id': i } : {}),
    'sequence-number': i + 1,
    'timestamp-ms': 1_000 + i,
    'manifest-list': `s3://w/m${i}`,
    summary: { operation: 'append', ...summary },
  }));
  return { 'current-snapshot-id': snapshots.length, snapshots, refs: { main: { 'snapshot-id': snapshots.length, type: 'branch' } } } as unknown as TableMetadata;
}

const commit = (writer: string, value: unknown) => ({ [WRITER_ID_PROPERTY]: writer, [WRITER_EPOCH_PROPERTY]: '1', [CHECKPOINT_PROPERTY]: JSON.stringify(value) });

describe('state checkpoint', () => {
  it('lists each referenced file once and finds a camera\'s position and file', () => {
    const cp = checkpoint(7, { 'cam-b': [id(5, 9), 's3://w/c/cycle-7'], 'cam-a': [id(5, 3), 's3://w/c/cycle-2'], 'cam-c': [id(5, 8), 's3://w/c/cycle-7'] });
    expect(cp.files).toEqual(['s3://w/c/cycle-2', 's3://w/c/cycle-7']);
    expect(cp.cameras).toEqual({ 'cam-a': [id(5, 3), 0], 'cam-b': [id(5, 9), 1], 'cam-c': [id(5, 8), 1] });
    expect(cameraEntryOf(cp, 'cam-b')).toEqual({ position: id(5, 9), file: 's3://w/c/cycle-7', version: 0 });
    expect(cameraEntryOf(cp, 'cam-z')).toBeUndefined();
    // It survives the snapshot summary (JSON) unchanged.
    expect(JSON.parse(JSON.stringify(cp))).toEqual(cp);
  });

  it('rejects a camera entry that points past the file list', () => {
    const cp = { ...checkpoint(1, { c: [id(1, 1), 'f'] }), files: [] };
    expect(() => cameraEntryOf(cp, 'c')).toThrow(/names file #0 for camera c, but has 0 files/);
  });

  it('reads the newest state checkpoint of every writer of the subscription from the table', () => {
    const metadata = metadataWith([
      commit('w0', checkpoint(1, { c: [id(1, 1), 'f1'] })),
      commit('w1', checkpoint(4, { d: [id(1, 2), 'f4'] })),
      commit('w0', checkpoint(2, { c: [id(1, 5), 'f2'] })),
      commit('w2', { ...checkpoint(9, {}), subscription: 'other' }),
      { [WRITER_ID_PROPERTY]: 'w1', [WRITER_EPOCH_PROPERTY]: '2' }, // an epoch claim without a checkpoint
    ]);
    const found = stateCheckpointsByWriter(metadata, 'sub');
    expect([...found.keys()].sort()).toEqual(['w0', 'w1']);
    expect(found.get('w0')!.cycle).toBe(2);
    expect(found.get('w1')!.cycle).toBe(4);
  });
});

describe('per-key skip decision', () => {
  it('skips a message at or below its camera\'s position, processes a later one', () => {
    const position = id(10, 5, 2, -1);
    expect(isAtOrBelow(position, MessageId.fromString(id(10, 4, 2)))).toBe(true);
    expect(isAtOrBelow(position, MessageId.fromString(id(10, 5, 2)))).toBe(true);
    expect(isAtOrBelow(position, MessageId.fromString(id(10, 6, 2)))).toBe(false);
    expect(isAtOrBelow(position, MessageId.fromString(id(11, 0, 2)))).toBe(false);
    expect(isAtOrBelow(undefined, MessageId.fromString(id(0, 0, 2)))).toBe(false);
    // The service keeps positions as parsed ids; the decision is the same.
    expect(isAtOrBelow(MessageId.fromString(position), MessageId.fromString(id(10, 5, 2)))).toBe(true);
    expect(isAtOrBelow(MessageId.fromString(position), MessageId.fromString(id(10, 6, 2)))).toBe(false);
  });

  it('compares batch entries within one ledger entry', () => {
    expect(isAtOrBelow(id(3, 7, 0, 2), MessageId.fromString(id(3, 7, 0, 1)))).toBe(true);
    expect(isAtOrBelow(id(3, 7, 0, 2), MessageId.fromString(id(3, 7, 0, 3)))).toBe(false);
  });

  it('takes a camera\'s state from the writer with the highest position for it', () => {
    const all = new Map([
      ['w0', checkpoint(3, { c: [id(1, 10), 'a'], d: [id(1, 2), 'a'] })],
      ['w1', checkpoint(8, { c: [id(1, 40), 'b'] })],
    ]);
    expect(newestCameraSource(all, 'c')).toMatchObject({ writerId: 'w1', position: id(1, 40), file: 'b' });
    expect(newestCameraSource(all, 'd')).toMatchObject({ writerId: 'w0', position: id(1, 2), file: 'a' });
    expect(newestCameraSource(all, 'x')).toBeUndefined();
  });

  it('sees cameras another writer committed beyond this instance\'s known position', () => {
    const all = new Map([
      ['me', checkpoint(3, { c: [id(1, 10), 'a'] })],
      ['w1', checkpoint(8, { c: [id(1, 40), 'b'], d: [id(1, 5), 'b'], e: [id(1, 1), 'b'] })],
    ]);
    const known = new Map<string, CameraBase | undefined>([
      ['c', { position: id(1, 10), version: 0 }],
      ['d', { position: id(1, 5), version: 0 }],
      ['e', undefined],
    ]);
    expect(camerasTakenOver(all, 'me', known, ['c', 'd', 'e', 'f'])).toEqual(['c', 'e']);
  });

  it('sees a camera its previous owner committed again after this instance adopted it (windows fired by time, same position)', () => {
    // w1 adopted c from w0 at version 4; w0 then fired c's windows without a new message: version 5, same position.
    const all = new Map([
      ['w0', checkpoint(9, { c: [id(1, 10), 'w0-9', 5] })],
      ['w1', checkpoint(2, {})],
    ]);
    expect(camerasTakenOver(all, 'w1', new Map([['c', { position: id(1, 10), version: 4 }]]), ['c'])).toEqual(['c']);
    // Before that commit of w0, the adopted state was the newest: nothing taken over.
    const before = new Map([['w0', checkpoint(8, { c: [id(1, 10), 'w0-8', 4] })]]);
    expect(camerasTakenOver(before, 'w1', new Map([['c', { position: id(1, 10), version: 4 }]]), ['c'])).toEqual([]);
    // And once w1 committed (version 5, later position), w0 sees c moved away; w1 keeps it.
    const after = new Map([
      ['w0', checkpoint(8, { c: [id(1, 10), 'w0-8', 4] })],
      ['w1', checkpoint(3, { c: [id(1, 30), 'w1-3', 5] })],
    ]);
    expect(camerasTakenOver(after, 'w0', new Map([['c', { position: id(1, 10), version: 4 }]]), ['c'])).toEqual(['c']);
    expect(camerasTakenOver(after, 'w1', new Map([['c', { position: id(1, 30), version: 5 }]]), ['c'])).toEqual([]);
    expect(newestCameraSource(after, 'c')).toMatchObject({ writerId: 'w1', version: 5 });
  });

  it('orders camera states by version, then position (older checkpoints have no versions)', () => {
    expect(compareCameraCommits({ position: id(1, 10), version: 5 }, { position: id(9, 99), version: 4 })).toBeGreaterThan(0);
    expect(compareCameraCommits({ position: id(1, 10), version: 0 }, { position: id(1, 11), version: 0 })).toBeLessThan(0);
    const cp = checkpoint(1, { old: [id(1, 1), 'f'], fresh: [id(1, 2), 'f', 3] });
    expect(cp.cameras).toEqual({ fresh: [id(1, 2), 0, 3], old: [id(1, 1), 0] });
    expect(cameraEntryOf(cp, 'old')).toEqual({ position: id(1, 1), file: 'f', version: 0 });
  });

  it('treats a message of another partition than the camera\'s position as a new sequence (partition count grew)', () => {
    const position = id(50, 5, 1);
    // Ledger 10 < 50, but on partition 3: never compared with partition 1's ids, never skipped.
    expect(isAtOrBelow(position, MessageId.fromString(id(10, 0, 3)))).toBe(false);
    expect(isAtOrBelow(MessageId.fromString(position), MessageId.fromString(id(10, 0, 3)))).toBe(false);
    expect(isAtOrBelow(position, MessageId.fromString(id(50, 4, 1)))).toBe(true);
  });
});

describe('applied cycles of output tables', () => {
  it('finds the newest cycle of a writer, whoever committed it', () => {
    const output = (writer: string, cycle: number) => ({ kind: 'output', subscription: 'sub', writer, cycle });
    const metadata = metadataWith([
      commit('w0', output('w0', 1)),
      commit('w0', output('w0', 2)),
      commit('w1', output('w0', 3)), // w1 completed w0's half-committed cycle 3
      commit('w1', output('w1', 5)),
      commit('w2', { ...output('w2', 9), subscription: 'other' }),
    ]);
    expect(appliedCycle(metadata, 'sub', 'w0')).toBe(3);
    expect(appliedCycle(metadata, 'sub', 'w1')).toBe(5);
    expect(appliedCycle(metadata, 'sub', 'w2')).toBe(-1);
  });

  it('still sees another writer\'s completion after the snapshot that made it was expired (carried in later markers)', () => {
    const output = (writer: string, cycle: number, completed?: Record<string, number>) => ({ kind: 'output', subscription: 'sub', writer, cycle, ...(completed ? { completed } : {}) });
    // What expiry leaves: w0's newest own marker (cycle 2) and w1's newest marker, which carries its
    // completion of w0's cycle 3; the snapshot w1 completed cycle 3 with is gone.
    const expired = metadataWith([commit('w0', output('w0', 2)), commit('w1', output('w1', 6, { w0: 3 }))]);
    expect(appliedCycle(expired, 'sub', 'w0')).toBe(3);
    // A stale carried entry never hides a newer own marker of w0.
    const later = metadataWith([commit('w0', output('w0', 2)), commit('w0', output('w0', 5)), commit('w1', output('w1', 7, { w0: 3 }))]);
    expect(appliedCycle(later, 'sub', 'w0')).toBe(5);
  });

  it('reads markers from writer floors when another engine expired their snapshots', () => {
    const marker = (writer: string, cycle: number, completed?: Record<string, number>) =>
      JSON.stringify({ kind: 'output', subscription: 'sub', writer, cycle, ...(completed ? { completed } : {}) });
    const floor = (checkpoint: string) => JSON.stringify({ epoch: 1, checkpoint, 'snapshot-id': '99', 'sequence-number': 9, 'timestamp-ms': 5 });
    // Only an unrelated snapshot is left on main; the floors remember w0's cycle 2 and w1's completion of w0's cycle 3.
    const metadata = {
      ...metadataWith([{ 'trino.query': 'x' }]),
      properties: { 'retail.writer-floor.w0': floor(marker('w0', 2)), 'retail.writer-floor.w1': floor(marker('w1', 6, { w0: 3 })) },
    } as TableMetadata;
    expect(appliedCycle(metadata, 'sub', 'w0')).toBe(3);
    expect(appliedCycle(metadata, 'sub', 'w1')).toBe(6);
  });

  it('carries forward completions from the writer\'s own newest marker', () => {
    expect(completedCyclesOf({ kind: 'output', subscription: 'sub', writer: 'w0', cycle: 3, completed: { w2: 1 } }, 'sub', 'w1')).toEqual({ w0: 3, w2: 1 });
    expect(completedCyclesOf({ kind: 'output', subscription: 'sub', writer: 'w1', cycle: 8, completed: { w0: 3 } }, 'sub', 'w1')).toEqual({ w0: 3 });
    expect(completedCyclesOf(null, 'sub', 'w1')).toEqual({});
  });

  it('refuses to apply a cycle a table already holds (every output-table commit validates this)', () => {
    const output = (writer: string, cycle: number) => ({ kind: 'output', subscription: 'sub', writer, cycle });
    const metadata = metadataWith([commit('w0', output('w0', 2)), commit('w1', output('w0', 3))]);
    expect(() => assertCycleNotApplied(metadata, 'sub', 'w0', 3, 'silver.detections')).toThrow(expect.objectContaining({ code: 'CYCLE_COMPLETED_CONCURRENTLY', retriable: false }));
    expect(() => assertCycleNotApplied(metadata, 'sub', 'w0', 4, 'silver.detections')).not.toThrow();
  });
});
