import fc from 'fast-check';
import { MessageId } from '../message-id';
import { AckTracker } from './ack-tracker';

const batchMsg = (entry: bigint, index: number, size = 3) => new MessageId(7n, entry, -1, index, size);

describe('AckTracker', () => {
  it('acks a non-batched message at once', () => {
    expect(new AckTracker().individual(new MessageId(7n, 1n))).toEqual(new MessageId(7n, 1n));
  });

  it('holds a batch entry ack until every delivered message of the batch is acked', () => {
    const tracker = new AckTracker();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    expect(tracker.individual(batchMsg(4n, 1))).toBeUndefined();
    expect(tracker.individual(batchMsg(4n, 0))).toBeUndefined();
    expect(tracker.individual(batchMsg(4n, 2))).toEqual(new MessageId(7n, 4n));
  });

  it('cumulative ack inside a batch stops at the previous entry', () => {
    const tracker = new AckTracker();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    expect(tracker.cumulative(batchMsg(4n, 1))).toEqual(new MessageId(7n, 3n));
    expect(tracker.cumulative(batchMsg(4n, 2))).toEqual(new MessageId(7n, 4n));
    // The batch is covered by the cumulative ack, so no individual ack is pending for it.
    expect(tracker.individual(batchMsg(4n, 0))).toEqual(new MessageId(7n, 4n));
  });

  it('cannot ack before the first entry of a ledger', () => {
    expect(new AckTracker().cumulative(batchMsg(0n, 0))).toBeUndefined();
  });

  it('acks by rebuilt ids of interleaved batches count towards the right batch', () => {
    const tracker = new AckTracker();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    tracker.trackBatch(new MessageId(7n, 5n), [0, 1, 2]);
    const order: Array<[bigint, number]> = [[4n, 0], [4n, 1], [5n, 0], [4n, 1], [5n, 1], [5n, 2]];
    expect(order.map(([entry, index]) => tracker.individual(batchMsg(entry, index)))).toEqual([undefined, undefined, undefined, undefined, undefined, new MessageId(7n, 5n)]);
    expect(tracker.individual(batchMsg(4n, 2))).toEqual(new MessageId(7n, 4n));
    // Both batches are complete and forgotten: a late duplicate acks the entry again, as before.
    expect(tracker.individual(batchMsg(4n, 2))).toEqual(new MessageId(7n, 4n));
  });

  it('a redelivered batch replaces the one acks by id were going to', () => {
    const tracker = new AckTracker();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    expect(tracker.individual(batchMsg(4n, 0))).toBeUndefined();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    // The earlier ack of index 0 belonged to the first delivery: the redelivered batch needs all three.
    expect(tracker.individual(batchMsg(4n, 1))).toBeUndefined();
    expect(tracker.individual(batchMsg(4n, 2))).toBeUndefined();
    expect(tracker.individual(batchMsg(4n, 0))).toEqual(new MessageId(7n, 4n));
  });

  it('after clear(), acks by id no longer find the batches tracked before', () => {
    const tracker = new AckTracker();
    tracker.trackBatch(new MessageId(7n, 4n), [0, 1, 2]);
    expect(tracker.individual(batchMsg(4n, 0))).toBeUndefined();
    tracker.clear();
    expect(tracker.individual(batchMsg(4n, 1))).toEqual(new MessageId(7n, 4n));
  });

  it('completes a large batch only with its last outstanding ack, whatever the order and duplicates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }).chain((size) => fc.tuple(fc.constant(size), fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }), fc.array(fc.nat(size - 1), { maxLength: 20 }))), ([size, order, duplicates]) => {
        const tracker = new AckTracker();
        tracker.trackBatch(new MessageId(7n, 9n), [...Array(size).keys()], size);
        const answers = order.map((index, i) => {
          const answer = tracker.individual(batchMsg(9n, index, size));
          // Acks of already acked messages in between change nothing.
          if (i < order.length - 1) for (const d of duplicates) if (order.indexOf(d) <= i) expect(tracker.individual(batchMsg(9n, d, size))).toBeUndefined();
          return answer;
        });
        expect(answers.slice(0, -1).every((a) => a === undefined)).toBe(true);
        expect(answers.at(-1)).toEqual(new MessageId(7n, 9n));
      }),
      { numRuns: 40 },
    );
  });
});
