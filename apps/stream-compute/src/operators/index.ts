// The stream-compute operators: pure, deterministic, snapshot-able. The service wires them to Pulsar and Iceberg.
export { ComputePipeline, PIPELINE_SNAPSHOT_VERSION, dedupRefsOf, type PipelineSnapshot, type PipelineSnapshotV1, type PipelineCounters } from './pipeline';
export { collectingOutputs, type ComputeOutputs, type CollectedOutputs } from './outputs';
export { normaliseComputeOptions, DEFAULT_COMPUTE_OPTIONS, DEFAULT_DEDUP_MAX_SEGMENTS, type ComputeOptions, type ComputeOptionsInput, type QualityChecks } from './options';
export { ReferenceTables, ReferenceJoin } from './reference-join';
export { WatermarkTracker, NO_WATERMARK } from './watermarks';
export { Deduplicator, type DedupIds, type DedupSegmentRef, type DedupSnapshot, type LegacyDedupSnapshot, type StoredDedupDelta } from './dedup';
export { ItemCountWindows } from './item-count-windows';
export { WindowAssigner } from './window-assigner';
export { LatenessPolicy } from './lateness';
export { QualityChecker, type QualityReason } from './quality';
export { PatternDetector, type PatternOptions, type PatternOutputs } from './patterns';
export { StreamComputeError, type StreamComputeErrorCode } from './errors';
export { deadLetterOfRejected, type RejectedDetection, type RejectionStage, type RejectedDetectionSource } from '../records/rejected-detection';
