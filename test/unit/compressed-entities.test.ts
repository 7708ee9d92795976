import type { HassEntities } from "home-assistant-js-websocket";
import { describe, expect, it } from "vitest";
import { applyCompressed } from "../../hub/ha/compressed-entities.js";

describe("compressed entity stream (subscribe_entities)", () => {
  it("adds, diffs (+ and -), and removes entities the way Home Assistant sends them", () => {
    const entities: HassEntities = {};
    applyCompressed(
      entities,
      { a: { "light.a": { s: "on", a: { brightness: 200, effect: "none" }, c: "ctx1", lc: 1_700_000_000 } } },
      true,
    );
    expect(entities["light.a"]).toMatchObject({
      state: "on",
      attributes: { brightness: 200 },
      context: { id: "ctx1", user_id: null },
    });

    const changed = applyCompressed(
      entities,
      {
        c: {
          "light.a": {
            "+": { s: "off", a: { brightness: null }, c: { id: "ctx2", user_id: "u1" }, lc: 1_700_000_060 },
            "-": { a: ["effect"] },
          },
        },
      },
      false,
    );
    expect(changed.map((e) => e.entity_id)).toEqual(["light.a"]);
    expect(entities["light.a"]).toMatchObject({
      state: "off",
      attributes: { brightness: null },
      context: { id: "ctx2", user_id: "u1" },
    });
    expect(entities["light.a"]?.attributes).not.toHaveProperty("effect");
    expect(entities["light.a"]?.last_changed).toBe(new Date(1_700_000_060_000).toISOString());

    applyCompressed(entities, { r: ["light.a"] }, false);
    expect(entities).toEqual({});
  });

  it("treats the first snapshot after a reconnect as the whole picture", () => {
    const entities: HassEntities = {};
    applyCompressed(entities, { a: { "light.a": { s: "on" }, "light.gone": { s: "on" } } }, true);
    applyCompressed(entities, { a: { "light.a": { s: "off" } } }, true);
    expect(Object.keys(entities)).toEqual(["light.a"]);
  });
});
