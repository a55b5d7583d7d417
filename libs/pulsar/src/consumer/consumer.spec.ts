import { CommandType, type MessageMetadata } from '../codec/wire-types';
import { AckType } from '../commands/builders';
import { encodeBatch } from '../commands/batch';
import { FakeBroker, standardReplies } from '../connection/__test__/fake-broker';
import type { ClientContext } from '../context';
import { normalizeConsumerOptions, type ConsumerOptions } from '../options';
import { scriptedContext } from '../__test__/scripted-context';
import { MessageId } from '../message-id';
import { Consumer } from './consumer';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const meta = (sequenceId: number, extra: Partial<MessageMetadata> = {}): MessageMetadata => ({
  producerName: 'p',
  sequenceId: String(sequenceId),
  publishTime: '1000',
  ...extra,
});

describe('consumer against a scripted broker', () => {
  let broker: FakeBroker;
  let ctx: ClientContext;

  beforeEach(async () => {
    broker = new FakeBroker();
    await broker.start();
    broker.reply = standardReplies(broker, { sendReceipts: () => true });
    ctx = scriptedContext(broker.url);
  });
  afterEach(async () => {
    await ctx.pool.close();
    await broker.stop();
  });

  async function subscribe(options: Partial<ConsumerOptions> = {}) {
    const consumer = await Consumer.create(ctx, normalizeConsumerOptions({ topic: 't', subscription: 's', ackGroupingTimeMs: 0, ...options }), () =>
      Promise.reject(new Error('no DLQ in this test')),
    );
    const consumerId = broker.of(CommandType.SUBSCRIBE).at(-1)!.subscribe!.consumerId;
    return { consumer, consumerId, socket: broker.sockets.at(-1)! };
  }

  const flows = () => broker.of(CommandType.FLOW).map((c) => c.flow!.messagePermits);
  const acks = () => broker.of(CommandType.ACK).map((c) => c.ack!);

  it('asks for receiverQueueSize permits, then refills once half have been consumed', async () => {
    const { consumer, consumerId, socket } = await subscribe({ receiverQueueSize: 10 });
    await until(() => flows().length === 1);
    expect(flows()).toEqual([10]);
    for (let i = 0; i < 10; i++) broker.sendMessage(socket, consumerId, i, meta(i), Buffer.from(`m${i}`));
    for (let i = 0; i < 4; i++) await consumer.receive(1000);
    expect(flows()).toEqual([10]);
    await consumer.receive(1000);
    await until(() => flows().length === 2);
    expect(flows()).toEqual([10, 5]);
    await consumer.close();
  });

  it('unpacks a batch and acks the entry only when every message in it is acked', async () => {
    const { consumer, consumerId, socket } = await subscribe();
    const batch = encodeBatch(['a', 'b', 'c'].map((d) => ({ partitionKey: `k-${d}`, payload: Buffer.from(d) })));
    broker.sendMessage(socket, consumerId, 7, meta(0, { numMessagesInBatch: 3 }), batch);
    const messages = [await consumer.receive(1000), await consumer.receive(1000), await consumer.receive(1000)];
    expect(messages.map((m) => [m.data.toString(), m.key, m.messageId.batchIndex, m.messageId.batchSize])).toEqual([
      ['a', 'k-a', 0, 3],
      ['b', 'k-b', 1, 3],
      ['c', 'k-c', 2, 3],
    ]);
    consumer.acknowledge(messages[0]!);
    consumer.acknowledge(messages[2]!);
    expect(acks()).toHaveLength(0);
    consumer.acknowledge(messages[1]!);
    await until(() => acks().length === 1);
    expect(acks()[0]).toMatchObject({ ackType: AckType.Individual, messageId: [{ ledgerId: '1', entryId: '7' }] });
    await consumer.close();
  });

  it('receiveBatch takes what is buffered up to maxMessages, in order, acking through the messages it returns', async () => {
    const { consumer, consumerId, socket } = await subscribe();
    const payloads = ['a', 'b', 'c', 'd', 'e'];
    broker.sendMessage(socket, consumerId, 11, meta(0, { numMessagesInBatch: 5 }), encodeBatch(payloads.map((d) => ({ payload: Buffer.from(d) }))));
    const first = await consumer.receiveBatch(3, 1000);
    await until(() => (consumer as unknown as { queue: { size: number } }).queue.size === 2);
    const rest = await consumer.receiveBatch(10, 1000);
    expect([first.map((m) => m.data.toString()), rest.map((m) => m.data.toString())]).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(await consumer.receiveBatch(10, 20)).toEqual([]);
    for (const m of [...first, ...rest]) consumer.acknowledge(m.messageId);
    await until(() => acks().length === 1);
    expect(acks()[0]).toMatchObject({ messageId: [{ ledgerId: '1', entryId: '11' }] });
    await consumer.close();
  });

  it('decodes batched message fields on access, numbering messages without a sequence id from the entry', async () => {
    const { consumer, consumerId, socket } = await subscribe();
    const batch = encodeBatch([
      { payload: Buffer.from('x'), properties: [{ key: 'a', value: '1' }], eventTime: 1234, sequenceId: 40, orderingKey: Buffer.from('ok') },
      { payload: Buffer.from('y') },
    ]);
    broker.sendMessage(socket, consumerId, 8, meta(40, { numMessagesInBatch: 2, publishTime: '5000' }), batch, 1);
    const [x, y] = [await consumer.receive(1000), await consumer.receive(1000)];
    expect([x!.properties, x!.eventTime, x!.sequenceId, x!.orderingKey?.toString(), x!.publishTime, x!.redeliveryCount, x!.producerName]).toEqual([{ a: '1' }, 1234, 40n, 'ok', 5000, 1, 'p']);
    expect([y!.properties, y!.eventTime, y!.sequenceId, y!.key, y!.data.toString()]).toEqual([{}, undefined, 41n, undefined, 'y']);
    expect(JSON.parse(JSON.stringify(x))).toMatchObject({ messageId: '1:8:-1:0', properties: { a: '1' }, sequenceId: '40', size: 1 });
    await consumer.close();
  });

  it('an ack through a message id rebuilt from its string counts towards its batch', async () => {
    const { consumer, consumerId, socket } = await subscribe();
    broker.sendMessage(socket, consumerId, 9, meta(0, { numMessagesInBatch: 2 }), encodeBatch([{ payload: Buffer.from('a') }, { payload: Buffer.from('b') }]));
    const [a, b] = [await consumer.receive(1000), await consumer.receive(1000)];
    consumer.acknowledge(MessageId.fromString(a!.messageId.toString()));
    consumer.acknowledge(a!); // a second ack of the same message does not complete the batch
    expect(acks()).toHaveLength(0);
    consumer.acknowledge(b!);
    await until(() => acks().length === 1);
    expect(acks()[0]).toMatchObject({ messageId: [{ ledgerId: '1', entryId: '9' }] });
    await consumer.close();
  });

  it('negative acks request redelivery of the entry on Shared subscriptions', async () => {
    const { consumer, consumerId, socket } = await subscribe({ subscriptionType: 'Shared', negativeAckRedeliveryDelayMs: 20 });
    broker.sendMessage(socket, consumerId, 3, meta(0), Buffer.from('x'));
    consumer.negativeAcknowledge(await consumer.receive(1000));
    await until(() => broker.of(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES).length === 1);
    expect(broker.of(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES)[0]!.redeliverUnacknowledgedMessages!.messageIds).toEqual([
      { ledgerId: '1', entryId: '3' },
    ]);
    broker.sendMessage(socket, consumerId, 3, meta(0), Buffer.from('x'), 1);
    expect((await consumer.receive(1000)).redeliveryCount).toBe(1);
    await consumer.close();
  });

  it('discards a corrupt entry, acks it with a validation error, and keeps going', async () => {
    const { consumer, consumerId, socket } = await subscribe();
    const warnings: string[] = [];
    (ctx.options as { onWarning: (m: string) => void }).onWarning = (m) => warnings.push(m);
    broker.sendMessage(socket, consumerId, 1, meta(0, { numMessagesInBatch: 2 }), Buffer.from('not a batch'));
    broker.sendMessage(socket, consumerId, 2, meta(1), Buffer.from('fine'));
    expect((await consumer.receive(1000)).data.toString()).toBe('fine');
    await until(() => acks().length === 1);
    expect(acks()[0]).toMatchObject({ messageId: [{ entryId: '1' }], validationError: 3 });
    expect(warnings.join('\n')).toMatch(/discarding entry/);
    await consumer.close();
  });

  it('resubscribes when the broker closes the consumer in the same read as the SUBSCRIBE success', async () => {
    const standard = broker.reply;
    let closeFirst = true;
    broker.reply = (command, socket) => {
      const answer = standard(command, socket);
      if (command.type === CommandType.SUBSCRIBE && closeFirst) {
        closeFirst = false;
        return [answer as never, { type: CommandType.CLOSE_CONSUMER, closeConsumer: { consumerId: command.subscribe!.consumerId, requestId: '0' } }];
      }
      return answer;
    };
    const { consumer } = await subscribe();
    await until(() => broker.of(CommandType.SUBSCRIBE).length === 2 && consumer.partitionConsumers[0]!.state === 'ready');
    await consumer.close();
  });

  it('subscribes with the Key_Shared sticky ranges', async () => {
    const { consumer } = await subscribe({ subscriptionType: 'KeyShared', keySharedPolicy: { mode: 'sticky', ranges: [[0, 100], [200, 300]] } });
    expect(broker.of(CommandType.SUBSCRIBE)[0]!.subscribe!.keySharedMeta).toEqual({
      keySharedMode: 1,
      hashRanges: [{ start: 0, end: 100 }, { start: 200, end: 300 }],
    });
    await consumer.close();
  });
});
