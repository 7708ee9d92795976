import { HaError, serviceValidationError } from "../ha-error.js";
import type { SimHome } from "../sim-home.js";
import type { ServiceCall } from "./service-types.js";

/** voluptuous `Exclusive`: two keys of one group in the same call is a schema error. */
export function checkExclusive(data: Record<string, unknown>, group: string, keys: readonly string[]): void {
  const present = keys.filter((key) => data[key] !== undefined);
  if (present.length > 1) {
    throw new HaError(
      "invalid_format",
      `two or more values in the same group of exclusion '${group}' @ data[<${group}>]`,
    );
  }
}

/** Entities that support `feature`. An entity named directly that lacks it fails the whole call before
 * anything runs; entities reached via area or device are skipped quietly, as HA does. */
export function entitiesSupporting(call: ServiceCall, home: SimHome, feature: number): string[] {
  const supported: string[] = [];
  for (const entityId of call.entityIds) {
    const features = home.states.get(entityId)?.attributes.supported_features;
    if (typeof features === "number" && (features & feature) === feature) {
      supported.push(entityId);
    } else if (call.explicitEntityIds.includes(entityId)) {
      throw serviceValidationError(
        `Entity ${entityId} does not support action ${call.domain}.${call.service}.`,
        {
          translation_key: "service_not_supported",
          translation_domain: "homeassistant",
          translation_placeholders: { domain: call.domain, service: call.service, entity_id: entityId },
        },
      );
    }
  }
  return supported;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
