// Actors: the demo's two rules as the hub runs them — `calm-episode` from config/examples/home.yaml and
// `stress-scene-nodered` as the example flow's calm-rule node saves it — fed by the real detector. The demo must
// tell one story (a gentle scene first, the calm episode if stress keeps rising), never two rules acting on the
// same room on the same reading.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseConfig, type Rule } from "../../hub/config/index.js";
import type { Sample, StressState } from "../../hub/core/index.js";
import { DEMO_CONFIG } from "../../hub/demo.js";
import { StressDetector } from "../../hub/detect/index.js";
import { evaluateRules, parseRule } from "../../hub/rules/index.js";

const require = createRequire(import.meta.url);
const { buildRule } = require("../../flows/nodes/calm-rule.cjs") as {
  buildRule(config: Record<string, unknown>): Record<string, unknown>;
};

function demoRules(): Rule[] {
  const config = parseConfig(readFileSync(DEMO_CONFIG, "utf8"), {
    CALM_MQTT_URL: "mqtt://127.0.0.1:1",
    CALM_API_TOKEN: "t".repeat(32),
  });
  const flow = JSON.parse(
    readFileSync(new URL("../../flows/examples/stress-rule.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>[];
  const node = flow.find((n) => n.type === "calm-rule");
  if (!node) throw new Error("no calm-rule in the example flow");
  return [...config.rules, parseRule(buildRule(node))];
}

/** Vendor stress readings every 2 s, as the demo's wearables send them; returns each reading's fired rules. */
function run(scores: number[]): string[][] {
  const rules = demoRules();
  const detector = new StressDetector();
  const fired = new Map<string, number>();
  const t0 = Date.UTC(2026, 11, 3, 15, 0);
  let previous: StressState | undefined;
  return scores.map((stress, i) => {
    const at = t0 + i * 2_000;
    const sample: Sample = {
      person: "alice",
      measured_at: at,
      received_at: at,
      source: "native",
      quality: 1,
      stress,
    };
    const state = detector.update(sample);
    if (!state) return [];
    const decisions = evaluateRules(
      rules,
      { person: "alice", state, previous },
      { now: at, timeZone: "UTC", lastFired: (rule) => fired.get(rule) },
    );
    previous = state;
    const names = decisions.filter((d) => d.outcome === "fired").map((d) => d.rule_id);
    for (const n of names) fired.set(n, at);
    return names;
  });
}

const ramp = (from: number, to: number, n: number) =>
  Array.from({ length: n }, (_, i) => Math.round(from + ((to - from) * i) / (n - 1)));

describe("the demo's rules tell one story", () => {
  it("both rules are in the demo, on the same person's room", () => {
    const ids = demoRules().map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(["calm-episode", "stress-scene-nodered"]));
  });

  it("stress rising slowly: first the calm scene, then the calm episode, never on the same reading", () => {
    // Calm, a climb over four minutes to a plateau, then a wobbly easing-off around the scene's threshold.
    const wobble = Array.from({ length: 150 }, (_, i) => Math.round(46 + 6 * Math.sin(i / 3) - i / 5));
    const fired = run([...ramp(20, 20, 30), ...ramp(20, 92, 120), ...ramp(92, 92, 60), ...wobble]);
    const order = fired.flat();
    expect(order.slice(0, 2)).toEqual(["stress-scene-nodered", "calm-episode"]);
    expect(fired.every((names) => names.length <= 1)).toBe(true);
    // Not again while the episode eases off: the scene's rule fired once in this quarter of an hour.
    expect(order.filter((n) => n === "stress-scene-nodered")).toHaveLength(1);
  });

  it("a sudden spike: only the calm episode acts", () => {
    const fired = run([...ramp(20, 20, 30), ...ramp(93, 93, 30)]);
    expect(fired.flat()).toEqual(["calm-episode"]);
  });
});
