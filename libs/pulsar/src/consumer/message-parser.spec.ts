import fc from 'fast-check';
import { AckValidationError, CommandType, type BaseCommand, type MessageMetadata } from '../codec/wire-types';
import { decodeBatch, encodeBatch, type OutgoingBatchMessage } from '../commands/batch';
import { AckTracker } from './ack-tracker';
import type { ReceivedMessage } from './message';
import { parseEntry } from './message-parser';

const messageCommand = (entryId: number): BaseCommand => ({
  type: CommandType.MESSAGE,
  message: { consumerId: '1', messageId: { ledgerId: '3', entryId: String(entryId) } },
});

const entryMetadata = (count: number | undefined, extra: Partial<MessageMetadata> = {}): MessageMetadata => ({
  producerName: 'p',
  sequenceId: '100',
  publishTime: '1795308143111',
  ...(count !== undefined ? { numMessagesInBatch: count } : {}),
  ...extra,
});

function parseBatch(messages: OutgoingBatchMessage[], extra: Partial<MessageMetadata> = {}) {
  const payload = encodeBatch(messages);
  return parseEntry(messageCommand(5), { metadata: entryMetadata(messages.length, extra), payload, checksumValid: true }, 'topic-0', 0, new AckTracker());
}

function delivered(messages: OutgoingBatchMessage[], extra: Partial<MessageMetadata> = {}): ReceivedMessage[] {
  const parsed = parseBatch(messages, extra);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.messages;
}

describe('parseEntry: batched message keys', () => {
  it('reads each message its own key: the entry key, another one, a non-ASCII one, none', () => {
    const keys = ['cam-1', 'cam-1', 'cam-2', 'kamera-ü', 'cam-1', undefined, 'é', '\u00e9'.normalize('NFD'), ''];
    const messages = delivered(
      keys.map((key, i) => ({ payload: Buffer.from(`m${i}`), ...(key !== undefined ? { partitionKey: key } : {}) })),
      { partitionKey: 'cam-1' },
    );
    expect(messages.map((m) => m.key)).toEqual(keys);
    // Read twice: the same answer (the first read is remembered).
    expect(messages.map((m) => m.key)).toEqual(keys);
    expect(messages.map((m) => m.data.toString())).toEqual(keys.map((_, i) => `m${i}`));
  });

  it('does not take an entry key of the same length for a different key', () => {
    // 'é' as one Latin-1 byte would equal 0xe9; the key bytes are UTF-8, so they must not match it.
    const messages = delivered([{ payload: Buffer.alloc(0), partitionKey: 'x' }], { partitionKey: '\u00e9' });
    expect(messages[0]!.key).toBe('x');
    const latin1 = parseEntry(
      messageCommand(6),
      { metadata: entryMetadata(1, { partitionKey: '\u00e9' }), payload: rawBatchWithKeyBytes(Buffer.from([0xe9])), checksumValid: true },
      't',
      0,
      new AckTracker(),
    );
    if (!latin1.ok) throw new Error(latin1.reason);
    expect(latin1.messages[0]!.key).toBe('\ufffd');
  });

  it('gives the same keys, payloads and lazily decoded fields as decoding the whole batch', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 8 });
    const message = fc.record(
      {
        payload: fc.uint8Array({ maxLength: 30 }),
        partitionKey: fc.oneof(fc.constantFrom('cam-1', 'cam-2'), text),
        properties: fc.array(fc.record({ key: text, value: text }), { maxLength: 2 }),
        eventTime: fc.integer({ min: 1, max: 2 ** 45 }),
        sequenceId: fc.integer({ min: 0, max: 2 ** 40 }),
      },
      { requiredKeys: ['payload'] },
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.option(fc.constantFrom('cam-1', 'cam-2'), { nil: undefined }), (batch, entryKey) => {
        const messages = delivered(batch, entryKey !== undefined ? { partitionKey: entryKey } : {});
        const reference = decodeBatch(encodeBatch(batch), batch.length);
        messages.forEach((m, i) => {
          const { metadata, payload } = reference[i]!;
          expect(m.key).toBe(metadata.partitionKey);
          expect(Buffer.compare(m.data, payload)).toBe(0);
          expect(m.properties).toEqual(Object.fromEntries(metadata.properties.map((p) => [p.key, p.value])));
          expect(m.eventTime).toBe(metadata.eventTime);
          expect(m.sequenceId).toBe(metadata.sequenceId === undefined ? 100n + BigInt(i) : BigInt(metadata.sequenceId));
          expect([m.topic, m.publishTime, m.redeliveryCount, m.producerName]).toEqual(['topic-0', 1795308143111, 0, 'p']);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('reads the key of an unbatched entry from its metadata', () => {
    const parsed = parseEntry(messageCommand(7), { metadata: entryMetadata(undefined, { partitionKey: 'solo' }), payload: Buffer.from('data'), checksumValid: true }, 't', 0, new AckTracker());
    if (!parsed.ok) throw new Error(parsed.reason);
    expect([parsed.messages[0]!.key, parsed.messages[0]!.data.toString(), parsed.messages[0]!.messageId.batchIndex]).toEqual(['solo', 'data', -1]);
  });
});

describe('parseEntry: what is not delivered', () => {
  it('skips messages compaction left out, and tracks only the delivered ones for acks', () => {
    // Three messages; the middle one carries compacted_out (field 4) = true.
    const single = (extra: number[]) => {
      const metadata = Buffer.from([0x18, 0x01, ...extra]);
      return Buffer.concat([Buffer.from([0, 0, 0, metadata.length]), metadata, Buffer.from('x')]);
    };
    const payload = Buffer.concat([single([]), single([0x20, 0x01]), single([0x20, 0x00])]);
    const acks = new AckTracker();
    const parsed = parseEntry(messageCommand(4), { metadata: entryMetadata(3), payload, checksumValid: true }, 't', 0, acks);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect([parsed.messages.map((m) => m.messageId.batchIndex), parsed.skipped]).toEqual([[0, 2], 1]);
    expect(acks.individual(parsed.messages[0]!.messageId)).toBeUndefined();
    expect(acks.individual(parsed.messages[1]!.messageId)?.entryId).toBe(4n);
  });
});

describe('parseEntry: malformed batches', () => {
  const valid = encodeBatch([{ payload: Buffer.from('abc'), partitionKey: 'k' }, { payload: Buffer.from('de') }]);

  function parseBytes(payload: Buffer, count: number) {
    return parseEntry(messageCommand(9), { metadata: entryMetadata(count), payload, checksumValid: true }, 't', 0, new AckTracker());
  }

  it.each([
    ['more messages than the payload holds', valid, 3, /entry 2 of 3: no metadata size/],
    ['a metadata size beyond the payload', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x18, 0x00]), 1, /entry 0: metadata size 4294967295 overruns/],
    ['a payload size beyond the payload', valid.subarray(0, valid.length - 1), 2, /entry 1: payload size 2 overruns/],
    ['a key longer than its metadata', Buffer.from([0, 0, 0, 2, 0x12, 0x05]), 1, /entry 0: SingleMessageMetadata does not decode \(field of 5 bytes overruns/],
    ['a truncated varint', Buffer.from([0, 0, 0, 2, 0x18, 0x80]), 1, /entry 0: SingleMessageMetadata does not decode \(truncated varint/],
    ['an unknown wire type', Buffer.from([0, 0, 0, 1, 0x1f]), 1, /entry 0: SingleMessageMetadata does not decode \(unsupported wire type 7/],
    ['no payload size', Buffer.from([0, 0, 0, 3, 0x12, 0x01, 0x6b]), 1, /entry 0: payload size -1 overruns/],
  ])('refuses %s, to be acked with a batch validation error', (_, payload, count, reason) => {
    const parsed = parseBytes(payload, count);
    expect(parsed).toMatchObject({ ok: false, validationError: AckValidationError.BatchDeSerializeError, skipped: count });
    expect(parsed.ok ? '' : parsed.reason).toMatch(/^invalid batch payload: /);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });
});

/** One batched message whose partition key is the given raw bytes (not necessarily UTF-8) and whose payload is empty. */
function rawBatchWithKeyBytes(key: Buffer): Buffer {
  const metadata = Buffer.concat([Buffer.from([0x12, key.length]), key, Buffer.from([0x18, 0x00])]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(metadata.length);
  return Buffer.concat([size, metadata]);
}
