import type { Config } from "./schema.js";
import type { Location } from "./wind-down.js";

/** What Home Assistant says of itself (`get_config`), as far as time and place go. */
export interface HaPlace {
  latitude?: unknown;
  longitude?: unknown;
  time_zone?: unknown;
}

/**
 * The one answer to "which clock does the home run on", for rules, quiet hours, night caps and the wind-down
 * alike: the config's `time_zone`, else its `location`'s, else Home Assistant's, else this machine's.
 */
export function timeZoneOf(config: Pick<Config, "time_zone" | "location">, ha?: HaPlace): string {
  return (
    config.time_zone ??
    config.location?.time_zone ??
    (typeof ha?.time_zone === "string" && ha.time_zone ? ha.time_zone : undefined) ??
    machineTimeZone()
  );
}

let machineZone: string | undefined;

/**
 * Asked for every reading a rule looks at; building an Intl.DateTimeFormat costs tens of microseconds, more
 * than the rest of a reading's path, so the machine's zone is read once (it does not change while we run).
 */
function machineTimeZone(): string {
  machineZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return machineZone;
}

/** Where the sun is computed for: the config's location, else Home Assistant's; always on the home's one clock. */
export function locationOf(
  config: Pick<Config, "time_zone" | "location">,
  ha?: HaPlace,
): Location | undefined {
  if (config.location) return { ...config.location, time_zone: timeZoneOf(config, ha) };
  if (!ha || typeof ha.latitude !== "number" || typeof ha.longitude !== "number") return undefined;
  if (typeof ha.time_zone !== "string" || !ha.time_zone) return undefined;
  return { latitude: ha.latitude, longitude: ha.longitude, time_zone: timeZoneOf(config, ha) };
}
