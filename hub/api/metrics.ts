/** Prometheus text exposition for `GET /metrics`: counters kept here, gauges read when scraped. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ACTION_RESULTS, RejectReasonSchema } from "../core/index.js";
import { ErrorBodySchema } from "./schemas.js";

export const LATENCY_BUCKETS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const DECISION_OUTCOMES = ["fired", "cooldown", "conditions", "disabled"];
const LINK_STATES = ["connecting", "online", "offline", "auth_failed", "disabled", "stopped"];

export interface MetricsSources {
  /** Ingest's counters: accepted readings and rejections by reason. */
  ingest(): { accepted: number; rejected: Record<string, number> };
  links(): { mqtt: string; home_assistant: string };
  paused?(): boolean;
  people?(): number;
  liveClients?(): number;
  uptimeS?(): number;
  version: string;
}

/** Counts decisions and action outcomes as they happen; everything else is read from `sources` per scrape. */
export class Metrics {
  private readonly decisions = new Map<string, number>();
  private readonly actions = new Map<string, number>();
  private readonly latencyCounts: number[] = LATENCY_BUCKETS_S.map(() => 0);
  private latencySum = 0;
  private latencyCount = 0;
  private readonly sources: MetricsSources;

  constructor(sources: MetricsSources) {
    this.sources = sources;
  }

  decision(outcome: string): void {
    this.decisions.set(outcome, (this.decisions.get(outcome) ?? 0) + 1);
  }

  action(result: string, latencyMs: number | null): void {
    this.actions.set(result, (this.actions.get(result) ?? 0) + 1);
    if (latencyMs === null || !Number.isFinite(latencyMs)) return;
    const s = latencyMs / 1000;
    LATENCY_BUCKETS_S.forEach((le, i) => {
      if (s <= le) this.latencyCounts[i] = (this.latencyCounts[i] ?? 0) + 1;
    });
    this.latencySum += s;
    this.latencyCount++;
  }

  /** The Prometheus text format, version 0.0.4. */
  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const src = this.sources;
    const ingest = src.ingest();

    family("calm_readings_total", "counter", "Wearable readings accepted by ingest.");
    out.push(`calm_readings_total ${ingest.accepted}`);

    family("calm_readings_rejected_total", "counter", "Wearable payloads refused, by reason.");
    const reasons = new Set<string>([...RejectReasonSchema.options, ...Object.keys(ingest.rejected)]);
    for (const r of [...reasons].sort())
      out.push(`calm_readings_rejected_total{reason="${label(r)}"} ${ingest.rejected[r] ?? 0}`);

    family("calm_decisions_total", "counter", "Rule evaluations, by outcome.");
    for (const o of union(DECISION_OUTCOMES, this.decisions.keys()))
      out.push(`calm_decisions_total{outcome="${label(o)}"} ${this.decisions.get(o) ?? 0}`);

    family("calm_actions_total", "counter", "Home Assistant actions, by result.");
    for (const r of union(ACTION_RESULTS, this.actions.keys()))
      out.push(`calm_actions_total{result="${label(r)}"} ${this.actions.get(r) ?? 0}`);

    family("calm_action_latency_seconds", "histogram", "Time from decision to Home Assistant's answer.");
    LATENCY_BUCKETS_S.forEach((le, i) => {
      out.push(`calm_action_latency_seconds_bucket{le="${le}"} ${this.latencyCounts[i] ?? 0}`);
    });
    out.push(`calm_action_latency_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    out.push(`calm_action_latency_seconds_sum ${round(this.latencySum)}`);
    out.push(`calm_action_latency_seconds_count ${this.latencyCount}`);

    const links = src.links();
    family("calm_link_up", "gauge", "1 when the link to the peer is online.");
    for (const [link, state] of Object.entries(links))
      out.push(`calm_link_up{link="${label(link)}"} ${state === "online" ? 1 : 0}`);
    family("calm_link_state", "gauge", "1 for the link's current state, 0 for the others.");
    for (const [link, state] of Object.entries(links)) {
      for (const s of union(LINK_STATES, [state]))
        out.push(`calm_link_state{link="${label(link)}",state="${label(s)}"} ${s === state ? 1 : 0}`);
    }

    if (src.paused) {
      family("calm_automation_paused", "gauge", "1 while all automation is paused.");
      out.push(`calm_automation_paused ${src.paused() ? 1 : 0}`);
    }
    if (src.people) {
      family("calm_people", "gauge", "People the hub knows.");
      out.push(`calm_people ${src.people()}`);
    }
    if (src.liveClients) {
      family("calm_live_clients", "gauge", "Open live streams (dashboards).");
      out.push(`calm_live_clients ${src.liveClients()}`);
    }
    if (src.uptimeS) {
      family("calm_uptime_seconds", "gauge", "Seconds since the hub started.");
      out.push(`calm_uptime_seconds ${src.uptimeS()}`);
    }
    family("calm_build_info", "gauge", "Always 1; the version is in the label.");
    out.push(`calm_build_info{version="${label(src.version)}"} 1`);
    return `${out.join("\n")}\n`;
  }
}

function union(first: readonly string[], more: Iterable<string>): string[] {
  return [...new Set([...first, ...more])];
}

function label(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** `GET /metrics` (bearer token required, like every route but /api/health). */
export function metricsRoutes(metrics: Metrics) {
  return (app: FastifyInstance): void => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/metrics",
      {
        schema: {
          tags: ["hub"],
          description:
            "Prometheus text format 0.0.4: readings, rejections, decisions, actions, latency, links.",
          produces: ["text/plain"],
          response: { 200: z.string().describe("Prometheus exposition text"), 401: ErrorBodySchema },
        },
      },
      async (_req, reply) => {
        reply.type("text/plain; version=0.0.4; charset=utf-8");
        return metrics.render();
      },
    );
  };
}
