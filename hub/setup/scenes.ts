import type { Config } from "../config/index.js";

export interface CalmScene {
  /** Home Assistant's scene id; the entity is scene.<id>. */
  id: string;
  name: string;
  /** Per light: what the scene sets. */
  entities: Record<string, { state: "on"; brightness: number; color_temp_kelvin: number }>;
}

/** A person's lights: their room's, else the voice default room's, else every configured room's. */
function lightsFor(config: Config, person: string): string[] {
  const room = config.people[person]?.room ?? config.voice.default_room;
  const own = room === undefined ? undefined : config.rooms[room]?.lights;
  if (own && own.length > 0) return own;
  return [...new Set(Object.values(config.rooms).flatMap((r) => r.lights))];
}

function brightness(pct: number): number {
  return Math.round((pct / 100) * 255);
}

/**
 * The scenes the example rule (`scene.calm_{person}`) and the voice flow (`scene.calm_night_{person}`) turn
 * on, with the calm episode's own brightness and warmth, so a scene looks like what the hub would do itself.
 */
export function calmScenes(
  config: Config,
  people: readonly string[],
  extraLights: readonly string[] = [],
): CalmScene[] {
  const e = config.episodes;
  const scenes: CalmScene[] = [];
  for (const person of people) {
    const lights = [...new Set([...lightsFor(config, person), ...extraLights])];
    const make = (pct: number): CalmScene["entities"] =>
      Object.fromEntries(
        lights.map((l) => [
          l,
          { state: "on" as const, brightness: brightness(pct), color_temp_kelvin: e.color_temp_kelvin },
        ]),
      );
    // Home Assistant derives a YAML scene's entity id from its name, so the name spells the id the rules use.
    scenes.push({ id: `calm_${person}`, name: `Calm ${person}`, entities: make(e.brightness_pct) });
    scenes.push({
      id: `calm_night_${person}`,
      name: `Calm night ${person}`,
      entities: make(e.night_brightness_pct),
    });
  }
  return scenes;
}

/** The scenes as Home Assistant's scenes.yaml takes them (Settings → Automations & scenes, or the file). */
export function scenesYaml(scenes: readonly CalmScene[]): string {
  const lines = [
    "# Calm Hub's scenes: add to Home Assistant's scenes.yaml (it is included by configuration.yaml's",
    "# `scene: !include scenes.yaml`), then Developer tools → YAML → Reload scenes.",
  ];
  for (const s of scenes) {
    lines.push(`- id: ${s.id}`, `  name: "${s.name}"`, "  entities:");
    const entries = Object.entries(s.entities);
    if (entries.length === 0)
      lines.push("    light.replace_me: # no room lights configured: name your lights here");
    for (const [entity, v] of entries)
      lines.push(
        `    ${entity}:`,
        `      state: "on"`,
        `      brightness: ${v.brightness}`,
        `      color_temp_kelvin: ${v.color_temp_kelvin}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
