import type { ApiPlugin } from "./app.js";
import { SseClients } from "./sse.js";

/**
 * The smallest view of an event emitter the stream needs. `EventEmitter<HubEvents>` satisfies it, and so does
 * any other emitter (a dashboard's, a test's), whatever its event map.
 */
export interface EventSourceLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** Turns one emitter event's arguments into the stream's `data`, or `undefined` to send nothing. */
export type EventMapper = (...args: never[]) => unknown;

export interface EventsStreamOptions {
  /** Route path; `/api/events` by default. Anything under /api/ needs the bearer token. */
  path?: string;
  /** Event name → mapper. Defaults to {@link DEFAULT_EVENT_MAPPERS}; an event without a mapper is not streamed. */
  mappers?: Record<string, EventMapper>;
  /** A comment line is written this often so proxies and clients see a live connection. */
  heartbeatMs?: number;
  /** A client that stops reading is dropped once this much is queued for it. */
  maxBufferedBytes?: number;
}

interface StressStateLike {
  person: string;
  level: string;
  score: number;
  since: number;
  at: number;
  reason: string;
}

function stressMapper(state: StressStateLike, previous: StressStateLike | undefined): unknown {
  // Level changes only: a stream of every reading would leak the raw signal and flood slow clients.
  if (previous !== undefined && previous.level === state.level) return undefined;
  return {
    person: state.person,
    level: state.level,
    previous_level: previous?.level ?? null,
    score: Math.round(state.score),
    since: state.since,
    at: state.at,
    reason: state.reason,
  };
}

interface ActionOutcomeLike {
  action: {
    key: string;
    rule_id: string;
    person: string;
    domain: string;
    service: string;
    target?: unknown;
    data?: unknown;
  };
  result: string;
  detail: string;
  latency_ms: number | null;
}

function actionMapper(outcome: ActionOutcomeLike): unknown {
  const a = outcome.action;
  return {
    person: a.person,
    rule_id: a.rule_id,
    key: a.key,
    action: `${a.domain}.${a.service}`,
    target: a.target,
    data: a.data,
    result: outcome.result,
    detail: outcome.detail,
    latency_ms: outcome.latency_ms,
  };
}

const passThrough = (data: unknown): unknown => data;

/**
 * What each hub event becomes on the stream. `episode`, `voice` and `wind_down` are passed through as they are
 * emitted (one argument, an object that should carry `person` when it concerns one person), so the stages
 * that add them need no change here.
 */
export const DEFAULT_EVENT_MAPPERS: Readonly<Record<string, EventMapper>> = {
  stress: stressMapper as EventMapper,
  decision: passThrough as EventMapper,
  action: actionMapper as EventMapper,
  episode: passThrough as EventMapper,
  voice: passThrough as EventMapper,
  wind_down: passThrough as EventMapper,
};

export const SSE_HEARTBEAT_MS = 15_000;

/**
 * A server-sent events stream of hub events, `GET /api/events` by default: `event: <name>`, `id: <n>` and
 * `data: <json>`, plus a comment every 15 s. Optional query `types=stress,action` narrows the stream.
 * Generic on purpose: any emitter and any set of mappers, so the dashboard can mount its own stream too.
 */
export function eventsStreamPlugin(events: EventSourceLike, options: EventsStreamOptions = {}): ApiPlugin {
  const path = options.path ?? "/api/events";
  const mappers = options.mappers ?? DEFAULT_EVENT_MAPPERS;
  const heartbeatMs = options.heartbeatMs ?? SSE_HEARTBEAT_MS;
  const maxBuffered = options.maxBufferedBytes ?? 1_048_576;

  return (app, deps) => {
    const log = deps.logger.child({ component: "api", stream: path });
    const clients = new SseClients({
      heartbeatMs,
      maxBufferedBytes: maxBuffered,
      onDrop: (reason) => log.warn(`stream closed: ${reason}`),
    });

    const listeners: [string, (...args: never[]) => void][] = [];
    for (const [type, mapper] of Object.entries(mappers)) {
      const listener = (...args: never[]): void => {
        if (clients.size === 0) return;
        let data: unknown;
        try {
          data = mapper(...args);
        } catch (err) {
          log.warn({ event: type, err: (err as Error).message }, "event mapper failed; not streamed");
          return;
        }
        if (data === undefined) return;
        try {
          clients.broadcast(type, data, true);
        } catch (err) {
          log.warn(
            { event: type, err: (err as Error).message },
            "event could not be serialized; not streamed",
          );
        }
      };
      events.on(type, listener);
      listeners.push([type, listener]);
    }

    // preClose, not onClose: open streams would otherwise keep the server from closing.
    app.addHook("preClose", async () => {
      for (const [type, listener] of listeners) events.off(type, listener);
      clients.closeAll();
    });

    app.get(
      path,
      {
        schema: {
          tags: ["events"],
          description:
            "Server-sent events: " +
            Object.keys(mappers).join(", ") +
            ". `stress` is sent on level changes only. Query `types` (comma-separated) narrows the stream.",
        },
      },
      (req, reply) => {
        const query = (req.query ?? {}) as { types?: unknown };
        const types =
          typeof query.types === "string" && query.types.trim() !== ""
            ? new Set(
                query.types
                  .split(",")
                  .map((t) => t.trim())
                  .filter(Boolean),
              )
            : undefined;
        clients.open(req, reply, "retry: 2000\n: connected\n\n", types);
      },
    );
  };
}
