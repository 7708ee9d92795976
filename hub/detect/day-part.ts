/** Four coarse parts of the local day: resting heart rate and skin conductance differ between them. */
export type DayPart = "night" | "morning" | "afternoon" | "evening";

const formatters = new Map<string, Intl.DateTimeFormat>();

function localHour(at: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "numeric", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  return Number(f.format(at));
}

/** Night 00-06, morning 06-12, afternoon 12-18, evening 18-24, in `timeZone`. */
export function dayPart(at: number, timeZone: string): DayPart {
  const h = localHour(at, timeZone);
  if (h < 6) return "night";
  if (h < 12) return "morning";
  if (h < 18) return "afternoon";
  return "evening";
}
