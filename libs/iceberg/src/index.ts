// Public API of @retail/iceberg. Wire types of the REST catalog stay internal.
export * from './errors';
export * from './spec/types';
export {
  bindPartitionSpec,
  partitionPath,
  partitionTuple,
  type BoundPartitionSpec,
  type BoundPartitionField,
} from './spec/partition';
export { parseTransform, applyTransform, bucketHash, transformResultType, type Transform } from './spec/transforms';
export { serializeValue, deserializeValue } from './spec/single-value';
export { dataFileFromJson, dataFileToJson, type DataFileJson } from './spec/data-file-json';
export type { IcebergValue } from './spec/values';
export { currentSchema, defaultSpec, findField } from './spec/schema';

export type { FileIO, FileInfo, FileLister } from './io/file-io';
export { FileIOResolver, s3OptionsFromProperties, type FileIOOptions } from './io/resolve-file-io';
export type { S3FileIOOptions } from './io/s3-file-io';
export { MemoryFileIO } from './io/memory-file-io';

export { readManifest, writeManifest } from './avro/manifest';
export { readManifestList, writeManifestList } from './avro/manifest-list';
export { icebergSchemaToArrow, conformBatch, PARQUET_FIELD_ID_KEY } from './parquet/arrow-schema';
export { MetricsCollector, type FileMetrics } from './stats/column-stats';
export { inlineParquetEncoder, workerParquetEncoder, type ParquetEncoder } from './parquet/encoder';

export {
  RestCatalog,
  type RestCatalogOptions,
  type TableIdentifier,
  type LoadedTable,
  type CreateTableOptions,
} from './catalog/rest/client';
export type { CatalogAuth } from './catalog/rest/auth';
export { loadOrCreateTableWithIds, type TableWithIdsOptions } from './catalog/create-with-ids';

export {
  commitRetrySettings,
  decideRetry,
  backoffMs,
  DEFAULT_COMMIT_RETRY,
  type CommitRetrySettings,
} from './transaction/retry-policy';
export {
  commitWithRetries,
  type CommitCatalog,
  type CommitLoopOptions,
  type CommitOutcome,
  type PendingCommit,
} from './transaction/commit-loop';
export { AppendCommit, COMMIT_ID_PROPERTY, type AppendOptions } from './transaction/append';
export { AddColumnsCommit, type NewColumn } from './transaction/add-columns';
export { SUMMARY } from './transaction/snapshot-summary';
export { ancestorsOfMain, mainSnapshot, snapshotById } from './transaction/table-state';

export {
  CHECKPOINT_PROPERTY,
  WRITER_EPOCH_PROPERTY,
  WRITER_ID_PROPERTY,
  checkpointProperties,
  latestCheckpoint,
  latestCheckpointsByWriter,
  latestWriterSnapshot,
  snapshotsToRetain,
  type WriterCheckpoint,
} from './exactly-once/checkpoint';
export { assertNotFenced, nextEpoch } from './exactly-once/fencing';
export {
  WRITER_FLOOR_PROPERTY_PREFIX,
  withWriterFloors,
  writerFloor,
  writerFloorProperty,
  writerFloors,
} from './exactly-once/writer-floor';

export {
  TableWriter,
  DEFAULT_TARGET_FILE_SIZE_BYTES,
  type TableWriterOptions,
  type AppendRequest,
  type AppendResult,
} from './writer/table-writer';
export { ExactlyOnceWriter, recoverCheckpoint, type ExactlyOnceWriterOptions } from './writer/exactly-once-writer';
export { addColumns } from './writer/schema-evolution';

export {
  planSnapshotExpiry,
  DEFAULT_MAX_SNAPSHOT_AGE_MS,
  DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
  MAX_SNAPSHOT_AGE_PROPERTY,
  MIN_SNAPSHOTS_TO_KEEP_PROPERTY,
  type ExpiryPolicy,
  type ExpiryPlan,
} from './maintenance/expiry-plan';
export { expireSnapshots, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from './maintenance/expire-snapshots';
export {
  SnapshotExpiryJob,
  DEFAULT_SERVICE_SNAPSHOT_MAX_AGE_MS,
  DEFAULT_SERVICE_SNAPSHOT_RETAIN_LAST,
  type SnapshotExpiryJobOptions,
  type SnapshotExpiryOutcome,
  type SnapshotExpirySettings,
} from './maintenance/snapshot-expiry-job';
export {
  removeOrphanFiles,
  DEFAULT_ORPHAN_SAFETY_AGE_MS,
  MIN_ORPHAN_SAFETY_AGE_MS,
  type RemoveOrphanFilesOptions,
  type RemoveOrphanFilesResult,
} from './maintenance/remove-orphan-files';
export { snapshotExpiryReport, type SnapshotExpiryReportOptions, type ExpiryLog, type TableCounter } from './maintenance/snapshot-expiry-report';

export { planScan, scanTable, readTable, type TableScanOptions, type ScanPlan } from './read/table-scan';
export type { ScanPredicate } from './read/pruning';
