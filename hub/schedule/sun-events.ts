/** Evening sun events for a local calendar day, from suncalc. */
import { getPosition, getTimes, type SunTimeName } from "suncalc";
import type { Location, SunEvent } from "../config/index.js";
import { zonedInstant } from "../core/index.js";

const EVENTS: Record<SunEvent, { name: SunTimeName; altitude: number }> = {
  golden_hour: { name: "goldenHour", altitude: 6 },
  sunset_start: { name: "sunsetStart", altitude: -0.3 },
  sunset: { name: "sunset", altitude: -0.833 },
  dusk: { name: "dusk", altitude: -6 },
  civil_dusk: { name: "dusk", altitude: -6 },
  nautical_dusk: { name: "nauticalDusk", altitude: -12 },
  astronomical_dusk: { name: "night", altitude: -18 },
};

export type SunEventTime =
  | { occurs: true; at: number }
  /** The Sun stays above ("up") or below ("down") the event's altitude all day. */
  | { occurs: false; sun: "up" | "down"; altitude: number };

function validInstant(value: unknown): number | undefined {
  if (!(value instanceof Date)) return undefined;
  const t = value.getTime();
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The instant of `event` in the evening of the local calendar day `date` at `location`.
 * suncalc picks the solar day nearest the Date it is given, so it gets local noon of that date.
 */
export function sunEventOn(date: string, event: SunEvent, location: Location): SunEventTime {
  const noon = zonedInstant(date, { hour: 12, minute: 0 }, location.time_zone);
  const times = getTimes(new Date(noon), location.latitude, location.longitude);
  const spec = EVENTS[event];
  // suncalc 2 reports a missing event as null; older versions gave an Invalid Date. Accept both.
  const at = validInstant(times[spec.name]);
  if (at !== undefined) return { occurs: true, at };
  // No crossing: the Sun is entirely above or entirely below that altitude. Its daily highest and
  // lowest altitudes are tens of degrees apart at such latitudes, so their midpoint tells the side.
  const high = getPosition(times.solarNoon, location.latitude, location.longitude).altitude;
  const low = getPosition(times.nadir, location.latitude, location.longitude).altitude;
  return { occurs: false, sun: (high + low) / 2 > spec.altitude ? "up" : "down", altitude: spec.altitude };
}
