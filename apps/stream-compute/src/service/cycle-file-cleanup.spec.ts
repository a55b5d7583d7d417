import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileIOResolver } from '@retail/iceberg';
import { stateCheckpointOf, type StateCheckpoint } from './checkpoint';
import { cycleFileLocation } from './cycle-file';
import { cameraEntryOf } from './checkpoint';
import { cycleFileDirectory } from './cycle-file';
import { cycleFilesToDelete, folderListerFor, oldestChainedCycle, referencedCycleFiles } from './cycle-file-cleanup';

const BASE = 's3://warehouse/checkpoints/stream-compute/';
const file = (writer: string, cycle: number, nonce = 'aa') => cycleFileLocation(BASE, 'sub', writer, cycle, nonce);
const checkpoint = (cycle: number, cameras: Record<string, string>): StateCheckpoint =>
  stateCheckpointOf('sub', cycle, file('w0', cycle), new Map(Object.entries(cameras).map(([camera, location]) => [camera, { position: '1:1:0:-1', file: location }])));

describe('cycle file cleanup', () => {
  it('keeps every file a newest checkpoint can lead to, of any writer', () => {
    const own = checkpoint(5, { 'cam-1': file('w0', 5), 'cam-2': file('w0', 2) });
    const other = { ...checkpoint(9, { 'cam-3': file('w0', 1) }), cycleFile: file('w1', 9) }; // adopted cam-3 from w0's cycle 1, not changed since
    expect([...referencedCycleFiles([own, other])].sort()).toEqual([file('w0', 1), file('w0', 2), file('w0', 5), file('w1', 9)].sort());
  });

  it('deletes replaced state and crashed attempts up to the committed cycle, never a later one', () => {
    const listed = [file('w0', 1), file('w0', 2), file('w0', 3), file('w0', 4, 'bb'), file('w0', 4), file('w0', 5), file('w0', 6, 'cc'), `${BASE}sub/w0/notes.txt`];
    const keep = referencedCycleFiles([checkpoint(4, { 'cam-1': file('w0', 4), 'cam-2': file('w0', 2) })]);
    // 4-bb: an attempt of cycle 4 that crashed before its commit; 5 and 6: not committed (yet).
    expect(cycleFilesToDelete(listed, keep, 4)).toEqual([file('w0', 1), file('w0', 3), file('w0', 4, 'bb')]);
  });

  it('a crash between commit and cleanup only delays the deletion: the next pass decides the same from the listing', () => {
    let listed = [file('w0', 1), file('w0', 2)];
    // Cycle 2 committed (cam-1 now in file 2), then the process died before cleaning up.
    const afterCrash = referencedCycleFiles([checkpoint(2, { 'cam-1': file('w0', 2) })]);
    // The restarted instance wrote cycle 3's file and died again before its commit.
    listed = [...listed, file('w0', 3, 'dd')];
    expect(cycleFilesToDelete(listed, afterCrash, 2)).toEqual([file('w0', 1)]);
    // Restarted once more: cycle 3 commits with another nonce; the dead attempt goes too.
    listed = [file('w0', 2), file('w0', 3, 'dd'), file('w0', 3, 'ee')];
    const next = referencedCycleFiles([checkpoint(3, { 'cam-1': file('w0', 3, 'ee') })].map((c) => ({ ...c, cycleFile: file('w0', 3, 'ee') })));
    expect(cycleFilesToDelete(listed, next, 3)).toEqual([file('w0', 2), file('w0', 3, 'dd')]);
  });

  it('keeps the files of every dedup chain that leads into the writer\'s folder, whichever writer\'s checkpoint holds the entry', () => {
    const chained = (cycle: number, cameras: Record<string, [string, number | undefined]>, writer = 'w0'): StateCheckpoint => ({
      ...stateCheckpointOf('sub', cycle, file(writer, cycle), new Map(Object.entries(cameras).map(([camera, [location, chainFrom]]) => [camera, { position: '1:1:0:-1', file: location, version: 3, ...(chainFrom !== undefined ? { chainFrom } : {}) }]))),
    });
    // w0: cam-1's state is in cycle 9 with deltas back to cycle 6; cam-2 evicted long ago, state in cycle 3 with deltas back to 2.
    const own = chained(9, { 'cam-1': [file('w0', 9), 6], 'cam-2': [file('w0', 3), 2] });
    expect(cameraEntryOf(own, 'cam-1')).toEqual({ position: '1:1:0:-1', file: file('w0', 9), version: 3, chainFrom: 6 });
    // w1 adopted cam-3 from w0's cycle 8 (chain from 7) and has not changed it since; its own cam-4 chains into w1's folder only.
    const other = chained(4, { 'cam-3': [file('w0', 8), 7], 'cam-4': [file('w1', 4), 1] }, 'w1');
    const directory = cycleFileDirectory(BASE, 'sub', 'w0');
    expect(oldestChainedCycle([own, other], directory)).toBe(2);
    expect(oldestChainedCycle([other], directory)).toBe(7);
    expect(oldestChainedCycle([chained(2, { 'cam-1': [file('w0', 2), undefined] })], directory)).toBeUndefined();
    const listed = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((cycle) => file('w0', cycle));
    expect(cycleFilesToDelete(listed, referencedCycleFiles([own, other]), 9, oldestChainedCycle([own, other], directory))).toEqual([file('w0', 1)]);
    // Once cam-2 is rebased (whole state in cycle 10) the old chain may go, but not what cam-3's chain in w1's checkpoint needs.
    const rebased = chained(10, { 'cam-1': [file('w0', 9), 6], 'cam-2': [file('w0', 10), undefined] });
    const all = [...listed, file('w0', 10)];
    expect(cycleFilesToDelete(all, referencedCycleFiles([rebased, other]), 10, oldestChainedCycle([rebased, other], directory))).toEqual([1, 2, 3, 4, 5].map((cycle) => file('w0', cycle)));
  });

  it('lists local folders (file://) and has no lister for memory locations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-cleanup-'));
    try {
      await writeFile(join(dir, 'cycle-0000000001-ab.bin'), 'x');
      const folder = `${pathToFileURL(dir).href}/`;
      const lister = folderListerFor('file:///tmp/base/', new FileIOResolver())!;
      expect(await lister.list(folder)).toEqual([`${folder}cycle-0000000001-ab.bin`]);
      expect(await lister.list(`${folder}missing/`)).toEqual([]);
      expect(folderListerFor('memory://x/', new FileIOResolver())).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
