import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3FileIOOptions } from '@retail/iceberg';
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
  close(): void;
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

/** A lister for the state location's scheme; undefined when it cannot be listed (cleanup then stays off). */
export function folderListerFor(stateBase: string, s3: S3FileIOOptions): FolderLister | undefined {
  if (/^s3a?:\/\//.test(stateBase)) return new S3FolderLister(s3);
  if (stateBase.startsWith('file:')) return new LocalFolderLister();
  return undefined;
}

class S3FolderLister implements FolderLister {
  private readonly client: S3Client;

  constructor(options: S3FileIOOptions) {
    const credentials =
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) }
        : undefined;
    this.client = new S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      ...(credentials ? { credentials } : {}),
    });
  }

  async list(folder: string): Promise<string[]> {
    const match = /^(s3a?):\/\/([^/]+)\/(.*)$/.exec(folder);
    if (!match) return [];
    const [, scheme, bucket, prefix] = match;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) if (object.Key) out.push(`${scheme}://${bucket}/${object.Key}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  close(): void {
    this.client.destroy();
  }
}

class LocalFolderLister implements FolderLister {
  async list(folder: string): Promise<string[]> {
    const path = fileURLToPath(folder.replace(/^file:\/*/, 'file:///'));
    try {
      const names = await readdir(path);
      const base = folder.endsWith('/') ? folder : `${folder}/`;
      return names.map((name) => `${base}${name}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  close(): void {}
}
