/** HA renders datetimes with microseconds and an explicit `+00:00`, never `Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000+00:00");
}

/** The compressed state stream uses float Unix seconds. */
export function unixSeconds(ms: number): number {
  return ms / 1000;
}
