import type { FileLister } from '@retail/iceberg';
import { cameraEntryOf, type StateCheckpoint } from './checkpoint';
import { cycleOfFileName } from './cycle-file';

/*
 * Cycle files are referenced only by the newest state checkpoint of each writer (adoption and
 * recovery read nothing else): its `cycleFile` and the `files` its cameras point to. Every other
 * file in a writer's folder is garbage: replaced state, or the file of an attempt that crashed
 * before its checkpoint commit. The decision is recomputed from the listing and the checkpoints
 * every time, so a crash between a commit and the cleanup only delays the deletion.
 */

/** Lists the object locations under a folder (`s3://bucket/prefix/` or `file:///path/`). */
export interface FolderLister {
  list(folder: string): Promise<string[]>;
}

/** Every location some writer's newest state checkpoint can lead to. */
export function referencedCycleFiles(checkpoints: Iterable<StateCheckpoint>): Set<string> {
  const keep = new Set<string>();
  for (const checkpoint of checkpoints) {
    keep.add(checkpoint.cycleFile);
    for (const file of checkpoint.files) keep.add(file);
  }
  return keep;
}

/**
 * The oldest cycle of the writer whose folder is `directory` that some newest checkpoint's camera
 * state still depends on through its incremental dedup chain (undefined: none). A camera's chain
 * lives in its state file's writer folder, from `chainFrom` to the state file.
 */
export function oldestChainedCycle(checkpoints: Iterable<StateCheckpoint>, directory: string): number | undefined {
  let oldest: number | undefined;
  for (const checkpoint of checkpoints) {
    for (const camera of Object.keys(checkpoint.cameras)) {
      const entry = cameraEntryOf(checkpoint, camera)!;
      if (entry.chainFrom === undefined || !entry.file.startsWith(directory)) continue;
      oldest = oldest === undefined ? entry.chainFrom : Math.min(oldest, entry.chainFrom);
    }
  }
  return oldest;
}

/**
 * The files of one writer's folder that can go: named like a cycle file, referenced by no newest
 * checkpoint, older than every dedup chain (`chainedFrom`, see oldestChainedCycle), and of a cycle
 * no later than the writer's committed one (a file of a later cycle may belong to a commit still
 * under way, e.g. a fenced zombie's, and is left for a later pass).
 */
export function cycleFilesToDelete(listed: readonly string[], keep: ReadonlySet<string>, committedCycle: number, chainedFrom?: number): string[] {
  return listed.filter((location) => {
    const cycle = cycleOfFileName(location);
    return cycle !== undefined && cycle <= committedCycle && (chainedFrom === undefined || cycle < chainedFrom) && !keep.has(location);
  });
}

/**
 * A lister of a state location's folders through `@retail/iceberg`'s FileIO listing (s3://, s3a://,
 * file:// and absolute paths); undefined where it cannot list (cleanup then stays off).
 */
export function folderListerFor(stateBase: string, io: FileLister): FolderLister | undefined {
  if (!/^s3a?:\/\//.test(stateBase) && !stateBase.startsWith('file:') && !stateBase.startsWith('/')) return undefined;
  return {
    async list(folder) {
      const locations: string[] = [];
      for await (const file of io.list(folder.endsWith('/') ? folder : `${folder}/`)) locations.push(file.location);
      return locations;
    },
  };
}
