/** The simulator's sense of time: the wall clock, or a test's fake clock (the hub's FakeClock fits). */
export interface SimClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

export const wallClock: SimClock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** Milliseconds with sub-millisecond precision, strictly increasing. HA stamps states in microseconds, so two
 * changes in the same millisecond still get distinct `last_updated` values. */
export function monotonic(clock: SimClock): () => number {
  let last = 0;
  return () => {
    const now = Math.max(clock.now(), last + 0.001);
    last = now;
    return now;
  };
}

const wallNow = monotonic(wallClock);

/** Wall-clock time, for code that has no simulator at hand. */
export function nowMs(): number {
  return wallNow();
}

/** HA renders datetimes with microseconds and an explicit `+00:00`, never `Z`. */
export function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  return new Date(whole).toISOString().replace("Z", `${String(micros).padStart(3, "0")}+00:00`);
}

/** The compressed state stream uses float Unix seconds. */
export function unixSeconds(ms: number): number {
  return ms / 1000;
}
