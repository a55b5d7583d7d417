/**
 * Interop with the official Java client (Interop.java on pulsar-client-original 4.0.7, run as a
 * child JVM): payloads, keys, properties, batching and LZ4/ZSTD compression both ways, and
 * key → partition routing on a partitioned topic.
 */
import type { CompressionName, Message } from '../../src/index';
import { interopClasspath, runJava, type JavaLine } from '../interop/java-client';
import { admin, endpoints, newClient, receiveN, uniqueName } from './helpers';

const COUNT = 300;
const KEYS = 7;
const topicName = (prefix: string) => `persistent://public/default/${uniqueName(prefix)}`;

/** Checks that each key's indexes arrive in increasing order and every index arrives once. */
function expectCompleteInKeyOrder(received: Array<{ key: string; index: number }>, count: number): void {
  const lastPerKey = new Map<string, number>();
  for (const { key, index } of received) {
    expect(key).toBe(`k${index % KEYS}`);
    expect(index).toBeGreaterThan(lastPerKey.get(key) ?? -1);
    lastPerKey.set(key, index);
  }
  expect(new Set(received.map((r) => r.index)).size).toBe(count);
}

describe('interop with the Java client', () => {
  const client = newClient();
  // javac runs here (once per version of Interop.java), not inside the first test's time budget.
  beforeAll(() => interopClasspath(), 120_000);
  afterAll(() => client.close());

  it.each<CompressionName>(['lz4', 'zstd'])('our batched %s producer → Java consumer', async (compression) => {
    const topic = topicName(`to-java-${compression}`);
    const java = runJava(['consume', endpoints.pulsarServiceUrl, topic, 'java-reader', String(COUNT), '20']);
    try {
      await java.waitForLine((line) => line.ready === true);
      const producer = await client.createProducer({ topic, compression, batcher: 'keyBased' });
      const sends = Array.from({ length: COUNT }, (_, i) =>
        producer.send({ key: `k${i % KEYS}`, data: `${i}:${'ü'.repeat(i % 50)}`, properties: { index: String(i), origin: 'ts' } }),
      );
      const ids = await Promise.all(sends);
      expect(ids.some((id) => id.isBatched)).toBe(true);
      await producer.close();

      const lines = (await java.done).filter((line) => line.ready === undefined);
      expect(lines).toHaveLength(COUNT);
      const received = lines.map((line) => {
        const index = Number((line.properties as Record<string, string>).index);
        expect(line.text).toBe(`${index}:${'ü'.repeat(index % 50)}`);
        expect(Buffer.from(line.base64 as string, 'base64').toString('utf8')).toBe(line.text);
        expect(line.properties).toEqual({ index: String(index), origin: 'ts' });
        expect(line.redeliveryCount).toBe(0);
        return { key: line.key as string, index };
      });
      expectCompleteInKeyOrder(received, COUNT);
    } finally {
      java.kill();
    }
  }, 60_000);

  it.each<CompressionName>(['lz4', 'zstd'])('Java batched %s producer → our consumer', async (compression) => {
    const topic = topicName(`from-java-${compression}`);
    const consumer = await client.subscribe({ topic, subscription: 'ts-reader', subscriptionInitialPosition: 'earliest' });
    try {
      const sent = await runJava(['produce', endpoints.pulsarServiceUrl, topic, String(COUNT), compression, 'true', String(KEYS)]).done;
      expect(sent).toHaveLength(COUNT);
      expect(sent.some((line) => !String(line.messageId).endsWith(':-1'))).toBe(true); // some went in batches

      const messages: Message[] = await receiveN(consumer, COUNT);
      const received = messages.map((message) => {
        const index = Number(message.properties.index);
        expect(message.data.toString('utf8')).toBe(`${index}:java`);
        expect(message.properties).toEqual({ index: String(index) });
        consumer.acknowledge(message);
        return { key: message.key ?? '', index };
      });
      expectCompleteInKeyOrder(received, COUNT);
      // Java and we print the same message ids for the same messages.
      const javaIds = new Map(sent.map((line: JavaLine) => [Number(line.sent), line.messageId]));
      for (const message of messages) expect(message.messageId.toString()).toBe(javaIds.get(Number(message.properties.index)));
    } finally {
      await consumer.close();
    }
  }, 60_000);

  it('routes realistic keys to the partitions the Java client picks on a 7-partition topic', async () => {
    const partitions = 7;
    // Camera keys as ingest uses them; long ones often have a negative String.hashCode.
    const keys = Array.from({ length: 210 }, (_, i) => `store-${(i * 37) % 997}/camera-${(i % 23) + 1}`);
    const javaTopic = topicName('routing-java');
    const ourTopic = topicName('routing-ts');
    await Promise.all([admin.createPartitionedTopic(javaTopic, partitions), admin.createPartitionedTopic(ourTopic, partitions)]);

    // The Java producer's default router is the oracle: the partition of each message it sent.
    const sent = await runJava(['produce-keyed', endpoints.pulsarServiceUrl, javaTopic, ...keys]).done;
    expect(sent.map((line) => line.key)).toEqual(keys);
    const javaPartitionOf = new Map(sent.map((line) => [line.key as string, line.partition as number]));
    expect(new Set(javaPartitionOf.values()).size).toBe(partitions);
    expect(sent.filter((line) => (line.hashCode as number) < 0).length).toBeGreaterThan(keys.length / 4);

    const producer = await client.createProducer({ topic: ourTopic });
    try {
      const ids = await Promise.all(keys.map((key) => producer.send({ key, data: key })));
      const ours = keys.map((key, i) => ({ key, partition: ids[i]!.partition }));
      expect(ours).toEqual(keys.map((key) => ({ key, partition: javaPartitionOf.get(key) })));
    } finally {
      await producer.close();
    }
  }, 60_000);
});
