import {
  type Connection,
  callService,
  createConnection,
  createLongLivedTokenAuth,
  getConfig,
  getStates,
  type HassConfig,
  type HassEntities,
  type HassEntity,
  type HassEvent,
  subscribeEntities,
} from "home-assistant-js-websocket";
import { background, type Logger, withTimeout } from "../core/index.js";
import { applyCompressed, type CompressedEvent } from "./compressed-entities.js";
import { HaError, notConnected, toHaError } from "./errors.js";

export type HaLinkState = "disabled" | "connecting" | "online" | "offline" | "auth_failed" | "stopped";

export interface HaLinkOptions {
  url: string;
  token: string | undefined;
  heartbeatMs: number;
  callTimeoutMs: number;
  logger: Logger;
  /**
   * The entities the hub needs. Home Assistant then sends only their changes, which keeps the hub's cost flat
   * in a home with thousands of entities. Undefined: every entity.
   */
  entityIds?: () => readonly string[];
  /** Retry delay after an invalid token: long, so a bad token never hammers HA's login-attempt ban. */
  authRetryMs?: number;
}

export interface CallResult {
  context_id: string;
}

type EventHandler = (event: HassEvent) => void;
type EntitiesHandler = (entities: HassEntities, changed: HassEntity[]) => void;

const PONG_TIMEOUT_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * The hub's one connection to Home Assistant. It connects in the background and never blocks the hub: while
 * HA is away, `state` says so and calls fail fast with a transient HaError that the action runner handles.
 */
export class HaLink {
  private readonly opts: HaLinkOptions;
  private conn: Connection | undefined;
  private stopped = false;
  private linkState: HaLinkState;
  private entities: HassEntities = {};
  private readonly eventHandlers = new Map<string, Set<EventHandler>>();
  /**
   * The event types subscribed on `subscribedOn`. The library re-sends them when it reconnects the same
   * Connection; a new Connection (after an auth failure, the library gives up and the retry loop makes one)
   * starts with none, so the set belongs to one connection and is started afresh with the next.
   */
  private subscribedOn: Connection | undefined;
  private readonly subscribed = new Set<string>();
  private readonly entityHandlers = new Set<EntitiesHandler>();
  private readonly stateHandlers = new Set<(state: HaLinkState, detail: string) => void>();
  private unsubEntities: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private config: HassConfig | undefined;
  private resync = false;
  lastError = "";
  /** The HA user behind the token (`auth/current_user`); the hub checks it is not a resident's. */
  userId: string | undefined;

  constructor(opts: HaLinkOptions) {
    this.opts = opts;
    this.linkState = opts.token ? "connecting" : "disabled";
  }

  get state(): HaLinkState {
    return this.linkState;
  }

  get haConfig(): HassConfig | undefined {
    return this.config;
  }

  getEntity(entityId: string): HassEntity | undefined {
    return this.entities[entityId];
  }

  allEntities(): HassEntities {
    return this.entities;
  }

  /** Handlers registered through on*, for stop checks: 0 once every subscriber has unsubscribed. */
  get listenerCount(): number {
    let events = 0;
    for (const set of this.eventHandlers.values()) events += set.size;
    return this.stateHandlers.size + this.entityHandlers.size + events;
  }

  onState(handler: (state: HaLinkState, detail: string) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  onEntities(handler: EntitiesHandler): () => void {
    this.entityHandlers.add(handler);
    return () => this.entityHandlers.delete(handler);
  }

  /**
   * Subscribes to an HA event type; survives reconnects (the library re-sends subscriptions on the same
   * Connection) and new connections after an auth failure (adopt subscribes again).
   */
  onEvent(eventType: string, handler: EventHandler): () => void {
    let set = this.eventHandlers.get(eventType);
    if (!set) {
      set = new Set();
      this.eventHandlers.set(eventType, set);
      if (this.conn) void this.subscribeEventType(this.conn, eventType);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  start(): void {
    if (!this.opts.token) {
      this.opts.logger.warn(
        { component: "ha" },
        "no Home Assistant token configured (CALM_HA_TOKEN): actions are logged, not executed",
      );
      return;
    }
    this.stopped = false;
    background(
      this.connectLoop(),
      this.opts.logger,
      { component: "ha" },
      "Home Assistant connect loop failed",
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retryTimer);
    this.wake?.();
    this.unsubEntities?.();
    this.conn?.close();
    this.conn = undefined;
    this.setState("stopped", "stopped");
  }

  async callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: Record<string, string | string[]>,
  ): Promise<CallResult> {
    const conn = this.conn;
    if (!conn || this.linkState !== "online") {
      throw notConnected(this.linkState);
    }
    const ms = this.opts.callTimeoutMs;
    try {
      const result = (await withTimeout(
        callService(conn, domain, service, data, target),
        ms,
        () => new HaError("CALM_ERR_HA_TIMEOUT", `no answer from Home Assistant within ${ms} ms`),
      )) as { context?: { id?: string } } | null;
      return { context_id: result?.context?.id ?? "" };
    } catch (err) {
      throw toHaError(err);
    }
  }

  async fireEvent(eventType: string, eventData: Record<string, unknown>): Promise<void> {
    const conn = this.conn;
    if (!conn || this.linkState !== "online") throw notConnected(this.linkState);
    try {
      await conn.sendMessagePromise({ type: "fire_event", event_type: eventType, event_data: eventData });
    } catch (err) {
      throw toHaError(err);
    }
  }

  /** Sends any WebSocket command (registries, conversation) and returns its result. */
  async command<T>(message: { type: string } & Record<string, unknown>): Promise<T> {
    const conn = this.conn;
    if (!conn || this.linkState !== "online") throw notConnected(this.linkState);
    try {
      return await conn.sendMessagePromise<T>(message);
    } catch (err) {
      throw toHaError(err);
    }
  }

  private setState(state: HaLinkState, detail: string): void {
    if (state === this.linkState && detail === this.lastError) return;
    this.linkState = state;
    this.lastError = detail;
    const log = this.opts.logger;
    if (state === "online") log.info({ component: "ha", state }, "Home Assistant connected");
    else if (state === "stopped") log.info({ component: "ha", state }, "Home Assistant link stopped");
    else if (state === "auth_failed") log.error({ component: "ha", state }, detail);
    else log.warn({ component: "ha", state }, `Home Assistant ${state}: ${detail}`);
    for (const h of this.stateHandlers) h(state, detail);
  }

  private get authRetryMs(): number {
    return this.opts.authRetryMs ?? 300_000;
  }

  private async connectLoop(initialDelayMs = 0): Promise<void> {
    let attempt = 0;
    if (initialDelayMs > 0) await this.sleep(initialDelayMs);
    while (!this.stopped) {
      try {
        const auth = createLongLivedTokenAuth(this.opts.url.replace(/\/+$/, ""), this.opts.token ?? "");
        const conn = await createConnection({ auth, setupRetry: 0 });
        if (this.stopped) {
          conn.close();
          return;
        }
        await this.adopt(conn);
        return;
      } catch (raw) {
        const err = toHaError(raw);
        const authFailed = err.code === "CALM_ERR_HA_INVALID_AUTH";
        const delay = authFailed
          ? this.authRetryMs
          : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt, 5));
        // One line while it stays away (the detail is the same each attempt): where, that it retries, what to fix.
        this.setState(
          authFailed ? "auth_failed" : "offline",
          authFailed
            ? `${err.message}; retrying every ${Math.round(delay / 1000)} s (set CALM_HA_TOKEN or home_assistant.token to a valid long-lived token)`
            : `${err.message} at ${this.opts.url}; retrying every ${MAX_BACKOFF_MS / 1000} s at most (check home_assistant.url or CALM_HA_URL)`,
        );
        attempt++;
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = setTimeout(resolve, ms);
    });
  }

  private async adopt(conn: Connection): Promise<void> {
    this.conn = conn;
    conn.addEventListener("disconnected", () =>
      this.setState("offline", `connection to ${this.opts.url} lost, reconnecting`),
    );
    conn.addEventListener("ready", () => {
      this.resync = true;
      this.setState("online", "");
      void this.refreshConfig(conn);
    });
    conn.addEventListener("reconnect-error", (_c, data) => {
      // The library gives up on an invalid token; hand over to our slow retry loop. The token was just refused,
      // so the loop waits before its first attempt (HA bans addresses after repeated failed logins).
      this.setState("auth_failed", toHaError(data).message);
      this.conn = undefined;
      clearInterval(this.heartbeat);
      if (!this.stopped)
        background(
          this.connectLoop(this.authRetryMs),
          this.opts.logger,
          { component: "ha" },
          "Home Assistant connect loop failed",
        );
    });
    for (const eventType of this.eventHandlers.keys()) await this.subscribeEventType(conn, eventType);
    try {
      this.userId = (await conn.sendMessagePromise<{ id: string }>({ type: "auth/current_user" })).id;
    } catch {
      this.userId = undefined;
    }
    let ids = this.opts.entityIds?.();
    if (ids !== undefined) {
      // Presence matters whoever the person is: add every person entity Home Assistant knows.
      try {
        const states = await getStates(conn);
        ids = [
          ...new Set([
            ...ids,
            ...states.filter((e) => e.entity_id.startsWith("person.")).map((e) => e.entity_id),
          ]),
        ];
      } catch (err) {
        this.opts.logger.warn(
          { component: "ha", err: toHaError(err).message },
          "could not list person entities",
        );
      }
    }
    if (ids === undefined) {
      this.unsubEntities = subscribeEntities(conn, (entities) => this.handleEntities(entities));
    } else if (ids.length > 0) {
      this.resync = true;
      const unsub = await conn.subscribeMessage<CompressedEvent>((event) => this.handleCompressed(event), {
        type: "subscribe_entities",
        entity_ids: [...ids],
      });
      this.unsubEntities = () => void unsub().catch(() => undefined);
    }
    await this.refreshConfig(conn);
    this.startHeartbeat(conn);
    this.setState("online", "");
  }

  private async refreshConfig(conn: Connection): Promise<void> {
    try {
      this.config = await getConfig(conn);
    } catch (err) {
      this.opts.logger.warn(
        { component: "ha", err: toHaError(err).message },
        "could not read Home Assistant's config",
      );
    }
  }

  private async subscribeEventType(conn: Connection, eventType: string): Promise<void> {
    if (this.subscribedOn !== conn) {
      this.subscribedOn = conn;
      this.subscribed.clear();
    }
    // Marked before the await: onEvent during adopt must not subscribe the same type twice.
    if (this.subscribed.has(eventType)) return;
    this.subscribed.add(eventType);
    try {
      await conn.subscribeEvents<HassEvent>((event) => {
        for (const h of this.eventHandlers.get(eventType) ?? []) h(event);
      }, eventType);
    } catch (err) {
      if (this.subscribedOn === conn) this.subscribed.delete(eventType);
      this.opts.logger.error(
        { component: "ha", event_type: eventType, err: toHaError(err).message },
        "cannot subscribe to Home Assistant events (the token must belong to an admin)",
      );
    }
  }

  private handleCompressed(event: CompressedEvent): void {
    // The first snapshot after each (re)subscription replaces the map; later ones add entities.
    const changed = applyCompressed(this.entities, event, this.resync && event.a !== undefined);
    if (event.a !== undefined) this.resync = false;
    if (changed.length === 0) return;
    for (const h of this.entityHandlers) h(this.entities, changed);
  }

  private handleEntities(next: HassEntities): void {
    const changed: HassEntity[] = [];
    for (const [id, entity] of Object.entries(next)) if (this.entities[id] !== entity) changed.push(entity);
    this.entities = next;
    for (const h of this.entityHandlers) h(next, changed);
  }

  // The library only notices a closed socket; a half-open one (network pulled, HA frozen) needs a ping.
  private startHeartbeat(conn: Connection): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (!conn.connected) return;
      let answered = false;
      const timer = setTimeout(() => {
        if (answered || this.stopped) return;
        this.opts.logger.warn({ component: "ha" }, "no pong from Home Assistant, reconnecting");
        conn.reconnect(true);
      }, PONG_TIMEOUT_MS);
      conn.ping().then(
        () => {
          answered = true;
          clearTimeout(timer);
        },
        () => undefined,
      );
    }, this.opts.heartbeatMs);
    this.heartbeat.unref();
  }
}
