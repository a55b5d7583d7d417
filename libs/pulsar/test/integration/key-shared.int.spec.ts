import { internals } from '../../src/client';
import type { Consumer, Message, PulsarClient } from '../../src/index';
import { interopClasspath, runJava } from '../interop/java-client';
import { freshNamespace, newClient, text, waitFor } from './helpers';

/** Collects messages from a consumer in the background until stopped. */
function collect(consumer: Consumer, onMessage: (m: Message) => void): { stop: () => void; done: Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        onMessage(await consumer.receive(200));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'Timeout') continue;
        if (code === 'AlreadyClosed') return;
        throw error;
      }
    }
  })();
  return { stop: () => (running = false), done };
}

describe('Key_Shared subscriptions', () => {
  let ns: Awaited<ReturnType<typeof freshNamespace>>;
  const clients: PulsarClient[] = [];
  const client = () => {
    const c = newClient();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    interopClasspath(); // compiles Interop.java once, outside a test's time budget
    ns = await freshNamespace('ks');
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await ns?.cleanup();
  });

  it.each([
    ['auto-split', [{ mode: 'autoSplit' as const }, { mode: 'autoSplit' as const }, { mode: 'autoSplit' as const }]],
    [
      'sticky',
      [
        { mode: 'sticky' as const, ranges: [[0, 21844]] as Array<[number, number]> },
        { mode: 'sticky' as const, ranges: [[21845, 43689]] as Array<[number, number]> },
        { mode: 'sticky' as const, ranges: [[43690, 65535]] as Array<[number, number]> },
      ],
    ],
  ])('three %s consumers each see their keys in order', async (_mode, policies) => {
    const topic = ns.topic('order');
    const shared = client();
    const consumers = await Promise.all(
      policies.map((keySharedPolicy, i) =>
        shared.subscribe({ topic, subscription: 'ks', subscriptionType: 'KeyShared', keySharedPolicy, consumerName: `c${i}`, subscriptionInitialPosition: 'earliest' }),
      ),
    );
    const producer = await shared.createProducer({ topic, batcher: 'keyBased', batchingMaxPublishDelayMs: 5 });
    const keys = Array.from({ length: 12 }, (_, i) => `camera-${i}`);
    const perKey = 25;
    const sends = [];
    for (let seq = 0; seq < perKey; seq++) for (const key of keys) sends.push(producer.send({ key, data: `${key}:${seq}` }));
    await Promise.all(sends);

    const seen = consumers.map(() => new Map<string, number[]>());
    const loops = consumers.map((consumer, i) =>
      collect(consumer, (m) => {
        const [key, seq] = text(m).split(':') as [string, string];
        seen[i]!.set(key, [...(seen[i]!.get(key) ?? []), Number(seq)]);
        consumer.acknowledge(m);
      }),
    );
    const total = () => seen.reduce((sum, map) => sum + [...map.values()].reduce((s, l) => s + l.length, 0), 0);
    await waitFor(() => total() >= keys.length * perKey, 'all messages to be consumed');
    loops.forEach((l) => l.stop());
    await Promise.all(loops.map((l) => l.done));

    expect(total()).toBe(keys.length * perKey);
    for (const key of keys) {
      const owners = seen.filter((map) => map.has(key));
      expect(owners).toHaveLength(1); // one consumer per key while membership is stable
      expect(owners[0]!.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
    expect(seen.filter((map) => map.size > 0).length).toBeGreaterThan(1); // keys were actually spread
    await producer.close();
    await Promise.all(consumers.map((c) => c.close()));
  });

  it("a crashed consumer's unacknowledged messages are redelivered to the others", async () => {
    const topic = ns.topic('crash');
    const [a, b, crashing] = [client(), client(), client()];
    const subscribe = (c: PulsarClient, name: string) =>
      c.subscribe({ topic, subscription: 'crash', subscriptionType: 'KeyShared', consumerName: name, subscriptionInitialPosition: 'earliest', receiverQueueSize: 50 });
    const consumerA = await subscribe(a, 'a');
    const consumerB = await subscribe(b, 'b');
    const consumerC = await subscribe(crashing, 'c');

    const producer = await a.createProducer({ topic, batcher: 'keyBased' });
    const total = 300;
    await Promise.all(Array.from({ length: total }, (_, i) => producer.send({ key: `k${i % 30}`, data: `m${i}` })));

    const acked = new Set<string>();
    const heldByC: string[] = [];
    const loops = [consumerA, consumerB].map((consumer) =>
      collect(consumer, (m) => {
        acked.add(text(m));
        consumer.acknowledge(m);
      }),
    );
    // C takes messages but never acks them, then dies without a goodbye.
    await waitFor(async () => {
      const m = await consumerC.receive(200).catch(() => undefined);
      if (m) heldByC.push(text(m));
      return heldByC.length >= 5;
    }, 'the crashing consumer to hold messages');
    await crashing[internals].crash();

    await waitFor(() => acked.size === total, `all ${total} messages acked by the survivors (have ${acked.size})`, 40_000);
    loops.forEach((l) => l.stop());
    await Promise.all(loops.map((l) => l.done));
    for (const m of heldByC) expect(acked.has(m)).toBe(true);
    await producer.close();
  });

  it.each([
    ['key-based batches', { batcher: 'keyBased' as const, batchingMaxPublishDelayMs: 5 }],
    ['unbatched messages', { batchingEnabled: false }],
  ])('sticky consumers get the keys whose Java/broker sticky hash is in their range (%s)', async (_name, batching) => {
    const topic = ns.topic('sticky-hash');
    const shared = client();
    const ranges: Array<[number, number]> = [
      [0, 32767],
      [32768, 65535],
    ];
    const consumers = await Promise.all(
      ranges.map((range, i) =>
        shared.subscribe({ topic, subscription: 'ks', subscriptionType: 'KeyShared', keySharedPolicy: { mode: 'sticky', ranges: [range] }, consumerName: `r${i}`, subscriptionInitialPosition: 'earliest' }),
      ),
    );
    // Every third message also has an ordering key, which the broker hashes instead of the partition key.
    const messages = Array.from({ length: 60 }, (_, i) => {
      const key = `store-${(i * 53) % 400}/camera-${(i % 9) + 1}`;
      return { key, orderingKey: i % 3 === 0 ? `order-${i}` : undefined };
    });
    const stickyKeys = messages.map((m) => m.orderingKey ?? m.key);
    // The oracle is Java's Murmur3_32Hash, computed as the broker does (Interop.java route).
    const hashes = await runJava(['route', '1', ...stickyKeys]).done;
    const stickyHashOf = new Map(hashes.map((line) => [line.key as string, line.stickyHash as number]));
    const expectedConsumer = (stickyKey: string) => ranges.findIndex(([start, end]) => stickyHashOf.get(stickyKey)! >= start && stickyHashOf.get(stickyKey)! <= end);
    expect(new Set(stickyKeys.map(expectedConsumer))).toEqual(new Set([0, 1]));

    const producer = await shared.createProducer({ topic, ...batching });
    await Promise.all(messages.map(({ key, orderingKey }, i) => producer.send({ key, ...(orderingKey ? { orderingKey } : {}), data: String(i) })));

    const receivedBy = new Map<number, number>();
    const loops = consumers.map((consumer, c) =>
      collect(consumer, (m) => {
        receivedBy.set(Number(text(m)), c);
        consumer.acknowledge(m);
      }),
    );
    await waitFor(() => receivedBy.size === messages.length, `all ${messages.length} messages`);
    loops.forEach((l) => l.stop());
    await Promise.all(loops.map((l) => l.done));
    const actual = messages.map((_, i) => ({ message: i, stickyKey: stickyKeys[i], consumer: receivedBy.get(i) }));
    expect(actual).toEqual(messages.map((_, i) => ({ message: i, stickyKey: stickyKeys[i], consumer: expectedConsumer(stickyKeys[i]!) })));
    await producer.close();
    await Promise.all(consumers.map((c) => c.close()));
  });
});
