import { describe, expect, it } from "vitest";
import { BaselineConfigSchema } from "../../hub/config/index.js";
import { Baseline } from "../../hub/detect/index.js";
import { T0, wobble } from "./helpers.js";

const config = BaselineConfigSchema.parse({ time_zone: "UTC" });

function feed(
  b: Baseline,
  from: number,
  minutes: number,
  value: (i: number) => number,
  metric: "hr" | "eda" = "hr",
): void {
  for (let i = 0; i < minutes * 60; i++) b.add("strap", metric, value(i), from + i * 1000);
}

describe("Baseline", () => {
  it("is not ready until it has min_minutes of minute aggregates", () => {
    const b = new Baseline(config);
    feed(b, T0, 3, () => 60);
    expect(b.ready("strap", "hr", T0 + 3 * 60_000)).toBe(false);
    feed(b, T0 + 3 * 60_000, 4, () => 60);
    expect(b.ready("strap", "hr", T0 + 7 * 60_000)).toBe(true);
    expect(b.ready("watch", "hr", T0 + 7 * 60_000)).toBe(false);
    expect(b.ready("strap", "eda", T0 + 7 * 60_000)).toBe(false);
  });

  it("shrugs off outliers: a tenth of readings wildly off barely moves median and spread", () => {
    const clean = new Baseline(config);
    const dirty = new Baseline(config);
    feed(clean, T0, 60, (i) => 62 + wobble(i, 3));
    feed(dirty, T0, 60, (i) => (i % 10 === 0 ? 190 : 62 + wobble(i, 3)));
    const at = T0 + 61 * 60_000;
    const c = clean.get("strap", "hr", at);
    const d = dirty.get("strap", "hr", at);
    expect(c?.median).toBeCloseTo(62, 0);
    expect(Math.abs((d?.median ?? 0) - (c?.median ?? 0))).toBeLessThan(1);
    expect(d?.spread).toBeLessThan(5);
  });

  it("a whole stressful quarter of an hour hardly shifts a day of baseline", () => {
    const b = new Baseline(BaselineConfigSchema.parse({ window_minutes: 720 }));
    feed(b, T0, 120, (i) => 60 + wobble(i, 2));
    feed(b, T0 + 120 * 60_000, 15, () => 110);
    expect(b.get("strap", "hr", T0 + 136 * 60_000)?.median).toBeLessThan(62);
  });

  it("keeps day parts apart and falls back to the pooled baseline for a part without data", () => {
    const b = new Baseline(config);
    feed(b, T0, 30, () => 60); // 08:00 UTC, morning
    const evening = Date.UTC(2026, 0, 5, 19, 0, 0);
    const pooled = b.get("strap", "hr", evening);
    expect(pooled?.scope).toBe("all");
    feed(b, evening, 30, () => 80);
    const ev = b.get("strap", "hr", evening + 31 * 60_000);
    expect(ev?.scope).toBe("evening");
    expect(ev?.median).toBe(80);
    expect(b.get("strap", "hr", T0 + 24 * 3600_000)?.median).toBe(60); // next morning
  });

  it("uses the time zone for day parts", () => {
    const b = new Baseline(BaselineConfigSchema.parse({ time_zone: "America/New_York" }));
    feed(b, T0, 10, () => 60); // 08:00 UTC is 03:00 in New York: night
    expect(b.get("strap", "hr", T0 + 11 * 60_000)?.scope).toBe("night");
  });

  it("never reports a spread below the metric's floor", () => {
    const b = new Baseline(config);
    feed(b, T0, 10, () => 60);
    expect(b.get("strap", "hr", T0 + 11 * 60_000)?.spread).toBe(config.spread_floor.hr);
  });

  it("round-trips through JSON and rejects a malformed document", () => {
    const b = new Baseline(config);
    feed(b, T0, 12, (i) => 60 + wobble(i, 4));
    feed(b, T0, 12, (i) => 1 + wobble(i, 0.1), "eda");
    const copy = Baseline.fromJSON(JSON.parse(JSON.stringify(b.toJSON())), config);
    const at = T0 + 13 * 60_000;
    expect(copy.get("strap", "hr", at)).toEqual(b.get("strap", "hr", at));
    expect(copy.get("strap", "eda", at)).toEqual(b.get("strap", "eda", at));
    expect(copy.toJSON()).toEqual(b.toJSON());
    expect(() => Baseline.fromJSON({ version: 2, buckets: {} }, config)).toThrow();
    expect(() => Baseline.fromJSON({ version: 1, buckets: { x: { minutes: ["a"] } } }, config)).toThrow();
  });
});
