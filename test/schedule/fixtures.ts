import {
  type Location,
  LocationSchema,
  type WindDownConfigInput,
  WindDownConfigSchema,
} from "../../hub/config/index.js";

export const berlin: Location = LocationSchema.parse({
  latitude: 52.52,
  longitude: 13.405,
  time_zone: "Europe/Berlin",
});

export const tromso: Location = LocationSchema.parse({
  latitude: 69.65,
  longitude: 18.96,
  time_zone: "Europe/Oslo",
});

export function windDown(input: WindDownConfigInput) {
  return WindDownConfigSchema.parse(input);
}

export const MINUTE = 60_000;

/** Real minutes between two ISO strings. */
export function minutesBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / MINUTE;
}
