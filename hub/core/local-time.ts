const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  /** Minutes since local midnight. */
  minutes: number;
  /** "mon" … "sun". */
  weekday: string;
}

/** Wall-clock time of an instant in a time zone (DST-correct, no date library). */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  let hour = 0;
  let minute = 0;
  let weekday = "mon";
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
    else if (part.type === "weekday") weekday = part.value.toLowerCase().slice(0, 3);
  }
  return { minutes: hour * 60 + minute, weekday };
}

export function parseHhmm(value: string): number {
  const [h, m] = value.split(":");
  return Number(h) * 60 + Number(m);
}

/** Whether `minutes` lies in [after, before); the window may wrap past midnight. */
export function inWindow(minutes: number, after: number | undefined, before: number | undefined): boolean {
  const from = after ?? 0;
  const to = before ?? 24 * 60;
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}
