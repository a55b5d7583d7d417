import { MessageId, PulsarClient, type CompressionName } from '../../src/index';
import { JAVA_ROUTES } from '../../src/producer/__fixtures__/java-routing';
import { admin, freshNamespace, newClient, receiveN, text, waitFor } from './helpers';

describe('pulsar round trip', () => {
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  let client: PulsarClient;

  beforeAll(async () => {
    ns = await freshNamespace('rt');
    client = newClient();
  });
  afterAll(async () => {
    await client?.close();
    await ns?.cleanup();
  });

  it.each<[string, boolean, CompressionName]>([
    ['unbatched', false, 'none'],
    ['batched', true, 'none'],
    ['batched LZ4', true, 'lz4'],
    ['batched ZSTD', true, 'zstd'],
    ['unbatched ZSTD', false, 'zstd'],
  ])('%s messages arrive intact, in order, with metadata', async (_name, batchingEnabled, compression) => {
    const topic = ns.topic('rt');
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });
    const producer = await client.createProducer({ topic, batchingEnabled, compression });
    const big = 'retail-analytics '.repeat(200);
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        producer.send({ data: `${i}:${big}`, key: `cam-${i % 5}`, properties: { i: String(i) }, eventTime: 1_700_000_000_000 + i }),
      ),
    );
    const received = await receiveN(consumer, 50);
    expect(received.map((m) => text(m))).toEqual(Array.from({ length: 50 }, (_, i) => `${i}:${big}`));
    expect(received.map((m) => m.messageId.toString())).toEqual(sent.map((id) => id.toString()));
    expect(received[7]).toMatchObject({ key: 'cam-2', properties: { i: '7' }, eventTime: 1_700_000_000_007, redeliveryCount: 0 });
    expect(received[7]!.producerName).toBe(producer.producerName);
    for (const m of received) consumer.acknowledge(m);
    consumer.flushAcknowledgements();
    await waitFor(async () => (await admin.topicStats(topic)).subscriptions.s?.msgBacklog === 0, 'backlog to drain');
    await producer.close();
    await consumer.close();
  });

  it('receiveBatch returns what is buffered in order, and an empty batch on timeout', async () => {
    const topic = ns.topic('batch-receive');
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });
    const producer = await client.createProducer({ topic });
    await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send(`b${i}`)));
    const received: string[] = [];
    while (received.length < 30) {
      const batch = await consumer.receiveBatch(7, 10_000);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(7);
      for (const m of batch) {
        received.push(text(m));
        consumer.acknowledge(m);
      }
    }
    expect(received).toEqual(Array.from({ length: 30 }, (_, i) => `b${i}`));
    expect(await consumer.receiveBatch(5, 50)).toEqual([]);
    await producer.close();
    await consumer.close();
  });

  it('routes keyed messages to the partition the Java client picks, unkeyed ones to all', async () => {
    const topic = ns.topic('partitioned');
    await admin.createPartitionedTopic(topic, 7);
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Shared', subscriptionInitialPosition: 'earliest' });
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    expect(producer.partitionCount).toBe(7);
    // The Java client's partitions for these keys (printed by Java), negative hash codes included.
    const javaPartitionOf = new Map(JAVA_ROUTES.map((r) => [r.key, r.partitionFor[7]]));
    await Promise.all(JAVA_ROUTES.map(({ key }) => producer.send({ data: key, key })));
    await Promise.all(Array.from({ length: 14 }, (_, i) => producer.send(`unkeyed-${i}`)));
    const received = await receiveN(consumer, JAVA_ROUTES.length + 14);
    const keyed = received.filter((m) => m.key !== undefined);
    expect(keyed.map((m) => ({ key: m.key, partition: m.messageId.partition })).sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(
      JAVA_ROUTES.map((r) => ({ key: r.key, partition: javaPartitionOf.get(r.key) })).sort((a, b) => a.key.localeCompare(b.key)),
    );
    for (const m of received) expect(m.topic).toBe(`${topic}-partition-${m.messageId.partition}`);
    const unkeyedPartitions = new Set(received.filter((m) => m.key === undefined).map((m) => m.messageId.partition));
    expect(unkeyedPartitions.size).toBe(7);
    await producer.close();
    await consumer.close();
  });

  it('producer and consumer pick up partitions added to the topic', async () => {
    const topic = ns.topic('growing');
    await admin.createPartitionedTopic(topic, 2);
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Shared', partitionsAutoUpdateIntervalMs: 100 });
    const producer = await client.createProducer({ topic, batchingEnabled: false, partitionsAutoUpdateIntervalMs: 100 });
    await admin.updatePartitionedTopic(topic, 4);
    await waitFor(() => producer.partitionCount === 4 && consumer.partitionConsumers.length === 4, 'both sides to see 4 partitions');

    // Keys the Java client routes to the added partitions 2 and 3 of 4.
    const javaPartitionOf = new Map(JAVA_ROUTES.filter((r) => r.partitionFor[4] >= 2).map((r) => [r.key, r.partitionFor[4]]));
    await Promise.all([...javaPartitionOf.keys()].map((key) => producer.send({ key, data: key })));
    const received = await receiveN(consumer, javaPartitionOf.size);
    expect(new Set(received.map((m) => m.messageId.partition))).toEqual(new Set([2, 3]));
    for (const m of received) {
      expect(m.messageId.partition).toBe(javaPartitionOf.get(m.key!));
      consumer.acknowledge(m);
    }
    await producer.close();
    await consumer.close();
  });

  it('reader starts after (or at) a stored message id, and seeks', async () => {
    const topic = ns.topic('reader');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const ids: MessageId[] = [];
    for (let i = 0; i < 10; i++) ids.push(await producer.send(`m${i}`));
    const stored = MessageId.fromBytes(ids[4]!.toBytes());

    const exclusive = await client.createReader({ topic, startMessageId: stored });
    expect(text(await exclusive.readNext(10_000))).toBe('m5');
    await exclusive.close();

    const inclusive = await client.createReader({ topic, startMessageId: MessageId.fromString(ids[4]!.toString()), startMessageIdInclusive: true });
    expect(text(await inclusive.readNext(10_000))).toBe('m4');
    await inclusive.close();

    const atLastExclusive = await client.createReader({ topic, startMessageId: ids[9]! });
    expect(await atLastExclusive.hasMessageAvailable()).toBe(false);
    await atLastExclusive.close();
    const atLastInclusive = await client.createReader({ topic, startMessageId: ids[9]!, startMessageIdInclusive: true });
    expect(await atLastInclusive.hasMessageAvailable()).toBe(true);
    expect(text(await atLastInclusive.readNext(10_000))).toBe('m9');
    expect(await atLastInclusive.hasMessageAvailable()).toBe(false);
    await atLastInclusive.close();

    const reader = await client.createReader({ topic, startMessageId: MessageId.earliest() });
    const all = [];
    while (await reader.hasMessageAvailable()) all.push(text(await reader.readNext(10_000)));
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await reader.close();

    const consumer = await client.subscribe({ topic, subscription: 'seeker', subscriptionInitialPosition: 'earliest' });
    await receiveN(consumer, 10);
    // Like the Java client: after seek(id) the message at id is the next one delivered.
    await consumer.seek(ids[2]!);
    expect(text(await consumer.receive(10_000))).toBe('m2');
    await consumer.seek(0);
    expect(text(await consumer.receive(10_000))).toBe('m0');
    await consumer.close();
    await producer.close();
  });

  it('seek by publish time delivers the first message published at or after it', async () => {
    const topic = ns.topic('seek-time');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 10; i++) {
      await producer.send(`m${i}`);
      // Publish time is stamped in ms before the send resolves: once the clock has moved past the
      // resolution, the next message gets a later one.
      const sentBy = Date.now();
      await waitFor(() => Date.now() > sentBy, 'the millisecond clock to advance', 5_000);
    }
    const consumer = await client.subscribe({ topic, subscription: 'time-seeker', subscriptionInitialPosition: 'earliest' });
    const messages = await receiveN(consumer, 10);
    expect(messages.map((m) => text(m))).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    const publishTimes = messages.map((m) => m.publishTime);
    expect(new Set(publishTimes).size).toBe(10);

    await consumer.seek(publishTimes[5]!);
    expect(text(await consumer.receive(10_000))).toBe('m5');
    expect(text(await consumer.receive(10_000))).toBe('m6');
    await consumer.seek(publishTimes[2]!); // backwards
    expect(text(await consumer.receive(10_000))).toBe('m2');
    await consumer.close();
    await producer.close();
  });

  it('applies backpressure when the pending queue is full, or fails fast if configured', async () => {
    const topic = ns.topic('backpressure');
    const producer = await client.createProducer({ topic, maxPendingMessages: 5, batchingEnabled: false });
    const sends = Array.from({ length: 30 }, (_, i) => producer.send(`m${i}`));
    expect(producer.pendingCount).toBeLessThanOrEqual(5);
    await Promise.all(sends);
    await producer.close();

    const failFast = await client.createProducer({ topic, maxPendingMessages: 2, blockIfQueueFull: false, batchingEnabled: false });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => failFast.send(`f${i}`)));
    expect(results.some((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'ProducerQueueFull')).toBe(true);
    await failFast.close();
  });
});
