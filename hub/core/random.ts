/** A seeded source of numbers in [0, 1): injected wherever a run must be replayable (the bandit, the simulators). */
export type Random = () => number;

/** mulberry32: small, fast and good enough to sample a posterior or a simulation; not for anything secret. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
