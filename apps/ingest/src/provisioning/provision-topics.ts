// Makes sure the topics ingest publishes to are ready before its producers start: tenant and
// namespace exist, broker de-duplication is on for the namespace (the producers' resends after a
// reconnect rely on it), each topic exists with its configured partitions, and each topic's Avro
// schema from @retail/schema is registered in the broker's schema registry. Every step is
// idempotent, so every instance runs it at every start.

import { PulsarClientError, fullTopicName, type PulsarAdmin } from '@retail/pulsar';
import { pulsarSchemaOf, type RecordType } from '@retail/schema';

/** One topic to provision and what should be true of it. */
export interface TopicPlan {
  /** Full topic name, `persistent://tenant/namespace/name`. */
  topic: string;
  /** 0: a non-partitioned topic. */
  partitions: number;
  /** The record type whose AVRO schema is registered for the topic. */
  record: RecordType;
  /** Config keys (with env names) to name in errors: the topic's and its partition count's. */
  topicKey: string;
  partitionsKey: string;
}

/** What provisioning did, for the start-up log. */
export interface ProvisionReport {
  namespaces: string[];
  topics: Array<{ topic: string; partitions: number; action: 'created' | 'exists' | 'partitions-raised'; schemaVersion: number; note?: string }>;
}

/**
 * Why provisioning stopped the start: `incompatible-schema` and `topic-kind-conflict` need a person;
 * `admin-failed` (the admin API unreachable or refusing) may pass when its cause is retriable.
 */
export type ProvisioningErrorCode = 'incompatible-schema' | 'topic-kind-conflict' | 'invalid-topic' | 'admin-failed';

export class ProvisioningError extends Error {
  readonly retriable: boolean;
  constructor(
    readonly code: ProvisioningErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options);
    this.name = 'ProvisioningError';
    this.retriable = options.retriable ?? false;
  }
}

/** The admin calls provisioning makes (PulsarAdmin has them; unit tests use an in-memory stand-in). */
export type ProvisioningAdmin = Pick<
  PulsarAdmin,
  | 'createTenant'
  | 'createNamespace'
  | 'getDeduplication'
  | 'setDeduplication'
  | 'partitionCount'
  | 'listPartitionedTopics'
  | 'updatePartitionedTopic'
  | 'listTopics'
  | 'createTopic'
  | 'createPartitionedTopic'
  | 'uploadSchema'
>;

/** `tenant/namespace` of a full topic name. */
export function namespaceOf(topic: string): string {
  const match = /^(?:persistent|non-persistent):\/\/([^/]+)\/([^/]+)\/.+$/.exec(fullTopicName(topic));
  if (match === null) throw new ProvisioningError('invalid-topic', `${topic} is not a topic name of the form persistent://tenant/namespace/topic`);
  return `${match[1]}/${match[2]}`;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function ensureNamespace(admin: ProvisioningAdmin, namespace: string): Promise<void> {
  const [tenant] = namespace.split('/');
  await admin.createTenant(tenant!);
  await admin.createNamespace(namespace);
  if ((await admin.getDeduplication(namespace)) !== true) await admin.setDeduplication(namespace, true);
}

async function ensureTopic(admin: ProvisioningAdmin, plan: TopicPlan): Promise<{ action: ProvisionReport['topics'][number]['action']; partitions: number; note?: string }> {
  const topic = fullTopicName(plan.topic);
  const namespace = namespaceOf(topic);
  // Pulsar 4 answers 404 for the partition count of a topic that does not exist: look in the namespace first.
  const partitioned = (await admin.listPartitionedTopics(namespace)).includes(topic);
  const existing = partitioned ? await admin.partitionCount(topic) : 0;
  if (existing > 0) {
    if (plan.partitions === 0)
      throw new ProvisioningError('topic-kind-conflict', `${topic} is partitioned (${existing}) but ${plan.partitionsKey} is 0; set it to ${existing} or use another topic (${plan.topicKey})`);
    if (existing < plan.partitions) {
      await admin.updatePartitionedTopic(topic, plan.partitions);
      return { action: 'partitions-raised', partitions: plan.partitions };
    }
    const note = existing > plan.partitions ? `has ${existing} partitions, more than ${plan.partitionsKey}=${plan.partitions}; Pulsar cannot lower a partition count, kept ${existing}` : undefined;
    return { action: 'exists', partitions: existing, ...(note ? { note } : {}) };
  }
  const nonPartitioned = (await admin.listTopics(namespace)).includes(topic);
  if (nonPartitioned) {
    if (plan.partitions > 0)
      throw new ProvisioningError(
        'topic-kind-conflict',
        `${topic} exists as a non-partitioned topic but ${plan.partitionsKey} is ${plan.partitions}; set it to 0, or delete the topic so it can be created partitioned (${plan.topicKey})`,
      );
    return { action: 'exists', partitions: 0 };
  }
  if (plan.partitions === 0) {
    await admin.createTopic(topic);
    return { action: 'created', partitions: 0 };
  }
  try {
    await admin.createPartitionedTopic(topic, plan.partitions);
  } catch (error) {
    // Another instance may have created it a moment ago: what counts is that it exists now.
    const now = (await admin.listPartitionedTopics(namespace)).includes(topic) ? await admin.partitionCount(topic) : 0;
    if (now === 0) throw error;
    return { action: 'exists', partitions: now };
  }
  return { action: 'created', partitions: plan.partitions };
}

async function registerSchema(admin: ProvisioningAdmin, plan: TopicPlan): Promise<number> {
  const topic = fullTopicName(plan.topic);
  try {
    return (await admin.uploadSchema(topic, pulsarSchemaOf(plan.record, 'AVRO'))).version;
  } catch (error) {
    if (error instanceof PulsarClientError && error.code === 'IncompatibleSchema') {
      throw new ProvisioningError(
        'incompatible-schema',
        `the ${plan.record.name} v${plan.record.version} AVRO schema is incompatible with the schema registered on ${topic}: ${describe(error)}. ` +
          `Publish to a topic whose schema matches (${plan.topicKey}), or evolve the contract compatibly`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Provisions every topic of `plans` (namespaces first, once each). */
export async function provisionTopics(admin: ProvisioningAdmin, plans: readonly TopicPlan[]): Promise<ProvisionReport> {
  const report: ProvisionReport = { namespaces: [], topics: [] };
  try {
    for (const namespace of new Set(plans.map((plan) => namespaceOf(plan.topic)))) {
      await ensureNamespace(admin, namespace);
      report.namespaces.push(namespace);
    }
    for (const plan of plans) {
      const { action, partitions, note } = await ensureTopic(admin, plan);
      const schemaVersion = await registerSchema(admin, plan);
      report.topics.push({ topic: fullTopicName(plan.topic), partitions, action, schemaVersion, ...(note ? { note } : {}) });
    }
  } catch (error) {
    if (error instanceof ProvisioningError) throw error;
    throw new ProvisioningError('admin-failed', `provisioning Pulsar through its admin API failed: ${describe(error)}`, {
      cause: error,
      retriable: (error as { retriable?: boolean }).retriable ?? false,
    });
  }
  return report;
}
