import { PulsarClientError } from '@retail/pulsar';
import { DetectionEvent } from '@retail/schema';
import { namespaceOf, provisionTopics, type ProvisioningAdmin, type TopicPlan } from './provision-topics';

const TOPIC = 'persistent://retail/ingest/detections';
const PLAN: TopicPlan = { topic: TOPIC, partitions: 4, record: DetectionEvent, topicKey: 'DETECTIONS_TOPIC', partitionsKey: 'DETECTIONS_TOPIC_PARTITIONS' };

/** An in-memory broker's admin API: partitioned topics by name, schemas by topic. */
function fakeAdmin(partitioned = new Map<string, number>()) {
  const calls: string[] = [];
  const admin: ProvisioningAdmin = {
    createTenant: async (tenant) => void calls.push(`tenant ${tenant}`),
    createNamespace: async (namespace) => void calls.push(`namespace ${namespace}`),
    getDeduplication: async () => undefined,
    setDeduplication: async (namespace, enabled) => void calls.push(`dedup ${namespace} ${enabled}`),
    listPartitionedTopics: async () => [...partitioned.keys()],
    listTopics: async () => [],
    partitionCount: async (topic) => partitioned.get(topic) ?? 0,
    updatePartitionedTopic: async (topic, partitions) => void partitioned.set(topic, partitions),
    createTopic: async () => undefined,
    createPartitionedTopic: async (topic, partitions) => {
      calls.push(`create ${topic} ${partitions}`);
      partitioned.set(topic, partitions);
    },
    uploadSchema: async () => ({ version: 0 }),
  };
  return { admin, calls, partitioned };
}

describe('provisionTopics', () => {
  it('creates tenant, namespace (with de-duplication) and the partitioned topic in that order', async () => {
    const { admin, calls } = fakeAdmin();
    const report = await provisionTopics(admin, [PLAN]);
    expect(calls).toEqual(['tenant retail', 'namespace retail/ingest', 'dedup retail/ingest true', `create ${TOPIC} 4`]);
    expect(report).toEqual({ namespaces: ['retail/ingest'], topics: [{ topic: TOPIC, partitions: 4, action: 'created', schemaVersion: 0 }] });
  });

  it('accepts a topic another instance created between its look and its create', async () => {
    const { admin, partitioned } = fakeAdmin();
    admin.createPartitionedTopic = async (topic) => {
      partitioned.set(topic, 4);
      throw new PulsarClientError('AdminError', 'answered 409: already exists');
    };
    expect((await provisionTopics(admin, [PLAN])).topics[0]).toMatchObject({ action: 'exists', partitions: 4 });
  });

  it('refuses a partitioned topic where a non-partitioned one is configured', async () => {
    const { admin } = fakeAdmin(new Map([[TOPIC, 2]]));
    await expect(provisionTopics(admin, [{ ...PLAN, partitions: 0 }])).rejects.toMatchObject({
      code: 'topic-kind-conflict',
      message: expect.stringMatching(/is partitioned \(2\) but DETECTIONS_TOPIC_PARTITIONS is 0/),
    });
  });

  it('passes on the retriability of an admin failure', async () => {
    const { admin } = fakeAdmin();
    admin.createNamespace = async () => {
      throw new PulsarClientError('AdminError', 'answered 503', { retriable: true });
    };
    await expect(provisionTopics(admin, [PLAN])).rejects.toMatchObject({ code: 'admin-failed', retriable: true });
    admin.createNamespace = async () => {
      throw new PulsarClientError('AdminError', 'answered 403', { retriable: false });
    };
    await expect(provisionTopics(admin, [PLAN])).rejects.toMatchObject({ code: 'admin-failed', retriable: false });
  });
});

describe('namespaceOf', () => {
  it('reads tenant/namespace from full and short topic names', () => {
    expect(namespaceOf(TOPIC)).toBe('retail/ingest');
    expect(namespaceOf('retail/compute/alerts')).toBe('retail/compute');
    expect(namespaceOf('plain')).toBe('public/default');
  });
});
