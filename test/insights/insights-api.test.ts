// The insights against a real hub: readings over MQTT (stress, steps, sleep) become stored hourly and daily
// summaries, the API answers the week with them, checks its input, and the summaries are the person's data:
// exported, deleted, and pruned with the episode history.
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsightsSchema } from "../../hub/insights/index.js";
import { AUTH, connectClient, type HubFixture, startHub } from "../api/fixture.js";
import { waitFor } from "../support/wait-for.js";

describe("weekly insights through the API", () => {
  let f: HubFixture;
  let wearable: MqttClient;

  beforeAll(async () => {
    f = await startHub({ time_zone: "UTC" });
    wearable = await connectClient(f.broker.url, `wearable_${f.base}`);
    const now = Date.now();
    // Half an hour of readings a minute apart: high stress at first, with steps; then a nap.
    for (let m = 30; m >= 1; m--) {
      const ts = now - m * 60_000;
      const body = m > 15 ? { ts, stress: 85, steps: 100 } : { ts, stress: 20, sleep: "asleep" };
      await wearable.publishAsync(`${f.base}/alice/wearable`, JSON.stringify(body), { qos: 1 });
    }
    await waitFor(() => f.hub.ingest.counters.accepted >= 30, { what: "readings accepted" });
  });

  afterAll(async () => {
    await wearable?.endAsync();
    await f?.stop();
  });

  const get = (url: string) => f.hub.api?.inject({ method: "GET", url, headers: AUTH });

  it("answers the week from what the hub saw, in the reply schema", async () => {
    const res = await get("/api/people/alice/insights?days=7");
    expect(res?.statusCode).toBe(200);
    const ins = InsightsSchema.parse(res?.json());
    expect(ins.person).toBe("alice");
    expect(ins.week.hours_with_data).toBeGreaterThanOrEqual(1);
    expect(ins.week.high_share).not.toBeNull();
    expect(ins.heatmap.filter((c) => c.high_share !== null).length).toBeGreaterThanOrEqual(1);
    expect(ins.week.words).toMatch(/Your stress was high \d+ % of the time this week/);
    const sleep = ins.relations.find((r) => r.id === "sleep_next_day");
    expect(sleep?.holds).toBe(false);
    expect(sleep?.words).toMatch(/Not enough data yet: [01] of 14 days/);
    // The stored summaries behind it: no raw reading, only counts and means.
    const days = f.hub.store.docs.forPerson("alice").filter((d) => d.scope === "activity_day");
    expect(days.length).toBeGreaterThanOrEqual(1);
    const steps = days.reduce((n, d) => n + (d.value as { steps: number }).steps, 0);
    expect(steps).toBe(1500);
    const asleep = days.reduce((n, d) => n + (d.value as { asleep_min: number }).asleep_min, 0);
    expect(asleep).toBeCloseTo(14, 0);
  });

  it("refuses an unknown person and a bad range clearly", async () => {
    const unknown = await get("/api/people/zed/insights");
    expect(unknown?.statusCode).toBe(404);
    expect(unknown?.json()).toMatchObject({ code: "CALM_ERR_NOT_FOUND" });
    const bad = await get("/api/people/alice/insights?days=0");
    expect(bad?.statusCode).toBe(400);
    expect(bad?.json()).toMatchObject({ code: "CALM_ERR_BAD_REQUEST" });
    const noToken = await f.hub.api?.inject({ method: "GET", url: "/api/people/alice/insights" });
    expect(noToken?.statusCode).toBe(401);
  });

  it("the summaries are exported with the person, pruned with the history, and deleted with them", async () => {
    await get("/api/people/alice/insights"); // flushes what was gathered
    const exported = await get("/api/people/alice/export");
    const documents: { scope: string }[] = exported?.json().documents ?? [];
    const scopes = new Set(documents.map((d) => d.scope));
    expect(scopes.has("stress_hour")).toBe(true);
    expect(scopes.has("activity_day")).toBe(true);
    // Retention: a summary older than the history keeps is dropped, the others stay.
    f.hub.store.docs.put("stress_hour", "bob:0", { person: "bob", at: 0, n: 5, mean: 50, high_n: 0 }, 0, 0);
    const pruned = f.hub.store.applyRetention(Date.now(), f.hub.config.store);
    expect(pruned.insight_summaries).toBe(1);
    expect(f.hub.store.docs.forPerson("alice").some((d) => d.scope === "stress_hour")).toBe(true);
    const del = await f.hub.api?.inject({ method: "DELETE", url: "/api/people/alice/data", headers: AUTH });
    expect(del?.statusCode).toBe(200);
    expect(
      f.hub.store.docs
        .forPerson("alice")
        .filter((d) => d.scope.startsWith("stress_") || d.scope === "activity_day"),
    ).toEqual([]);
    const after = InsightsSchema.parse((await get("/api/people/alice/insights"))?.json());
    expect(after.week.high_share).toBeNull();
  });
});
