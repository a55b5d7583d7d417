import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stateCheckpointOf, type StateCheckpoint } from './checkpoint';
import { cycleFileLocation } from './cycle-file';
import { cycleFilesToDelete, folderListerFor, referencedCycleFiles } from './cycle-file-cleanup';

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

  it('lists local folders (file://) and has no lister for memory locations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-cleanup-'));
    try {
      await writeFile(join(dir, 'cycle-0000000001-ab.bin'), 'x');
      const folder = `${pathToFileURL(dir).href}/`;
      const lister = folderListerFor('file:///tmp/base/', {})!;
      expect(await lister.list(folder)).toEqual([`${folder}cycle-0000000001-ab.bin`]);
      expect(await lister.list(`${folder}missing/`)).toEqual([]);
      expect(folderListerFor('memory://x/', {})).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
