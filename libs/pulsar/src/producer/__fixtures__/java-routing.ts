/**
 * Key → partition as the Java client 4.0.7 routes it by default, printed by the Java classes
 * themselves (pulsar-client-original: `JavaStringHash.makeHash`, then `MathUtils.signSafeMod`), not
 * derived from our code. Regenerate with `java -cp <classes>:<pulsar lib>/* Interop route <n> <key>...`
 * (test/interop/Interop.java). Half the keys have a negative `String.hashCode`, whose sign bit
 * Java clears before the modulo.
 */
export interface JavaRoute {
  key: string;
  /** `String.hashCode()` */
  hashCode: number;
  /** `JavaStringHash.makeHash(key)` = hashCode & Integer.MAX_VALUE */
  makeHash: number;
  /** Partition chosen for each partition count. */
  partitionFor: Record<3 | 4 | 5 | 7 | 12, number>;
}

const route = (key: string, hashCode: number, makeHash: number, partitionFor: JavaRoute['partitionFor']): JavaRoute => ({ key, hashCode, makeHash, partitionFor });

export const JAVA_ROUTES: JavaRoute[] = [
  route('', 0, 0, { 3: 0, 4: 0, 5: 0, 7: 0, 12: 0 }),
  route('hello', 99162322, 99162322, { 3: 1, 4: 2, 5: 2, 7: 0, 12: 10 }),
  route('k0', 3365, 3365, { 3: 2, 4: 1, 5: 0, 7: 5, 12: 5 }),
  route('polygenelubricants', -2147483648, 0, { 3: 0, 4: 0, 5: 0, 7: 0, 12: 0 }),
  route('é€😀', 16752006, 16752006, { 3: 0, 4: 2, 5: 1, 7: 5, 12: 6 }),
  route('store-1/camera-1', 1484023827, 1484023827, { 3: 0, 4: 3, 5: 2, 7: 6, 12: 3 }),
  route('store-42/camera-7', -1783882476, 363601172, { 3: 2, 4: 0, 5: 2, 7: 4, 12: 8 }),
  route('store-1234/camera-56', -1930987736, 216495912, { 3: 0, 4: 0, 5: 2, 7: 3, 12: 0 }),
  route('store-999/camera-12', -947093401, 1200390247, { 3: 1, 4: 3, 5: 2, 7: 0, 12: 7 }),
  route('store-7/camera-3', 304942799, 304942799, { 3: 2, 4: 3, 5: 4, 7: 0, 12: 11 }),
  route('store-18/camera-11', -2044803764, 102679884, { 3: 0, 4: 0, 5: 4, 7: 6, 12: 0 }),
  route('store-305/camera-2', -333563987, 1813919661, { 3: 0, 4: 1, 5: 1, 7: 1, 12: 9 }),
  route('store-77/camera-40', 526644001, 526644001, { 3: 1, 4: 1, 5: 1, 7: 2, 12: 1 }),
  route('store-2048/camera-9', -287369774, 1860113874, { 3: 0, 4: 2, 5: 4, 7: 3, 12: 6 }),
  route('store-560/camera-17', -1168036478, 979447170, { 3: 0, 4: 2, 5: 0, 7: 2, 12: 6 }),
  route('store-13/camera-101', 390179179, 390179179, { 3: 1, 4: 3, 5: 4, 7: 5, 12: 7 }),
];
