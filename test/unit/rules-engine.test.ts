import { describe, expect, it } from "vitest";
import { type Rule, RuleSchema } from "../../hub/config/index.js";
import type { StressState } from "../../hub/core/index.js";
import { evaluateRules, type RuleContext } from "../../hub/rules/index.js";

const rule = (over: Partial<Record<string, unknown>> = {}): Rule =>
  RuleSchema.parse({
    id: "stress-scene",
    trigger: { type: "stress", above: 70 },
    cooldown_s: 60,
    actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }],
    ...over,
  });

const T0 = Date.UTC(2026, 10, 27, 18, 0); // 19:00 in Berlin
const state = (score: number, at = T0): StressState => ({
  person: "alice",
  level: score >= 70 ? "high" : "calm",
  score,
  since: at,
  at,
  reason: "test",
  baseline_ready: true,
  actionable: true,
});
const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({
  now: T0,
  timeZone: "Europe/Berlin",
  lastFired: () => undefined,
  ...over,
});

describe("rules engine", () => {
  it("fires when the score crosses the threshold, with the person substituted and a TTL", () => {
    const [d] = evaluateRules([rule()], { person: "alice", state: state(90), previous: state(40) }, ctx());
    expect(d?.outcome).toBe("fired");
    expect(d?.actions).toHaveLength(1);
    expect(d?.actions[0]).toMatchObject({
      domain: "scene",
      service: "turn_on",
      target: { entity_id: "scene.calm_alice" },
      not_after: T0 + 30_000,
    });
  });

  it("does not fire again while the score stays above the threshold", () => {
    expect(
      evaluateRules([rule()], { person: "alice", state: state(95), previous: state(90) }, ctx()),
    ).toEqual([]);
  });

  it("holds back within the cooldown, and says so", () => {
    const [d] = evaluateRules(
      [rule()],
      { person: "alice", state: state(90), previous: state(20) },
      ctx({ lastFired: () => T0 - 30_000 }),
    );
    expect(d).toMatchObject({ outcome: "cooldown", actions: [] });
    expect(d?.detail).toBe("cooling down for 30 s more");
    const [after] = evaluateRules(
      [rule()],
      { person: "alice", state: state(90), previous: state(20) },
      ctx({ lastFired: () => T0 - 61_000 }),
    );
    expect(after?.outcome).toBe("fired");
  });

  it("respects time-of-day conditions in the configured zone, across midnight", () => {
    const night = rule({ conditions: [{ type: "time", after: "22:00", before: "07:00" }] });
    const evening = evaluateRules([night], { person: "alice", state: state(90) }, ctx());
    expect(evening[0]?.outcome).toBe("conditions");
    const lateNight = Date.UTC(2026, 10, 27, 23, 30); // 00:30 Berlin
    const [d] = evaluateRules(
      [night],
      { person: "alice", state: state(90, lateNight) },
      ctx({ now: lateNight }),
    );
    expect(d?.outcome).toBe("fired");
  });

  it("limits a rule to its people", () => {
    const onlyBob = rule({ people: ["bob"] });
    expect(evaluateRules([onlyBob], { person: "alice", state: state(90) }, ctx())).toEqual([]);
  });

  it("gives the same decision the same idempotency key", () => {
    const e = { person: "alice", state: state(90), previous: state(10) };
    const a = evaluateRules([rule()], e, ctx())[0]?.actions[0]?.key;
    const b = evaluateRules([rule()], e, ctx({ now: T0 + 5 }))[0]?.actions[0]?.key;
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it("fires level triggers on the change only", () => {
    const lvl = rule({ trigger: { type: "level", to: "high" } });
    expect(
      evaluateRules([lvl], { person: "alice", state: state(80), previous: state(30) }, ctx())[0]?.outcome,
    ).toBe("fired");
    expect(evaluateRules([lvl], { person: "alice", state: state(85), previous: state(80) }, ctx())).toEqual(
      [],
    );
  });
});
