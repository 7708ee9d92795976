import { z } from "zod";
import { parseOrInvalid } from "../client-messages.js";
import type { SimHome } from "../sim-home.js";
import type { HaContext } from "../types.js";
import { roundHalfEven } from "./color.js";
import {
  LightFeature,
  type LightOnState,
  lightCapabilities,
  lightOffAttributes,
  lightOnAttributes,
  readOnState,
} from "./light-model.js";
import { checkExclusive, clamp } from "./service-helpers.js";
import type { ServiceDefinition } from "./service-types.js";

const BRIGHTNESS_GROUP = ["brightness", "brightness_pct", "brightness_step", "brightness_step_pct"] as const;
const COLOR_GROUP = [
  "color_name",
  "color_temp_kelvin",
  "hs_color",
  "rgb_color",
  "rgbw_color",
  "rgbww_color",
  "xy_color",
  "white",
  "color_temp",
  "kelvin",
] as const;

const byte = z.number().int().min(0).max(255);

const turnOnSchema = z.looseObject({
  transition: z.coerce
    .number()
    .transform((value) => clamp(value, 0, 6553))
    .optional(),
  brightness: z.coerce
    .number()
    .transform((value) => clamp(Math.round(value), 0, 255))
    .optional(),
  brightness_pct: z.coerce.number().min(0).max(100).optional(),
  brightness_step: z.coerce.number().min(-255).max(255).optional(),
  brightness_step_pct: z.coerce.number().min(-100).max(100).optional(),
  color_temp_kelvin: z.coerce.number().int().positive().optional(),
  color_temp: z.coerce.number().int().positive().optional(),
  kelvin: z.coerce.number().int().positive().optional(),
  hs_color: z.tuple([z.number().min(0).max(360), z.number().min(0).max(100)]).optional(),
  rgb_color: z.tuple([byte, byte, byte]).optional(),
  rgbw_color: z.tuple([byte, byte, byte, byte]).optional(),
  rgbww_color: z.tuple([byte, byte, byte, byte, byte]).optional(),
  xy_color: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
  color_name: z.string().optional(),
  white: z.union([z.literal(true), byte]).optional(),
  profile: z.string().optional(),
  flash: z.enum(["short", "long"]).optional(),
  effect: z.string().optional(),
});
export type LightTurnOnParams = z.infer<typeof turnOnSchema>;

const turnOffSchema = z.looseObject({
  transition: z.coerce
    .number()
    .transform((value) => clamp(value, 0, 6553))
    .optional(),
  flash: z.enum(["short", "long"]).optional(),
});

export function parseTurnOn(data: Record<string, unknown>): LightTurnOnParams {
  checkExclusive(data, "brightness", BRIGHTNESS_GROUP);
  checkExclusive(data, "Color descriptors", COLOR_GROUP);
  return parseOrInvalid(turnOnSchema, data);
}

/** Applies `light.turn_on` to one light, dropping what it cannot do (HA's `filter_turn_on_params`). */
export function applyLightOn(
  home: SimHome,
  entityId: string,
  params: LightTurnOnParams,
  context: HaContext,
): Record<string, unknown> {
  const current = home.states.get(entityId);
  if (!current) return {};
  const caps = lightCapabilities(current.attributes);
  const isOn = current.state === "on";
  const remembered = home.memory.get(entityId);
  const on: LightOnState = readOnState(isOn ? current.attributes : (remembered ?? current.attributes));
  const applied: Record<string, unknown> = {};

  if (params.transition !== undefined && caps.features & LightFeature.TRANSITION) {
    applied.transition = params.transition;
  }
  if (caps.supportsBrightness) {
    const base = isOn ? on.brightness : 0;
    let brightness: number | undefined;
    if (params.brightness !== undefined) brightness = params.brightness;
    else if (params.brightness_pct !== undefined)
      brightness = roundHalfEven((255 * params.brightness_pct) / 100);
    else if (params.brightness_step !== undefined) brightness = base + params.brightness_step;
    else if (params.brightness_step_pct !== undefined)
      brightness = base + roundHalfEven((255 * params.brightness_step_pct) / 100);
    if (brightness !== undefined) {
      on.brightness = clamp(Math.round(brightness), 0, 255);
      applied.brightness = on.brightness;
      if (on.brightness === 0)
        return { ...applyLightOff(home, entityId, params.transition, context), brightness: 0 };
    }
  }
  const kelvin =
    params.color_temp_kelvin ??
    params.kelvin ??
    (params.color_temp !== undefined ? Math.round(1_000_000 / params.color_temp) : undefined);
  if (kelvin !== undefined && caps.supportsColorTemp) {
    on.colorMode = "color_temp";
    on.colorTempKelvin = clamp(kelvin, caps.minKelvin, caps.maxKelvin);
    on.color = null;
    applied.color_temp_kelvin = on.colorTempKelvin;
  } else if (caps.supportsColor) {
    const mode = (preferred: string): string =>
      caps.colorModes.includes(preferred)
        ? preferred
        : (caps.colorModes.find((m) => m !== "color_temp") ?? preferred);
    if (params.hs_color) on.color = { key: "hs_color", value: [...params.hs_color] };
    else if (params.rgb_color) on.color = { key: "rgb_color", value: [...params.rgb_color] };
    else if (params.xy_color) on.color = { key: "xy_color", value: [...params.xy_color] };
    if (params.hs_color || params.rgb_color || params.xy_color) {
      const key = on.color?.key ?? "hs_color";
      on.colorMode = mode(key.replace("_color", ""));
      applied[key] = on.color?.value;
    }
  }
  if (params.effect !== undefined && caps.features & LightFeature.EFFECT) {
    on.effect = params.effect;
    applied.effect = params.effect;
  }
  if (params.flash !== undefined && caps.features & LightFeature.FLASH) applied.flash = params.flash;
  if (!caps.supportsBrightness) on.colorMode = caps.colorModes.includes("onoff") ? "onoff" : on.colorMode;

  const attributes = lightOnAttributes(current.attributes, on);
  home.states.set(entityId, "on", attributes, context);
  home.memory.set(entityId, attributes);
  return applied;
}

export function applyLightOff(
  home: SimHome,
  entityId: string,
  transition: number | undefined,
  context: HaContext,
): Record<string, unknown> {
  const current = home.states.get(entityId);
  if (!current) return {};
  const caps = lightCapabilities(current.attributes);
  if (current.state === "on") home.memory.set(entityId, current.attributes);
  home.states.set(entityId, "off", lightOffAttributes(current.attributes), context);
  return transition !== undefined && caps.features & LightFeature.TRANSITION ? { transition } : {};
}

const lightFields = {
  transition: { selector: { number: { min: 0, max: 300, unit_of_measurement: "seconds" } } },
  brightness_pct: { selector: { number: { min: 0, max: 100, unit_of_measurement: "%" } } },
  brightness: { selector: { number: { min: 0, max: 255 } } },
  color_temp_kelvin: { selector: { color_temp: { unit: "kelvin", min: 2000, max: 6500 } } },
};

export function lightServices(): ServiceDefinition[] {
  return [
    {
      domain: "light",
      service: "turn_on",
      name: "Turn on",
      description: "Turns on one or more lights and adjusts their properties.",
      fields: lightFields,
      entityDomain: "light",
      handler: (call, home) => {
        const params = parseTurnOn(call.data);
        for (const id of call.entityIds) {
          const before = home.states.get(id);
          call.applied[id] = applyLightOn(home, id, params, call.context);
          home.devices.lightTurnedOn(id, before, params.transition);
        }
      },
    },
    {
      domain: "light",
      service: "turn_off",
      name: "Turn off",
      description: "Turns off one or more lights.",
      fields: { transition: lightFields.transition },
      entityDomain: "light",
      handler: (call, home) => {
        const params = parseOrInvalid(turnOffSchema, call.data);
        for (const id of call.entityIds)
          call.applied[id] = applyLightOff(home, id, params.transition, call.context);
      },
    },
    {
      domain: "light",
      service: "toggle",
      name: "Toggle",
      description: "Toggles one or more lights.",
      fields: lightFields,
      entityDomain: "light",
      handler: (call, home) => {
        const params = parseTurnOn(call.data);
        for (const id of call.entityIds) {
          const before = home.states.get(id);
          if (before?.state === "on")
            call.applied[id] = applyLightOff(home, id, params.transition, call.context);
          else {
            call.applied[id] = applyLightOn(home, id, params, call.context);
            home.devices.lightTurnedOn(id, before, params.transition);
          }
        }
      },
    },
  ];
}
