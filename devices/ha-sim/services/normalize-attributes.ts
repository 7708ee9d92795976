import { domainOf } from "../stored-state.js";
import type { HaAttributes } from "../types.js";
import { derivedColors } from "./color.js";
import { lightCapabilities, lightOffAttributes } from "./light-model.js";

/** A light that is off reports its per-state keys as `null`, whoever switched it off; one that is on in
 * colour-temperature mode also reports that white as hs, rgb and xy. */
export function lightLikeAttributes(entityId: string, state: string, attributes: HaAttributes): HaAttributes {
  if (domainOf(entityId) !== "light") return attributes;
  if (state === "off") return lightOffAttributes(attributes);
  const kelvin = attributes.color_temp_kelvin;
  if (
    state === "on" &&
    attributes.color_mode === "color_temp" &&
    typeof kelvin === "number" &&
    lightCapabilities(attributes).supportsColorTemp
  )
    return { ...attributes, ...derivedColors(kelvin) };
  return attributes;
}
