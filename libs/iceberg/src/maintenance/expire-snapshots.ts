import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import type { TableIdentifier, TableRequirement } from '../catalog/rest/client';
import { NotFoundError } from '../errors';
import type { FileIO } from '../io/file-io';
import { ManifestEntryStatus, type ManifestFile, type Snapshot, type SnapshotId, type TableMetadata } from '../spec/types';
import { commitWithRetries, type CommitCatalog, type CommitLoopOptions, type CommitRequest, type PendingCommit } from '../transaction/commit-loop';
import { mapWithConcurrency } from '../util/concurrency';
import { planSnapshotExpiry, type ExpiryPlan, type ExpiryPolicy } from './expiry-plan';

/** Parallel reads and deletes against the object store while cleaning up. */
export const EXPIRY_IO_CONCURRENCY = 8;

export interface ExpireSnapshotsOptions extends ExpiryPolicy {
  catalog: CommitCatalog;
  io: FileIO;
  identifier: TableIdentifier;
  /**
   * Delete the manifest lists, manifests and data files that only expired snapshots referenced
   * (default true). Files any retained snapshot still references are never touched.
   */
  deleteFiles?: boolean;
  commit?: CommitLoopOptions;
  /** Clock for the age cutoff (tests). */
  now?: () => number;
}

export interface ExpireSnapshotsResult {
  expiredSnapshotIds: SnapshotId[];
  deletedManifestLists: number;
  deletedManifests: number;
  deletedDataFiles: number;
  /** Files that could not be deleted (unreachable now: harmless orphans for a later cleanup). */
  failedDeletes: string[];
}

/**
 * The `remove-snapshots` commit. Its plan is recomputed on every attempt's fresh metadata; the
 * requirements pin every ref the plan protected, so a ref moved or added meanwhile (a writer's
 * new snapshot on `main`) makes the catalog refuse, and the loop re-plans against the new state.
 * Appends do not conflict with it: removing snapshots never moves `main`.
 */
class RemoveSnapshotsCommit implements PendingCommit {
  plan?: ExpiryPlan;
  base?: TableMetadata;

  constructor(
    private readonly policy: ExpiryPolicy,
    private readonly now: () => number,
  ) {}

  landedIn(metadata: TableMetadata): boolean {
    if (!this.plan) return false;
    const present = new Set((metadata.snapshots ?? []).map((s) => s['snapshot-id']));
    return this.plan.expire.every((s) => !present.has(s['snapshot-id']));
  }

  async build(base: TableMetadata): Promise<CommitRequest> {
    this.plan = planSnapshotExpiry(base, this.policy, this.now());
    this.base = base;
    const requirements: TableRequirement[] = [{ type: 'assert-table-uuid', uuid: base['table-uuid'] }];
    for (const [ref, target] of Object.entries(base.refs ?? {})) {
      requirements.push({ type: 'assert-ref-snapshot-id', ref, 'snapshot-id': target['snapshot-id'] as number });
    }
    return {
      requirements,
      updates: [{ action: 'remove-snapshots', 'snapshot-ids': this.plan.expire.map((s) => s['snapshot-id'] as number) }],
    };
  }
}

/**
 * Expires old snapshots of a table through the catalog (never the current snapshot, a snapshot a
 * ref points at, or one exactly-once recovery needs — see `planSnapshotExpiry`), then deletes the
 * files only the expired snapshots referenced.
 */
export async function expireSnapshots(options: ExpireSnapshotsOptions): Promise<ExpireSnapshotsResult> {
  const now = options.now ?? Date.now;
  const policy: ExpiryPolicy = {
    ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
    ...(options.retainLast !== undefined ? { retainLast: options.retainLast } : {}),
  };
  const table = await options.catalog.loadTable(options.identifier);
  const result: ExpireSnapshotsResult = { expiredSnapshotIds: [], deletedManifestLists: 0, deletedManifests: 0, deletedDataFiles: 0, failedDeletes: [] };
  if (planSnapshotExpiry(table.metadata, policy, now()).expire.length === 0) return result;

  const removal = new RemoveSnapshotsCommit(policy, now);
  const outcome = await commitWithRetries(options.catalog, options.identifier, removal, options.commit, table);
  const expired = removal.plan!.expire;
  result.expiredSnapshotIds = expired.map((s) => s['snapshot-id']);
  if (options.deleteFiles === false || expired.length === 0) return result;
  // Retained: whatever the table holds now (snapshots committed meanwhile included).
  const deletion = await unreachableFiles(options.io, expired, outcome.table.metadata.snapshots ?? []);
  const failed = new Set<string>();
  const remove = (paths: string[]) =>
    mapWithConcurrency(paths, EXPIRY_IO_CONCURRENCY, (path) => options.io.delete(path).catch(() => void failed.add(path)));
  // Data files first, then the manifests naming them, then the lists: a failure leaves no dangling reference.
  await remove(deletion.dataFiles);
  await remove(deletion.manifests);
  await remove(deletion.manifestLists);
  const succeeded = (paths: string[]) => paths.filter((p) => !failed.has(p)).length;
  result.deletedDataFiles = succeeded(deletion.dataFiles);
  result.deletedManifests = succeeded(deletion.manifests);
  result.deletedManifestLists = succeeded(deletion.manifestLists);
  result.failedDeletes = [...failed];
  return result;
}

interface Unreachable {
  manifestLists: string[];
  manifests: string[];
  dataFiles: string[];
}

/** `tolerateMissing`: an expired list deleted by an earlier, interrupted cleanup names nothing more. */
async function manifestsOf(io: FileIO, snapshots: Snapshot[], tolerateMissing = false): Promise<ManifestFile[]> {
  const lists = await mapWithConcurrency(snapshots, EXPIRY_IO_CONCURRENCY, async (s) => {
    try {
      return readManifestList(await io.read(s['manifest-list']));
    } catch (error) {
      if (tolerateMissing && error instanceof NotFoundError) return [];
      throw error;
    }
  });
  return lists.flat();
}

/**
 * Files referenced by the expired snapshots and by no retained one. Append-only history carries
 * every manifest forward, so usually only the expired manifest lists go; manifests and data files
 * go when an expired snapshot was the last to reference them (after a rewrite or delete). Only
 * then are the retained manifests read, to learn which data files are still live.
 */
export async function unreachableFiles(io: FileIO, expired: Snapshot[], retained: Snapshot[]): Promise<Unreachable> {
  const retainedLists = new Set(retained.map((s) => s['manifest-list']));
  const manifestLists = [...new Set(expired.map((s) => s['manifest-list']))].filter((path) => !retainedLists.has(path));
  const retainedManifests = await manifestsOf(io, retained);
  const retainedManifestPaths = new Set(retainedManifests.map((m) => m.manifestPath));
  const candidates = [...new Map((await manifestsOf(io, expired, true)).map((m) => [m.manifestPath, m])).values()].filter(
    (m) => !retainedManifestPaths.has(m.manifestPath),
  );
  if (candidates.length === 0) return { manifestLists, manifests: [], dataFiles: [] };

  const pathsIn = async (manifests: ManifestFile[], liveOnly: boolean): Promise<Set<string>> => {
    const out = new Set<string>();
    await mapWithConcurrency(manifests, EXPIRY_IO_CONCURRENCY, async (m) => {
      for (const entry of readManifest(await io.read(m.manifestPath)).entries) {
        if (!liveOnly || entry.status !== ManifestEntryStatus.DELETED) out.add(entry.dataFile.filePath);
      }
    });
    return out;
  };
  const uniqueRetained = [...new Map(retainedManifests.map((m) => [m.manifestPath, m])).values()];
  const [candidateFiles, liveFiles] = await Promise.all([pathsIn(candidates, false), pathsIn(uniqueRetained, true)]);
  return {
    manifestLists,
    manifests: candidates.map((m) => m.manifestPath),
    dataFiles: [...candidateFiles].filter((path) => !liveFiles.has(path)),
  };
}
