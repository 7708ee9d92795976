import type { EntityFilterConfig } from "./client-messages.js";
import { domainOf } from "./stored-state.js";

function globToRegex(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

function matchesAny(entityId: string, filter: EntityFilterConfig): boolean {
  if (filter.entities?.includes(entityId)) return true;
  if (filter.domains?.includes(domainOf(entityId))) return true;
  return filter.entity_globs?.some((glob) => globToRegex(glob).test(entityId)) ?? false;
}

/** `subscribe_entities` filtering: `entity_ids` and the include/exclude filter must both let an entity pass. */
export function entityFilter(
  entityIds: string[] | undefined,
  include: EntityFilterConfig | undefined,
  exclude: EntityFilterConfig | undefined,
): (entityId: string) => boolean {
  return (entityId) => {
    if (entityIds && !entityIds.includes(entityId)) return false;
    if (include && !matchesAny(entityId, include)) return false;
    if (exclude && matchesAny(entityId, exclude)) return false;
    return true;
  };
}
