import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import type { TableIdentifier } from '../catalog/rest/client';
import { ValidationError } from '../errors';
import type { FileIO, FileLister } from '../io/file-io';
import { localPath } from '../io/local-file-io';
import type { TableMetadata } from '../spec/types';
import type { CommitCatalog } from '../transaction/commit-loop';
import { mapWithConcurrency } from '../util/concurrency';

/** Iceberg's own default: a file must be unreferenced and this old before it is removed. */
export const DEFAULT_ORPHAN_SAFETY_AGE_MS = 3 * 24 * 60 * 60 * 1000;
/**
 * Below this, a file of a commit still in flight (uploaded, not yet committed) could be taken
 * for an orphan; shorter ages need `allowShortSafetyAge`.
 */
export const MIN_ORPHAN_SAFETY_AGE_MS = 60 * 60 * 1000;
/** Parallel reads and deletes against the object store. */
export const ORPHAN_IO_CONCURRENCY = 8;

export interface RemoveOrphanFilesOptions {
  catalog: Pick<CommitCatalog, 'loadTable'>;
  io: FileIO & FileLister;
  identifier: TableIdentifier;
  /** Only files last modified longer ago than this go (default `DEFAULT_ORPHAN_SAFETY_AGE_MS`). */
  olderThanMs?: number;
  /** Accept `olderThanMs` below `MIN_ORPHAN_SAFETY_AGE_MS` (tests; never while writers run). */
  allowShortSafetyAge?: boolean;
  /** Report the orphans without deleting them. */
  dryRun?: boolean;
  /** Clock for the age cutoff (tests). */
  now?: () => number;
}

export interface RemoveOrphanFilesResult {
  /** Unreferenced files old enough to go: deleted, or only reported on a dry run. */
  orphans: string[];
  deleted: number;
  /** Orphans whose delete failed (left for the next run). */
  failedDeletes: string[];
  kept: { referenced: number; tooNew: number };
}

/** The optional parts of the metadata JSON that name files (not all are in `TableMetadata`). */
interface FileNamingMetadata extends TableMetadata {
  'metadata-log'?: { 'metadata-file': string }[];
  statistics?: { 'statistics-path': string }[];
  'partition-statistics'?: { 'statistics-path': string }[];
}

/**
 * One spelling per file, so references and listings compare equal: `s3a://`/`s3n://` are the same
 * store as `s3://` (as Iceberg's equal-schemes default has it), and `file:` URLs compare as paths.
 */
export function normalizeLocation(location: string): string {
  if (/^s3[an]?:\/\//.test(location)) return location.replace(/^s3[an]?:\/\//, 's3://');
  if (location.startsWith('file:')) return localPath(location);
  return location;
}

const asFolder = (location: string): string => `${location.replace(/\/+$/, '')}/`;

/**
 * Every file the table's current metadata reaches: each snapshot's manifest list, the manifests
 * it names, every data and delete file in them (entries of any status: a conservative superset),
 * the current and logged metadata JSON files, statistics files and the version hint. Any read
 * failure throws: deleting on incomplete knowledge could remove live data.
 */
export async function reachableFiles(io: FileIO, metadata: TableMetadata, metadataLocation: string | undefined): Promise<Set<string>> {
  const named = metadata as FileNamingMetadata;
  const reachable = new Set<string>();
  const add = (location: string) => reachable.add(normalizeLocation(location));
  if (metadataLocation) add(metadataLocation);
  for (const entry of named['metadata-log'] ?? []) add(entry['metadata-file']);
  for (const entry of [...(named.statistics ?? []), ...(named['partition-statistics'] ?? [])]) add(entry['statistics-path']);
  add(`${asFolder(metadata.location)}metadata/version-hint.text`);

  const lists = [...new Set((metadata.snapshots ?? []).map((s) => s['manifest-list']))];
  lists.forEach(add);
  const manifestsPerList = await mapWithConcurrency(lists, ORPHAN_IO_CONCURRENCY, async (list) =>
    readManifestList(await io.read(list)).map((m) => m.manifestPath),
  );
  const manifests = [...new Set(manifestsPerList.flat())];
  manifests.forEach(add);
  await mapWithConcurrency(manifests, ORPHAN_IO_CONCURRENCY, async (manifest) => {
    for (const entry of readManifest(await io.read(manifest)).entries) add(entry.dataFile.filePath);
  });
  return reachable;
}

function safetyAge(options: RemoveOrphanFilesOptions): number {
  const age = options.olderThanMs ?? DEFAULT_ORPHAN_SAFETY_AGE_MS;
  if (!Number.isFinite(age) || age < 0) {
    throw new ValidationError(`olderThanMs=${options.olderThanMs} is invalid: set a non-negative number of milliseconds`);
  }
  if (age < MIN_ORPHAN_SAFETY_AGE_MS && options.allowShortSafetyAge !== true) {
    throw new ValidationError(
      `olderThanMs=${age} is below the ${MIN_ORPHAN_SAFETY_AGE_MS} ms (1 hour) minimum: files of in-flight commits could be deleted; ` +
        'raise it, or set allowShortSafetyAge: true when no writer is running',
    );
  }
  return age;
}

/**
 * Iceberg's `remove_orphan_files`: lists everything under the table location, subtracts what the
 * current metadata reaches, and deletes the rest when it is older than the safety age. The
 * listing comes first and the metadata is loaded after it, so a commit landing meanwhile is seen
 * and its files are kept; files of commits still in flight are protected by the age alone.
 * Nothing outside the table location is ever touched.
 */
export async function removeOrphanFiles(options: RemoveOrphanFilesOptions): Promise<RemoveOrphanFilesResult> {
  const olderThanMs = safetyAge(options);
  const now = options.now ?? Date.now;
  const before = await options.catalog.loadTable(options.identifier);
  const listingPrefix = asFolder(before.metadata.location);
  const listed = [];
  for await (const file of options.io.list(listingPrefix)) listed.push(file);

  const table = await options.catalog.loadTable(options.identifier);
  if (normalizeLocation(asFolder(table.metadata.location)) !== normalizeLocation(listingPrefix)) {
    throw new ValidationError(`the location of ${options.identifier.name} changed while listing it: run again`);
  }
  const reachable = await reachableFiles(options.io, table.metadata, table.metadataLocation);
  const root = normalizeLocation(listingPrefix);
  const cutoff = now() - olderThanMs;
  const result: RemoveOrphanFilesResult = { orphans: [], deleted: 0, failedDeletes: [], kept: { referenced: 0, tooNew: 0 } };
  for (const file of listed) {
    const normalized = normalizeLocation(file.location);
    if (!normalized.startsWith(root)) continue; // a lister's stray answer: never delete outside the table
    if (reachable.has(normalized)) result.kept.referenced++;
    else if (file.lastModifiedMs >= cutoff) result.kept.tooNew++;
    else result.orphans.push(file.location);
  }
  if (options.dryRun) return result;

  const failed = new Set<string>();
  await mapWithConcurrency(result.orphans, ORPHAN_IO_CONCURRENCY, (location) =>
    options.io.delete(location).catch(() => void failed.add(location)),
  );
  result.failedDeletes = [...failed];
  result.deleted = result.orphans.length - failed.size;
  return result;
}
