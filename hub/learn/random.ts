import type { Random } from "../core/index.js";

export { type Random, seededRandom } from "../core/index.js";

/** A standard normal draw (Box-Muller). */
export function normal(rng: Random): number {
  const u = Math.max(rng(), Number.EPSILON);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
