// @retail/schema: the data contract. One definition per record type (src/records/), everything else derived.

export { SchemaError, type SchemaErrorCode } from './errors';

// Defining record types
export { t, field, optional, EARLIEST_TIMESTAMP_US, LATEST_TIMESTAMP_US } from './definition/builders';
export {
  defineRecord,
  type RecordType,
  type RecordDefinition,
  type RecordKind,
  type InferRecord,
  type PartitionHint,
  type PartitionTransform,
} from './definition/define-record';
export type { Field, Fields, FieldType, RecordOf, ValueOf, CheckProblem } from './definition/types';

// The record types
export { DetectionEvent, detectionIdOf } from './records/detection-event';
export { TrackEvent, trackEventIdOf, TRACK_EVENT_KINDS, type TrackEventKind } from './records/track-event';
export { Store } from './records/store';
export { Camera, ZONE_KINDS, type ZoneKind } from './records/camera';
export { DeadLetter, deadLetterOf, type DeadLetterInput } from './records/dead-letter';
export {
  decodeOrDeadLetter,
  rejectMessage,
  type DecodedMessage,
  type DecodeRejection,
  type ReceivedMessage,
  type RejectedMessage,
} from './records/decode-or-dead-letter';
export { SilverDetection } from './records/silver-detection';
export { ItemCount } from './records/item-count';
export { ZoneDwell, DWELL_END_REASONS, type DwellEndReason } from './records/zone-dwell';
export { LineCrossing, CROSSING_DIRECTIONS, type CrossingDirection } from './records/line-crossing';
export { QueueAlert, QUEUE_ALERT_STATES, type QueueAlertState } from './records/queue-alert';
export { LateEvent } from './records/late-event';
export { recordTypes, findRecordType } from './registry';

// Validation
export { formatIssue, formatIssues, ROOT_PATH, type ValidationIssue, type ValidationResult, type IssueCode } from './validation/result';
export { isIanaTimeZone } from './validation/time-zone';

// Avro, Pulsar and JSON Schema
export { avroSchemaOf, AVRO_NAMESPACE, type AvroSchema, type AvroRecordSchema, type AvroField } from './avro/avro-schema';
export { avroCodecOf, type AvroCodec } from './avro/avro-codec';
export { pulsarSchemaOf, type PulsarSchemaPayload } from './avro/pulsar-schema';
export { jsonSchemaOf, type JsonSchema } from './avro/json-schema';

// Arrow
export { arrowSchemaOf, PARQUET_FIELD_ID_KEY, LIST_ELEMENT_NAME, ARROW_TIMESTAMP_ZONE } from './arrow/arrow-schema';
export { arrowTableOf, arrowRecordBatchOf } from './arrow/arrow-table';
export { RecordColumns } from './arrow/row-builder';

// Iceberg
export {
  icebergSchemaOf,
  icebergPartitionSpecOf,
  type IcebergSchema,
  type IcebergField,
  type IcebergType,
  type IcebergPrimitive,
  type IcebergStructType,
  type IcebergListType,
  type IcebergPartitionSpec,
} from './iceberg/iceberg-schema';
export { compareTableWithContract } from './iceberg/compare-table-schema';

// Compatibility
export { contractSnapshotOf, parseContractSnapshot, type ContractSnapshot, type RecordSnapshot } from './compat/snapshot';
export {
  checkCompatibility,
  formatCompatibilityReport,
  type CompatibilityReport,
  type ContractProblem,
  type ContractProblemKind,
} from './compat/check-compatibility';
