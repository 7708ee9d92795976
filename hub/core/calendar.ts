/** Calendar dates ("YYYY-MM-DD") and wall-clock times ("HH:MM") as plain values, with no time zone.
 * Date arithmetic here moves whole calendar days; it never touches instants, so DST cannot leak in. */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface WallTime {
  hour: number;
  minute: number;
}

/** Parses "YYYY-MM-DD"; undefined when the text is not a real calendar date (e.g. 2026-02-30). */
export function parseDate(text: string): CalendarDate | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

export function isDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

/** Parses "HH:MM" (00:00 to 23:59). */
export function parseTime(text: string): WallTime | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function isTime(text: string): boolean {
  return parseTime(text) !== undefined;
}

function requireDate(text: string): CalendarDate {
  const d = parseDate(text);
  if (!d) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return d;
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The calendar date `n` days after `date` (negative n goes back). */
export function addDays(date: string, n: number): string {
  const { year, month, day } = requireDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function weekdayOf(date: string): Weekday {
  const { year, month, day } = requireDate(date);
  // getUTCDay: 0 = Sunday … 6 = Saturday; WEEKDAYS starts on Monday.
  const index = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
  return WEEKDAYS[index] ?? "mon";
}

/** Minutes since midnight, for ordering "HH:MM" values. */
export function minutesOfDay(time: WallTime): number {
  return time.hour * 60 + time.minute;
}

/** Evening times run from 12:00 to 11:59 of the next morning: a time before noon ("00:30") belongs to
 * the night after the evening's calendar date. Returns minutes after the evening date's midnight. */
export function eveningMinutes(time: WallTime): number {
  const m = minutesOfDay(time);
  return m < 12 * 60 ? m + 24 * 60 : m;
}

/** The calendar date on which an evening time of `evening` actually falls. */
export function eveningDateOf(evening: string, time: WallTime): string {
  return minutesOfDay(time) < 12 * 60 ? addDays(evening, 1) : evening;
}

/** Minutes since midnight of an "HH:MM" the schema has already checked. */
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
