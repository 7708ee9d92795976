/**
 * `GET /api/live`: the dashboard's live stream (server-sent events). Events: `ready`, `stress` (score and level
 * per person), `decision`, `action` (with the action log sentence), `episode`, `control`. A comment line
 * every heartbeat keeps proxies from closing an idle stream.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ActionOutcome } from "../actions/index.js";
import type { ControlState } from "../controls/index.js";
import type { StressState } from "../core/index.js";
import type { Decision } from "../rules/index.js";
import { ErrorBodySchema } from "./schemas.js";
import { SseClients } from "./sse.js";
import type { EpisodeView } from "./views.js";
import { describeAction } from "./words.js";

/** The hub events the stream forwards (the Hub's `events` emitter satisfies it). */
export interface LiveEventSource {
  on(event: "stress", listener: (state: StressState, previous: StressState | undefined) => void): unknown;
  on(event: "decision", listener: (decision: Decision) => void): unknown;
  on(event: "action", listener: (outcome: ActionOutcome) => void): unknown;
  off(event: "stress", listener: (state: StressState, previous: StressState | undefined) => void): unknown;
  off(event: "decision", listener: (decision: Decision) => void): unknown;
  off(event: "action", listener: (outcome: ActionOutcome) => void): unknown;
}

export interface LiveOptions {
  events: LiveEventSource;
  heartbeatMs?: number;
  maxClients?: number;
  /** A slow client whose unsent data grows beyond this is dropped instead of buffering without end. */
  maxBufferedBytes?: number;
  now?: () => number;
}

export const LIVE_EVENTS = ["ready", "stress", "decision", "action", "episode", "control"] as const;

export class LiveStream {
  private readonly o: LiveOptions;
  private readonly clients: SseClients;
  private readonly detach: (() => void)[] = [];

  constructor(options: LiveOptions) {
    this.o = options;
    this.clients = new SseClients({
      heartbeatMs: options.heartbeatMs ?? 15_000,
      maxClients: options.maxClients ?? 32,
      ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Starts forwarding hub events. */
  attach(): void {
    if (this.detach.length > 0) return;
    const ev = this.o.events;
    const onStress = (s: StressState): void => {
      this.send("stress", {
        person: s.person,
        score: Math.round(s.score * 10) / 10,
        level: s.level,
        at: s.at,
        since: s.since,
        reason: s.reason,
      });
    };
    const onDecision = (d: Decision): void => {
      this.send("decision", {
        rule_id: d.rule_id,
        person: d.person,
        outcome: d.outcome,
        detail: d.detail,
        at: this.now(),
      });
    };
    const onAction = (o: ActionOutcome): void => {
      const a = o.action;
      const entry = {
        key: a.key,
        at: a.created_at,
        rule_id: a.rule_id,
        person: a.person,
        trigger: a.trigger,
        call: { domain: a.domain, service: a.service, target: a.target, data: a.data },
        result: o.result,
        detail: o.detail,
        latency_ms: o.latency_ms,
      } as const;
      this.send("action", { ...entry, summary: describeAction(entry) });
    };
    ev.on("stress", onStress);
    ev.on("decision", onDecision);
    ev.on("action", onAction);
    this.detach.push(() => {
      ev.off("stress", onStress);
      ev.off("decision", onDecision);
      ev.off("action", onAction);
    });
  }

  episode(e: EpisodeView): void {
    this.send("episode", e);
  }

  control(state: ControlState): void {
    this.send("control", state);
  }

  /** Ends every stream and stops forwarding. */
  close(): void {
    for (const f of this.detach.splice(0)) f();
    this.clients.closeAll();
  }

  send(event: (typeof LIVE_EVENTS)[number], data: unknown): void {
    this.clients.broadcast(event, data);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** The route; registers a preClose hook so that open streams never hold the server's shutdown. */
  routes() {
    return (app: FastifyInstance): void => {
      this.attach();
      app.addHook("preClose", async () => this.close());
      app.withTypeProvider<ZodTypeProvider>().get(
        "/api/live",
        {
          schema: {
            tags: ["live"],
            description:
              "Server-sent events for the dashboard: `stress` {person, score, level, at, since, reason}, `decision`, `action` " +
              "(an action log entry with `summary`), `episode` (an episode view), `control` {paused, mode}, and `ready` once.",
            produces: ["text/event-stream"],
            response: {
              200: z.string().describe("text/event-stream"),
              401: ErrorBodySchema,
              503: ErrorBodySchema,
            },
          },
        },
        (req, reply) => {
          if (this.clients.full) {
            reply.code(503).send({ code: "CALM_ERR_BUSY", message: "too many live streams open" });
            return;
          }
          this.clients.open(
            req,
            reply,
            `retry: 3000\n\nevent: ready\ndata: ${JSON.stringify({ at: this.now() })}\n\n`,
          );
        },
      );
    };
  }
}
