import { randomUUID } from 'node:crypto';
import type * as arrow from 'apache-arrow';
import type { LoadedTable, TableIdentifier } from '../catalog/rest/client';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { conformBatch, icebergSchemaToArrow } from '../parquet/arrow-schema';
import { inlineParquetEncoder, type ParquetEncoder } from '../parquet/encoder';
import { compressionFromProperties } from '../parquet/parquet-file';
import { RollingParquetWriter } from '../parquet/rolling-writer';
import { bindPartitionSpec, partitionPath, type BoundPartitionSpec } from '../spec/partition';
import { currentSchema, defaultSpec } from '../spec/schema';
import { metricsConfigForTable, type MetricsConfig } from '../stats/metrics-config';
import { DataFileContent, type DataFile, type ManifestFile, type PartitionTuple, type Schema, type SnapshotId, type TableMetadata } from '../spec/types';
import { AppendCommit, type PlannedSnapshot } from '../transaction/append';
import { AppendGroup } from '../transaction/append-group';
import { commitWithRetries, type CommitCatalog, type CommitLoopOptions, type CommitOutcome } from '../transaction/commit-loop';
import { dataDirectory, mainSnapshot, metadataDirectory } from '../transaction/table-state';
import { splitByPartition } from './partitioner';

export const TARGET_FILE_SIZE_PROPERTY = 'write.target-file-size-bytes';
/** Smaller than Iceberg's 512 MB default: streaming commits are frequent and files are built in memory. */
export const DEFAULT_TARGET_FILE_SIZE_BYTES = 128 * 1024 * 1024;

export interface TableWriterOptions {
  catalog: CommitCatalog;
  io: FileIO;
  table: LoadedTable;
  /** Overrides the table's `write.target-file-size-bytes`. */
  targetFileSizeBytes?: number;
  commit?: CommitLoopOptions;
  /** Prefix of data file names, e.g. the writer id, to tell files apart when debugging. */
  filePrefix?: string;
  /** Defaults to encoding on the calling thread; `workerParquetEncoder()` moves it to a worker thread. */
  encoder?: ParquetEncoder;
}

export interface AppendRequest {
  /** Extra snapshot summary properties (see exactly-once/checkpoint.ts for the writer keys). */
  summaryProperties?: Record<string, string>;
  /** Runs on every attempt's freshly loaded metadata; throw to abort (fencing). */
  validate?: (base: TableMetadata) => void;
}

export interface AppendResult extends CommitOutcome {
  snapshotId: number;
  dataFiles: DataFile[];
}

interface OpenPartition {
  tuple: PartitionTuple;
  writer: RollingParquetWriter;
}

/** Everything written between two `commit` calls: open Parquet writers and the files they closed. */
class Generation {
  readonly partitions = new Map<string, OpenPartition>();
  /** Files encoded (uploaded or uploading): what the manifest lists. */
  readonly encoded: DataFile[] = [];
  /** Files stored. */
  readonly files: DataFile[] = [];

  get rows(): number {
    let rows = this.files.reduce((sum, f) => sum + f.recordCount, 0);
    for (const p of this.partitions.values()) rows += p.writer.bufferedRows;
    return rows;
  }
}

/** A sealed generation on its way into the table; commits leave the queue strictly in order. */
interface QueuedAppend {
  generation: Generation;
  request: AppendRequest;
  /** Set once the generation's files and manifest are stored. */
  append?: AppendCommit;
  /** The running or last staging (encode, upload, manifest). */
  staging?: Promise<AppendCommit>;
  /** A commit request was sent at least once: it may have landed. */
  attempted: boolean;
  result?: AppendResult;
  /** The snapshot this entry's latest attempt adds if it lands (the next entry speculates on it). */
  planned?: PlannedSnapshot;
  /** This entry's manifest list written ahead on the previous entry's plan. */
  speculation?: Promise<void>;
  /** The parent snapshot id that speculation assumed. */
  speculatedOn?: SnapshotId;
}

/**
 * Staged appends sent in one catalog request at most, when commits queue up behind a slow catalog
 * (bounds the request size and the work lost to a conflict).
 */
export const MAX_GROUPED_APPENDS = 8;

/**
 * Resolves after everything already queued on the event loop ran (settled promises, I/O
 * callbacks): the commit of an earlier batch sends its request before this batch's CPU-bound
 * encoding starts, instead of waiting behind it.
 */
function yieldToPendingWork(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function positiveInt(raw: string | undefined, key: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`table property ${key}=${raw} is invalid: set a positive number of bytes`);
  }
  return value;
}

/**
 * Writes Arrow batches into one Iceberg table: conforms each batch to the table schema, splits it
 * by partition, rolls Parquet files per partition at the target size, and on `commit` appends all
 * files written since the previous commit in one snapshot (atomically with the caller's summary
 * properties, e.g. a checkpoint).
 *
 * Commits may be pipelined: `commit` seals what was written so far at the moment it is called, and
 * a caller may go on writing and call `commit` again before the previous call resolved. Each sealed
 * batch is encoded and uploaded (data files and manifest) right away, while earlier commits are
 * still in flight, but reaches the catalog only after every earlier one landed, in call order; if
 * one fails, the later ones fail with it without being sent (a checkpoint never lands without the
 * data of the commits before it). `write` and `commit` must be called from one task (no concurrent
 * `write` calls).
 */
export class TableWriter {
  private table: LoadedTable;
  private schema!: Schema;
  private spec!: BoundPartitionSpec;
  private arrowSchema!: arrow.Schema;
  /** The table's `write.metadata.metrics.*` properties resolved against the bound schema. */
  private metricsConfig!: MetricsConfig;
  private open = new Generation();
  private readonly queue: QueuedAppend[] = [];
  /** Settles when the newest queued commit did; rejected after a failure until the queue is driven again. */
  private tail: Promise<unknown> = Promise.resolve();
  private failed = false;
  private fileCounter = 0;
  private readonly fileOrder = new WeakMap<DataFile, number>();
  private readonly addedFiles = new WeakSet<DataFile>();
  private readonly manifestLists = new Map<string, ManifestFile[]>();
  private readonly runId = randomUUID();

  constructor(private readonly options: TableWriterOptions) {
    this.table = options.table;
    this.bind(options.table.metadata);
  }

  get identifier(): TableIdentifier {
    return this.table.identifier;
  }

  get metadata(): TableMetadata {
    return this.table.metadata;
  }

  /** Rows buffered, written to files or in a commit that has not landed yet. */
  get uncommittedRows(): number {
    return this.open.rows + this.queue.reduce((sum, entry) => sum + entry.generation.rows, 0);
  }

  private bind(metadata: TableMetadata): void {
    this.schema = currentSchema(metadata);
    this.spec = bindPartitionSpec(defaultSpec(metadata), this.schema);
    this.arrowSchema = icebergSchemaToArrow(this.schema);
    this.metricsConfig = metricsConfigForTable(metadata, this.schema);
  }

  /**
   * Adopts newer table metadata (e.g. after schema evolution). Only allowed between commits,
   * since buffered data was laid out for the old schema and spec.
   */
  refresh(table: LoadedTable): void {
    if (this.uncommittedRows > 0 || this.queue.length > 0) throw new ValidationError('refresh the writer only after committing');
    this.table = table;
    this.bind(table.metadata);
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    // Encoding is long synchronous work: let a pipelined commit that is ready go out first.
    if (this.queue.length > 0) await yieldToPendingWork();
    await this.writeInto(this.open, batch);
  }

  /**
   * Stores `batch` as data files of this table now, outside every commit, and describes them: a
   * caller that records the descriptions durably elsewhere (e.g. a checkpoint of its own) can
   * append them later, also from another process, with `addFiles`. Files never appended are
   * orphans (harmless; removed by orphan-file cleanup).
   */
  async writeFiles(batch: arrow.RecordBatch): Promise<DataFile[]> {
    const generation = new Generation();
    await this.writeInto(generation, batch);
    await this.flushGeneration(generation, async () => undefined);
    return [...generation.files];
  }

  /**
   * Adds stored data files (from `writeFiles`, possibly of another writer of this table) to what
   * the next `commit` appends. Their schema and partition spec must be this writer's: they are
   * refused otherwise.
   */
  addFiles(files: readonly DataFile[]): void {
    const prefix = `${dataDirectory(this.table.metadata)}/`;
    for (const file of files) {
      if (!file.filePath.startsWith(prefix)) throw new ValidationError(`data file ${file.filePath} is not under this table's data location ${prefix}`);
      if (file.partition.length !== this.spec.fields.length) {
        throw new ValidationError(`data file ${file.filePath} has ${file.partition.length} partition values; the table's spec ${this.spec.specId} has ${this.spec.fields.length} fields`);
      }
      this.fileOrder.set(file, this.fileCounter++);
      this.addedFiles.add(file);
      this.open.encoded.push(file);
      this.open.files.push(file);
    }
  }

  private async writeInto(generation: Generation, batch: arrow.RecordBatch): Promise<void> {
    const conformed = conformBatch(batch, this.arrowSchema);
    for (const slice of splitByPartition(conformed, this.schema, this.spec)) {
      let open = generation.partitions.get(slice.key);
      if (!open) {
        open = { tuple: slice.tuple, writer: this.newRollingWriter(generation, slice.tuple) };
        generation.partitions.set(slice.key, open);
      }
      await open.writer.write(slice.batch);
    }
  }

  private targetFileSize(): number {
    return (
      this.options.targetFileSizeBytes ??
      positiveInt(this.table.metadata.properties?.[TARGET_FILE_SIZE_PROPERTY], TARGET_FILE_SIZE_PROPERTY) ??
      DEFAULT_TARGET_FILE_SIZE_BYTES
    );
  }

  private newRollingWriter(generation: Generation, tuple: PartitionTuple): RollingParquetWriter {
    const directory = this.spec.fields.length > 0 ? `${dataDirectory(this.table.metadata)}/${partitionPath(this.spec, tuple)}` : dataDirectory(this.table.metadata);
    return new RollingParquetWriter(this.arrowSchema, this.schema, {
      targetFileSizeBytes: this.targetFileSize(),
      compression: compressionFromProperties(this.table.metadata.properties),
      encoder: this.options.encoder ?? inlineParquetEncoder,
      metricsConfig: this.metricsConfig,
      onFile: async ({ bytes, metrics }) => {
        const order = this.fileCounter++;
        const name = `${this.options.filePrefix ? `${this.options.filePrefix}-` : ''}${this.runId}-${order}.parquet`;
        const location = `${directory}/${name}`;
        const dataFile: DataFile = {
          content: DataFileContent.DATA,
          filePath: location,
          fileFormat: 'PARQUET',
          partition: tuple,
          recordCount: metrics.recordCount,
          fileSizeInBytes: bytes.byteLength,
          valueCounts: metrics.valueCounts,
          nullValueCounts: metrics.nullValueCounts,
          nanValueCounts: metrics.nanValueCounts,
          lowerBounds: metrics.lowerBounds,
          upperBounds: metrics.upperBounds,
        };
        this.fileOrder.set(dataFile, order);
        // Known before the upload ends: the manifest naming it can be written meanwhile.
        generation.encoded.push(dataFile);
        try {
          await this.options.io.write(location, bytes);
        } catch (error) {
          generation.encoded.splice(generation.encoded.indexOf(dataFile), 1);
          throw error;
        }
        generation.files.push(dataFile);
      },
    });
  }

  /**
   * Closes a generation's open files: encodes them and starts their uploads, then, once all are
   * encoded, runs `whileUploading` with the complete file list, concurrently with the uploads.
   * Resolves once every row belongs to a stored data file.
   */
  private async flushGeneration<T>(generation: Generation, whileUploading: (files: DataFile[]) => Promise<T>): Promise<T> {
    const partitions = [...generation.partitions.values()];
    let encodedAll!: () => void;
    const allEncoded = new Promise<void>((resolve) => (encodedAll = resolve));
    let remaining = partitions.length;
    if (remaining === 0) encodedAll();
    const onEncoded = () => {
      if (--remaining === 0) encodedAll();
    };
    const uploads = Promise.allSettled(partitions.map((open) => open.writer.flush(onEncoded)));
    // An encoding that fails never reports: the settled uploads end the wait then.
    await Promise.race([allEncoded, uploads]);
    const byOrder = (a: DataFile, b: DataFile) => (this.fileOrder.get(a) ?? 0) - (this.fileOrder.get(b) ?? 0);
    const alongside = remaining === 0 ? whileUploading([...generation.encoded].sort(byOrder)) : undefined;
    alongside?.catch(() => undefined); // reported below, after every upload settled
    // Wait for every upload before reporting a failure: a retry must not race an upload in flight.
    const failed = (await uploads).find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await alongside?.catch(() => undefined);
      throw failed.reason;
    }
    // Files are listed in the order they were written.
    generation.files.sort(byOrder);
    return alongside!;
  }

  /**
   * Seals everything written since the previous `commit` call and appends it in one snapshot,
   * retried per the table's `commit.retry.*` settings. Resolves once that snapshot is committed;
   * see the class comment for pipelining. If a commit fails it stays queued: the next `commit`
   * call first completes the queued commits (same files, same marker — a landed commit is never
   * applied twice), then commits anything written since. Calling `commit` again with the request
   * of the failed call and nothing new written just completes it.
   */
  async commit(request: AppendRequest = {}): Promise<AppendResult> {
    if (this.failed) {
      // Every step queued before the failure has settled (they chain on the failed one).
      this.failed = false;
      this.tail = Promise.resolve();
      const pending = [...this.queue];
      const last = pending.at(-1);
      const retryOnly = last !== undefined && this.open.rows === 0 && JSON.stringify(last.request) === JSON.stringify(request);
      const redrive = this.enqueue(() => this.driveQueue(pending));
      if (retryOnly) {
        await redrive;
        return last.result!;
      }
      redrive.catch(() => undefined); // reported by the commit below, which waits for it
    }
    const entry: QueuedAppend = { generation: this.open, request, attempted: false };
    this.open = new Generation();
    this.queue.push(entry);
    const staged = this.stage(entry);
    staged.catch(() => undefined); // reported by the commit below
    await this.enqueue(async () => {
      await staged;
      await this.commitEntry(entry, false, true);
    });
    return entry.result!;
  }

  /** Runs `step` after everything queued before it; a failure marks the queue for re-driving. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(step);
    this.tail = run.catch((error: unknown) => {
      this.failed = true;
      throw error;
    });
    this.tail.catch(() => undefined);
    return run;
  }

  /** Completes the queued commits in order after a failure (re-staging what failed to upload). */
  private async driveQueue(pending: QueuedAppend[]): Promise<void> {
    let fresh = true;
    for (const entry of pending) {
      await this.stage(entry);
      // The first commit after a failure starts from a fresh load: an unknown outcome may have landed.
      await this.commitEntry(entry, fresh);
      fresh = false;
    }
  }

  /** Encodes and uploads an entry's files and its manifest, once (again only after a failure). */
  private stage(entry: QueuedAppend): Promise<AppendCommit> {
    if (entry.append) return Promise.resolve(entry.append);
    const previous = entry.staging ?? Promise.resolve(undefined);
    entry.staging = previous
      .catch(() => undefined) // never start again while an earlier staging still uploads
      .then(async () => {
        if (entry.append) return entry.append;
        await yieldToPendingWork();
        const append = await this.flushGeneration(entry.generation, async (dataFiles) => {
          const append = new AppendCommit({
            io: this.options.io,
            dataFiles,
            specId: this.spec.specId,
            manifestListCache: this.manifestLists,
            onBuilt: (planned) => {
              entry.planned = planned;
              this.speculateAfter(entry);
            },
            ...(entry.request.summaryProperties ? { summaryProperties: entry.request.summaryProperties } : {}),
            ...(entry.request.validate ? { validate: entry.request.validate } : {}),
          });
          const prepared = append.prepare(this.table.metadata);
          // First in line: its parent will be the table's head, so its list goes up with the files.
          const head = this.queue[0] === entry ? this.plannedHead() : undefined;
          if (head) this.speculateOn(entry, append, head);
          await prepared;
          return append;
        });
        entry.append = append;
        const previous = this.queue[this.queue.indexOf(entry) - 1];
        if (previous) this.speculateAfter(previous);
        return append;
      });
    return entry.staging;
  }

  /**
   * Once an entry's attempt is built (its commit about to be sent) and the next entry is staged,
   * the next one writes its manifest list for that parent right away: when the parent lands, the
   * next commit goes to the catalog without another upload first.
   */
  private speculateAfter(entry: QueuedAppend): void {
    const planned = entry.planned;
    const next = this.queue[this.queue.indexOf(entry) + 1];
    if (!planned || entry.result || !next?.append || next.attempted) return;
    this.speculateOn(next, next.append, planned);
  }

  private speculateOn(entry: QueuedAppend, append: AppendCommit, parent: PlannedSnapshot): void {
    if (entry.speculatedOn === parent.snapshotId) return; // done already
    const { planned, written } = append.speculate(parent);
    entry.speculatedOn = parent.snapshotId;
    entry.speculation = written.catch(() => undefined); // only an optimisation: build writes its own list
    // Down the queue: each staged append's list is ready for the one before it, so a group of them goes out without uploads.
    entry.planned = planned;
    this.speculateAfter(entry);
  }

  /** The table's head as this writer committed it (its manifest list still in memory), to build on. */
  private plannedHead(): PlannedSnapshot | undefined {
    const metadata = this.table.metadata;
    const head = mainSnapshot(metadata);
    const manifests = head && this.manifestLists.get(head['manifest-list']);
    if (!head || !manifests) return undefined;
    return {
      snapshotId: head['snapshot-id'],
      sequenceNumber: metadata['last-sequence-number'] ?? head['sequence-number'],
      manifests,
      metadataDir: metadataDirectory(metadata),
    };
  }

  /**
   * Commits `entry`, together with the entries queued right behind it that are already staged
   * (`group`: up to MAX_GROUPED_APPENDS in one catalog request, each its own snapshot). After a
   * failure the queue is driven one entry at a time.
   */
  private async commitEntry(entry: QueuedAppend, fresh: boolean, group = false): Promise<void> {
    if (entry.result) return;
    const members = [entry];
    if (group) {
      for (const next of this.queue.slice(this.queue.indexOf(entry) + 1)) {
        if (members.length >= MAX_GROUPED_APPENDS || !next.append || next.attempted || next.result) break;
        members.push(next);
      }
    }
    await Promise.all(members.map((member) => member.speculation));
    const resumed = entry.attempted;
    for (const member of members) member.attempted = true;
    const pending = members.length === 1 ? entry.append! : new AppendGroup(members.map((member) => member.append!));
    const outcome = await commitWithRetries(this.options.catalog, this.table.identifier, pending, this.options.commit, fresh ? undefined : this.table);
    this.table = outcome.table;
    // Found landed before any new attempt: the earlier unknown outcome was a success.
    const recoveredUnknownOutcome = outcome.recoveredUnknownOutcome || (resumed && outcome.attempts === 0);
    for (const member of members) {
      member.result = { ...outcome, recoveredUnknownOutcome, snapshotId: member.append!.snapshotId, dataFiles: [...member.generation.files] };
      const index = this.queue.indexOf(member);
      if (index >= 0) this.queue.splice(index, 1);
    }
  }

  /** True while a failed or pending commit awaits completion. */
  get hasCommitInFlight(): boolean {
    return this.queue.length > 0;
  }

  /**
   * Forgets data not yet sealed by a commit and deletes the files this writer wrote for it (best
   * effort; orphans are harmless; files given to `addFiles` are only forgotten). Files of sealed commits are kept: they may have landed or will be retried.
   */
  async abort(): Promise<void> {
    // Files given to `addFiles` may be someone else's record (not this writer's to delete).
    const files = this.open.files.filter((file) => !this.addedFiles.has(file));
    this.open = new Generation();
    await Promise.allSettled(files.map((f) => this.options.io.delete(f.filePath)));
  }
}
