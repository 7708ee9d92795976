import type { HaAttributes } from "../types.js";
import { derivedColors } from "./color.js";

/** `LightEntityFeature` bits. Brightness and colour support live in the colour modes instead. */
export const LightFeature = { EFFECT: 4, FLASH: 8, TRANSITION: 32 } as const;

const COLOR_MODES_WITH_COLOR = ["hs", "xy", "rgb", "rgbw", "rgbww"];

export interface LightCapabilities {
  colorModes: string[];
  supportsBrightness: boolean;
  supportsColorTemp: boolean;
  supportsColor: boolean;
  minKelvin: number;
  maxKelvin: number;
  features: number;
}

export function lightCapabilities(attributes: HaAttributes): LightCapabilities {
  const raw = attributes.supported_color_modes;
  const colorModes = Array.isArray(raw) ? raw.filter((mode): mode is string => typeof mode === "string") : [];
  const numberOr = (value: unknown, fallback: number): number =>
    typeof value === "number" ? value : fallback;
  return {
    colorModes,
    supportsBrightness: colorModes.some((mode) => mode !== "onoff"),
    supportsColorTemp: colorModes.includes("color_temp"),
    supportsColor: colorModes.some((mode) => COLOR_MODES_WITH_COLOR.includes(mode)),
    minKelvin: numberOr(attributes.min_color_temp_kelvin, 2000),
    maxKelvin: numberOr(attributes.max_color_temp_kelvin, 6535),
    features: numberOr(attributes.supported_features, 0),
  };
}

/** The attributes HA only reports while a light is on; they stay as keys with `null` when it is off. */
export function perStateKeys(caps: LightCapabilities): string[] {
  const keys = ["color_mode"];
  if (caps.supportsBrightness) keys.push("brightness");
  if (caps.supportsColorTemp) keys.push("color_temp_kelvin");
  // HA reports hs/rgb/xy for colour-temperature lights too (derived from the temperature).
  if (caps.supportsColor || caps.supportsColorTemp) keys.push("hs_color", "rgb_color", "xy_color");
  if (caps.features & LightFeature.EFFECT) keys.push("effect");
  return keys;
}

const ALL_PER_STATE_KEYS = [
  "color_mode",
  "brightness",
  "color_temp_kelvin",
  "hs_color",
  "rgb_color",
  "xy_color",
  "effect",
];

/** Capability and common attributes (friendly_name, supported_color_modes, ...) without per-state keys. */
export function staticLightAttributes(attributes: HaAttributes): HaAttributes {
  const result: HaAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!ALL_PER_STATE_KEYS.includes(key)) result[key] = value;
  }
  return result;
}

export function lightOffAttributes(attributes: HaAttributes): HaAttributes {
  const caps = lightCapabilities(attributes);
  const result = staticLightAttributes(attributes);
  for (const key of perStateKeys(caps)) result[key] = null;
  return result;
}

export interface LightOnState {
  brightness: number;
  colorMode: string;
  colorTempKelvin: number | null;
  color: { key: "hs_color" | "rgb_color" | "xy_color"; value: number[] } | null;
  effect: string | null;
}

export function lightOnAttributes(attributes: HaAttributes, on: LightOnState): HaAttributes {
  const caps = lightCapabilities(attributes);
  const result = staticLightAttributes(attributes);
  result.color_mode = on.colorMode;
  if (caps.supportsBrightness) result.brightness = on.brightness;
  if (caps.supportsColorTemp)
    result.color_temp_kelvin = on.colorMode === "color_temp" ? on.colorTempKelvin : null;
  if (caps.supportsColorTemp && on.colorMode === "color_temp" && on.colorTempKelvin !== null) {
    Object.assign(result, derivedColors(on.colorTempKelvin));
  } else if (caps.supportsColor || caps.supportsColorTemp) {
    result.hs_color = on.color?.key === "hs_color" ? on.color.value : null;
    result.rgb_color = on.color?.key === "rgb_color" ? on.color.value : null;
    result.xy_color = on.color?.key === "xy_color" ? on.color.value : null;
  }
  if (caps.features & LightFeature.EFFECT) result.effect = on.effect;
  return result;
}

/** Reads the on-state back out of attributes, for a light that is on or one remembered from before. */
export function readOnState(attributes: HaAttributes): LightOnState {
  const caps = lightCapabilities(attributes);
  const brightness = typeof attributes.brightness === "number" ? attributes.brightness : 255;
  const kelvin = typeof attributes.color_temp_kelvin === "number" ? attributes.color_temp_kelvin : null;
  let color: LightOnState["color"] = null;
  // In colour-temperature mode hs/rgb/xy are derived from the temperature, not a colour of their own.
  const derived = attributes.color_mode === "color_temp";
  for (const key of ["hs_color", "rgb_color", "xy_color"] as const) {
    const value = attributes[key];
    if (!derived && Array.isArray(value) && value.every((n) => typeof n === "number")) color = { key, value };
  }
  const defaultMode = caps.supportsColorTemp
    ? "color_temp"
    : (caps.colorModes.find((mode) => mode !== "onoff") ?? caps.colorModes[0] ?? "onoff");
  const colorMode = typeof attributes.color_mode === "string" ? attributes.color_mode : defaultMode;
  return {
    brightness,
    colorMode,
    colorTempKelvin:
      kelvin ?? (caps.supportsColorTemp ? Math.min(caps.maxKelvin, Math.max(caps.minKelvin, 2700)) : null),
    color,
    effect: typeof attributes.effect === "string" ? attributes.effect : null,
  };
}
