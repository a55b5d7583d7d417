import fc from 'fast-check';
import { baseCommandCodec, messageMetadataCodec } from './codec';
import { decodeEntryMetadata, decodeMessageCommand } from './received-entry-codec';
import { CommandType, type BaseCommand, type MessageMetadata } from './wire-types';

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 1000n })).map(String);
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const text = fc.string({ unit: 'grapheme', maxLength: 10 });

const messageCommand = fc.record(
  {
    consumerId: u64,
    messageId: fc.record(
      { ledgerId: u64, entryId: u64, partition: int32, batchIndex: int32, ackSet: fc.array(i64, { minLength: 1, maxLength: 3 }), batchSize: int32 },
      { requiredKeys: ['ledgerId', 'entryId'] },
    ),
    redeliveryCount: uint32,
    ackSet: fc.array(i64, { minLength: 1, maxLength: 3 }),
    consumerEpoch: u64,
  },
  { requiredKeys: ['consumerId', 'messageId'] },
);

const metadata = fc.record(
  {
    producerName: text,
    sequenceId: u64,
    publishTime: u64,
    properties: fc.array(fc.record({ key: text, value: text }), { minLength: 1, maxLength: 3 }),
    replicatedFrom: text,
    partitionKey: text,
    compression: fc.integer({ min: 0, max: 4 }),
    uncompressedSize: uint32,
    numMessagesInBatch: int32,
    eventTime: u64,
    partitionKeyB64Encoded: fc.boolean(),
    orderingKey: fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)),
    deliverAtTime: i64,
    markerType: int32,
    highestSequenceId: u64,
    nullValue: fc.boolean(),
    uuid: text,
    numChunksFromMsg: int32,
    chunkId: int32,
    nullPartitionKey: fc.boolean(),
  },
  { requiredKeys: ['producerName', 'sequenceId', 'publishTime'] },
);

const encoded = (bytes: Uint8Array) => Buffer.from(bytes);

describe('hand-coded decoders of received entries', () => {
  it('decode any MESSAGE command exactly as protobufjs does', () => {
    fc.assert(
      fc.property(messageCommand, (message) => {
        const bytes = encoded(baseCommandCodec.encode({ type: CommandType.MESSAGE, message } as BaseCommand));
        expect(decodeMessageCommand(bytes, 0, bytes.length)).toEqual(baseCommandCodec.decode(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('decode any entry metadata exactly as protobufjs does', () => {
    fc.assert(
      fc.property(metadata, (value) => {
        const bytes = encoded(messageMetadataCodec.encode(value as MessageMetadata));
        expect(decodeEntryMetadata(bytes, 0, bytes.length)).toEqual(messageMetadataCodec.decode(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('decode inside a larger buffer, between the given offsets', () => {
    const meta = encoded(messageMetadataCodec.encode({ producerName: 'p', sequenceId: '7', publishTime: '9', partitionKey: 'k' }));
    const framed = Buffer.concat([Buffer.from([0xff, 0xff]), meta, Buffer.from([0xff])]);
    expect(decodeEntryMetadata(framed, 2, 2 + meta.length)).toEqual({ producerName: 'p', sequenceId: '7', publishTime: '9', partitionKey: 'k' });
  });

  it('leave other commands, unknown fields, missing required fields and malformed bytes to protobufjs', () => {
    const ping = encoded(baseCommandCodec.encode({ type: CommandType.PING, ping: {} }));
    expect(decodeMessageCommand(ping, 0, ping.length)).toBeUndefined();
    // MessageMetadata with schema_version (field 16), which the hand decoder does not know.
    const withSchemaVersion = Buffer.concat([encoded(messageMetadataCodec.encode({ producerName: 'p', sequenceId: '1', publishTime: '2' })), Buffer.from([0x82, 0x01, 0x01, 0x07])]);
    expect(decodeEntryMetadata(withSchemaVersion, 0, withSchemaVersion.length)).toBeUndefined();
    const noPublishTime = Buffer.from([0x0a, 0x01, 0x70, 0x10, 0x01]);
    expect(decodeEntryMetadata(noPublishTime, 0, noPublishTime.length)).toBeUndefined();
    expect(() => messageMetadataCodec.decode(noPublishTime)).toThrow(/publish/i);
    const message = encoded(baseCommandCodec.encode({ type: CommandType.MESSAGE, message: { consumerId: '1', messageId: { ledgerId: '2', entryId: '3' } } }));
    for (let cut = 1; cut < message.length; cut++) expect(decodeMessageCommand(message, 0, cut)).toBeUndefined();
  });
});
