import fc from 'fast-check';
import { JAVA_ROUTES } from './__fixtures__/java-routing';
import { javaStringHash, javaStringHashNonNegative, partitionForKey, RoundRobinRouter, signSafeMod } from './partition-router';

describe('Java-compatible key routing', () => {
  // Values of java.lang.String#hashCode, computed from its definition s[0]*31^(n-1)+...+s[n-1] (int32).
  it.each([
    ['', 0],
    ['a', 97],
    ['ab', 97 * 31 + 98],
    ['hello', 99162322],
    ['Aa', 2112],
    ['BB', 2112],
    ['polygenelubricants', -2147483648],
    ['store-42/camera-7', javaHashReference('store-42/camera-7')],
    ['é€😀', javaHashReference('é€😀')],
  ])('String.hashCode(%j) = %d', (key, expected) => {
    expect(javaStringHash(key)).toBe(expected);
  });

  it('signSafeMod never returns a negative partition', () => {
    expect(signSafeMod(-7, 3)).toBe(2);
    expect(signSafeMod(-2147483648, 5)).toBe(2);
    expect(signSafeMod(7, 3)).toBe(1);
    expect(Object.is(signSafeMod(-8, 4), 0)).toBe(true);
  });

  it('the fixture has keys with a negative String.hashCode', () => {
    expect(JAVA_ROUTES.filter((r) => r.hashCode < 0).length).toBeGreaterThanOrEqual(5);
  });

  it.each(JAVA_ROUTES.map((r) => [r.key, r] as const))('%j routes like the Java client', (key, { hashCode, makeHash, partitionFor }) => {
    expect(javaStringHash(key)).toBe(hashCode);
    expect(javaStringHashNonNegative(key)).toBe(makeHash);
    for (const [n, partition] of Object.entries(partitionFor)) {
      expect({ n, partition: partitionForKey(key, Number(n)) }).toEqual({ n, partition });
    }
  });

  it('keyed messages map to the Java partition, the empty key included', () => {
    const router = new RoundRobinRouter(7, 10, 3, () => 1000);
    expect(router.choose('store-42/camera-7')).toBe(4);
    expect(router.choose('')).toBe(0);
  });

  it('matches an independent BigInt model of makeHash + signSafeMod for any key and partition count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const hash = BigInt(javaHashReference(key)) & 0x7fffffffn;
        expect(partitionForKey(key, n)).toBe(Number(hash % BigInt(n)));
      }),
    );
  });

  it('unkeyed messages rotate over all partitions', () => {
    const router = new RoundRobinRouter(3, undefined, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => router.choose(undefined))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('with batching, unkeyed messages stay on one partition per window', () => {
    let now = 1000;
    const router = new RoundRobinRouter(3, 10, 0, () => now);
    const first = router.choose(undefined);
    expect(router.choose(undefined)).toBe(first);
    now += 10;
    expect(router.choose(undefined)).toBe((first + 1) % 3);
  });
});

/** Independent reference: BigInt arithmetic mod 2^32 over UTF-16 code units, as the JLS defines it. */
function javaHashReference(s: string): number {
  let h = 0n;
  for (const unit of Array.from({ length: s.length }, (_, i) => s.charCodeAt(i))) {
    h = (h * 31n + BigInt(unit)) % (1n << 32n);
  }
  return Number(BigInt.asIntN(32, h));
}
