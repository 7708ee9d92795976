import type { Registries } from "../registries.js";
import type { StateMachine } from "../state-machine.js";
import { domainOf } from "../stored-state.js";

export interface ResolvedTargets {
  entityIds: string[];
  explicitEntityIds: string[];
}

function asList(value: unknown): string[] {
  if (typeof value === "string")
    return value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** Expands entity/device/area targets to existing entities. Missing entities are dropped silently:
 * HA only logs "Referenced entities ... are missing" and the call still succeeds. */
export function resolveTargets(
  data: Record<string, unknown>,
  entityDomain: string | undefined,
  states: StateMachine,
  registries: Registries,
): ResolvedTargets {
  const inDomain = (entityId: string): boolean => !entityDomain || domainOf(entityId) === entityDomain;
  const explicit = asList(data.entity_id);
  const picked = new Set<string>();
  if (explicit.includes("all")) {
    for (const id of states.ids()) if (inDomain(id)) picked.add(id);
  }
  for (const id of explicit) if (states.has(id) && inDomain(id)) picked.add(id);
  const deviceIds = asList(data.device_id);
  const areaIds = asList(data.area_id);
  if (deviceIds.length > 0 || areaIds.length > 0) {
    for (const id of states.ids()) {
      if (!inDomain(id)) continue;
      const device = registries.deviceOfEntity(id);
      const area = registries.areaOfEntity(id);
      if ((device && deviceIds.includes(device)) || (area && areaIds.includes(area))) picked.add(id);
    }
  }
  return {
    entityIds: [...picked],
    explicitEntityIds: explicit.filter((id) => id !== "all" && states.has(id) && inDomain(id)),
  };
}
