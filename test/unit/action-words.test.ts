// Actors: a person reading "What the hub did". Entries as the action runner stores them: with a cause (newer
// hubs) and without (logs written before causes were recorded); the words must never blame a stress score for
// what a wind-down, a button or an older Node-RED call did.
import { describe, expect, it } from "vitest";
import { describeAction, groupActions } from "../../hub/api/index.js";
import type { ActionCause } from "../../hub/core/index.js";
import type { ActionLogEntry } from "../../hub/store/index.js";

function entry(key: string, at: number, call: ActionLogEntry["call"], cause?: ActionCause): ActionLogEntry {
  return {
    key,
    at,
    rule_id: cause?.kind === "wind_down" ? "wind-down" : "node-red",
    person: "home",
    trigger: { score: 0, level: "calm", at, ...(cause ? { cause } : {}) },
    call,
    result: "ok",
    detail: "done",
    latency_ms: 10,
  };
}

const light = (id: string, pct: number): ActionLogEntry["call"] => ({
  domain: "light",
  service: "turn_on",
  target: { entity_id: id },
  data: { brightness_pct: pct },
});

describe("the action log by decision", () => {
  it("one wind-down step is one line that says it was time, with its lights under it", () => {
    const cause: ActionCause = {
      kind: "wind_down",
      id: "winddown:2026-12-03:living_room:2",
      why: "it was time to wind down",
      summary: "it was time to wind down → wind-down in the Living room, step 3 of 12: lights to 40 %",
    };
    const groups = groupActions([
      entry("winddown:x:2:1", 2, light("light.hall", 40), cause),
      entry("winddown:x:2:0", 1, light("light.living_room", 40), cause),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      kind: "wind_down",
      result: "ok",
      summary:
        "it was time to wind down → wind-down in the Living room, step 3 of 12: lights to 40 %: dimmed 2 lights",
    });
    expect(groups[0]?.calls.map((c) => c.text)).toEqual([
      "light.turn_on on light.living_room: Home Assistant did it",
      "light.turn_on on light.hall: Home Assistant did it",
    ]);
  });

  it("a failed call shows on its decision's line", () => {
    const cause: ActionCause = {
      kind: "api",
      id: "api:1",
      why: "a request to the hub's API",
      summary: "a request to the hub's API",
    };
    const failed = {
      ...entry("api:1", 5, light("light.hall", 40), cause),
      result: "error" as const,
      detail: "entity not found",
    };
    const [group] = groupActions([failed]);
    expect(group?.result).toBe("failed");
    expect(group?.summary).toBe("a request to the hub's API: dimmed 1 light — not done: entity not found");
  });

  it("entries from before causes were logged still read true: no stress score for an API call", () => {
    const old = entry("node-red:abc", 9, {
      domain: "scene",
      service: "turn_on",
      target: { entity_id: "scene.calm_bob" },
    });
    expect(describeAction(old)).toBe(
      "a Node-RED flow or an API request → Home Assistant: scene.turn_on on scene.calm_bob: Home Assistant did it.",
    );
    expect(describeAction(old)).not.toContain("stress");
  });
});
