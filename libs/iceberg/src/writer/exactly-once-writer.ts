import type * as arrow from 'apache-arrow';
import type { LoadedTable, TableIdentifier } from '../catalog/rest/client';
import { NotFoundError, ValidationError } from '../errors';
import {
  checkpointProperties,
  latestCheckpoint,
  WRITER_EPOCH_PROPERTY,
  type WriterCheckpoint,
} from '../exactly-once/checkpoint';
import { assertNotFenced, nextEpoch } from '../exactly-once/fencing';
import { withWriterFloors } from '../exactly-once/writer-floor';
import type { FileIO } from '../io/file-io';
import { defaultSpec } from '../spec/schema';
import type { DataFile, TableMetadata } from '../spec/types';
import { AppendCommit } from '../transaction/append';
import { commitWithRetries, type CommitCatalog, type CommitLoopOptions } from '../transaction/commit-loop';
import { snapshotById } from '../transaction/table-state';
import type { ParquetEncoder } from '../parquet/encoder';
import { TableWriter, type AppendResult } from './table-writer';

export interface ExactlyOnceWriterOptions {
  catalog: CommitCatalog;
  io: FileIO;
  identifier: TableIdentifier;
  /** Stable identity of the logical writer (e.g. `ingest/<topic>/<partition>`), same across restarts. */
  writerId: string;
  targetFileSizeBytes?: number;
  commit?: CommitLoopOptions;
  /** Where Parquet is encoded (default: the calling thread; `workerParquetEncoder()` for a worker thread). */
  encoder?: ParquetEncoder;
}

/** The last committed checkpoint of `writerId` on `main`, read from a fresh load of the table. */
export async function recoverCheckpoint<C = unknown>(
  catalog: CommitCatalog,
  identifier: TableIdentifier,
  writerId: string,
): Promise<WriterCheckpoint<C> | undefined> {
  const table = await catalog.loadTable(identifier);
  return latestCheckpoint<C>(table.metadata, writerId);
}

/**
 * Exactly-once table writer. Usage:
 *   const { writer, checkpoint } = await ExactlyOnceWriter.start(options);
 *   // resume the source right after `checkpoint` (null: from the beginning)
 *   await writer.write(batch); ...; await writer.commit(newCheckpoint);
 * `start` fences older instances of the same writer id by claiming a new epoch; `commit` appends
 * the batches and the checkpoint in one snapshot and throws FencedError if a newer instance exists.
 */
export class ExactlyOnceWriter<C = unknown> {
  private constructor(
    private readonly tableWriter: TableWriter,
    readonly writerId: string,
    readonly epoch: number,
  ) {}

  static async start<C = unknown>(
    options: ExactlyOnceWriterOptions,
  ): Promise<{ writer: ExactlyOnceWriter<C>; epoch: number; checkpoint: C | null }> {
    // Every commit of this writer also records its epoch and checkpoint in a table property.
    const catalog = withWriterFloors(options.catalog);
    const table = await catalog.loadTable(options.identifier);
    const claim = new AppendCommit({
      io: options.io,
      dataFiles: [],
      specId: defaultSpec(table.metadata)['spec-id'],
      // Recomputed on every attempt: a concurrent claim or commit changes both values.
      summaryProperties: (base) =>
        checkpointProperties(
          options.writerId,
          nextEpoch(base, options.writerId),
          latestCheckpoint<C>(base, options.writerId)?.checkpoint ?? null,
        ),
    });
    const outcome = await commitWithRetries(catalog, options.identifier, claim, options.commit, table);
    const claimed = snapshotById(outcome.table.metadata, claim.snapshotId);
    if (!claimed) throw new ValidationError(`epoch claim snapshot ${claim.snapshotId} is missing after commit`);
    const epoch = Number(claimed.summary[WRITER_EPOCH_PROPERTY]);
    const checkpoint = latestCheckpoint<C>(outcome.table.metadata, options.writerId)?.checkpoint ?? null;
    const tableWriter = new TableWriter({
      catalog,
      io: options.io,
      table: outcome.table,
      filePrefix: `${options.writerId.replace(/[^A-Za-z0-9_.-]/g, '_')}-e${epoch}`,
      ...(options.targetFileSizeBytes ? { targetFileSizeBytes: options.targetFileSizeBytes } : {}),
      ...(options.commit ? { commit: options.commit } : {}),
      ...(options.encoder ? { encoder: options.encoder } : {}),
    });
    return { writer: new ExactlyOnceWriter<C>(tableWriter, options.writerId, epoch), epoch, checkpoint };
  }

  get table(): LoadedTable['metadata'] {
    return this.tableWriter.metadata;
  }

  write(batch: arrow.RecordBatch): Promise<void> {
    return this.tableWriter.write(batch);
  }

  /** See TableWriter.writeFiles: stored now, appended by a later `addFiles` + `commit` (of any writer of the table). */
  writeFiles(batch: arrow.RecordBatch): Promise<DataFile[]> {
    return this.tableWriter.writeFiles(batch);
  }

  /** See TableWriter.addFiles: the next `commit` appends these stored files with its checkpoint. */
  addFiles(files: readonly DataFile[]): void {
    this.tableWriter.addFiles(files);
  }

  /**
   * Atomically appends everything written since the last commit together with `checkpoint`.
   * `validate` runs after the fencing check on every attempt's fresh metadata (throw a
   * non-retriable error to abort, e.g. when another writer took over the source).
   */
  async commit(checkpoint: C, validate?: (base: TableMetadata) => void): Promise<AppendResult> {
    const request = {
      summaryProperties: checkpointProperties(this.writerId, this.epoch, checkpoint),
      validate: (base: TableMetadata) => {
        assertNotFenced(base, this.writerId, this.epoch);
        validate?.(base);
      },
    };
    try {
      return await this.tableWriter.commit(request);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // The head this writer last saw was expired by another engine, which deleted its manifest
      // list: the commit stays queued and completes on a fresh load (same files, same marker).
      return this.tableWriter.commit(request);
    }
  }

  /** Rows written but not yet committed (buffered or in files). */
  get uncommittedRows(): number {
    return this.tableWriter.uncommittedRows;
  }

  /** True while a failed commit awaits completion by the next `commit` call. */
  get hasCommitInFlight(): boolean {
    return this.tableWriter.hasCommitInFlight;
  }

  abort(): Promise<void> {
    return this.tableWriter.abort();
  }
}
