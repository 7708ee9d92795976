import { EventEmitter } from "node:events";
import type { FastifyInstance } from "fastify";
import { getAdapter, type HaMetric, sampleFromHaState } from "../devices/adapters/index.js";
import { type ActionOutcome, ActionRunner } from "./actions/index.js";
import {
  type ApiPlugin,
  buildApi,
  type DryRunReading,
  type Health,
  resolveApiToken,
  runActionPlugin,
  runViaActionRunner,
} from "./api/index.js";
// --- what people see (dashboard, HA discovery, metrics, live stream) ---
import type { EpisodeSource } from "./api/views.js";
import { acceptsUnknownPeople, type Config, type Location, type Rule } from "./config/index.js";
import { HubControls } from "./controls/index.js";
import {
  type Clock,
  type Logger,
  own,
  type SleepState,
  type StressState,
  systemClock,
} from "./core/index.js";
import { HubViews, type ViewsOptions } from "./dashboard/index.js";
import { StressDetector } from "./detect/index.js";
import { EpisodeManager, type EpisodeView, episodeControl } from "./episodes/index.js";
import { createFriendSuggester, type FriendSuggester } from "./friends/index.js";
import { HaLink } from "./ha/index.js";
import { Ingest, type IngestedSample, type Route } from "./ingest/index.js";
import { MqttLink, nativeTopicFilter, stateTopic } from "./mqtt/index.js";
import { CommandLedger, findPersonForUser } from "./override/index.js";
import { type Decision, evaluateRules, type PlannedAction, RuleRegistry } from "./rules/index.js";
import { type WindDownProgress, WindDownRunner } from "./schedule/index.js";
import { Store } from "./store/index.js";
import { VERSION } from "./version.js";
import { createVoiceService, type VoiceService, voiceApiPlugin } from "./voice/index.js";

export interface HubEvents {
  sample: [sample: IngestedSample];
  stress: [state: StressState, previous: StressState | undefined];
  decision: [decision: Decision];
  action: [outcome: ActionOutcome];
  link: [link: { mqtt: string; home_assistant: string }];
  episode: [episode: EpisodeView, phase: "started" | "ended" | "updated"];
  /** phase: start, step, end (lights handed back), paused (changed by hand) or skipped (nobody home). */
  wind_down: [event: { phase: string; room: string; date: string; detail: string }];
  voice: [request: { person: string; room: string | undefined; intent: string; outcome: string }];
  /** The "calm now" button of a room was pressed in Home Assistant: start a calm episode there. */
  calm_now: [room: string];
}

type HassEntityLike = NonNullable<ReturnType<HaLink["getEntity"]>>;

export interface HubOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Extra API route groups (dashboard, live stream …). */
  apiPlugins?: ApiPlugin[];
  /** Listen for HTTP; tests that only need MQTT and HA may turn it off. */
  http?: boolean;
  /** Tunables of the dashboard, discovery and live stream (tests shorten delays). */
  views?: ViewsOptions;
  /** Wait after Home Assistant refuses the token (default 5 min; tests shorten it). */
  haAuthRetryMs?: number;
}

const DETECTOR_SAVE_MS = 60_000;
const RETENTION_CHECK_MS = 3_600_000;
// Readings are stored once a second, one chunk per person (see Store.addSamples): long enough for chunks to
// hold many readings under load, short enough that the insert stays a few milliseconds. A hard kill loses at
// most this much of the raw record (never a decision: those happen on arrival).
const SAMPLE_FLUSH_MS = 1_000;
const STATE_MIN_INTERVAL_MS = 5_000;

/**
 * The composition root: wires ingest → detect → rules → actions → Home Assistant, owns every component's
 * lifecycle, and stops them in reverse order.
 */
export class Hub {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly events = new EventEmitter<HubEvents>();
  readonly store: Store;
  readonly mqtt: MqttLink;
  readonly ha: HaLink;
  readonly ingest: Ingest;
  readonly detector: StressDetector;
  readonly rules: RuleRegistry;
  readonly runner: ActionRunner;
  /** What the hub commanded each entity and which contexts are its own: the facts for override decisions. */
  readonly commands: CommandLedger<HassEntityLike>;
  private checkedHaUser: string | undefined;
  readonly episodes: EpisodeManager;
  readonly windDown: WindDownRunner;
  readonly friends: FriendSuggester;
  readonly voice: VoiceService;
  private readonly sleep = new Map<string, SleepState>();
  /** Home Assistant sensors that are wearable sources: entity id → whose and what. */
  private readonly haSources = new Map<string, { person: string; metric: HaMetric }>();
  apiToken = "";
  api: FastifyInstance | undefined;
  private readonly options: HubOptions;
  private readonly stops: { name: string; stop: () => Promise<void> | void }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private sampleBuffer: IngestedSample["sample"][] = [];
  private readonly startedAt: number;
  private lastPublished = new Map<string, { level: string; score: number; at: number }>();
  // --- what people see: pause/mode controls, episodes, and the dashboard/discovery/metrics glue ---
  readonly controls: HubControls;
  readonly views: HubViews;

  constructor(options: HubOptions) {
    this.options = options;
    const { config, logger } = options;
    this.config = config;
    this.logger = logger;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.store = new Store(config.data_dir);
    this.store.onWriteError = (err) =>
      logger.error({ component: "store", err: err.message }, "could not save action records");
    const zone =
      config.time_zone ?? config.location?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.detector = new StressDetector({
      ...config.detector,
      baseline: { ...config.detector.baseline, time_zone: zone },
    });
    this.mqtt = new MqttLink({
      url: config.mqtt.url,
      clientId: config.mqtt.client_id,
      baseTopic: config.mqtt.base_topic,
      username: config.mqtt.username,
      password: config.mqtt.password,
      caFile: config.mqtt.ca_file,
      certFile: config.mqtt.cert_file,
      keyFile: config.mqtt.key_file,
      rejectUnauthorized: config.mqtt.reject_unauthorized,
      keepaliveS: config.mqtt.keepalive_s,
      logger,
    });
    this.ha = new HaLink({
      url: config.home_assistant.url,
      token: config.home_assistant.token,
      heartbeatMs: config.home_assistant.heartbeat_s * 1000,
      callTimeoutMs: config.home_assistant.call_timeout_s * 1000,
      logger,
      entityIds: () => watchedEntities(config),
      ...(options.haAuthRetryMs === undefined ? {} : { authRetryMs: options.haAuthRetryMs }),
    });
    const routes: Route[] = [];
    for (const [person, p] of Object.entries(config.people)) {
      for (const source of p.sources) {
        if ("topic" in source) routes.push({ filter: source.topic, format: source.format, person });
        else this.haSources.set(source.entity_id, { person, metric: source.metric });
      }
    }
    routes.push({ filter: nativeTopicFilter(config.mqtt.base_topic), format: "native" });
    this.ingest = new Ingest({
      baseTopic: config.mqtt.base_topic,
      routes,
      acceptUnknownPeople: acceptsUnknownPeople(config),
      maxPeople: config.ingest.max_people,
      knownPeople: new Set(Object.keys(config.people)),
      maxPayloadBytes: config.ingest.max_payload_bytes,
      maxAgeMs: config.ingest.max_age_s * 1000,
      futureToleranceMs: config.ingest.future_tolerance_s * 1000,
      logIntervalMs: config.ingest.log_interval_s * 1000,
      clock: this.clock,
      logger,
      getAdapter,
    });
    this.rules = new RuleRegistry(config.rules, this.store, config.home_assistant.allowed_services);
    this.runner = new ActionRunner({
      store: this.store,
      ha: this.ha,
      clock: this.clock,
      logger,
      allowedServices: config.home_assistant.allowed_services,
    });
    this.runner.onOutcome((o) => this.events.emit("action", o));
    this.commands = new CommandLedger<HassEntityLike>({
      clock: this.clock,
      isCallContext: (id) => this.runner.ownContexts.has(id),
    });
    this.episodes = new EpisodeManager({
      config,
      clock: this.clock,
      logger,
      store: this.store,
      getEntity: (id) => this.ha.getEntity(id),
      run: (actions) => this.runCommanded(actions),
      timeZone: () => this.timeZone,
      isAsleep: (person) => this.sleep.get(person) === "asleep",
      onChange: (view, phase) => this.events.emit("episode", view, phase),
    });
    this.windDown = new WindDownRunner({
      windDowns: config.wind_down,
      roomLights: (room) => own(config.rooms, room)?.lights ?? [],
      clock: this.clock,
      logger,
      location: () => this.location(),
      getEntity: (id) => this.ha.getEntity(id),
      run: (actions) => this.runCommanded(actions),
      roomBusy: (room) => this.episodes.activeEpisodes().some((e) => e.room === room),
      anyoneHome: () => this.anyoneHome(),
      loadProgress: (key) => this.store.getDoc<WindDownProgress>("wind_down", key),
      saveProgress: (key, progress) => this.store.putDoc("wind_down", key, progress, this.clock.now()),
      playSoundscape: (room, name) => this.episodes.playSoundscape(room, name),
      onEvent: (kind, plan, detail) =>
        this.events.emit("wind_down", {
          phase: kind === "started" ? "start" : kind === "handed_back" ? "end" : kind,
          room: plan.room,
          date: plan.date,
          detail,
        }),
    });
    this.registerHubActions();
    const episodeApi = episodeControl(this.episodes);
    this.friends = createFriendSuggester({
      ha: this.ha,
      store: this.store,
      clock: this.clock,
      logger,
      config: config.friends,
      timeZone: () => this.timeZone,
      events: this.events,
    });
    this.voice = createVoiceService({
      ha: this.ha,
      episodes: episodeApi,
      config: config.voice,
      clock: this.clock,
      logger,
      friends: this.friends,
      windDown: {
        startNow: (r) => this.windDown.startNow(r.room ?? own(this.config.people, r.person)?.room ?? ""),
      },
      people: config.people,
      rooms: Object.keys(config.rooms),
      roomAreas: Object.fromEntries(
        Object.entries(config.rooms).flatMap(([id, r]) => (r.area_id ? [[id, r.area_id]] : [])),
      ),
      soundscapes: Object.keys(config.soundscapes).map((id) => id.replaceAll("_", " ")),
      onRequest: (info) => this.events.emit("voice", info),
    });
    // --- what people see ---
    this.controls = new HubControls(() => this.clock.now());
    this.views = new HubViews(this, options.views);
    this.events.on("calm_now", (room) => void this.calmNow(room));
  }

  /** The dashboard's and Home Assistant's view of episodes. */
  get episodeSource(): EpisodeSource {
    const toView = (e: EpisodeView) => ({ ...e, ended_at: e.ended_at ?? undefined });
    return {
      listEpisodes: () => {
        const active = this.episodes.activeEpisodes();
        const ended = this.episodes
          .history()
          .filter((e) => e.state === "ended")
          .slice(0, 20);
        return [...active, ...ended].map(toView);
      },
      stopEpisode: async (id) => (await this.episodes.stopEpisode({ id })) !== undefined,
      onEpisode: (listener) => {
        const handler = (e: EpisodeView): void => listener(toView(e));
        this.events.on("episode", handler);
        return () => this.events.off("episode", handler);
      },
    };
  }

  private async calmNow(room: string): Promise<void> {
    const person = own(this.config.rooms, room)?.people[0] ?? "household";
    const r = await this.episodes.startEpisode({ person, room, reason: "calm now button" });
    if (!r.ok) this.logger.info({ component: "hub", room }, `calm now not started: ${r.reason}`);
  }

  /** Where the sun is computed for: the config's location, else Home Assistant's. */
  location(): Location | undefined {
    if (this.config.location) return this.config.location;
    const ha = this.ha.haConfig;
    if (!ha || typeof ha.latitude !== "number" || typeof ha.longitude !== "number" || !ha.time_zone)
      return undefined;
    return { latitude: ha.latitude, longitude: ha.longitude, time_zone: ha.time_zone };
  }

  /** Runs calls through the action runner and tells the ledger what they command, so echoes are not hands. */
  private async runCommanded(actions: PlannedAction[]): Promise<ActionOutcome[]> {
    const release = this.commands.commanded(actions, (id) => this.ha.getEntity(id));
    try {
      return await this.runner.run(actions);
    } finally {
      release();
    }
  }

  /** One warning per HA user: the hub's token should belong to its own user, not to a person in the home. */
  private checkHaUser(): void {
    const userId = this.ha.userId;
    if (userId === undefined || userId === this.checkedHaUser) return;
    const entities = Object.values(this.ha.allEntities());
    if (entities.length === 0) return;
    // The first snapshot holds every person entity; look once per user.
    this.checkedHaUser = userId;
    const person = findPersonForUser(entities, userId);
    if (person === undefined) return;
    this.logger.warn(
      { component: "ha", person },
      `the Home Assistant token belongs to ${person}'s user, so the hub's changes show up as that person's; make a dedicated "Calm Hub" user and use its token (see config/homeassistant/README.md)`,
    );
  }

  /** Nobody home when every `person.*` entity says so; unknown (no person entities) counts as home. */
  anyoneHome(): boolean {
    const people = Object.values(this.ha.allEntities()).filter((e) => e.entity_id.startsWith("person."));
    return people.length === 0 || people.some((e) => e.state === "home");
  }

  /** Rule actions in the `calm` domain run in the hub: episodes and soundscapes under its caps. */
  private registerHubActions(): void {
    const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
    this.runner.registerLocal("start_episode", async (a) => {
      const r = await this.episodes.startEpisode({
        person: a.person,
        room: str(a.data?.room),
        soundscape: str(a.data?.soundscape),
        reason: `rule ${a.rule_id}`,
      });
      if (!r.ok) throw new Error(r.reason);
      return r.already_running
        ? `episode ${r.episode.id} already running`
        : `episode ${r.episode.id} started in ${r.episode.room}`;
    });
    this.runner.registerLocal("end_episode", async (a) => {
      const ended = await this.episodes.stopEpisode({ person: a.person, room: str(a.data?.room) });
      return ended ? `episode ${ended.id} ended` : "no episode was running";
    });
    this.runner.registerLocal("play_soundscape", async (a) => {
      const room = str(a.data?.room) ?? own(this.config.people, a.person)?.room;
      const name = str(a.data?.soundscape) ?? this.config.episodes.soundscape;
      if (!room || !name) throw new Error("play_soundscape needs a room and a soundscape");
      const r = await this.episodes.playSoundscape(room, name);
      if (!r.ok) throw new Error(r.detail);
      return r.detail;
    });
  }

  get timeZone(): string {
    return (
      this.config.time_zone ?? this.ha.haConfig?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    );
  }

  health(): Health {
    const mqtt = this.mqtt.state;
    const ha = this.ha.state;
    return {
      status: mqtt === "online" && ha === "online" ? "ok" : "degraded",
      mqtt,
      home_assistant: ha,
      version: VERSION,
      uptime_s: Math.round((this.clock.now() - this.startedAt) / 1000),
    };
  }

  async start(): Promise<void> {
    const log = this.logger;
    try {
      this.store.open();
      this.stops.push({ name: "store", stop: () => this.store.close() });
      this.controls.load(this.store);
      this.restoreDetector();
      const skipped = this.rules.load();
      if (skipped.length)
        log.warn({ component: "rules", skipped }, "saved rules that no longer validate were skipped");

      this.ha.start();
      this.stops.push({ name: "home-assistant", stop: () => this.ha.stop() });
      const emitLink = (): void => {
        this.events.emit("link", { mqtt: this.mqtt.state, home_assistant: this.ha.state });
      };
      this.ha.onState(emitLink);
      this.mqtt.onState(emitLink);

      this.runner.start();
      this.stops.push({ name: "actions", stop: () => this.runner.stop() });
      this.commands.onChanges((changes) => {
        this.episodes.onEntities(changes);
        this.windDown.onEntities(changes);
      });
      this.ha.onEntities((_all, changed) => {
        this.ingestHaSources(changed);
        this.commands.observe(changed);
        this.checkHaUser();
      });
      await this.episodes.start();
      this.stops.push({ name: "episodes", stop: () => this.episodes.stop() });
      this.windDown.start();
      this.stops.push({ name: "wind-down", stop: () => this.windDown.stop() });
      this.friends.start();
      this.stops.push({ name: "friends", stop: () => this.friends.stop() });
      this.voice.start();
      this.stops.push({ name: "voice", stop: () => this.voice.stop() });

      for (const filter of this.ingest.filters()) this.mqtt.subscribe(filter);
      // Discovery (Home Assistant commands and birth) before the first connection; its topics are not readings.
      this.views.start();
      this.stops.push({ name: "views", stop: () => this.views.stop() });
      this.mqtt.onMessage((topic, payload) => {
        if (!this.views.owns(topic)) this.handleMessage(topic, payload);
      });
      await this.mqtt.start();
      this.stops.push({ name: "mqtt", stop: () => this.mqtt.stop() });

      this.every(SAMPLE_FLUSH_MS, () => this.flushSamples());
      this.every(DETECTOR_SAVE_MS, () => this.saveDetector());
      this.every(RETENTION_CHECK_MS, () => this.applyRetention());
      this.every(this.config.ingest.log_interval_s * 1000, () => this.ingest.flushLog(true));
      this.applyRetention();
      this.stops.push({ name: "timers", stop: () => this.stopTimers() });

      if (this.options.http !== false) await this.startApi();
      log.info({ component: "hub", version: VERSION }, "Calm Hub started");
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    // Reverse order of start; each step bounded so one stuck peer cannot hold the rest.
    while (this.stops.length > 0) {
      const step = this.stops.pop();
      if (!step) break;
      try {
        await withTimeout(Promise.resolve(step.stop()), 5_000, step.name);
      } catch (err) {
        this.logger.error(
          { component: "hub", step: step.name, err: (err as Error).message },
          "stop step failed",
        );
      }
    }
  }

  private async startApi(): Promise<void> {
    const http = this.config.http;
    const resolved = resolveApiToken(http.token, this.config.data_dir);
    this.apiToken = resolved.token;
    if (resolved.generated) {
      // Printed once, on the console only: the structured log never carries it.
      process.stdout.write(
        `\nAPI token generated and saved to ${resolved.file} (mode 0600):\n  ${resolved.token}\n\n`,
      );
    }
    const api = await buildApi(
      {
        token: this.apiToken,
        logger: this.logger,
        version: VERSION,
        corsOrigins: http.cors_origins,
        authFailuresPerMin: http.rate_limit_per_min,
        allowedHosts: http.allowed_hosts,
        listenHost: http.host,
        now: () => this.clock.now(),
        health: () => this.health(),
        recentActions: (limit, person) => this.store.recentActions(limit, person),
        rules: this.rules,
        dryRun: (rule, reading) => this.dryRun(rule, reading),
        people: () => this.people(),
        exportPerson: (id) => ({ ...this.store.exportPerson(id), state: this.detector.state(id) ?? null }),
        deletePerson: (id) => this.deletePerson(id),
      },
      [
        runActionPlugin(runViaActionRunner(this.runner, this.clock)),
        ...this.views.plugins(),
        voiceApiPlugin(this.voice),
        ...(this.options.apiPlugins ?? []),
      ],
    );
    await api.listen({ host: http.host, port: http.port });
    this.api = api;
    this.stops.push({ name: "api", stop: () => api.close() });
  }

  /** The API's address once listening, e.g. http://127.0.0.1:8787. */
  get apiUrl(): string {
    const addr = this.api?.server.address();
    if (!addr || typeof addr === "string") return "";
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${addr.port}`;
  }

  people(): { id: string; name: string; state: StressState | null }[] {
    const ids = new Set([...Object.keys(this.config.people), ...this.lastPublished.keys()]);
    return [...ids].sort().map((id) => ({
      id,
      name: own(this.config.people, id)?.name ?? id,
      state: this.detector.state(id) ?? null,
    }));
  }

  deletePerson(id: string): Record<string, number> {
    this.sampleBuffer = this.sampleBuffer.filter((s) => s.person !== id);
    this.ingest.forget(id);
    this.detector.forget(id);
    this.saveDetector();
    this.episodes.forget(id);
    this.lastPublished.delete(id);
    this.views.forget(id);
    this.mqtt.publishLatest(stateTopic(this.config.mqtt.base_topic, id), "");
    return this.store.deletePerson(id);
  }

  dryRun(rule: Rule, reading: DryRunReading): Decision[] {
    const now = this.clock.now();
    // Without a given level, the detector's own entry thresholds say which level the score would reach.
    const d = this.config.detector;
    const level =
      reading.level ??
      (reading.score >= d.high_enter ? "high" : reading.score >= d.elevated_enter ? "elevated" : "calm");
    const state: StressState = {
      person: reading.person,
      level,
      score: reading.score,
      since: now,
      at: now,
      reason: "dry run",
      baseline_ready: true,
      actionable: true,
    };
    const previous: StressState | undefined =
      reading.previous_score === undefined
        ? undefined
        : { ...state, score: reading.previous_score, level: "calm" };
    return evaluateRules(
      [{ ...rule, enabled: true }],
      { person: reading.person, state, previous },
      {
        now,
        timeZone: this.timeZone,
        lastFired: () => undefined,
      },
    );
  }

  /** One MQTT message through the whole pipeline. Synchronous, so the broker's ack follows the work. */
  private handleMessage(topic: string, payload: Buffer): void {
    this.process(this.ingest.handle(topic, payload));
  }

  /** Sensor updates from Home Assistant that are configured as a person's wearable source. */
  private ingestHaSources(changed: readonly { entity_id: string }[]): void {
    const now = this.clock.now();
    for (const entity of changed) {
      const source = this.haSources.get(entity.entity_id);
      if (!source) continue;
      const result = sampleFromHaState(entity, {
        person: source.person,
        metric: source.metric,
        received_at: now,
      });
      this.process(this.ingest.accept(result, entity.entity_id, now));
    }
  }

  private process(items: readonly IngestedSample[]): void {
    for (const item of items) {
      this.sampleBuffer.push(item.sample);
      if (item.sample.sleep !== undefined) this.sleep.set(item.sample.person, item.sample.sleep);
      this.events.emit("sample", item);
      const previous = this.detector.state(item.sample.person);
      const state = this.detector.update(item.sample);
      if (!state) continue;
      this.events.emit("stress", state, previous);
      this.publishState(state);
      this.episodes.onStress(state);
      if (!item.fresh || !state.actionable) continue;
      this.decide(state, previous, item.sample.id);
    }
  }

  private decide(state: StressState, previous: StressState | undefined, readingId: string | undefined): void {
    if (this.controls.paused) return; // paused from Home Assistant, the API or the dashboard: no rule fires
    const now = this.clock.now();
    const decisions = evaluateRules(
      this.rules.active(),
      { person: state.person, state, previous, reading_id: readingId },
      {
        now,
        timeZone: this.timeZone,
        lastFired: (rule, person) => this.store.lastFired(rule, person),
      },
    );
    if (decisions.length === 0) return;
    for (const d of decisions) {
      if (d.outcome === "fired") this.store.recordFired(d.rule_id, d.person, now);
      // Through the ledger, so a rule's own light call is never mistaken for a hand on a leased light.
      if (d.actions.length) void this.runCommanded(d.actions);
    }
    for (const d of decisions) {
      // Debug: every action has its own info line with the result, and the action log says why.
      this.logger.debug(
        { component: "rules", rule: d.rule_id, person: d.person, outcome: d.outcome },
        `rule ${d.outcome}`,
      );
      this.events.emit("decision", d);
    }
  }

  private publishState(state: StressState): void {
    // Retained, at once when the level changes, otherwise at most every few seconds (and every 30 s as a
    // heartbeat): a reading stream of thousands per second must not become as many retained writes.
    const last = this.lastPublished.get(state.person);
    const now = this.clock.now();
    if (last && last.level === state.level) {
      const since = now - last.at;
      if (since < STATE_MIN_INTERVAL_MS) return;
      if (Math.abs(last.score - state.score) < 1 && since < 30_000) return;
    }
    this.lastPublished.set(state.person, { level: state.level, score: state.score, at: now });
    const body = {
      level: state.level,
      score: Math.round(state.score),
      since: new Date(state.since).toISOString(),
      reason: state.reason,
      baseline_ready: state.baseline_ready,
    };
    // Retained at QoS 0, newest per person per turn of the event loop (see MqttLink.publishLatest).
    this.mqtt.publishLatest(stateTopic(this.config.mqtt.base_topic, state.person), JSON.stringify(body));
  }

  private flushSamples(): void {
    if (this.sampleBuffer.length === 0) return;
    const batch = this.sampleBuffer;
    this.sampleBuffer = [];
    try {
      this.store.addSamples(batch);
    } catch (err) {
      this.logger.error(
        { component: "store", err: (err as Error).message, count: batch.length },
        "could not store readings",
      );
    }
  }

  private restoreDetector(): void {
    const saved = this.store.getDoc<unknown>("detector", "state");
    if (saved !== undefined) this.detector.importState(saved);
  }

  private saveDetector(): void {
    this.store.putDoc("detector", "state", this.detector.exportState(), this.clock.now());
  }

  private applyRetention(): void {
    const now = this.clock.now();
    const samples = this.store.pruneSamples(now - this.config.store.retention_days * 86_400_000);
    const actions = this.store.pruneActions(now - this.config.store.action_log_days * 86_400_000);
    if (samples + actions > 0)
      this.logger.info({ component: "store", samples, actions }, "retention: old records deleted");
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        this.logger.error({ component: "hub", err: (err as Error).message }, "periodic task failed");
      }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.flushSamples();
    this.saveDetector();
    this.ingest.flushLog(true);
  }
}

/** The Home Assistant entities the hub reads: its rooms' lights and speakers, and its people's presence. */
export function watchedEntities(config: Config): string[] {
  const ids = new Set<string>();
  for (const room of Object.values(config.rooms)) {
    for (const light of room.lights) ids.add(light);
    if (room.media_player) ids.add(room.media_player);
    for (const person of room.people) ids.add(`person.${person}`);
  }
  for (const [person, p] of Object.entries(config.people)) {
    ids.add(`person.${person}`);
    for (const source of p.sources) if ("entity_id" in source) ids.add(source.entity_id);
  }
  return [...ids].sort();
}

async function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not stop within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
