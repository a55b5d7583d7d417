/**
 * Partition routing compatible with the Java client's defaults: MessageRoutingMode
 * RoundRobinPartition with HashingScheme JavaStringHash. A keyed message goes to
 * signSafeMod(String.hashCode(key) & Integer.MAX_VALUE, n) — the same partition a Java producer
 * picks, so mixed Java/TypeScript producers keep per-key order. (JavaStringHash.makeHash clears
 * the sign bit before the modulo; without that mask, keys with a negative hashCode land elsewhere
 * whenever n is not a power of two.) Any key present on the message routes by hash, the empty
 * string included, as Java's `Message.hasKey()` is true for it. Unkeyed messages rotate over
 * partitions; with batching on, the Java router keeps one partition per batching window (so
 * batches fill up), and so do we.
 */

/** Java's `String.hashCode()`: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHash(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return hash;
}

/** Java's MathUtils.signSafeMod: a non-negative remainder for negative dividends. */
export function signSafeMod(dividend: number, divisor: number): number {
  const mod = dividend % divisor;
  // `+ 0` turns JavaScript's -0 (e.g. -8 % 4) into 0.
  return mod < 0 ? mod + divisor : mod + 0;
}

/** Java's JavaStringHash.makeHash: `String.hashCode()` with the sign bit cleared (0..2^31-1). */
export function javaStringHashNonNegative(key: string): number {
  return javaStringHash(key) & 0x7fffffff;
}

/** The partition the Java client's default router picks for a message with this key. */
export function partitionForKey(key: string, partitions: number): number {
  return signSafeMod(javaStringHashNonNegative(key), partitions);
}

export class RoundRobinRouter {
  private counter: number;

  constructor(
    private readonly partitions: number,
    private readonly batchingWindowMs: number | undefined,
    startAt: number = Math.floor(Math.random() * partitions),
    private readonly now: () => number = Date.now,
  ) {
    this.counter = startAt;
  }

  choose(key: string | undefined): number {
    if (key !== undefined) return partitionForKey(key, this.partitions);
    if (this.batchingWindowMs !== undefined) {
      return signSafeMod(Math.floor(this.now() / Math.max(1, this.batchingWindowMs)) + this.counter, this.partitions);
    }
    return signSafeMod(this.counter++, this.partitions);
  }
}
