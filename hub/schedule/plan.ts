/** Turns wind-down configs into concrete per-day, per-room plans with absolute, offset-stamped times. */

import type { LightSetting, Location, SunEvent, SunStart, WindDownConfig } from "../config/index.js";
import {
  addDays,
  eveningDateOf,
  formatZoned,
  isDate,
  localParts,
  parseTime,
  type WallTime,
  weekdayOf,
  zonedInstant,
} from "../core/index.js";
import { sunEventOn } from "./sun-events.js";

export type WindDownAnchor =
  /** `at` is null when the event did not happen that day (polar day or night). */
  { type: "sun"; event: SunEvent; offset_min: number; at: string | null } | { type: "bedtime"; at: string };

export interface WindDownPlan {
  /** The evening's local calendar date. */
  date: string;
  room: string;
  anchor: WindDownAnchor;
  /** ISO 8601 with the local offset, e.g. "2026-10-25T18:12:00+01:00". */
  start: string;
  /** start + duration_min in real minutes; the bedtime for bedtime-based wind-downs. */
  end: string;
  /** Why the start is not the plain anchor ± offset (clamp, polar fallback, DST gap), else null. */
  note: string | null;
  night: LightSetting;
  /** How many light changes from start to end (at least 1). */
  step_count: number;
  soundscape: string | null;
  /** IANA zone the times were computed in, for formatting later instants (steps) the same way. */
  time_zone: string;
}

export interface PlanOptions {
  /** First evening, "YYYY-MM-DD" in the location's time zone. */
  from: string;
  /** Number of evenings (1 or more). */
  days: number;
  location: Location;
}

const MINUTE = 60_000;

function roundToMinute(t: number): number {
  return Math.round(t / MINUTE) * MINUTE;
}

function requireTime(text: string): WallTime {
  const t = parseTime(text);
  if (!t) throw new RangeError(`not a local time (HH:MM): ${JSON.stringify(text)}`);
  return t;
}

/** The instant of an evening wall-clock time, and whether a DST gap moved it. */
function eveningInstant(date: string, text: string, timeZone: string): { at: number; moved: boolean } {
  const time = requireTime(text);
  const at = zonedInstant(eveningDateOf(date, time), time, timeZone);
  const shown = localParts(at, timeZone);
  return { at, moved: shown.hour !== time.hour || shown.minute !== time.minute };
}

function hhmm(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

function describeOffset(event: SunEvent, offset: number): string {
  if (offset === 0) return event;
  return `${event} ${offset > 0 ? "+" : "−"}${Math.abs(offset)} min`;
}

/** Number of light changes: a count as given, or enough that no gap exceeds the interval. */
export function stepCount(config: Pick<WindDownConfig, "steps" | "duration_min">): number {
  if ("count" in config.steps) return config.steps.count;
  return Math.max(1, Math.ceil(config.duration_min / config.steps.interval_min) + 1);
}

interface Timing {
  anchor: WindDownAnchor;
  start: number;
  end: number;
  note: string | null;
}

function sunTiming(date: string, start: SunStart, durationMin: number, location: Location): Timing {
  const tz = location.time_zone;
  const event = sunEventOn(date, start.sun, location);
  const notes: string[] = [];
  let begin: number;
  let at: string | null = null;

  if (event.occurs) {
    const anchorAt = roundToMinute(event.at);
    at = formatZoned(anchorAt, tz);
    begin = anchorAt + start.offset_min * MINUTE;
    const plain = begin;
    if (start.earliest !== undefined) {
      const earliest = eveningInstant(date, start.earliest, tz).at;
      if (begin < earliest) {
        begin = earliest;
        notes.push(
          `clamped to earliest ${start.earliest} (${describeOffset(start.sun, start.offset_min)} ` +
            `would be ${hhmm(plain, tz)})`,
        );
      }
    }
    if (start.latest !== undefined) {
      const latest = eveningInstant(date, start.latest, tz).at;
      if (begin > latest) {
        begin = latest;
        notes.push(
          `clamped to latest ${start.latest} (${describeOffset(start.sun, start.offset_min)} ` +
            `would be ${hhmm(plain, tz)})`,
        );
      }
    }
  } else {
    const clampName = event.sun === "up" ? "latest" : "earliest";
    const clamp = event.sun === "up" ? start.latest : start.earliest;
    const used = clamp === undefined ? `polar_fallback ${start.polar_fallback}` : `${clampName} ${clamp}`;
    const fallback = eveningInstant(date, clamp ?? start.polar_fallback, tz);
    begin = fallback.at;
    const why =
      start.sun === "sunset" || start.sun === "sunset_start"
        ? event.sun === "up"
          ? "midnight sun"
          : "polar night"
        : `the Sun stays ${event.sun === "up" ? "above" : "below"} ${event.altitude}° all day`;
    notes.push(`polar fallback: no ${start.sun} on ${date} (${why}); started at ${used}`);
    if (fallback.moved) notes.push(`${clamp ?? start.polar_fallback} skipped by a DST change`);
  }

  return {
    anchor: { type: "sun", event: start.sun, offset_min: start.offset_min, at },
    start: begin,
    end: begin + durationMin * MINUTE,
    note: notes.length > 0 ? notes.join("; ") : null,
  };
}

function bedtimeTiming(date: string, bedtime: string, durationMin: number, timeZone: string): Timing {
  const { at, moved } = eveningInstant(date, bedtime, timeZone);
  return {
    anchor: { type: "bedtime", at: formatZoned(at, timeZone) },
    start: at - durationMin * MINUTE,
    end: at,
    note: moved
      ? `bedtime ${bedtime} does not exist that night (clocks go forward); used ${hhmm(at, timeZone)}`
      : null,
  };
}

/** Start, end and anchor of one config's wind-down on the evening of `date`, or undefined when it
 * does not run that day. */
function timingOn(config: WindDownConfig, date: string, location: Location): Timing | undefined {
  if (!config.enabled) return undefined;
  if (config.days && !config.days.includes(weekdayOf(date))) return undefined;
  return "bedtime" in config.start
    ? bedtimeTiming(date, config.start.bedtime, config.duration_min, location.time_zone)
    : sunTiming(date, config.start, config.duration_min, location);
}

/** Plans for one evening, one per room of every config that runs that day. */
export function plansOn(
  configs: readonly WindDownConfig[],
  date: string,
  location: Location,
): WindDownPlan[] {
  const out: WindDownPlan[] = [];
  for (const config of configs) {
    const timing = timingOn(config, date, location);
    if (!timing) continue;
    for (const room of config.rooms) {
      out.push({
        date,
        room,
        anchor: timing.anchor,
        start: formatZoned(timing.start, location.time_zone),
        end: formatZoned(timing.end, location.time_zone),
        note: timing.note,
        night: config.night,
        step_count: stepCount(config),
        soundscape: config.soundscape ?? null,
        time_zone: location.time_zone,
      });
    }
  }
  return out;
}

/** Every wind-down from the evening of `from` for `days` evenings, ordered by start, then room. */
export function planWindDowns(
  config: WindDownConfig | readonly WindDownConfig[],
  options: PlanOptions,
): WindDownPlan[] {
  if (!isDate(options.from)) throw new RangeError(`from must be a date YYYY-MM-DD, got ${options.from}`);
  if (!Number.isInteger(options.days) || options.days < 0) {
    throw new RangeError(`days must be a whole number ≥ 0, got ${options.days}`);
  }
  const configs: readonly WindDownConfig[] = Array.isArray(config) ? config : [config as WindDownConfig];
  const plans: WindDownPlan[] = [];
  for (let i = 0; i < options.days; i++) {
    plans.push(...plansOn(configs, addDays(options.from, i), options.location));
  }
  return plans.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.room.localeCompare(b.room));
}
