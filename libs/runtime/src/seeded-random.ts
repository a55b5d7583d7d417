/**
 * Deterministic numbers in [0, 1) from a 32-bit seed (mulberry32). Scenes, chaos schedules, fault
 * sequences and synthetic model weights use it so a failing run can be replayed from its seed; a
 * dozen lines are cheaper than a dependency, and the sequence must never change under us.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
