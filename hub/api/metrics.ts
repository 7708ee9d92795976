/**
 * `GET /metrics` in the Prometheus text format, from prom-client. Decisions and action outcomes are counted as
 * they happen; everything the hub already counts or knows (ingest, links, controls) is read when scraped.
 * Each Metrics has its own Registry, never prom-client's global one: two hubs in one process (tests) would
 * otherwise share counters and refuse to register the same names twice.
 */
import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
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

export class Metrics {
  readonly registry = new Registry();
  private readonly decisions: Counter<"outcome">;
  private readonly actions: Counter<"result">;
  private readonly latency: Histogram<never>;

  constructor(src: MetricsSources) {
    const registers = [this.registry];
    new Counter({
      name: "calm_readings_total",
      help: "Wearable readings accepted by ingest.",
      registers,
      collect() {
        this.reset();
        this.inc(src.ingest().accepted);
      },
    });
    new Counter({
      name: "calm_readings_rejected_total",
      help: "Wearable payloads refused, by reason.",
      labelNames: ["reason"],
      registers,
      collect() {
        const rejected = src.ingest().rejected;
        this.reset();
        // Every known reason, zeros included, so a dashboard's rate() has a series before the first refusal.
        for (const reason of new Set([...RejectReasonSchema.options, ...Object.keys(rejected)]))
          this.inc({ reason }, rejected[reason] ?? 0);
      },
    });
    this.decisions = new Counter({
      name: "calm_decisions_total",
      help: "Rule evaluations, by outcome.",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of DECISION_OUTCOMES) this.decisions.inc({ outcome }, 0);
    this.actions = new Counter({
      name: "calm_actions_total",
      help: "Home Assistant actions, by result.",
      labelNames: ["result"],
      registers,
    });
    for (const result of ACTION_RESULTS) this.actions.inc({ result }, 0);
    this.latency = new Histogram({
      name: "calm_action_latency_seconds",
      help: "Time from decision to Home Assistant's answer.",
      buckets: [...LATENCY_BUCKETS_S],
      registers,
    });
    new Gauge({
      name: "calm_link_up",
      help: "1 when the link to the peer is online.",
      labelNames: ["link"],
      registers,
      collect() {
        for (const [link, state] of Object.entries(src.links()))
          this.set({ link }, state === "online" ? 1 : 0);
      },
    });
    new Gauge({
      name: "calm_link_state",
      help: "1 for the link's current state, 0 for the others.",
      labelNames: ["link", "state"],
      registers,
      collect() {
        this.reset();
        for (const [link, now] of Object.entries(src.links()))
          for (const state of new Set([...LINK_STATES, now]))
            this.set({ link, state }, state === now ? 1 : 0);
      },
    });
    const gauge = (name: string, help: string, read: (() => number) | undefined): void => {
      if (!read) return;
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    const { paused } = src;
    gauge(
      "calm_automation_paused",
      "1 while all automation is paused.",
      paused && (() => (paused() ? 1 : 0)),
    );
    gauge("calm_people", "People the hub knows.", src.people);
    gauge("calm_live_clients", "Open event streams (dashboards, Node-RED).", src.liveClients);
    gauge("calm_uptime_seconds", "Seconds since the hub started.", src.uptimeS);
    new Gauge({
      name: "calm_build_info",
      help: "Always 1; the version is in the label.",
      labelNames: ["version"],
      registers,
    }).set({ version: src.version }, 1);
  }

  decision(outcome: string): void {
    this.decisions.inc({ outcome });
  }

  action(result: string, latencyMs: number | null): void {
    this.actions.inc({ result });
    if (latencyMs !== null && Number.isFinite(latencyMs)) this.latency.observe(latencyMs / 1000);
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** `GET /metrics` (bearer token required, like every route but /api/health). */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
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
      reply.type(metrics.registry.contentType);
      return metrics.render();
    },
  );
};
