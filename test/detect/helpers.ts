import type { Sample } from "../../hub/core/index.js";

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // a Monday morning, UTC

export function sample(at: number, fields: Partial<Sample> = {}): Sample {
  return { person: "ana", measured_at: at, received_at: at, source: "strap", quality: 1, ...fields };
}

/** Deterministic wobble so a series is not perfectly flat. */
export function wobble(i: number, amplitude: number): number {
  return amplitude * Math.sin(i * 0.7) * Math.cos(i * 0.13);
}

/** One sample per second from `from` for `seconds`, heart rate from `hr(i)`. */
export function* seconds(
  from: number,
  count: number,
  make: (i: number, at: number) => Sample,
): Generator<Sample> {
  for (let i = 0; i < count; i++) yield make(i, from + i * 1000);
}
