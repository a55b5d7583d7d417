import fc from 'fast-check';
import { fromU64, singleMessageMetadataCodec } from '../codec/codec';
import { CommandType, InitialPosition, KeySharedMode, SubType } from '../codec/wire-types';
import { decodeFrameBody, encodePayloadFrame, encodeSimpleFrame } from '../framing/frame';
import { loadFixture } from './__fixtures__/load-fixture';
import { decodeBatch, encodeBatch, scanBatch } from './batch';
import {
  AckType,
  ackCommand,
  authResponseCommand,
  closeConsumerCommand,
  closeProducerCommand,
  connectCommand,
  getLastMessageIdCommand,
  partitionedMetadataCommand,
  redeliverCommand,
  seekCommand,
  unsubscribeCommand,
  flowCommand,
  lookupCommand,
  pingCommand,
  pongCommand,
  producerCommand,
  sendCommand,
  subscribeCommand,
} from './builders';

const TOPIC = 'persistent://public/default/t';
const body = (frame: Buffer) => frame.subarray(4);

describe('command encoding matches golden frames', () => {
  it.each([
    ['ping', () => pingCommand()],
    ['pong', () => pongCommand()],
    ['connect-token', () => connectCommand({ clientVersion: 'test/1', authMethodName: 'token', authData: Buffer.from('abc') })],
    ['lookup', () => lookupCommand(TOPIC, 7, false)],
    ['producer', () => producerCommand({ topic: TOPIC, producerId: 1, requestId: 4, producerName: 'p', userProvidedProducerName: true, epoch: 0 })],
    ['subscribe-key-shared', () => subscribeCommand({
      topic: TOPIC, subscription: 's', subType: SubType.Key_Shared, consumerId: 1, requestId: 2, durable: true,
      initialPosition: InitialPosition.Earliest,
      keySharedMeta: { keySharedMode: KeySharedMode.STICKY, hashRanges: [{ start: 0, end: 32767 }] },
    })],
    ['flow', () => flowCommand(3, 1000)],
    ['ack-individual', () => ackCommand(3, AckType.Individual, [{ ledgerId: '10', entryId: '5' }])],
    ['ack-cumulative', () => ackCommand(3, AckType.Cumulative, [{ ledgerId: '10', entryId: '5' }])],
    ['partitioned-metadata', () => partitionedMetadataCommand(TOPIC, 3)],
    ['close-producer', () => closeProducerCommand(1, 9)],
    ['close-consumer', () => closeConsumerCommand(3, 9)],
    ['unsubscribe', () => unsubscribeCommand(3, 9)],
    ['seek-message-id', () => seekCommand(3, 9, { messageId: { ledgerId: '10', entryId: '5' } })],
    ['seek-publish-time', () => seekCommand(3, 9, { publishTime: 1000 })],
    ['redeliver', () => redeliverCommand(3, [{ ledgerId: '10', entryId: '5' }])],
    ['get-last-message-id', () => getLastMessageIdCommand(3, 9)],
    ['auth-response', () => authResponseCommand('test/1', 'token', Buffer.from('abc'))],
    ['send-batch-command', () => sendCommand(1, 5, 3, 7)],
  ])('%s', (name, build) => {
    expect(encodeSimpleFrame(build()).toString('hex')).toBe(loadFixture(name).toString('hex'));
  });

  it('send with payload (magic, CRC32-C, metadata, payload)', () => {
    const frame = encodePayloadFrame(sendCommand(1, 0, 1), { producerName: 'p', sequenceId: '0', publishTime: '1000' }, Buffer.from('hi'));
    expect(frame.toString('hex')).toBe(loadFixture('send-payload').toString('hex'));
  });

  it('batch payload', () => {
    const encoded = encodeBatch([
      { partitionKey: 'k', payload: Buffer.from('a') },
      { payload: Buffer.from('b') },
    ]);
    expect(encoded.toString('hex')).toBe(loadFixture('batch-payload').toString('hex'));
  });
});

describe('command decoding of golden frames', () => {
  it('connected', () => {
    const { command } = decodeFrameBody(body(loadFixture('connected')));
    expect(command.type).toBe(CommandType.CONNECTED);
    expect(command.connected).toEqual({ serverVersion: 'Pulsar', protocolVersion: 19, maxMessageSize: 5242880 });
  });

  it.each<[string, CommandType, object]>([
    ['producer-success', CommandType.PRODUCER_SUCCESS, { producerSuccess: { requestId: '4', producerName: 'p', lastSequenceId: '-1' } }],
    ['error', CommandType.ERROR, { error: { requestId: '4', error: 6, message: 'x' } }],
    ['lookup-response', CommandType.LOOKUP_RESPONSE, { lookupTopicResponse: { brokerServiceUrl: 'pulsar://b:6650', response: 1, requestId: '7', proxyThroughServiceUrl: true } }],
    ['success', CommandType.SUCCESS, { success: { requestId: '9' } }],
    ['active-consumer-change', CommandType.ACTIVE_CONSUMER_CHANGE, { activeConsumerChange: { consumerId: '3', isActive: true } }],
    ['partitioned-metadata-response', CommandType.PARTITIONED_METADATA_RESPONSE, { partitionMetadataResponse: { partitions: 4, requestId: '3', response: 0 } }],
    ['send-error', CommandType.SEND_ERROR, { sendError: { producerId: '1', sequenceId: '2', error: 2, message: 'x' } }],
    ['close-consumer', CommandType.CLOSE_CONSUMER, { closeConsumer: { consumerId: '3', requestId: '9' } }],
  ])('%s', (name, type, fields) => {
    const { command } = decodeFrameBody(body(loadFixture(name)));
    expect(command).toEqual({ type, ...fields });
  });

  it('send receipt', () => {
    const { command } = decodeFrameBody(body(loadFixture('send-receipt')));
    expect(command.type).toBe(CommandType.SEND_RECEIPT);
    expect(command.sendReceipt?.messageId).toEqual({ ledgerId: '10', entryId: '5' });
    expect(fromU64(command.sendReceipt?.sequenceId)).toBe(0n);
  });

  it('message carrying a batch', () => {
    const frame = decodeFrameBody(body(loadFixture('message-batch')));
    expect(frame.command.message).toEqual({ consumerId: '3', messageId: { ledgerId: '10', entryId: '5' }, redeliveryCount: 2 });
    expect(frame.payload?.checksumValid).toBe(true);
    expect(frame.payload?.metadata?.numMessagesInBatch).toBe(2);
    const entries = decodeBatch(frame.payload!.payload, 2);
    expect(entries.map((e) => [e.metadata.partitionKey, Buffer.from(e.payload).toString()])).toEqual([
      ['k', 'a'],
      [undefined, 'b'],
    ]);
  });

  it('flags a checksum mismatch instead of trusting the metadata', () => {
    const frame = loadFixture('send-payload');
    frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
    const decoded = decodeFrameBody(body(frame));
    expect(decoded.payload?.checksumValid).toBe(false);
    expect(decoded.payload?.metadata).toBeUndefined();
  });

  it('round-trips a -1 ledger id (earliest) through uint64', () => {
    const frame = encodeSimpleFrame(ackCommand(1, AckType.Cumulative, [{ ledgerId: '18446744073709551615', entryId: '0' }]));
    const decoded = decodeFrameBody(body(frame));
    expect(fromU64(decoded.command.ack!.messageId![0]!.ledgerId)).toBe(-1n);
  });
});

describe('batch decoding', () => {
  it('round-trips any batch encodeBatch writes, and protobufjs reads its metadata the same way', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const message = fc.record(
      {
        payload: fc.uint8Array({ maxLength: 40 }),
        partitionKey: text,
        orderingKey: fc.uint8Array({ minLength: 1, maxLength: 8 }),
        properties: fc.array(fc.record({ key: text, value: text }), { maxLength: 3 }),
        eventTime: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        sequenceId: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      },
      { requiredKeys: ['payload'] },
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), (messages) => {
        const encoded = encodeBatch(messages);
        const decoded = decodeBatch(encoded, messages.length);
        let offset = 0;
        messages.forEach((m, i) => {
          const { metadata, payload } = decoded[i]!;
          expect(Buffer.from(payload)).toEqual(Buffer.from(m.payload));
          expect(metadata.partitionKey).toBe(m.partitionKey);
          expect(metadata.orderingKey && Buffer.from(metadata.orderingKey)).toEqual(m.orderingKey && Buffer.from(m.orderingKey));
          expect(metadata.properties).toEqual(m.properties ?? []);
          expect(metadata.eventTime).toBe(m.eventTime);
          expect(metadata.sequenceId).toBe(m.sequenceId);
          const size = encoded.readUInt32BE(offset);
          const reference = singleMessageMetadataCodec.decode(encoded.subarray(offset + 4, offset + 4 + size));
          expect(reference.payloadSize).toBe(m.payload.length);
          expect(reference.partitionKey).toBe(m.partitionKey);
          expect(reference.sequenceId).toBe(m.sequenceId === undefined ? undefined : String(m.sequenceId));
          offset += 4 + size + m.payload.length;
        });
      }),
    );
  });

  it('reads 64-bit values beyond 2^53 (uint64 -1) as bigints', () => {
    const meta = singleMessageMetadataCodec.encode({ payloadSize: 0, sequenceId: '18446744073709551615', eventTime: '9007199254740993' });
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, meta.length]), meta]);
    const [entry] = decodeBatch(bytes, 1);
    expect(entry!.metadata.sequenceId).toBe(-1n);
    expect(entry!.metadata.eventTime).toBe(9007199254740993n);
  });

  it('keeps every scanned layout intact while later batches are scanned (layouts share slabs)', () => {
    // Sizes from one message to more than a slab's share, so both shared and own tables occur.
    const batches = Array.from({ length: 300 }, (_, b) => {
      const count = 1 + ((b * 37) % 500);
      const messages = Array.from({ length: count }, (_, i) => ({ payload: Buffer.from(`${b}/${i}`), ...(i % 3 ? { partitionKey: `key-${i % 7}` } : {}) }));
      return { messages, payload: encodeBatch(messages) };
    });
    const layouts = batches.map(({ messages, payload }) => scanBatch(payload, messages.length));
    batches.forEach(({ messages, payload }, b) => {
      const layout = layouts[b]!;
      messages.forEach((m, i) => {
        expect(payload.toString('utf8', layout.dataStart(i), layout.dataEnd(i))).toBe(m.payload.toString());
        const key = layout.keyStart(i) < 0 ? undefined : payload.toString('utf8', layout.keyStart(i), layout.keyEnd(i));
        expect(key).toBe(m.partitionKey);
      });
    });
  });

  it('rejects a batch whose sizes overrun the payload', () => {
    const bytes = loadFixture('batch-payload');
    expect(() => decodeBatch(bytes, 3)).toThrow(/invalid batch payload/);
    expect(() => decodeBatch(bytes.subarray(0, 8), 1)).toThrow(/invalid batch payload/);
  });
});
