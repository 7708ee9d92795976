/**
 * The bench workload, shared by the publisher and the checker so that the expected calls are exact.
 *
 * People are `p0000 … p<N-1>`; readings go round-robin over them. Person i's c-th reading (c from 0) is
 * high (stress 85) when `(c + i) % crossEvery === crossEvery - 1`, else low (stress 30). Every high reading
 * follows a low one (or is the person's first reading, which also counts as a crossing), so each high
 * reading is one upward crossing of the threshold (70) and, with the bench rule's `cooldown_s: 0`, exactly
 * one `scene.turn_on` for `scene.calm_<person>`. The offset `i` staggers people: without it all of them
 * would cross in the same instant, a burst of N calls every crossEvery rounds rather than a steady stream.
 * The publisher records every crossing it publishes, so the expected calls are exact, not estimated.
 */
export const THRESHOLD = 70;
export const HIGH = 85;
export const LOW = 30;

export function personId(i: number): string {
  return `p${String(i).padStart(4, "0")}`;
}

export function sceneOf(person: string): string {
  return `scene.calm_${person}`;
}

export function isCrossing(i: number, c: number, crossEvery: number): boolean {
  return (c + i) % crossEvery === crossEvery - 1;
}

export function stressFor(i: number, c: number, crossEvery: number): number {
  return isCrossing(i, c, crossEvery) ? HIGH : LOW;
}
