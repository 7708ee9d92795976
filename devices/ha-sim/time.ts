let last = 0;

/** Wall-clock milliseconds with sub-millisecond precision, strictly increasing. HA stamps states in
 * microseconds, so two changes in the same millisecond still get distinct `last_updated` values. */
export function nowMs(): number {
  const now = Math.max(performance.timeOrigin + performance.now(), last + 0.001);
  last = now;
  return now;
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
