import type { SimHome } from "../sim-home.js";
import { domainOf } from "../stored-state.js";
import type { HaContext } from "../types.js";
import { applyLightOff, applyLightOn } from "./light.js";
import { setPlayerState } from "./media-player.js";
import { applyScene } from "./scene.js";
import type { ServiceDefinition } from "./service-types.js";

type OnOff = "turn_on" | "turn_off" | "toggle";

function resolveAction(action: OnOff, currentState: string | undefined): "on" | "off" {
  if (action === "toggle") return currentState === "on" || currentState === "playing" ? "off" : "on";
  return action === "turn_on" ? "on" : "off";
}

/** Switches one entity of any domain, the way `homeassistant.turn_on/off` fans out per domain. */
export function switchEntity(home: SimHome, entityId: string, action: OnOff, context: HaContext): void {
  const current = home.states.get(entityId);
  if (!current) return;
  const target = resolveAction(action, current.state);
  switch (domainOf(entityId)) {
    case "light":
      if (target === "on") applyLightOn(home, entityId, {}, context);
      else applyLightOff(home, entityId, undefined, context);
      return;
    case "media_player":
      if (target === "off") setPlayerState(home, entityId, "off", context);
      else if (current.state === "off") setPlayerState(home, entityId, "idle", context);
      return;
    case "scene": {
      const scene = home.scenes.get(entityId);
      if (target === "on" && scene) applyScene(home, scene.members, context, undefined);
      return;
    }
    default:
      home.states.set(entityId, target, current.attributes, context);
  }
}

function onOffService(domain: string, action: OnOff, entityDomain: string | undefined): ServiceDefinition {
  const label = action === "toggle" ? "Toggle" : action === "turn_on" ? "Turn on" : "Turn off";
  return {
    domain,
    service: action,
    name: label,
    description: `${label} one or more entities.`,
    fields: {},
    ...(entityDomain ? { entityDomain } : {}),
    handler: (call, home) => {
      for (const id of call.entityIds) {
        switchEntity(home, id, action, call.context);
        call.applied[id] = {};
      }
    },
  };
}

export function onOffServices(): ServiceDefinition[] {
  const actions: OnOff[] = ["turn_on", "turn_off", "toggle"];
  return [
    ...actions.map((action) => onOffService("homeassistant", action, undefined)),
    ...actions.map((action) => onOffService("input_boolean", action, "input_boolean")),
    ...actions.map((action) => onOffService("switch", action, "switch")),
  ];
}
