import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { readManifest } from '../avro/manifest';
import { readManifestList } from '../avro/manifest-list';
import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { conformBatch, icebergSchemaToArrow, PARQUET_FIELD_ID_KEY } from '../parquet/arrow-schema';
import { bindPartitionSpec, type BoundPartitionSpec } from '../spec/partition';
import { currentSchema } from '../spec/schema';
import { ManifestContent, ManifestEntryStatus, type DataFile, type Schema, type SnapshotId, type TableMetadata } from '../spec/types';
import { mainSnapshot, snapshotById } from '../transaction/table-state';
import { mapWithConcurrency } from '../util/concurrency';
import { bindPredicates, dataFileMayMatch, manifestMayMatch, type ScanPredicate } from './pruning';

/** Manifests read, and data files fetched ahead of decoding, at once. */
export const SCAN_IO_CONCURRENCY = 4;

export interface TableScanOptions {
  io: FileIO;
  metadata: TableMetadata;
  /** Defaults to the snapshot `main` points at. */
  snapshotId?: SnapshotId;
  /**
   * Conditions that must all hold. They prune manifests and data files whose partition values
   * (identity, day, hour, month, year) or column bounds prove no row can match; the rows of the
   * files that are read are returned as they are (filter them yourself where it matters).
   */
  filter?: ScanPredicate[];
}

export interface ScanPlan {
  snapshotId: SnapshotId | null;
  schema: Schema;
  files: DataFile[];
  /** Data files skipped by the filter (manifests skipped whole count their live files). */
  skippedFiles: number;
}

/**
 * Lists the data files of a snapshot that the filter cannot rule out: manifest list → data
 * manifests (pruned by partition summaries) → live entries (pruned by partition values and column
 * bounds). Tables with row-level delete files are refused rather than read wrong.
 */
export async function planScan(options: TableScanOptions): Promise<ScanPlan> {
  const { io, metadata } = options;
  const schema = currentSchema(metadata);
  const snapshot = options.snapshotId === undefined ? mainSnapshot(metadata) : snapshotById(metadata, options.snapshotId);
  if (options.snapshotId !== undefined && !snapshot) throw new ValidationError(`table has no snapshot ${options.snapshotId}`);
  if (!snapshot) return { snapshotId: null, schema, files: [], skippedFiles: 0 };
  const predicates = bindPredicates(schema, options.filter ?? []);
  const specs = new Map<number, BoundPartitionSpec>();
  for (const spec of metadata['partition-specs']) {
    try {
      specs.set(spec['spec-id'], bindPartitionSpec(spec, schema));
    } catch {
      // A spec over a dropped column cannot prune; its files are read unpruned.
    }
  }
  const manifests = readManifestList(await io.read(snapshot['manifest-list']));
  if (manifests.some((m) => m.content === ManifestContent.DELETES && m.addedFilesCount + m.existingFilesCount > 0)) {
    throw new ValidationError('the snapshot has row-level delete files, which this reader does not apply: compact or rewrite the table first');
  }
  let skippedFiles = 0;
  const dataManifests = manifests.filter((m) => {
    if (m.content !== ManifestContent.DATA) return false;
    if (manifestMayMatch(m, specs.get(m.partitionSpecId), predicates)) return true;
    skippedFiles += m.addedFilesCount + m.existingFilesCount;
    return false;
  });
  const perManifest = await mapWithConcurrency(dataManifests, SCAN_IO_CONCURRENCY, async (m) => {
    const spec = specs.get(m.partitionSpecId);
    const live = readManifest(await io.read(m.manifestPath)).entries.filter((e) => e.status !== ManifestEntryStatus.DELETED);
    const kept = live.map((e) => e.dataFile).filter((file) => dataFileMayMatch(file, spec, predicates));
    skippedFiles += live.length - kept.length;
    return kept;
  });
  return { snapshotId: snapshot['snapshot-id'], schema, files: perManifest.flat(), skippedFiles };
}

/**
 * Reads a table's snapshot as Arrow batches in the table's current schema: columns are matched
 * to the schema by Parquet field id (so renamed columns read right), columns added after a file
 * was written come back as nulls, and dropped ones are left out. Files are fetched a few ahead
 * and decoded one at a time.
 */
export async function* scanTable(options: TableScanOptions): AsyncGenerator<arrow.RecordBatch> {
  yield* readPlannedFiles(options.io, await planScan(options));
}

/** All matching rows of a snapshot in one Arrow table (see `scanTable`). */
export async function readTable(options: TableScanOptions): Promise<arrow.Table> {
  const plan = await planScan(options);
  const batches: arrow.RecordBatch[] = [];
  for await (const batch of readPlannedFiles(options.io, plan)) batches.push(batch);
  return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(icebergSchemaToArrow(plan.schema));
}

async function* readPlannedFiles(io: FileIO, plan: ScanPlan): AsyncGenerator<arrow.RecordBatch> {
  const target = icebergSchemaToArrow(plan.schema);
  const fetches: Promise<Uint8Array>[] = [];
  const fetchNext = () => {
    const file = plan.files[fetches.length];
    if (!file) return;
    const fetch = io.read(file.filePath);
    fetch.catch(() => undefined); // awaited in order below; a failure ahead must not go unhandled meanwhile
    fetches.push(fetch);
  };
  for (let i = 0; i < SCAN_IO_CONCURRENCY; i++) fetchNext();
  for (let i = 0; i < plan.files.length; i++) {
    const file = plan.files[i]!;
    if (file.fileFormat !== 'PARQUET') throw new ValidationError(`data file ${file.filePath} is ${file.fileFormat}; only Parquet is read`);
    const bytes = await fetches[i]!;
    fetchNext();
    const table = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
    for (const batch of table.batches) yield toTableSchema(batch, plan.schema, target);
  }
}

/** Renames a file's top-level columns to the schema's names by field id, drops unknown ones, and conforms. */
function toTableSchema(batch: arrow.RecordBatch, schema: Schema, target: arrow.Schema): arrow.RecordBatch {
  const nameById = new Map(schema.fields.map((f) => [f.id, f.name]));
  const known = new Set(schema.fields.map((f) => f.name));
  const columns: Record<string, arrow.Vector> = {};
  batch.schema.fields.forEach((field, index) => {
    const id = Number(field.metadata.get(PARQUET_FIELD_ID_KEY));
    const name = Number.isInteger(id) && nameById.has(id) ? nameById.get(id)! : known.has(field.name) && !field.metadata.has(PARQUET_FIELD_ID_KEY) ? field.name : undefined;
    if (name !== undefined) columns[name] = batch.getChildAt(index)!;
  });
  const renamed = new arrow.Table(columns);
  const source = renamed.batches[0] ?? new arrow.RecordBatch(renamed.schema, arrow.makeData({ type: new arrow.Struct(renamed.schema.fields), length: batch.numRows, nullCount: 0, children: [] }));
  return conformBatch(source, target);
}
