import { MessageId } from '../message-id';

const entryKey = (ledgerId: bigint, entryId: bigint) => `${ledgerId}:${entryId}`;

/**
 * Which messages of one delivered batch the application has not acked yet. Received messages
 * hold a reference to it, so acking them costs no map lookup and no key string.
 */
export class BatchAcks {
  /**
   * Bit i set: message i was delivered and is not acked yet. A bitset rather than a byte per
   * message, so a batch of up to 512 messages needs no more than 64 bytes (V8 keeps typed arrays
   * that small on the heap instead of allocating a backing store per batch).
   */
  private readonly unacked: Int32Array;
  private readonly size: number;
  private outstanding = 0;
  /** Set once the batch is acked (or covered by a cumulative ack): further acks are no-ops. */
  done = false;

  constructor(
    readonly entry: MessageId,
    batchSize: number,
  ) {
    this.size = batchSize;
    this.unacked = new Int32Array((batchSize + 31) >>> 5);
  }

  /** Marks a message as delivered to the application. */
  track(index: number): void {
    if (index < 0 || index >= this.size) return;
    const bit = 1 << (index & 31);
    const word = this.unacked[index >>> 5]!;
    if (word & bit) return;
    this.unacked[index >>> 5] = word | bit;
    this.outstanding++;
  }

  get pending(): number {
    return this.outstanding;
  }

  /** Records an ack; true when it was the last outstanding message of the batch. */
  ack(index: number): boolean {
    if (this.done || index < 0 || index >= this.size) return false;
    const bit = 1 << (index & 31);
    const word = this.unacked[index >>> 5]!;
    if (!(word & bit)) return false;
    this.unacked[index >>> 5] = word & ~bit;
    return --this.outstanding === 0;
  }
}

/**
 * Decides which acks go to the broker. The broker tracks whole entries, so an individual ack of
 * a batched message is held back until every message of its batch is acked; a cumulative ack
 * inside a batch acknowledges up to the previous entry (the rest of the batch is still ours).
 */
export class AckTracker {
  private readonly batches = new Map<string, BatchAcks>();
  /**
   * The batch the previous lookup found: acks by message id come in delivery order, so runs of
   * them hit the same batch and skip building the key string and the map lookup.
   */
  private lastLookedUp: BatchAcks | undefined;

  /** Records a delivered batch; `delivered` are the indexes handed to the application. */
  trackBatch(entry: MessageId, delivered: number[], batchSize = Math.max(0, ...delivered) + 1): BatchAcks | undefined {
    if (!delivered.length) return undefined;
    const batch = this.startBatch(entry, batchSize);
    for (const index of delivered) batch.track(index);
    return batch;
  }

  /** Starts tracking a batch whose delivered messages the caller adds with `track`. */
  startBatch(entry: MessageId, batchSize: number): BatchAcks {
    const key = entryKey(entry.ledgerId, entry.entryId);
    const batch = new BatchAcks(entry, batchSize);
    // A redelivered batch replaces the earlier delivery: acks through the old messages look it up.
    const replaced = this.batches.get(key);
    if (replaced) replaced.done = true;
    this.batches.set(key, batch);
    return batch;
  }

  /** Forgets a batch none of whose messages was delivered (or all of whose messages were acked). */
  dropBatch(batch: BatchAcks): void {
    batch.done = true;
    if (this.lastLookedUp === batch) this.lastLookedUp = undefined;
    const key = entryKey(batch.entry.ledgerId, batch.entry.entryId);
    if (this.batches.get(key) === batch) this.batches.delete(key);
  }

  /**
   * Returns the entry to ack individually now, or undefined while batch siblings are unacked.
   * `batch` is the state the received message carries; ids rebuilt by the caller are looked up.
   */
  individual(id: MessageId, batch?: BatchAcks): MessageId | undefined {
    if (!id.isBatched) return id.entry();
    const acks = batch && !batch.done ? batch : this.lookUp(id);
    if (!acks) return batch?.done ? undefined : id.entry();
    if (!acks.ack(id.batchIndex)) return undefined;
    this.dropBatch(acks);
    return acks.entry;
  }

  /** Returns the position to ack cumulatively, or undefined if nothing before it can be acked yet. */
  cumulative(id: MessageId): MessageId | undefined {
    let target = id.entry();
    if (id.isBatched && id.batchSize > 0 && id.batchIndex < id.batchSize - 1) {
      if (id.entryId === 0n) return undefined;
      target = new MessageId(id.ledgerId, id.entryId - 1n, id.partition);
    }
    for (const batch of [...this.batches.values()]) {
      const { ledgerId, entryId } = batch.entry;
      if (ledgerId < target.ledgerId || (ledgerId === target.ledgerId && entryId <= target.entryId)) this.dropBatch(batch);
    }
    return target;
  }

  /** Forgets every batch (after a seek); messages received before still complete their own batch. */
  clear(): void {
    this.batches.clear();
    this.lastLookedUp = undefined;
  }

  /** The live batch of a batched message id, if it is tracked. */
  private lookUp(id: MessageId): BatchAcks | undefined {
    const last = this.lastLookedUp;
    if (last && !last.done && last.entry.entryId === id.entryId && last.entry.ledgerId === id.ledgerId) return last;
    const found = this.batches.get(entryKey(id.ledgerId, id.entryId));
    this.lastLookedUp = found;
    return found;
  }
}
