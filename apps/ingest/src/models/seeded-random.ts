import { seededRandom } from '@retail/runtime';

/** Deterministic uniform numbers in [-1, 1): the same synthetic weights for a seed on every run and platform. */
export function seededUniform(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() * 2 - 1;
}
