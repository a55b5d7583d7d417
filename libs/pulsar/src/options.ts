/**
 * Public option interfaces and their normalisation. Every default is a named constant, applied
 * once by the `normalize*Options` functions; configuration errors name the key and the fix.
 */
import type { Registry } from 'prom-client';
import { tokenAuth, type AuthProvider, type TokenSupplier } from './connection/auth';
import { parseBrokerUrl, type BrokerAddress } from './connection/service-url';
import type { CompressionName } from './compression';
import { PulsarClientError } from './errors';
import { DEFAULT_MAX_FRAME_SIZE } from './framing/frame';
import { fullTopicName } from './lookup/topic-name';
import type { MessageId } from './message-id';

export const DEFAULTS = {
  operationTimeoutMs: 30_000,
  connectionTimeoutMs: 10_000,
  keepAliveIntervalMs: 30_000,
  initialBackoffMs: 100,
  maxBackoffMs: 60_000,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  clientVersion: 'retail-pulsar-ts/0.1.0',
  sendTimeoutMs: 30_000,
  maxPendingMessages: 1000,
  blockIfQueueFull: true,
  batchingEnabled: true,
  batchingMaxMessages: 1000,
  batchingMaxBytes: 128 * 1024,
  batchingMaxPublishDelayMs: 10,
  batcher: 'default',
  compression: 'none',
  subscriptionType: 'Exclusive',
  subscriptionInitialPosition: 'latest',
  receiverQueueSize: 1000,
  ackGroupingTimeMs: 100,
  negativeAckRedeliveryDelayMs: 60_000,
  partitionsAutoUpdateIntervalMs: 60_000,
  tlsRejectUnauthorized: true,
} as const;

export interface TlsOptions {
  /** PEM CA bundle to trust (defaults to Node's trust store). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** @default true */
  rejectUnauthorized?: boolean;
  /** SNI / certificate host name override. */
  servername?: string;
}

export interface ClientOptions {
  /** `pulsar://host:6650` or `pulsar+ssl://host:6651` (a broker or a proxy). */
  serviceUrl: string;
  /** A JWT (string or supplier, refreshed on every connect and broker challenge) or any AuthProvider. */
  authentication?: { token: TokenSupplier } | AuthProvider;
  tls?: TlsOptions;
  /** Timeout of each request to the broker (lookup, subscribe, create producer…). @default 30000 */
  operationTimeoutMs?: number;
  /** TCP + handshake timeout. @default 10000 */
  connectionTimeoutMs?: number;
  /** Ping after this much silence; close after twice as much. @default 30000 */
  keepAliveIntervalMs?: number;
  /** First reconnect delay; doubles (with jitter) per failed attempt. @default 100 */
  initialBackoffMs?: number;
  /** Cap of the reconnect delay. @default 60000 */
  maxBackoffMs?: number;
  /** Largest inbound frame accepted before the broker announces its own limit. @default 5242880 */
  maxFrameSize?: number;
  /** prom-client registry for the client's metrics. @default prom-client's global registry */
  metricsRegistry?: Registry;
  /** Sent in CONNECT. @default 'retail-pulsar-ts/0.1.0' */
  clientVersion?: string;
  /** Receives non-fatal problems (reconnects, discarded corrupt messages). @default ignore */
  onWarning?: (message: string, error?: unknown) => void;
}

export interface NormalizedClientOptions {
  service: BrokerAddress;
  auth: AuthProvider | undefined;
  tls: { ca?: TlsOptions['ca']; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized: boolean; servername?: string };
  operationTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveIntervalMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxFrameSize: number;
  metricsRegistry: Registry | undefined;
  clientVersion: string;
  onWarning: (message: string, error?: unknown) => void;
}

export type BatcherType = 'default' | 'keyBased';

export interface ProducerOptions {
  topic: string;
  /** Stable name; the broker de-duplicates by (name, sequence id). @default a broker-assigned name, kept across reconnects */
  producerName?: string;
  /** Fail a send not acknowledged within this time; 0 disables. @default 30000 */
  sendTimeoutMs?: number;
  /** Messages in flight (per partition) before send() applies backpressure. @default 1000 */
  maxPendingMessages?: number;
  /** When the pending queue is full, send() waits (true) or fails with ProducerQueueFull (false). @default true */
  blockIfQueueFull?: boolean;
  /** @default true */
  batchingEnabled?: boolean;
  /** @default 1000 */
  batchingMaxMessages?: number;
  /** @default 131072 */
  batchingMaxBytes?: number;
  /** @default 10 */
  batchingMaxPublishDelayMs?: number;
  /** `keyBased` batches per key so Key_Shared consumers keep per-key order. @default 'default' */
  batcher?: BatcherType;
  /** @default 'none' */
  compression?: CompressionName;
  /** First sequence id (otherwise continue after the broker's last persisted one). */
  initialSequenceId?: number;
  /** Producer metadata shown in topic stats. */
  properties?: Record<string, string>;
  /** How often a partitioned topic is checked for added partitions; 0 disables. @default 60000 */
  partitionsAutoUpdateIntervalMs?: number;
}

export interface NormalizedProducerOptions extends Required<Omit<ProducerOptions, 'producerName' | 'initialSequenceId' | 'properties'>> {
  producerName: string | undefined;
  initialSequenceId: number | undefined;
  properties: Record<string, string>;
}

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover' | 'KeyShared';
export type InitialPositionName = 'latest' | 'earliest';

export type KeySharedPolicy =
  | { mode: 'autoSplit'; allowOutOfOrderDelivery?: boolean }
  /** Fixed hash ranges, inclusive, within 0..65535. */
  | { mode: 'sticky'; ranges: Array<[start: number, end: number]>; allowOutOfOrderDelivery?: boolean };

export interface DeadLetterPolicy {
  /** Deliveries after the first before a message goes to the dead-letter topic. */
  maxRedeliverCount: number;
  /** @default `${topic}-${subscription}-DLQ` */
  deadLetterTopic?: string;
}

export interface ConsumerOptions {
  topic: string;
  subscription: string;
  /** @default 'Exclusive' */
  subscriptionType?: SubscriptionType;
  /** Only for KeyShared. @default { mode: 'autoSplit' } */
  keySharedPolicy?: KeySharedPolicy;
  /** Where a new subscription starts. @default 'latest' */
  subscriptionInitialPosition?: InitialPositionName;
  consumerName?: string;
  /** Messages prefetched per partition; permits are refilled when half are consumed. @default 1000 */
  receiverQueueSize?: number;
  /** Acks are sent in groups at this interval (0 sends each ack at once). @default 100 */
  ackGroupingTimeMs?: number;
  /** Delay before negatively acknowledged messages are redelivered. @default 60000 */
  negativeAckRedeliveryDelayMs?: number;
  deadLetterPolicy?: DeadLetterPolicy;
  /** Failover/Shared priority (lower is preferred). */
  priorityLevel?: number;
  /** How often a partitioned topic is checked for added partitions; 0 disables. @default 60000 */
  partitionsAutoUpdateIntervalMs?: number;
}

export interface NormalizedConsumerOptions {
  topic: string;
  subscription: string;
  subscriptionType: SubscriptionType;
  keySharedPolicy: KeySharedPolicy;
  subscriptionInitialPosition: InitialPositionName;
  consumerName: string | undefined;
  receiverQueueSize: number;
  ackGroupingTimeMs: number;
  negativeAckRedeliveryDelayMs: number;
  deadLetterPolicy: Required<DeadLetterPolicy> | undefined;
  priorityLevel: number | undefined;
  partitionsAutoUpdateIntervalMs: number;
  /** Reader-only: non-durable cursor starting here. */
  startMessageId?: MessageId;
  startMessageIdInclusive?: boolean;
  durable: boolean;
}

export interface ReaderOptions {
  topic: string;
  /** MessageId.earliest(), MessageId.latest() or a stored id. */
  startMessageId: MessageId;
  /** Also deliver the message at startMessageId itself. @default false */
  startMessageIdInclusive?: boolean;
  /** @default 1000 */
  receiverQueueSize?: number;
  readerName?: string;
}

function configError(key: string, problem: string, fix: string): PulsarClientError {
  return new PulsarClientError('InvalidConfiguration', `${key} ${problem}: ${fix}`);
}

function positiveInt(key: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw configError(key, `is ${value}`, `set it to a${allowZero ? ' non-negative' : ' positive'} integer`);
  }
  return value;
}

function oneOf<T extends string>(key: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw configError(key, `is "${value}"`, `use one of ${allowed.join(', ')}`);
  return value;
}

export function normalizeClientOptions(options: ClientOptions): NormalizedClientOptions {
  if (!options || typeof options.serviceUrl !== 'string') {
    throw configError('serviceUrl', 'is missing', 'pass e.g. { serviceUrl: "pulsar://127.0.0.1:6650" }');
  }
  const auth = options.authentication;
  return {
    service: parseBrokerUrl(options.serviceUrl),
    auth: auth === undefined ? undefined : 'token' in auth ? tokenAuth(auth.token) : auth,
    tls: {
      ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      ...(options.tls?.cert ? { cert: options.tls.cert } : {}),
      ...(options.tls?.key ? { key: options.tls.key } : {}),
      ...(options.tls?.servername ? { servername: options.tls.servername } : {}),
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? DEFAULTS.tlsRejectUnauthorized,
    },
    operationTimeoutMs: positiveInt('operationTimeoutMs', options.operationTimeoutMs, DEFAULTS.operationTimeoutMs),
    connectionTimeoutMs: positiveInt('connectionTimeoutMs', options.connectionTimeoutMs, DEFAULTS.connectionTimeoutMs),
    keepAliveIntervalMs: positiveInt('keepAliveIntervalMs', options.keepAliveIntervalMs, DEFAULTS.keepAliveIntervalMs),
    initialBackoffMs: positiveInt('initialBackoffMs', options.initialBackoffMs, DEFAULTS.initialBackoffMs),
    maxBackoffMs: positiveInt('maxBackoffMs', options.maxBackoffMs, DEFAULTS.maxBackoffMs),
    maxFrameSize: positiveInt('maxFrameSize', options.maxFrameSize, DEFAULTS.maxFrameSize),
    metricsRegistry: options.metricsRegistry,
    clientVersion: options.clientVersion ?? DEFAULTS.clientVersion,
    onWarning: options.onWarning ?? (() => undefined),
  };
}

export function normalizeProducerOptions(options: ProducerOptions): NormalizedProducerOptions {
  if (!options?.topic) throw configError('topic', 'is missing', 'pass the topic to publish to');
  return {
    topic: fullTopicName(options.topic),
    producerName: options.producerName,
    sendTimeoutMs: positiveInt('sendTimeoutMs', options.sendTimeoutMs, DEFAULTS.sendTimeoutMs, true),
    maxPendingMessages: positiveInt('maxPendingMessages', options.maxPendingMessages, DEFAULTS.maxPendingMessages),
    blockIfQueueFull: options.blockIfQueueFull ?? DEFAULTS.blockIfQueueFull,
    batchingEnabled: options.batchingEnabled ?? DEFAULTS.batchingEnabled,
    batchingMaxMessages: positiveInt('batchingMaxMessages', options.batchingMaxMessages, DEFAULTS.batchingMaxMessages),
    batchingMaxBytes: positiveInt('batchingMaxBytes', options.batchingMaxBytes, DEFAULTS.batchingMaxBytes),
    batchingMaxPublishDelayMs: positiveInt('batchingMaxPublishDelayMs', options.batchingMaxPublishDelayMs, DEFAULTS.batchingMaxPublishDelayMs, true),
    batcher: oneOf('batcher', options.batcher, ['default', 'keyBased'], DEFAULTS.batcher),
    compression: oneOf('compression', options.compression, ['none', 'lz4', 'zstd'], DEFAULTS.compression),
    initialSequenceId: options.initialSequenceId === undefined ? undefined : positiveInt('initialSequenceId', options.initialSequenceId, 0, true),
    properties: options.properties ?? {},
    partitionsAutoUpdateIntervalMs: positiveInt('partitionsAutoUpdateIntervalMs', options.partitionsAutoUpdateIntervalMs, DEFAULTS.partitionsAutoUpdateIntervalMs, true),
  };
}

export function normalizeConsumerOptions(options: ConsumerOptions): NormalizedConsumerOptions {
  if (!options?.topic) throw configError('topic', 'is missing', 'pass the topic to consume from');
  if (!options.subscription) throw configError('subscription', 'is missing', 'pass a subscription name');
  const subscriptionType = oneOf('subscriptionType', options.subscriptionType, ['Exclusive', 'Shared', 'Failover', 'KeyShared'], DEFAULTS.subscriptionType);
  const keySharedPolicy = options.keySharedPolicy ?? { mode: 'autoSplit' };
  if (options.keySharedPolicy && subscriptionType !== 'KeyShared') {
    throw configError('keySharedPolicy', `is set for a ${subscriptionType} subscription`, 'set subscriptionType: "KeyShared" or drop keySharedPolicy');
  }
  if (keySharedPolicy.mode === 'sticky') {
    if (!keySharedPolicy.ranges.length) throw configError('keySharedPolicy.ranges', 'is empty', 'give at least one [start, end] range');
    for (const [start, end] of keySharedPolicy.ranges) {
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= 65535 && start <= end)) {
        throw configError('keySharedPolicy.ranges', `contains [${start}, ${end}]`, 'use integer ranges with 0 <= start <= end <= 65535');
      }
    }
    // The Java client refuses overlapping ranges too (KeySharedPolicySticky.validate).
    const sorted = [...keySharedPolicy.ranges].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      const [previous, next] = [sorted[i - 1]!, sorted[i]!];
      if (next[0] <= previous[1]) {
        throw configError('keySharedPolicy.ranges', `has overlapping ranges [${previous.join(', ')}] and [${next.join(', ')}]`, 'make the ranges disjoint');
      }
    }
  }
  const topic = fullTopicName(options.topic);
  const dlq = options.deadLetterPolicy;
  return {
    topic,
    subscription: options.subscription,
    subscriptionType,
    keySharedPolicy,
    subscriptionInitialPosition: oneOf('subscriptionInitialPosition', options.subscriptionInitialPosition, ['latest', 'earliest'], DEFAULTS.subscriptionInitialPosition),
    consumerName: options.consumerName,
    receiverQueueSize: positiveInt('receiverQueueSize', options.receiverQueueSize, DEFAULTS.receiverQueueSize),
    ackGroupingTimeMs: positiveInt('ackGroupingTimeMs', options.ackGroupingTimeMs, DEFAULTS.ackGroupingTimeMs, true),
    negativeAckRedeliveryDelayMs: positiveInt('negativeAckRedeliveryDelayMs', options.negativeAckRedeliveryDelayMs, DEFAULTS.negativeAckRedeliveryDelayMs, true),
    deadLetterPolicy: dlq
      ? {
          maxRedeliverCount: positiveInt('deadLetterPolicy.maxRedeliverCount', dlq.maxRedeliverCount, 1),
          deadLetterTopic: fullTopicName(dlq.deadLetterTopic ?? `${topic}-${options.subscription}-DLQ`),
        }
      : undefined,
    priorityLevel: options.priorityLevel,
    partitionsAutoUpdateIntervalMs: positiveInt('partitionsAutoUpdateIntervalMs', options.partitionsAutoUpdateIntervalMs, DEFAULTS.partitionsAutoUpdateIntervalMs, true),
    durable: true,
  };
}

export function normalizeReaderOptions(options: ReaderOptions): NormalizedConsumerOptions {
  if (!options?.topic) throw configError('topic', 'is missing', 'pass the topic to read');
  if (!options.startMessageId) throw configError('startMessageId', 'is missing', 'pass MessageId.earliest(), MessageId.latest() or a stored id');
  return {
    topic: fullTopicName(options.topic),
    subscription: `reader-${Math.random().toString(36).slice(2, 12)}`,
    subscriptionType: 'Exclusive',
    keySharedPolicy: { mode: 'autoSplit' },
    subscriptionInitialPosition: 'earliest',
    consumerName: options.readerName,
    receiverQueueSize: positiveInt('receiverQueueSize', options.receiverQueueSize, DEFAULTS.receiverQueueSize),
    ackGroupingTimeMs: 0,
    negativeAckRedeliveryDelayMs: DEFAULTS.negativeAckRedeliveryDelayMs,
    deadLetterPolicy: undefined,
    priorityLevel: undefined,
    partitionsAutoUpdateIntervalMs: DEFAULTS.partitionsAutoUpdateIntervalMs,
    startMessageId: options.startMessageId,
    startMessageIdInclusive: options.startMessageIdInclusive ?? false,
    durable: false,
  };
}
