import { PulsarAdmin } from '@retail/pulsar';
import { avroSchemaOf, DetectionEvent, pulsarSchemaOf, TrackEvent } from '@retail/schema';
import { provisionTopics, ProvisioningError, type TopicPlan } from '../../src/provisioning/provision-topics';
import { admin, unique } from './ingest-service-harness';

// Start-up provisioning against the stack's broker (admin REST API, schema registry). Each test has its own
// namespace, which provisioning itself creates.
jest.setTimeout(60_000);

const namespaces: string[] = [];

function freshNamespace(): string {
  const namespace = `public/${unique('ingest-prov')}`;
  namespaces.push(namespace);
  return namespace;
}

function plans(namespace: string, detections: number, trackEvents: number): TopicPlan[] {
  return [
    { topic: `persistent://${namespace}/detections`, partitions: detections, record: DetectionEvent, topicKey: 'topics.detections', partitionsKey: 'DETECTIONS_TOPIC_PARTITIONS' },
    { topic: `persistent://${namespace}/track-events`, partitions: trackEvents, record: TrackEvent, topicKey: 'topics.trackEvents', partitionsKey: 'TRACK_EVENTS_TOPIC_PARTITIONS' },
  ];
}

afterAll(async () => {
  // The broker refuses to delete a namespace that still has topics: topics first.
  for (const namespace of namespaces) {
    for (const topic of await admin.listPartitionedTopics(namespace).catch(() => [])) await admin.deletePartitionedTopic(topic, true).catch(() => undefined);
    for (const topic of await admin.listTopics(namespace).catch(() => [])) await admin.deleteTopic(topic, true).catch(() => undefined);
    await admin.deleteNamespace(namespace, true).catch(() => undefined);
  }
});

describe('provisioning the ingest topics', () => {
  it('creates namespace and topics, turns de-duplication on and registers the AVRO schemas; a second run changes nothing', async () => {
    const namespace = freshNamespace();
    const [detections, trackEvents] = plans(namespace, 3, 0);
    const first = await provisionTopics(admin, [detections!, trackEvents!]);
    expect(first.topics.map((t) => [t.topic, t.action, t.partitions])).toEqual([
      [detections!.topic, 'created', 3],
      [trackEvents!.topic, 'created', 0],
    ]);
    expect(await admin.getDeduplication(namespace)).toBe(true);
    expect(await admin.partitionCount(detections!.topic)).toBe(3);
    expect(await admin.listTopics(namespace)).toContain(trackEvents!.topic);
    for (const plan of [detections!, trackEvents!]) {
      const stored = await admin.getSchema(plan.topic);
      expect(stored?.type).toBe('AVRO');
      expect(JSON.parse(stored!.data)).toEqual(avroSchemaOf(plan.record));
    }

    const second = await provisionTopics(admin, [detections!, trackEvents!]);
    expect(second.topics.map((t) => [t.action, t.partitions, t.schemaVersion])).toEqual(first.topics.map((t) => ['exists', t.partitions, t.schemaVersion]));
  });

  it('raises a partition count below the configured one and keeps (and reports) one above it', async () => {
    const namespace = freshNamespace();
    await provisionTopics(admin, plans(namespace, 2, 1));
    const raised = await provisionTopics(admin, plans(namespace, 4, 1));
    expect(raised.topics[0]).toMatchObject({ action: 'partitions-raised', partitions: 4 });
    expect(await admin.partitionCount(`persistent://${namespace}/detections`)).toBe(4);
    const lower = await provisionTopics(admin, plans(namespace, 3, 1));
    expect(lower.topics[0]).toMatchObject({ action: 'exists', partitions: 4, note: expect.stringMatching(/cannot lower/) });
  });

  it('an incompatible schema already registered is an error naming the topic', async () => {
    const namespace = freshNamespace();
    const [detections] = plans(namespace, 1, 1);
    await admin.createNamespace(namespace);
    await admin.createPartitionedTopic(detections!.topic, 1);
    await admin.uploadSchema(detections!.topic, pulsarSchemaOf(TrackEvent));
    const failure = provisionTopics(admin, [detections!]);
    await expect(failure).rejects.toBeInstanceOf(ProvisioningError);
    await expect(failure).rejects.toMatchObject({
      code: 'incompatible-schema',
      retriable: false,
      message: expect.stringMatching(new RegExp(`DetectionEvent v1 AVRO schema is incompatible with the schema registered on ${detections!.topic}`)),
    });
  });

  it('a non-partitioned topic where partitions are configured is an error naming the setting', async () => {
    const namespace = freshNamespace();
    const [detections] = plans(namespace, 2, 0);
    await admin.createNamespace(namespace);
    await admin.createTopic(detections!.topic);
    await expect(provisionTopics(admin, [detections!])).rejects.toMatchObject({
      code: 'topic-kind-conflict',
      message: expect.stringMatching(/exists as a non-partitioned topic but DETECTIONS_TOPIC_PARTITIONS is 2/),
    });
  });

  it('an unreachable admin API is a retriable error', async () => {
    const nowhere = new PulsarAdmin({ adminUrl: 'http://127.0.0.1:9', requestTimeoutMs: 2000 });
    await expect(provisionTopics(nowhere, plans(freshNamespace(), 1, 1))).rejects.toMatchObject({ code: 'admin-failed', retriable: true });
  });
});
