import type { PulsarClient } from '../../src/index';
import { admin, freshNamespace, newClient, receiveN, text, waitFor } from './helpers';

describe('acknowledgements, negative acks and dead letters', () => {
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  let client: PulsarClient;

  beforeAll(async () => {
    ns = await freshNamespace('acks');
    client = newClient();
  });
  afterAll(async () => {
    await client?.close();
    await ns?.cleanup();
  });

  async function publish(topic: string, count: number, batchingEnabled = false): Promise<void> {
    const producer = await client.createProducer({ topic, batchingEnabled, batchingMaxPublishDelayMs: 50 });
    await Promise.all(Array.from({ length: count }, (_, i) => producer.send(`m${i}`)));
    await producer.close();
  }

  const backlog = async (topic: string, subscription: string) => (await admin.topicStats(topic)).subscriptions[subscription]?.msgBacklog;

  it('individual acks leave exactly the unacked messages for redelivery', async () => {
    const topic = ns.topic('individual');
    const first = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });
    await publish(topic, 10);
    const received = await receiveN(first, 10);
    for (const m of received) if (!['m2', 'm5', 'm9'].includes(text(m))) first.acknowledge(m);
    await first.close(); // flushes grouped acks

    const second = await client.subscribe({ topic, subscription: 's' });
    expect((await receiveN(second, 3)).map(text)).toEqual(['m2', 'm5', 'm9']);
    await waitFor(async () => (await backlog(topic, 's')) === 3, 'backlog of the three unacked messages');
    await second.close();
  });

  it('a cumulative ack acknowledges everything up to and including the message', async () => {
    const topic = ns.topic('cumulative');
    const first = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });
    await publish(topic, 10);
    const received = await receiveN(first, 10);
    first.acknowledgeCumulative(received[6]!);
    await first.close();

    const second = await client.subscribe({ topic, subscription: 's' });
    expect((await receiveN(second, 3)).map(text)).toEqual(['m7', 'm8', 'm9']);
    await waitFor(async () => (await backlog(topic, 's')) === 3, 'backlog of three');
    await second.close();
  });

  it('refuses cumulative acks on Shared subscriptions', async () => {
    const topic = ns.topic('shared-cumulative');
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Shared', subscriptionInitialPosition: 'earliest' });
    await publish(topic, 1);
    const m = await consumer.receive(10_000);
    expect(() => consumer.acknowledgeCumulative(m)).toThrow(expect.objectContaining({ code: 'InvalidConfiguration' }));
    await consumer.close();
  });

  it('a batch entry is acknowledged once all of its messages are', async () => {
    const topic = ns.topic('batch-acks');
    const first = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest', ackGroupingTimeMs: 0 });
    await publish(topic, 10, true);
    const received = await receiveN(first, 10);
    const lastEntry = received[9]!.messageId.entryId;
    expect(received.filter((m) => m.messageId.entryId === lastEntry).length).toBeGreaterThan(1); // really a batch
    for (const m of received.slice(0, 9)) first.acknowledge(m);
    await first.close();

    // The entry holding m9 was not acked (one of its messages is not), so it comes back whole.
    const second = await client.subscribe({ topic, subscription: 's', ackGroupingTimeMs: 0 });
    const redelivered = await second.receive(10_000);
    expect(redelivered.messageId.entryId).toBe(lastEntry);
    const rest = await receiveN(second, received.filter((m) => m.messageId.entryId === lastEntry).length - 1);
    for (const m of [redelivered, ...rest]) second.acknowledge(m);
    expect([redelivered, ...rest].map(text)).toContain('m9');
    await waitFor(async () => (await backlog(topic, 's')) === 0, 'backlog to drain after the last batch ack');
    await second.close();
  });

  it('negatively acknowledged messages come back with a higher redelivery count', async () => {
    const topic = ns.topic('nack');
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Shared', subscriptionInitialPosition: 'earliest', negativeAckRedeliveryDelayMs: 100 });
    await publish(topic, 1);
    const first = await consumer.receive(10_000);
    consumer.negativeAcknowledge(first);
    const again = await consumer.receive(10_000);
    expect(text(again)).toBe('m0');
    expect(again.redeliveryCount).toBe(1);
    consumer.acknowledge(again);
    await consumer.close();
  });

  it('a negatively acknowledged message is not redelivered before the configured delay', async () => {
    const topic = ns.topic('nack-delay');
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Shared', subscriptionInitialPosition: 'earliest', negativeAckRedeliveryDelayMs: 1500 });
    await publish(topic, 1);
    const first = await consumer.receive(10_000);
    consumer.negativeAcknowledge(first);
    // Nothing may arrive within the first 800 ms of the 1500 ms delay; a slow machine only makes
    // the redelivery later, never earlier, so this cannot flake.
    await expect(consumer.receive(800)).rejects.toMatchObject({ code: 'Timeout' });
    const again = await consumer.receive(10_000);
    expect({ text: text(again), redeliveryCount: again.redeliveryCount }).toEqual({ text: 'm0', redeliveryCount: 1 });
    consumer.acknowledge(again);
    await consumer.close();
  });

  it('after maxRedeliverCount redeliveries a message goes to the dead-letter topic and is acked', async () => {
    const topic = ns.topic('dlq');
    const deadLetterTopic = `${topic}-dead`;
    const dlqConsumer = await client.subscribe({ topic: deadLetterTopic, subscription: 'inspect', subscriptionInitialPosition: 'earliest' });
    const consumer = await client.subscribe({
      topic,
      subscription: 's',
      subscriptionType: 'Shared',
      subscriptionInitialPosition: 'earliest',
      negativeAckRedeliveryDelayMs: 50,
      deadLetterPolicy: { maxRedeliverCount: 2, deadLetterTopic },
    });
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const id = await producer.send({ data: 'poison', key: 'k1', orderingKey: 'o1', properties: { origin: 'test' } });

    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await consumer.receive(10_000);
      counts.push(m.redeliveryCount);
      consumer.negativeAcknowledge(m);
    }
    expect(counts).toEqual([0, 1, 2]);

    const dead = await dlqConsumer.receive(15_000);
    expect(text(dead)).toBe('poison');
    expect(dead.key).toBe('k1');
    expect(dead.orderingKey?.toString()).toBe('o1'); // as Java's DLQ producer, so Key_Shared on the DLQ hashes the same key
    expect(dead.properties).toMatchObject({ origin: 'test', REAL_TOPIC: topic, ORIGIN_MESSAGE_ID: id.toString() });
    await waitFor(async () => (await backlog(topic, 's')) === 0, 'the original to be acked');
    await expect(consumer.receive(300)).rejects.toMatchObject({ code: 'Timeout' });
    await producer.close();
    await consumer.close();
    await dlqConsumer.close();
  });
});
