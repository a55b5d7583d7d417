import { CommandType } from '../../src/codec/wire-types';
import type { MessageId, PulsarClient } from '../../src/index';
import { admin, freshNamespace, newClient, receiveN, text, uniqueName, waitFor, waitForDeduplication } from './helpers';

describe('broker de-duplication across reconnects', () => {
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  let client: PulsarClient;

  beforeAll(async () => {
    ns = await freshNamespace('dedup', (namespace) => admin.setDeduplication(namespace, true));
    client = newClient({ initialBackoffMs: 50 });
  });
  afterAll(async () => {
    await client?.close();
    await ns?.cleanup();
  });

  it.each([
    ['unbatched', false],
    ['batched', true],
  ])('%s: a connection dropped mid-send is resent without duplicates', async (_name, batchingEnabled) => {
    const topic = ns.topic('dedup');
    const producer = await client.createProducer({ topic, producerName: `dedup-${batchingEnabled}`, batchingEnabled });
    await waitForDeduplication(topic);
    const connection = producer.partitionProducers[0]!.currentConnection!;
    // Lose every receipt: the broker persists the messages but the producer never hears so.
    connection.inboundFilter = (command) => command.type !== CommandType.SEND_RECEIPT;

    const count = 20;
    const sends = Array.from({ length: count }, (_, i) => producer.send(`m${i}`));
    await waitFor(async () => (await admin.topicStats(topic)).msgInCounter >= count, 'the broker to persist the first attempt');
    connection.close(); // drop the socket; the producer reconnects and resends with the same sequence ids

    const ids = await Promise.all(sends);
    expect(ids).toHaveLength(count);
    await producer.send('end');

    // A fresh subscription reads what the topic stored (a consumer that lived through the dropped
    // connection could legitimately see redeliveries: delivery is at-least-once, storage is not).
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });

    const seen: string[] = [];
    for (;;) {
      const m = await consumer.receive(10_000);
      consumer.acknowledge(m);
      if (text(m) === 'end') break;
      seen.push(text(m));
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => `m${i}`));
    expect(producer.partitionProducers[0]!.currentConnection).not.toBe(connection);
    await producer.close();
    await consumer.close();
  });

  it('caller-chosen sequence ids: the broker drops an id not above the last one, and that send resolves with id -1:-1', async () => {
    const topic = ns.topic('custom-seq');
    const producer = await client.createProducer({ topic, producerName: uniqueName('custom-seq'), batchingEnabled: false });
    await waitForDeduplication(topic);
    const sent: Array<[string, number]> = [['a', 5], ['b', 10], ['stale', 7], ['repeat', 10], ['c', 11]];
    const ids = [];
    for (const [data, sequenceId] of sent) ids.push(await producer.send({ data, sequenceId }));
    const dropped = (id: MessageId) => id.ledgerId === -1n && id.entryId === -1n;
    expect(ids.map(dropped)).toEqual([false, false, true, true, false]);

    // A batch whose ids are all at or below the last persisted one is dropped whole; one above is kept.
    const batching = await client.createProducer({ topic, producerName: `${producer.producerName}-batched`, batchingMaxPublishDelayMs: 5 });
    const first = await Promise.all([batching.send({ data: 'd', sequenceId: 100 }), batching.send({ data: 'e', sequenceId: 200 })]);
    const again = await Promise.all([batching.send({ data: 'stale-batch', sequenceId: 150 }), batching.send({ data: 'stale-batch', sequenceId: 200 })]);
    expect(first.map(dropped)).toEqual([false, false]);
    expect(again.map(dropped)).toEqual([true, true]);

    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionInitialPosition: 'earliest' });
    const stored = await receiveN(consumer, 5);
    expect(stored.map((m) => [text(m), m.sequenceId])).toEqual([['a', 5n], ['b', 10n], ['c', 11n], ['d', 100n], ['e', 200n]]);
    await expect(consumer.receive(500)).rejects.toMatchObject({ code: 'Timeout' });
    await producer.close();
    await batching.close();
    await consumer.close();
  });
});
