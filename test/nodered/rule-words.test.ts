// Actors: a person editing a calm-rule node in the Node-RED editor. When they change the threshold, the words
// the hub shows (the rule's description) and the node's label in the editor follow the new number.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { buildRule } = require("../../flows/nodes/calm-rule.cjs") as {
  buildRule(config: Record<string, unknown>): { description?: string; conditions?: unknown[] };
};

const node = {
  rule_id: "stress-scene",
  trigger_type: "stress",
  threshold: 45,
  level: "high",
  actions: '[{"action": "scene.turn_on", "target": {"entity_id": "scene.calm_{person}"}}]',
};

/** The editor's label function, taken from the node's own HTML as Node-RED runs it. */
function editorLabel(config: Record<string, unknown>): string {
  const html = readFileSync(new URL("../../flows/nodes/calm-rule.html", import.meta.url), "utf8");
  const body = /label: function \(\) \{([\s\S]*?)\n {6}\},\n/.exec(html)?.[1];
  if (!body) throw new Error("no label function in calm-rule.html");
  return new Function(body).call(config) as string;
}

describe("a calm-rule's words follow its threshold", () => {
  it("fills {threshold} into the description, so a changed number leaves no stale one", () => {
    const description = "Stress reaches {threshold}: calm scene";
    expect(buildRule({ ...node, description }).description).toBe("Stress reaches 45: calm scene");
    expect(buildRule({ ...node, description, threshold: 80 }).description).toBe(
      "Stress reaches 80: calm scene",
    );
  });

  it("writes the description from the trigger when none is given", () => {
    expect(buildRule({ ...node, threshold: 62, only_level: "calm,elevated" }).description).toBe(
      "Stress score reaches 62 while the level is calm or elevated: scene.turn_on scene.calm_{person}",
    );
    expect(buildRule({ ...node, only_level: "calm,elevated" }).conditions).toEqual([
      { type: "level", in: ["calm", "elevated"] },
    ]);
  });

  it("labels the node from the current threshold, in the name too", () => {
    expect(editorLabel({ ...node, threshold: 45 })).toBe("stress ≥ 45 → stress-scene");
    expect(editorLabel({ ...node, threshold: 80 })).toBe("stress ≥ 80 → stress-scene");
    expect(editorLabel({ ...node, threshold: 80, name: "scene at {threshold}" })).toBe("scene at 80");
    expect(editorLabel({ ...node, trigger_type: "level", level: "elevated" })).toBe(
      "level elevated → stress-scene",
    );
  });
});
