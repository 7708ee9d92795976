// Actors: two Metrics as two hubs in one process would have them, scraped as Prometheus would (the text
// format parsed line by line), and prom-client's global registry, which neither may touch.
import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import { Metrics } from "../../hub/api/index.js";

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("Metrics (prom-client, one registry per hub)", () => {
  it("two hubs count apart, under the same names, and leave the global registry alone", async () => {
    const make = (accepted: number) =>
      new Metrics({
        ingest: () => ({ accepted, rejected: { too_large: accepted } }),
        links: () => ({ mqtt: "online", home_assistant: "offline" }),
        people: () => accepted,
        version: "1.2.3",
      });
    const a = make(5);
    const b = make(7);
    a.decision("fired");
    a.decision("fired");
    b.decision("cooldown");
    b.action("ok", 120);
    const [ta, tb] = [await a.render(), await b.render()];
    expect(sample(ta, "calm_readings_total")).toBe(5);
    expect(sample(tb, "calm_readings_total")).toBe(7);
    expect(sample(ta, 'calm_decisions_total{outcome="fired"}')).toBe(2);
    expect(sample(tb, 'calm_decisions_total{outcome="fired"}')).toBe(0);
    expect(sample(tb, 'calm_decisions_total{outcome="cooldown"}')).toBe(1);
    expect(sample(ta, "calm_action_latency_seconds_count")).toBe(0);
    expect(sample(tb, 'calm_action_latency_seconds_bucket{le="0.25"}')).toBe(1);
    expect(sample(tb, 'calm_action_latency_seconds_bucket{le="0.1"}')).toBe(0);
    expect(sample(ta, 'calm_readings_rejected_total{reason="too_large"}')).toBe(5);
    expect(sample(ta, 'calm_readings_rejected_total{reason="malformed_json"}')).toBe(0);
    expect(sample(ta, 'calm_link_state{link="home_assistant",state="offline"}')).toBe(1);
    expect(sample(ta, 'calm_link_up{link="home_assistant"}')).toBe(0);
    expect(sample(tb, "calm_people")).toBe(7);
    expect(sample(ta, 'calm_build_info{version="1.2.3"}')).toBe(1);
    // Scraping twice reports the same totals: values read from the hub are not added up per scrape.
    expect(sample(await a.render(), "calm_readings_total")).toBe(5);
    expect(await register.getMetricsAsJSON()).toEqual([]);
  });

  it("the dashboards' metric names and types are all there", async () => {
    const text = await new Metrics({
      ingest: () => ({ accepted: 0, rejected: {} }),
      links: () => ({ mqtt: "online", home_assistant: "online" }),
      paused: () => true,
      people: () => 2,
      liveClients: () => 1,
      uptimeS: () => 60,
      version: "t",
    }).render();
    const types = Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(types).toEqual({
      calm_readings_total: "counter",
      calm_readings_rejected_total: "counter",
      calm_decisions_total: "counter",
      calm_actions_total: "counter",
      calm_action_latency_seconds: "histogram",
      calm_link_up: "gauge",
      calm_link_state: "gauge",
      calm_automation_paused: "gauge",
      calm_people: "gauge",
      calm_live_clients: "gauge",
      calm_uptime_seconds: "gauge",
      calm_build_info: "gauge",
    });
    expect(sample(text, "calm_automation_paused")).toBe(1);
    expect(sample(text, "calm_live_clients")).toBe(1);
  });
});
