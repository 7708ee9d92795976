import type { SimHome } from "../sim-home.js";
import { domainOf } from "../stored-state.js";
import type { HaAttributes, HaContext, SceneMemberTarget } from "../types.js";
import { applyLightOff, applyLightOn, type LightTurnOnParams } from "./light.js";
import { playMedia, setPlayerState, setVolume } from "./media-player.js";

function splitTarget(target: SceneMemberTarget): { state: string; attributes: HaAttributes } {
  if (typeof target === "string") return { state: target, attributes: {} };
  const { state, ...attributes } = target;
  return { state, attributes };
}

/** Brings one entity to a scene's target the way each domain's `reproduce_state` does: through the
 * domain's own services, so lights pass through the same filtering as a direct call. */
export function reproduceState(
  home: SimHome,
  entityId: string,
  target: SceneMemberTarget,
  context: HaContext,
  transition: number | undefined,
): void {
  const current = home.states.get(entityId);
  if (!current) return;
  const { state, attributes } = splitTarget(target);
  switch (domainOf(entityId)) {
    case "light": {
      if (state !== "on") {
        applyLightOff(home, entityId, transition, context);
        return;
      }
      const params: LightTurnOnParams = {};
      if (transition !== undefined) params.transition = transition;
      if (typeof attributes.brightness === "number") params.brightness = attributes.brightness;
      const mode = attributes.color_mode;
      if (typeof attributes.color_temp_kelvin === "number" && (mode === undefined || mode === "color_temp")) {
        params.color_temp_kelvin = attributes.color_temp_kelvin;
      } else {
        const numbers = (value: unknown): number[] | null =>
          Array.isArray(value) && value.every((n) => typeof n === "number") ? value : null;
        const hs = numbers(attributes.hs_color);
        const rgb = numbers(attributes.rgb_color);
        const xy = numbers(attributes.xy_color);
        if (mode === "rgb" && rgb?.length === 3) params.rgb_color = [rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0];
        else if (mode === "xy" && xy?.length === 2) params.xy_color = [xy[0] ?? 0, xy[1] ?? 0];
        else if (hs?.length === 2) params.hs_color = [hs[0] ?? 0, hs[1] ?? 0];
      }
      if (typeof attributes.effect === "string") params.effect = attributes.effect;
      applyLightOn(home, entityId, params, context);
      return;
    }
    case "media_player": {
      if (state === "playing" && typeof attributes.media_content_id === "string") {
        playMedia(
          home,
          entityId,
          {
            media_content_id: attributes.media_content_id,
            media_content_type: String(attributes.media_content_type ?? "music"),
            media_title: attributes.media_title,
          },
          context,
        );
      } else {
        setPlayerState(home, entityId, state, context);
      }
      if (typeof attributes.volume_level === "number" && state !== "off") {
        setVolume(home, entityId, attributes.volume_level, context);
      }
      return;
    }
    default:
      home.states.set(entityId, state, { ...current.attributes, ...attributes }, context);
  }
}
