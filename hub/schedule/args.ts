/** Arguments of `calm-hub schedule`: parsed and checked here, glued to the config loader by the CLI. */

import type { Location } from "../config/index.js";
import { HubError, isDate, isTimeZone } from "../core/index.js";

export const SCHEDULE_USAGE = `Usage: calm-hub schedule --config FILE [--from YYYY-MM-DD] [--days N]
                         [--lat LATITUDE --lon LONGITUDE --tz ZONE] [--json]

Prints the planned evening wind-downs, one line per evening and room.
  --config FILE        configuration file with the wind_down section (required)
  --from YYYY-MM-DD    first evening, in the home's time zone (default: today)
  --days N             number of evenings, 1 to 366 (default: 7)
  --lat, --lon, --tz   the home's location and IANA time zone, all three together
                       (default: the configuration, else Home Assistant)
  --json               JSON list of {date, room, anchor, start, end, note}
  -h, --help           this text`;

export const DEFAULT_SCHEDULE_DAYS = 7;

export type ScheduleArgs =
  | { help: true }
  | {
      help: false;
      config: string;
      /** Undefined: today in the home's time zone. */
      from: string | undefined;
      days: number;
      /** Undefined: from the configuration or Home Assistant. */
      location: Location | undefined;
      json: boolean;
    };

const VALUE_OPTIONS = new Set(["--config", "--from", "--days", "--lat", "--lon", "--tz"]);

function usage(message: string): HubError {
  return new HubError("CALM_ERR_USAGE", `calm-hub schedule: ${message} (see --help)`);
}

function number(option: string, text: string, min: number, max: number): number {
  const value = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw usage(`${option} needs a number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses the arguments after `schedule`. Throws HubError CALM_ERR_USAGE with a one-line reason. */
export function parseScheduleArgs(argv: readonly string[]): ScheduleArgs {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-h" || arg === "--help") return { help: true };
    if (arg === "--json") {
      json = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_OPTIONS.has(name)) {
      throw usage(
        arg.startsWith("-") ? `unknown option ${name}` : `unexpected argument ${JSON.stringify(arg)}`,
      );
    }
    let value: string | undefined;
    if (name !== arg) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // "--lon -0.12" is a value, "--from --json" is a missing one.
      if (value === undefined || (value.startsWith("--") && value.length > 2)) {
        throw usage(`${name} needs a value`);
      }
      i++;
    }
    if (values.has(name)) throw usage(`${name} given twice`);
    if (value === "") throw usage(`${name} needs a value`);
    values.set(name, value);
  }

  const config = values.get("--config");
  if (config === undefined) throw usage("--config FILE is required");

  const from = values.get("--from");
  if (from !== undefined && !isDate(from)) {
    throw usage(`--from needs a calendar date YYYY-MM-DD, got ${JSON.stringify(from)}`);
  }

  const daysText = values.get("--days");
  let days = DEFAULT_SCHEDULE_DAYS;
  if (daysText !== undefined) {
    days = number("--days", daysText, 1, 366);
    if (!Number.isInteger(days)) throw usage(`--days needs a whole number, got ${JSON.stringify(daysText)}`);
  }

  const lat = values.get("--lat");
  const lon = values.get("--lon");
  const tz = values.get("--tz");
  let location: Location | undefined;
  const given = [lat, lon, tz].filter((v) => v !== undefined).length;
  if (given > 0 && given < 3) throw usage("--lat, --lon and --tz go together");
  if (lat !== undefined && lon !== undefined && tz !== undefined) {
    if (!isTimeZone(tz))
      throw usage(`--tz needs an IANA time zone such as Europe/Berlin, got ${JSON.stringify(tz)}`);
    location = {
      latitude: number("--lat", lat, -90, 90),
      longitude: number("--lon", lon, -180, 180),
      time_zone: tz,
    };
  }

  return { help: false, config, from, days, location, json };
}
