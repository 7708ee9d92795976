/** Time-zone math on top of Intl.DateTimeFormat: instants ⇄ local wall-clock times in an IANA zone. */
import { type CalendarDate, parseDate, type WallTime, WEEKDAYS, type Weekday } from "./calendar.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA time zone (e.g. "Europe/Berlin"). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalDateTime extends CalendarDate, WallTime {
  second: number;
}

/** Wall-clock fields of `instant` (epoch ms) in `timeZone`. */
export function localParts(instant: number, timeZone: string): LocalDateTime {
  const out: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** UTC offset of `timeZone` at `instant`, in minutes east of UTC (Berlin in winter: 60). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock in `timeZone` shows `time` on `date`.
 * Disambiguates like Temporal's "compatible": a time repeated when clocks go back resolves to the
 * earlier instant; a time skipped when clocks go forward resolves to the same distance after the gap.
 */
export function zonedInstant(date: string, time: WallTime, timeZone: string): number {
  const d = parseDate(date);
  if (!d) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const wall = Date.UTC(d.year, d.month - 1, d.day, time.hour, time.minute);
  const before = offsetMinutesAt(wall - DAY_MS, timeZone);
  const after = offsetMinutesAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset * 60_000)
    .filter((t) => offsetMinutesAt(t, timeZone) * 60_000 === wall - t)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return first;
  // In a gap: read the wall time with the offset in force before the transition.
  return wall - before * 60_000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** The local calendar date ("YYYY-MM-DD") of `instant` in `timeZone`. */
export function localDate(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** ISO 8601 with the local offset, to the second: "2026-10-25T18:12:00+01:00". */
export function formatZoned(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const offset = offsetMinutesAt(instant, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export interface LocalTime {
  /** Minutes since local midnight. */
  minutes: number;
  weekday: Weekday;
}

/** Wall-clock time and weekday of an instant in a time zone (DST-correct), for time-of-day conditions. */
export function localTime(instant: number, timeZone: string): LocalTime {
  const p = localParts(instant, timeZone);
  // getUTCDay: 0 = Sunday … 6 = Saturday; WEEKDAYS starts on Monday.
  const index = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
  return { minutes: p.hour * 60 + p.minute, weekday: WEEKDAYS[index] ?? "mon" };
}
