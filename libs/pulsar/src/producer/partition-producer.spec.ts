import { fromU64 } from '../codec/codec';
import { CommandType } from '../codec/wire-types';
import { decodeBatch } from '../commands/batch';
import type { ConnectionPool } from '../connection/connection-pool';
import { FakeBroker, standardReplies } from '../connection/__test__/fake-broker';
import type { ClientContext } from '../context';
import { normalizeProducerOptions, type ProducerOptions } from '../options';
import { scriptedContext } from '../__test__/scripted-context';
import { Producer } from './producer';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe('producer against a scripted broker', () => {
  let broker: FakeBroker;
  let pool: ConnectionPool;
  let ctx: ClientContext;
  let receipts = true;

  beforeEach(async () => {
    broker = new FakeBroker();
    await broker.start();
    receipts = true;
    broker.reply = standardReplies(broker, { sendReceipts: () => receipts });
    ctx = scriptedContext(broker.url);
    pool = ctx.pool;
  });
  afterEach(async () => {
    await pool.close();
    await broker.stop();
  });

  const create = (options: Partial<ProducerOptions> = {}) => Producer.create(ctx, normalizeProducerOptions({ topic: 't', ...options }));
  const sends = () => broker.frames.filter((f) => f.command.type === CommandType.SEND);

  it('key-based batching sends one batch per key, with the key on the entry and monotonic sequence ids', async () => {
    const producer = await create({ batcher: 'keyBased', batchingMaxPublishDelayMs: 1000 });
    const keys = ['a', 'b', 'a', 'c', 'b', 'a'];
    const pending = keys.map((key, i) => producer.send({ key, data: `${key}${i}` }));
    await producer.flush();
    await Promise.all(pending);
    const batches = sends().map((f) => ({
      key: f.payload!.metadata!.partitionKey,
      sequenceId: Number(fromU64(f.command.send!.sequenceId)),
      highest: Number(fromU64(f.command.send!.highestSequenceId)),
      data: decodeBatch(f.payload!.payload, f.payload!.metadata!.numMessagesInBatch!).map((e) => Buffer.from(e.payload).toString()),
    }));
    expect(batches).toEqual([
      { key: 'a', sequenceId: 0, highest: 2, data: ['a0', 'a2', 'a5'] },
      { key: 'b', sequenceId: 3, highest: 4, data: ['b1', 'b4'] },
      { key: 'c', sequenceId: 5, highest: 5, data: ['c3'] },
    ]);
    await producer.close();
  });

  it('the default batcher puts the first message\'s keys on the batch entry, as Java does', async () => {
    const producer = await create({ batchingMaxPublishDelayMs: 1000 });
    const pending = [producer.send({ key: 'x', orderingKey: 'ox', data: '1' }), producer.send({ key: 'y', data: '2' })];
    await producer.flush();
    await Promise.all(pending);
    const [batch] = sends();
    expect(batch!.payload!.metadata!.numMessagesInBatch).toBe(2);
    expect(batch!.payload!.metadata!.partitionKey).toBe('x');
    expect(Buffer.from(batch!.payload!.metadata!.orderingKey!).toString()).toBe('ox');
    await producer.close();
  });

  it('uses the caller\'s sequence ids in the batch and continues above them for messages without one', async () => {
    const producer = await create({ batchingMaxPublishDelayMs: 1000 });
    const pending = [producer.send({ data: 'a', sequenceId: 10 }), producer.send({ data: 'b', sequenceId: 20n }), producer.send('c')];
    await producer.flush();
    await Promise.all(pending);
    const [batch] = sends();
    expect([Number(fromU64(batch!.command.send!.sequenceId)), Number(fromU64(batch!.command.send!.highestSequenceId))]).toEqual([10, 21]);
    expect(Number(fromU64(batch!.payload!.metadata!.sequenceId))).toBe(10);
    const entries = decodeBatch(batch!.payload!.payload, 3);
    expect(entries.map((e) => e.metadata.sequenceId)).toEqual([10, 20, 21]);
    await producer.close();
  });

  it('rejects a sequence id that is negative, fractional or beyond 2^53 - 1', async () => {
    const producer = await create({ batchingEnabled: false });
    for (const sequenceId of [-1, 1.5, 2n ** 53n]) {
      await expect(producer.send({ data: 'x', sequenceId })).rejects.toMatchObject({ code: 'InvalidConfiguration', message: expect.stringContaining('sequenceId') });
    }
    expect(sends()).toHaveLength(0);
    await producer.close();
  });

  it('resolves a send the broker reports as a duplicate with ledger and entry -1', async () => {
    const standard = broker.reply;
    broker.reply = (command, socket) =>
      command.type === CommandType.SEND
        ? { type: CommandType.SEND_RECEIPT, sendReceipt: { producerId: command.send!.producerId, sequenceId: command.send!.sequenceId, messageId: { ledgerId: '18446744073709551615', entryId: '18446744073709551615' } } }
        : standard(command, socket);
    const producer = await create({ batchingEnabled: false });
    const id = await producer.send({ data: 'again', sequenceId: 3 });
    expect([id.ledgerId, id.entryId]).toEqual([-1n, -1n]);
    expect(producer.pendingCount).toBe(0);
    await producer.close();
  });

  it('resends unacknowledged messages with their original sequence ids and name after reconnecting', async () => {
    receipts = false;
    const producer = await create({ producerName: 'stable', batchingEnabled: false });
    const pending = [producer.send('x'), producer.send('y')];
    await until(() => sends().length === 2);
    receipts = true;
    broker.sockets[0]!.destroy();
    const ids = await Promise.all(pending);
    expect(ids).toHaveLength(2);
    const producerCommands = broker.of(CommandType.PRODUCER).map((c) => c.producer!);
    expect(producerCommands.map((p) => [p.producerName, Number(p.epoch)])).toEqual([['stable', 0], ['stable', 1]]);
    expect(sends().map((f) => Number(fromU64(f.command.send!.sequenceId)))).toEqual([0, 1, 0, 1]);
    await producer.close();
  });

  it('retries producer creation while the broker answers ServiceNotReady', async () => {
    const standard = broker.reply;
    let refusals = 2;
    broker.reply = (command, socket) =>
      command.type === CommandType.PRODUCER && refusals-- > 0
        ? { type: CommandType.ERROR, error: { requestId: command.producer!.requestId, error: 6, message: 'starting' } }
        : standard(command, socket);
    const producer = await create();
    expect(broker.of(CommandType.PRODUCER)).toHaveLength(3);
    await producer.close();
  });

  it('re-creates the producer when the broker closes it in the same read as PRODUCER_SUCCESS', async () => {
    const standard = broker.reply;
    let closeFirst = true;
    broker.reply = (command, socket) => {
      const answer = standard(command, socket);
      if (command.type === CommandType.PRODUCER && closeFirst) {
        closeFirst = false;
        return [answer as never, { type: CommandType.CLOSE_PRODUCER, closeProducer: { producerId: command.producer!.producerId, requestId: '0' } }];
      }
      return answer;
    };
    const producer = await create({ batchingEnabled: false });
    expect(broker.of(CommandType.PRODUCER)).toHaveLength(2);
    await producer.send('after the close');
    await producer.close();
  });

  it('fails sends that are not acknowledged within sendTimeoutMs', async () => {
    receipts = false;
    const producer = await create({ sendTimeoutMs: 100, batchingEnabled: false });
    await expect(producer.send('lost')).rejects.toMatchObject({ code: 'Timeout', retriable: true });
    expect(producer.pendingCount).toBe(0);
    await producer.close();
  });

  it('compresses the batch and records the uncompressed size', async () => {
    const producer = await create({ compression: 'lz4', batchingMaxPublishDelayMs: 1000 });
    const data = 'compressible '.repeat(100);
    const pending = [producer.send(data), producer.send(data)];
    await producer.flush();
    await Promise.all(pending);
    const meta = sends()[0]!.payload!.metadata!;
    expect(meta.compression).toBe(1);
    expect(meta.uncompressedSize).toBeGreaterThan(sends()[0]!.payload!.payload.length);
    await producer.close();
  });
});
