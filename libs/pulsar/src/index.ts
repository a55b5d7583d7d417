/**
 * @retail/pulsar — a pure-TypeScript Apache Pulsar client over the binary protocol.
 * Only the public API is exported here; wire types stay internal.
 */
export { PulsarClient } from './client';
export { Producer } from './producer/producer';
export type { ProducerMessage } from './producer/producer';
export { Consumer } from './consumer/consumer';
export { Reader } from './consumer/reader';
export type { Message } from './consumer/message';
export { MessageId } from './message-id';
export { PulsarClientError, isRetriable, SERVER_ERRORS } from './errors';
export type { ServerErrorInfo } from './errors';
export { tokenAuth } from './connection/auth';
export type { AuthProvider, TokenSupplier } from './connection/auth';
export { DEFAULTS } from './options';
export type {
  ClientOptions,
  ConsumerOptions,
  ProducerOptions,
  ReaderOptions,
  TlsOptions,
  SubscriptionType,
  InitialPositionName,
  KeySharedPolicy,
  DeadLetterPolicy,
  BatcherType,
} from './options';
export type { CompressionName } from './compression';
export { javaStringHash, partitionForKey } from './producer/partition-router';
export { fullTopicName, partitionTopicName } from './lookup/topic-name';
export { PulsarAdmin } from './admin/pulsar-admin';
export type { PulsarAdminOptions, RetentionPolicy, SchemaUpload, StoredSchema, SubscriptionStats, TopicStats } from './admin/pulsar-admin';
