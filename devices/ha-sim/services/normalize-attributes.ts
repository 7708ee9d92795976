import { domainOf } from "../stored-state.js";
import type { HaAttributes } from "../types.js";
import { lightOffAttributes } from "./light-model.js";

/** A light that is off reports its per-state keys as `null`, whoever switched it off. */
export function lightLikeAttributes(entityId: string, state: string, attributes: HaAttributes): HaAttributes {
  if (domainOf(entityId) === "light" && state === "off") return lightOffAttributes(attributes);
  return attributes;
}
