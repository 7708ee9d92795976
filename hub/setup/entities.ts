import type { Config } from "../config/index.js";

export interface ConfiguredEntity {
  entity_id: string;
  /** Where in the config it is named, e.g. "rooms.living_room.lights" or "rules[0] (alice)". */
  where: string;
}

/** The people a `{person}` template stands for: the configured ones, else those given on the command line. */
export function peopleOf(config: Config, extra: readonly string[] = []): string[] {
  return [...new Set([...Object.keys(config.people), ...extra])].sort();
}

function ids(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Every Home Assistant entity the config names: rooms' lights and speakers, HA sensor sources, and the
 * entity_id targets of rules, with `{person}` expanded for each person the rule applies to.
 */
export function configuredEntities(config: Config, people: readonly string[]): ConfiguredEntity[] {
  const out: ConfiguredEntity[] = [];
  for (const [id, room] of Object.entries(config.rooms)) {
    for (const light of room.lights) out.push({ entity_id: light, where: `rooms.${id}.lights` });
    if (room.media_player) out.push({ entity_id: room.media_player, where: `rooms.${id}.media_player` });
  }
  for (const [person, p] of Object.entries(config.people))
    p.sources.forEach((source, i) => {
      if ("entity_id" in source)
        out.push({ entity_id: source.entity_id, where: `people.${person}.sources[${i}]` });
    });
  config.rules.forEach((rule, i) => {
    rule.actions.forEach((action, j) => {
      for (const template of ids(action.target?.entity_id)) {
        const where = `rules[${i}].actions[${j}] (${rule.id})`;
        if (!template.includes("{person}")) out.push({ entity_id: template, where });
        else
          for (const person of rule.people ?? people)
            out.push({ entity_id: template.replaceAll("{person}", person), where: `${where} for ${person}` });
      }
    });
  });
  return out;
}

/** The configured entities Home Assistant does not have, in config order. */
export function missingEntities(
  configured: readonly ConfiguredEntity[],
  existing: Iterable<string>,
): ConfiguredEntity[] {
  const have = new Set(existing);
  return configured.filter((e) => !have.has(e.entity_id));
}

export function formatMissing(missing: readonly ConfiguredEntity[]): string[] {
  return missing.map((m) => `${m.entity_id} (${m.where})`);
}
