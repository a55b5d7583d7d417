import fc from 'fast-check';
import { encodeSimpleFrame } from '../framing/frame';
import { MessageId, messageIdToWire } from '../message-id';
import { encodeIndividualAckFrame } from './ack-frame';
import { AckType, ackCommand } from './builders';

const int64 = fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const entryId = fc.record({ ledgerId: int64, entryId: int64, partition: fc.integer({ min: -1, max: 5000 }) }).map((v) => new MessageId(v.ledgerId, v.entryId, v.partition));

describe('individual ack frame', () => {
  it('is byte for byte the frame protobufjs encodes for the same ack command', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(entryId, { maxLength: 20 }), (consumerId, ids) => {
        const reference = encodeSimpleFrame(ackCommand(consumerId, AckType.Individual, ids.map((id) => messageIdToWire(id))));
        expect(encodeIndividualAckFrame(consumerId, ids).toString('hex')).toBe(reference.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('is as long as one ack of 1000 large ids needs (multi-byte sizes)', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => new MessageId(2n ** 40n + BigInt(i), -1n, 3));
    const reference = encodeSimpleFrame(ackCommand(7, AckType.Individual, ids.map((id) => messageIdToWire(id))));
    expect(Buffer.compare(encodeIndividualAckFrame(7, ids), reference)).toBe(0);
  });
});
