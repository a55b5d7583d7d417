import { randomUUID } from 'node:crypto';
import { writeManifest } from '../avro/manifest';
import { readManifestList, summarizePartitions, writeManifestList } from '../avro/manifest-list';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { bindPartitionSpec } from '../spec/partition';
import { currentSchema } from '../spec/schema';
import {
  MAIN_BRANCH,
  ManifestContent,
  ManifestEntryStatus,
  type DataFile,
  type ManifestFile,
  type Snapshot,
  type SnapshotId,
  type TableMetadata,
} from '../spec/types';
import type { CommitRequest, PendingCommit } from './commit-loop';
import { appendSummary } from './snapshot-summary';
import { mainSnapshot, metadataDirectory, newSnapshotId } from './table-state';

/**
 * Summary property holding the commit's unique marker. After an unknown outcome the commit loop
 * looks for it in the reloaded snapshots to learn whether the commit landed.
 */
export const COMMIT_ID_PROPERTY = 'retail.commit-id';

export interface AppendOptions {
  io: FileIO;
  /** Data files to add; all written for partition spec `specId`. May be empty (a marker snapshot). */
  dataFiles: DataFile[];
  specId: number;
  /**
   * Arbitrary snapshot summary properties (writer id, epoch, source positions...), fixed or
   * computed from the metadata each attempt builds on.
   */
  summaryProperties?: Record<string, string> | ((base: TableMetadata) => Record<string, string>);
  /**
   * Runs against the freshly loaded metadata before every attempt; throw to abort the commit
   * (fencing uses this).
   */
  validate?: (base: TableMetadata) => void;
  commitId?: string;
  snapshotId?: number;
  /**
   * Manifest lists this writer wrote, by path (they are immutable): when the parent snapshot is
   * one of ours its list is taken from here instead of being downloaded again.
   */
  manifestListCache?: Map<string, ManifestFile[]>;
  /** Called after each attempt is built, with the snapshot it adds if it lands (see `speculate`). */
  onBuilt?: (planned: PlannedSnapshot) => void;
}

/** The snapshot an attempt adds if it lands: what the next append of a pipeline builds on. */
export interface PlannedSnapshot {
  snapshotId: SnapshotId;
  sequenceNumber: number;
  manifests: ManifestFile[];
  metadataDir: string;
}

interface SpeculativeList {
  parentId: SnapshotId;
  sequenceNumber: number;
  metadataDir: string;
  path: string;
  manifests: ManifestFile[];
}

/** Manifest lists kept per writer: the newest few are all a streaming writer's next parent can be. */
const MANIFEST_LIST_CACHE_SIZE = 4;

/**
 * A fast append: one new manifest for the added files (written once; its entries inherit the
 * sequence number), plus every manifest of the current `main` snapshot carried forward in a new
 * manifest list (rewritten per attempt, since the sequence number and parent change).
 */
export class AppendCommit implements PendingCommit {
  readonly commitId: string;
  readonly snapshotId: number;
  private addedManifest?: Omit<ManifestFile, 'sequenceNumber' | 'minSequenceNumber'>;
  private speculative?: SpeculativeList;

  constructor(private readonly options: AppendOptions) {
    this.commitId = options.commitId ?? randomUUID();
    this.snapshotId = options.snapshotId ?? newSnapshotId();
  }

  /**
   * Writes the manifest of the added files ahead of the commit (it does not depend on the parent
   * snapshot), so a pipelined writer uploads it while an earlier commit is still in flight.
   */
  async prepare(base: TableMetadata): Promise<void> {
    await this.writeAddedManifest(base, metadataDirectory(base));
  }

  /**
   * Writes this append's manifest list ahead of time, on the assumption that `parent` (the
   * previous append of a pipeline, built or itself speculated, not yet committed) lands. `build`
   * uses it only if the metadata it builds on really has that parent and sequence number;
   * otherwise it writes a fresh list as usual (the speculative one stays an unreferenced file).
   * Returns the snapshot this append would add, for the next append to speculate on.
   */
  speculate(parent: PlannedSnapshot): { planned: PlannedSnapshot; written: Promise<void> } {
    const added = this.addedManifest;
    if (this.options.dataFiles.length > 0 && !added) throw new ValidationError('prepare the append before speculating on its parent');
    const sequenceNumber = parent.sequenceNumber + 1;
    const manifests: ManifestFile[] = [...(added ? [{ ...added, sequenceNumber, minSequenceNumber: sequenceNumber }] : []), ...parent.manifests];
    // The parent's id in the name: a list written for another parent never overwrites this one.
    const path = `${parent.metadataDir}/snap-${this.snapshotId}-p${parent.snapshotId}-${this.commitId}.avro`;
    const written = this.options.io
      .write(path, writeManifestList({ snapshotId: this.snapshotId, parentSnapshotId: parent.snapshotId, sequenceNumber, manifests }))
      .then(() => {
        this.speculative = { parentId: parent.snapshotId, sequenceNumber, metadataDir: parent.metadataDir, path, manifests };
      });
    return { planned: { snapshotId: this.snapshotId, sequenceNumber, manifests, metadataDir: parent.metadataDir }, written };
  }

  landedIn(metadata: TableMetadata): boolean {
    return (metadata.snapshots ?? []).some(
      (s) => s['snapshot-id'] === this.snapshotId && s.summary[COMMIT_ID_PROPERTY] === this.commitId,
    );
  }

  async build(base: TableMetadata, attempt: number): Promise<CommitRequest> {
    this.options.validate?.(base);
    const extra = this.summaryPropertiesFor(base);
    const metadataDir = metadataDirectory(base);
    const parent = mainSnapshot(base);
    const sequenceNumber = (base['last-sequence-number'] ?? 0) + 1;
    const speculative = this.speculative;
    let manifestListPath: string;
    let manifests: ManifestFile[];
    if (
      speculative &&
      speculative.parentId === parent?.['snapshot-id'] &&
      speculative.sequenceNumber === sequenceNumber &&
      speculative.metadataDir === metadataDir
    ) {
      // Written while the parent's commit was in flight, for exactly this parent: nothing to upload.
      manifestListPath = speculative.path;
      manifests = speculative.manifests;
    } else {
      // Independent round trips: the new manifest's upload and the parent's manifest list download.
      const [added, carried] = await Promise.all([
        this.writeAddedManifest(base, metadataDir),
        parent ? this.parentManifests(parent['manifest-list']) : Promise.resolve([]),
      ]);
      manifests = [...(added ? [{ ...added, sequenceNumber, minSequenceNumber: sequenceNumber }] : []), ...carried];
      manifestListPath = `${metadataDir}/snap-${this.snapshotId}-${attempt}-${this.commitId}.avro`;
      await this.options.io.write(
        manifestListPath,
        writeManifestList({
          snapshotId: this.snapshotId,
          parentSnapshotId: parent?.['snapshot-id'] ?? null,
          sequenceNumber,
          manifests,
        }),
      );
    }
    this.remember(manifestListPath, manifests);
    this.options.onBuilt?.({ snapshotId: this.snapshotId, sequenceNumber, manifests, metadataDir });
    const snapshot: Snapshot = {
      'snapshot-id': this.snapshotId,
      'sequence-number': sequenceNumber,
      'timestamp-ms': Math.max(Date.now(), base['last-updated-ms'] + 1),
      'manifest-list': manifestListPath,
      summary: appendSummary(parent, this.options.dataFiles, { ...extra, [COMMIT_ID_PROPERTY]: this.commitId }),
      'schema-id': base['current-schema-id'],
    };
    if (parent) snapshot['parent-snapshot-id'] = parent['snapshot-id'];
    // Wire types say `number` for int64; ids of other engines are bigints, which the client's
    // lossless JSON serializer writes as exact integer literals.
    const parentId = (parent?.['snapshot-id'] ?? null) as number | null;
    return {
      requirements: [
        { type: 'assert-table-uuid', uuid: base['table-uuid'] },
        { type: 'assert-ref-snapshot-id', ref: MAIN_BRANCH, 'snapshot-id': parentId },
      ],
      updates: [
        { action: 'add-snapshot', snapshot: snapshot as never },
        { action: 'set-snapshot-ref', 'ref-name': MAIN_BRANCH, type: 'branch', 'snapshot-id': this.snapshotId },
      ],
    };
  }

  private summaryPropertiesFor(base: TableMetadata): Record<string, string> {
    const source = this.options.summaryProperties;
    const properties = typeof source === 'function' ? source(base) : (source ?? {});
    if (properties[COMMIT_ID_PROPERTY] !== undefined) {
      throw new ValidationError(`summary property ${COMMIT_ID_PROPERTY} is reserved for the commit marker`);
    }
    return properties;
  }

  private async parentManifests(path: string): Promise<ManifestFile[]> {
    const cached = this.options.manifestListCache?.get(path);
    return cached ?? readManifestList(await this.options.io.read(path));
  }

  private remember(path: string, manifests: ManifestFile[]): void {
    const cache = this.options.manifestListCache;
    if (!cache) return;
    cache.set(path, manifests);
    for (const key of cache.keys()) {
      if (cache.size <= MANIFEST_LIST_CACHE_SIZE) break;
      cache.delete(key); // oldest first (insertion order)
    }
  }

  private async writeAddedManifest(base: TableMetadata, metadataDir: string): Promise<AppendCommit['addedManifest']> {
    const files = this.options.dataFiles;
    if (files.length === 0 || this.addedManifest) return this.addedManifest;
    const spec = base['partition-specs'].find((s) => s['spec-id'] === this.options.specId);
    if (!spec) throw new ValidationError(`table has no partition spec ${this.options.specId} for the written files`);
    const schema = currentSchema(base);
    const bytes = writeManifest({
      schema,
      specId: spec['spec-id'],
      partitionFields: spec.fields,
      entries: files.map((dataFile) => ({
        status: ManifestEntryStatus.ADDED,
        snapshotId: this.snapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile,
      })),
    });
    const path = `${metadataDir}/${this.commitId}-m0.avro`;
    // Described before the upload ends, so a manifest list naming it can be written meanwhile.
    const described: NonNullable<AppendCommit['addedManifest']> = {
      manifestPath: path,
      manifestLength: bytes.byteLength,
      partitionSpecId: spec['spec-id'],
      content: ManifestContent.DATA,
      addedSnapshotId: this.snapshotId,
      addedFilesCount: files.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: files.reduce((sum, f) => sum + f.recordCount, 0),
      existingRowsCount: 0,
      deletedRowsCount: 0,
      partitions: summarizePartitions(
        bindPartitionSpec(spec, schema),
        files.map((f) => f.partition),
      ),
    };
    this.addedManifest = described;
    try {
      await this.options.io.write(path, bytes);
    } catch (error) {
      if (this.addedManifest === described) this.addedManifest = undefined;
      throw error;
    }
    return described;
  }
}
