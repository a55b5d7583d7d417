/**
 * How far time has verifiably moved for the cameras of each partition: the evidence an idle
 * camera's event-time projection may use instead of the wall clock (docs/stream-compute.md, "Idle
 * cameras in the service"). Wall-clock idleness misjudges a stalled broker or producer, or a
 * backlog being caught up, as silent cameras, and their events then arrive "late".
 *
 * The rule: the newest publish time seen on a partition (never beyond the wall clock, so a producer
 * clock running ahead cannot push time forward) becomes evidence only while the consumer is caught
 * up, i.e. a receive returned less than it asked for (nothing more was buffered). While a backlog is
 * being read, evidence stays where it was; when nothing is published at all, it does not move.
 */
export class PartitionClocks {
  private readonly seen = new Map<number, number>();
  private readonly evidence = new Map<number, number>();

  /** A message of `partition` published at `publishTimeMs` was received at `nowMs`; returns its stream time. */
  observe(partition: number, publishTimeMs: number, nowMs: number): number {
    const streamMs = Math.min(publishTimeMs, nowMs);
    const seen = this.seen.get(partition);
    if (seen === undefined || streamMs > seen) this.seen.set(partition, streamMs);
    return streamMs;
  }

  /** After handling a receive: `caughtUp` when it returned fewer messages than asked for. */
  received(caughtUp: boolean): void {
    if (!caughtUp) return;
    for (const [partition, seen] of this.seen) this.evidence.set(partition, seen);
  }

  /** The stream time idle cameras of `partition` may be projected to (-Infinity: no evidence yet). */
  evidenceOf(partition: number): number {
    return this.evidence.get(partition) ?? Number.NEGATIVE_INFINITY;
  }
}
