/**
 * The bench workload, shared by the publisher and the checker so that the expected calls are exact.
 *
 * People are `p0000 … p<N-1>`; readings go round-robin over them. Person i's c-th reading (c from 0) is
 * high (stress 85) when `(c + i) % crossEvery === crossEvery - 1`, else low (stress 30). Every high reading
 * follows a low one (or is the person's first reading, which also counts as a crossing), so each high
 * reading is one upward crossing of the threshold (70). The offset `i` staggers people: without it all of
 * them would cross in the same instant, a burst of N calls every crossEvery rounds rather than a steady stream.
 *
 * The rule has a per-person cooldown (issue 15: 60 s): a crossing calls `scene.turn_on` for
 * `scene.calm_<person>` only when the person's last call is at least the cooldown ago. Each SUT judges that on
 * its own clock when it handles the reading, the publisher when it sends it; the two differ by the delivery
 * lag. So that no crossing can go either way, the publisher sends no crossing within a tolerance of the
 * cooldown's end (it sends a low reading there instead): every crossing it sends is either clearly held back
 * or clearly due, and it records the due ones, so the expected calls are exact, not estimated.
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

/** How far from a cooldown's end a crossing must be for publisher and SUT to agree on it. */
export function cooldownToleranceMs(cooldownMs: number): number {
  return Math.min(2_000, cooldownMs / 4);
}

/**
 * The cooldown as the publisher applies it to a crossing: "fire" (a call is due), "hold" (within the cooldown,
 * no call) or "avoid" (too near the cooldown's end to tell; not sent as a crossing). `sinceLastMs` is the time
 * since the person's last due call, undefined before the first.
 */
export function cooldownVerdict(
  sinceLastMs: number | undefined,
  cooldownMs: number,
): "fire" | "hold" | "avoid" {
  if (sinceLastMs === undefined || cooldownMs <= 0) return "fire";
  const tol = cooldownToleranceMs(cooldownMs);
  if (sinceLastMs >= cooldownMs + tol) return "fire";
  if (sinceLastMs < cooldownMs - tol) return "hold";
  return "avoid";
}
