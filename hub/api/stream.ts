/**
 * `GET /api/stream`: the hub's one server-sent events stream, for the dashboard and Node-RED's calm-event-in
 * node alike. Each event has `event: <type>`, `id: <n>` and `data: <json>`; `?types=stress,action` narrows it;
 * a reconnecting client that sends `Last-Event-ID` first gets what it missed from a bounded replay buffer; a
 * comment line every heartbeat keeps proxies from closing an idle stream.
 *
 * What a stream may carry is one rule, enforced here and nowhere else: only what a token holder already sees
 * on the dashboard, namely stress levels and scores, reasons in words, decisions, action log entries,
 * episodes, controls, voice outcomes and wind-down phases. Never a raw reading (heart rate, HRV, the wearable's
 * own score) and never a `sample` event. Every event's data is parsed through its schema in STREAM_EVENTS
 * before it is written to any client, which drops every field the schema does not list, so a field added
 * upstream cannot reach a client unseen.
 * Events about a person carry `person`, so deleting a person's data also drops them from the replay buffer.
 */
import type { ServerResponse } from "node:http";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ControlStateSchema } from "../controls/index.js";
import {
  type ActionOutcome,
  type BusSubscriber,
  type EpisodeView as CoreEpisodeView,
  type Decision,
  EpisodeEndReasonSchema,
  HubError,
  type HubEvents,
  type Logger,
  StressLevelSchema,
  type StressState,
} from "../core/index.js";
import { ActionLogEntrySchema, DecisionSchema, ErrorBodySchema } from "./schemas.js";
import { EpisodeViewSchema, toEpisodeView } from "./views.js";
import { describeAction } from "./words.js";

export const STREAM_EVENTS = {
  /** Every new estimate; `previous_level` tells a level change from a new score at the same level. */
  stress: z.object({
    person: z.string(),
    level: StressLevelSchema,
    previous_level: StressLevelSchema.nullable(),
    score: z.number().describe("0-100, one decimal"),
    at: z.number(),
    since: z.number(),
    reason: z.string(),
  }),
  decision: DecisionSchema.extend({ at: z.number() }),
  action: ActionLogEntrySchema,
  episode: EpisodeViewSchema.extend({
    end_reason: EpisodeEndReasonSchema.nullable().optional(),
    soundscape: z.string().nullable().optional(),
    overridden: z.array(z.string()).optional().describe("Entities changed by hand during the episode"),
  }),
  control: ControlStateSchema,
  voice: z.object({
    person: z.string(),
    room: z.string().optional(),
    intent: z.string(),
    outcome: z.string(),
  }),
  wind_down: z.object({ phase: z.string(), room: z.string(), date: z.string(), detail: z.string() }),
  /** The breathing guide started, changed pace or stopped: its own paces, never a reading. */
  breathing: z.object({
    person: z.string(),
    room: z.string(),
    episode_id: z.string(),
    phase: z.enum(["started", "pace", "stopped"]),
    medium: z.enum(["light", "volume"]),
    from_bpm: z.number(),
    pace_bpm: z.number(),
    target_bpm: z.number(),
    following: z.boolean().nullable(),
    why: z.string().optional(),
  }),
} as const;

export type StreamEventType = keyof typeof STREAM_EVENTS;
export const STREAM_EVENT_TYPES = Object.keys(STREAM_EVENTS) as StreamEventType[];
export type StreamEventData<T extends StreamEventType> = z.input<(typeof STREAM_EVENTS)[T]>;

export const STREAM_PATH = "/api/stream";
export const SSE_HEARTBEAT_MS = 15_000;

export interface EventStreamOptions {
  logger: Logger;
  /** Epoch ms; also seeds the event ids, so ids after a restart are greater than any from before it. */
  now: () => number;
  heartbeatMs?: number;
  /** Events kept for clients that reconnect with Last-Event-ID. */
  replay?: number;
  maxClients?: number;
  /** A client whose unsent data grows beyond this is dropped instead of buffering without end. */
  maxBufferedBytes?: number;
}

interface Buffered {
  id: number;
  type: StreamEventType;
  person: string | undefined;
  data: unknown;
  /** The event on the wire, built when a client first needs it: readings with nobody watching cost no parse. */
  frame?: string;
}

interface Client {
  res: ServerResponse;
  types: ReadonlySet<StreamEventType> | undefined;
}

export class EventStream {
  private readonly o: Required<Omit<EventStreamOptions, "logger" | "now">> & Pick<EventStreamOptions, "now">;
  private readonly log: Logger;
  private readonly clients = new Set<Client>();
  private readonly buffer: Buffered[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId: number;

  constructor(options: EventStreamOptions) {
    this.o = {
      now: options.now,
      heartbeatMs: options.heartbeatMs ?? SSE_HEARTBEAT_MS,
      replay: options.replay ?? 500,
      maxClients: options.maxClients ?? 32,
      maxBufferedBytes: options.maxBufferedBytes ?? 1_048_576,
    };
    this.log = options.logger.child({ component: "api", stream: STREAM_PATH });
    this.nextId = Math.max(1, Math.floor(options.now()));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Numbers, keeps and sends one event; data that does not pass its schema is logged and not sent. */
  publish<T extends StreamEventType>(type: T, data: StreamEventData<T>): void {
    const person = (data as { person?: unknown }).person;
    const event: Buffered = {
      id: this.nextId++,
      type,
      person: typeof person === "string" ? person : undefined,
      data,
    };
    this.buffer.push(event);
    if (this.buffer.length > this.o.replay) this.buffer.shift();
    for (const c of this.clients) if (!c.types || c.types.has(type)) this.write(c, this.frameOf(event));
  }

  /** The privacy rule applied: the data through its schema (unlisted fields dropped), or "" when it fails. */
  private frameOf(e: Buffered): string {
    if (e.frame !== undefined) return e.frame;
    const parsed = STREAM_EVENTS[e.type].safeParse(e.data);
    if (parsed.success) e.frame = `event: ${e.type}\nid: ${e.id}\ndata: ${JSON.stringify(parsed.data)}\n\n`;
    else {
      e.frame = "";
      this.log.warn({ event: e.type, issue: parsed.error.issues[0]?.message }, "event not streamed");
    }
    e.data = undefined;
    return e.frame;
  }

  /** Per-person delete: what the buffer holds about the person is never replayed. */
  forget(person: string): void {
    for (let i = this.buffer.length - 1; i >= 0; i--)
      if (this.buffer[i]?.person === person) this.buffer.splice(i, 1);
  }

  /** Takes over the reply and keeps it open; replays buffered events after `lastEventId` first. */
  open(
    req: FastifyRequest,
    reply: FastifyReply,
    types: ReadonlySet<StreamEventType> | undefined,
    lastEventId: number | undefined,
  ): void {
    if (this.clients.size >= this.o.maxClients)
      throw new HubError("CALM_ERR_BUSY", "too many event streams open");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === "string") headers[k] = v;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n: connected\n\n");
    const client: Client = { res, types };
    if (lastEventId !== undefined) {
      // An id newer than any sent is one from before a clock step back: the whole buffer beats a gap.
      const newest = this.nextId - 1;
      const after = lastEventId > newest ? 0 : lastEventId;
      for (const e of this.buffer)
        if (e.id > after && (!types || types.has(e.type))) res.write(this.frameOf(e));
    }
    this.clients.add(client);
    req.raw.socket.setKeepAlive(true);
    res.on("close", () => this.clients.delete(client));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const c of this.clients) this.write(c, ": heartbeat\n\n");
      }, this.o.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Ends every open stream (the server is closing); publishing and the buffer go on. */
  endClients(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private write(c: Client, frame: string): void {
    if (frame === "") return;
    if (c.res.writableLength > this.o.maxBufferedBytes) {
      this.clients.delete(c);
      c.res.destroy();
      this.log.warn("stream closed: client is not reading");
      return;
    }
    c.res.write(frame);
  }
}

/** Forwards the hub's events to the stream from now on; returns the function that stops it. */
export function streamHubEvents(
  stream: EventStream,
  source: BusSubscriber<HubEvents>,
  now: () => number,
): () => void {
  // Every reading makes an estimate: with nobody watching they are neither kept nor built (a reconnecting
  // client gets the next one within a reading; levels and scores are in /api/people). Decisions, actions and
  // episodes are always kept for Last-Event-ID replay.
  const onStress = (s: StressState, previous: StressState | undefined): void => {
    if (stream.clientCount === 0) return;
    stream.publish("stress", {
      person: s.person,
      level: s.level,
      previous_level: previous?.level ?? null,
      score: Math.round(s.score * 10) / 10,
      at: s.at,
      since: s.since,
      reason: s.reason,
    });
  };
  const onDecision = (d: Decision): void => stream.publish("decision", { ...d, at: now() });
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
    };
    stream.publish("action", { ...entry, summary: describeAction(entry) });
  };
  const onEpisode = (e: CoreEpisodeView): void => stream.publish("episode", toEpisodeView(e));
  const onVoice = (v: HubEvents["voice"][0]): void => stream.publish("voice", v);
  const onWindDown = (w: HubEvents["wind_down"][0]): void => stream.publish("wind_down", w);
  const onBreathing = (b: HubEvents["breathing"][0]): void => stream.publish("breathing", b);
  const offs = [
    source.on("stress", onStress),
    source.on("decision", onDecision),
    source.on("action", onAction),
    source.on("episode", onEpisode),
    source.on("voice", onVoice),
    source.on("wind_down", onWindDown),
    source.on("breathing", onBreathing),
  ];
  return () => {
    for (const off of offs) off();
  };
}

const StreamQuerySchema = z.object({
  types: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const items = (text ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      if (items.length === 0) return undefined;
      const unknown = items.filter((t) => !(STREAM_EVENT_TYPES as string[]).includes(t));
      if (unknown.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown event types ${unknown.join(", ")}` });
        return z.NEVER;
      }
      return new Set(items as StreamEventType[]);
    })
    .describe(`Comma-separated event types (${STREAM_EVENT_TYPES.join(", ")}); all when absent`),
});

/** The route; open streams are ended on preClose so that they never hold the server's shutdown. */
export const streamRoutes: FastifyPluginAsync<{ stream: EventStream }> = async (app, { stream }) => {
  app.addHook("preClose", async () => stream.endClients());
  app.withTypeProvider<ZodTypeProvider>().get(
    STREAM_PATH,
    {
      schema: {
        tags: ["stream"],
        description:
          "Server-sent events: `stress` (every estimate: person, level, previous_level, score, at, since, reason), " +
          "`decision`, `action` (an action log entry with `summary`), `episode` (an episode view), `control` " +
          "{paused, mode}, `voice`, `wind_down` and `breathing` (the breathing guide's paces). Scores and levels only, never raw readings. Send " +
          "`Last-Event-ID` to get what was missed (the last 500 events at most).",
        querystring: StreamQuerySchema,
        produces: ["text/event-stream"],
        response: {
          200: z.string().describe("text/event-stream"),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
    },
    (req, reply) => stream.open(req, reply, req.query.types, lastEventId(req.headers["last-event-id"])),
  );
};

/** The id a reconnecting client saw last; anything but a plain number is no id (no replay). */
function lastEventId(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  return text !== undefined && /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
