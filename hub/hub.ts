import type { FastifyInstance } from "fastify";
import { getAdapter } from "../devices/adapters/index.js";
import { ActionRunner } from "./actions/index.js";
import {
  type ApiPlugin,
  buildApi,
  type Health,
  resolveApiToken,
  routeGroup,
  runActionPlugin,
  runViaActionRunner,
} from "./api/index.js";
import { BreathingPacer, breathingApiPlugin } from "./breathing/index.js";
import { type Config, type Location, locationOf, moodQuiet, type Rule, timeZoneOf } from "./config/index.js";
import { HubControls } from "./controls/index.js";
import {
  type ActionOutcome,
  background,
  type Clock,
  type Component,
  component,
  type Decision,
  EventBus,
  type HubEvents,
  Lifecycle,
  type Logger,
  own,
  type PlannedAction,
  type StressState,
  Subscriptions,
  systemClock,
} from "./core/index.js";
import { HubViews, type ViewsOptions } from "./dashboard/index.js";
import { DetectorStateSchema, StressDetector } from "./detect/index.js";
import { calmActions, EpisodeManager, type EpisodeView, episodeControl } from "./episodes/index.js";
import { createFriendSuggester, type FriendSuggester } from "./friends/index.js";
import { anyoneHome, HaLink } from "./ha/index.js";
import { type Ingest, ingestFromConfig } from "./ingest/index.js";
import { computeInsights, DailyLog, insightRoutes, readInsightInput } from "./insights/index.js";
import { heldBackWhy, Learning, learningRoutes, type Random } from "./learn/index.js";
import { MoodCheckIns, moodRoutes } from "./mood/index.js";
import { MqttLink } from "./mqtt/index.js";
import { CommandLedger, TokenUserCheck } from "./override/index.js";
import { ReadingPipeline } from "./pipeline.js";
import { type DryRunReading, dryRunRule, RuleRegistry } from "./rules/index.js";
import { WindDownProgressSchema, WindDownRunner } from "./schedule/index.js";
import { SampleWriter, Store } from "./store/index.js";
import { VERSION } from "./version.js";
import { createVoiceService, type VoiceService, voiceApiPlugin } from "./voice/index.js";

export type { HubEvents } from "./core/index.js";

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
  /** The recipe bandit's randomness (seeded by tests, the demo and the learning evaluation). */
  random?: Random;
}

const DETECTOR_SAVE_MS = 60_000;
const DAILY_LOG_FLUSH_MS = 60_000;
const RETENTION_CHECK_MS = 3_600_000;
// Readings are stored once a second, one chunk per person (see Samples.add): long enough for chunks to
// hold many readings under load, short enough that the insert stays a few milliseconds. A hard kill loses at
// most this much of the raw record (never a decision: those happen on arrival).
const SAMPLE_FLUSH_MS = 1_000;

/**
 * The composition root: builds every component, and starts them in the order of `components()` (stopping
 * them in reverse). The per-reading work is in pipeline.ts; what people see is in dashboard/.
 */
export class Hub {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Observers only: history, metrics, discovery, the live stream, the demo's narration. */
  readonly events: EventBus<HubEvents>;
  readonly store: Store;
  readonly mqtt: MqttLink;
  readonly ha: HaLink;
  readonly ingest: Ingest;
  readonly detector: StressDetector;
  readonly rules: RuleRegistry;
  readonly runner: ActionRunner;
  /** What the hub commanded each entity and which contexts are its own: the facts for override decisions. */
  readonly commands: CommandLedger<HassEntityLike>;
  readonly episodes: EpisodeManager;
  readonly breathing: BreathingPacer;
  readonly learning: Learning;
  readonly windDown: WindDownRunner;
  readonly friends: FriendSuggester;
  readonly mood: MoodCheckIns;
  readonly voice: VoiceService;
  readonly controls: HubControls;
  readonly views: HubViews;
  readonly pipeline: ReadingPipeline;
  private readonly sampleWriter: SampleWriter;
  /** Hourly stress and daily steps and sleep, stored for the weekly insights. */
  private readonly dailyLog: DailyLog;
  apiToken = "";
  api: FastifyInstance | undefined;
  private readonly options: HubOptions;
  private readonly lifecycle: Lifecycle;
  private readonly startedAt: number;

  constructor(options: HubOptions) {
    this.options = options;
    const { config, logger } = options;
    this.config = config;
    this.logger = logger;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.lifecycle = new Lifecycle(logger);
    this.events = new EventBus<HubEvents>((owner, event, err) =>
      logger.error({ component: owner, event, err: (err as Error).message }, "event listener failed"),
    );
    this.store = new Store(config.data_dir, logger);
    this.store.onWriteError = (err) =>
      logger.error({ component: "store", err: err.message }, "could not save action records");
    this.detector = new StressDetector({
      ...config.detector,
      baseline: { ...config.detector.baseline, time_zone: timeZoneOf(config) },
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
    // The same construction as `calm-hub test-source`'s, so both judge a reading alike.
    const wiring = ingestFromConfig(config, { clock: this.clock, logger, getAdapter });
    this.ingest = wiring.ingest;
    this.rules = new RuleRegistry(config.rules, this.store.rules, config.home_assistant.allowed_services);
    this.runner = new ActionRunner({
      store: this.store,
      ha: this.ha,
      clock: this.clock,
      logger,
      allowedServices: config.home_assistant.allowed_services,
      // Pause and mode are enforced in the runner, for every path to Home Assistant (actions/policy.ts).
      policy: () => this.controls.state,
    });
    this.commands = new CommandLedger<HassEntityLike>({
      clock: this.clock,
      isCallContext: (id) => this.runner.ownContexts.has(id),
    });
    this.controls = new HubControls(() => this.clock.now());
    this.breathing = new BreathingPacer({
      config,
      clock: this.clock,
      logger,
      getEntity: (id) => this.ha.getEntity(id),
      run: (actions) => this.act(actions),
      timeZone: () => this.timeZone,
      isAsleep: (person) => this.pipeline.isAsleep(person),
      episodes: {
        active: () => this.episodes.activeEpisodes(),
        start: (request) => this.episodes.startEpisode(request),
      },
      onEvent: (event) => this.events.emit("breathing", event),
    });
    this.learning = new Learning({
      config,
      clock: this.clock,
      logger,
      docs: this.store.docs,
      ...(options.random ? { random: options.random } : {}),
    });
    this.episodes = new EpisodeManager({
      config,
      clock: this.clock,
      logger,
      store: this.store,
      getEntity: (id) => this.ha.getEntity(id),
      run: (actions) => this.act(actions),
      timeZone: () => this.timeZone,
      isAsleep: (person) => this.pipeline.isAsleep(person),
      onChange: (view, phase) => this.episodeChanged(view, phase),
      breathing: this.breathing.episodeHook(),
      recipes: {
        choose: (person) => this.learning.choose(person),
        started: (e) => this.learning.episodeStarted(e),
        ended: (e) => this.learning.episodeEnded(e),
      },
    });
    for (const [service, handler] of Object.entries(calmActions(this.episodes, config)))
      this.runner.registerLocal(service, handler);
    this.windDown = new WindDownRunner({
      windDowns: config.wind_down,
      roomLights: (room) => own(config.rooms, room)?.lights ?? [],
      roomName: (room) => own(config.rooms, room)?.name,
      clock: this.clock,
      logger,
      location: () => this.location(),
      getEntity: (id) => this.ha.getEntity(id),
      run: (actions) => this.act(actions),
      roomBusy: (room) => this.episodes.activeEpisodes().some((e) => e.room === room),
      anyoneHome: () => anyoneHome(Object.values(this.ha.allEntities())),
      loadProgress: (key) => this.store.docs.get("wind_down", key, WindDownProgressSchema),
      saveProgress: (key, progress) => this.store.docs.put("wind_down", key, progress, this.clock.now()),
      playSoundscape: (room, name, origin, by) => this.episodes.playSoundscape(room, name, origin, by),
      onEvent: (kind, plan, detail) =>
        this.events.emit("wind_down", {
          phase: kind === "started" ? "start" : kind === "handed_back" ? "end" : kind,
          room: plan.room,
          date: plan.date,
          detail,
        }),
    });
    this.friends = createFriendSuggester({
      ha: this.ha,
      run: (actions) => this.act(actions),
      store: this.store.docs,
      clock: this.clock,
      logger,
      config: config.friends,
      timeZone: () => this.timeZone,
    });
    this.mood = new MoodCheckIns({
      ha: this.ha,
      run: (actions) => this.act(actions),
      store: this.store.docs,
      clock: this.clock,
      logger,
      config: config.mood,
      quietHours: moodQuiet(config),
      fallbackPhone: (person) => own(config.friends, person)?.notify,
      names: config.people,
      timeZone: () => this.timeZone,
      isAsleep: (person) => this.pipeline.isAsleep(person),
      onRecorded: (r) =>
        this.events.emit("mood", { person: r.person, at: r.at, mood: r.mood, source: r.source }),
    });
    this.voice = createVoiceService({
      ha: this.ha,
      episodes: episodeControl(this.episodes),
      config: config.voice,
      clock: this.clock,
      logger,
      friends: this.friends,
      moods: this.mood,
      breathing: this.breathing,
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
    this.dailyLog = new DailyLog(this.store.docs, () => this.timeZone);
    this.sampleWriter = new SampleWriter(this.store.samples, (err, count) =>
      this.logger.error(
        { component: "store", err: (err as Error).message, count },
        "could not store readings",
      ),
    );
    this.pipeline = new ReadingPipeline({
      config,
      clock: this.clock,
      logger,
      bus: this.events,
      ingest: this.ingest,
      haSources: wiring.haSources,
      detector: this.detector,
      rules: this.rules,
      store: this.store.cooldowns,
      controls: this.controls,
      episodes: {
        onStress: (state) => {
          this.episodes.onStress(state);
          this.learning.onStress(state);
        },
      },
      friends: {
        // A recipe may rule friend nudges out while its episode runs.
        observeStress: (state) => {
          if (this.episodes.friendNudgeAllowed(state.person)) this.friends.observeStress(state);
        },
        observeSleep: (person, sleep) => this.friends.observeSleep(person, sleep),
      },
      breathing: this.breathing,
      act: (actions) => this.act(actions),
      publishLatest: (topic, payload) => this.mqtt.publishLatest(topic, payload),
      timeZone: () => this.timeZone,
    });
    this.views = new HubViews(
      {
        config,
        clock: this.clock,
        logger,
        bus: this.events,
        controls: this.controls,
        mqtt: this.mqtt,
        store: this.store,
        episodes: this.episodes,
        breathing: (episodeId) => this.breathing.statusOf(episodeId),
        ingestCounters: () => this.ingest.counters,
        links: () => ({ mqtt: this.mqtt.state, home_assistant: this.ha.state }),
        people: () => this.people(),
        uptimeS: () => this.health().uptime_s,
        location: () => this.location(),
        calmNow: (room) =>
          background(this.calmNow(room), this.logger, { component: "hub", room }, "calm now failed"),
      },
      options.views,
    );
  }

  /**
   * Everything with a connection or a timer, in start order; stop runs it backwards. The store first (the
   * rest reads it), Home Assistant before what calls it, discovery before the MQTT link so that its first
   * connection publishes it, HTTP last so nobody is served by a half-started hub.
   */
  private components(): Component[] {
    const subscriptions = new Subscriptions();
    const list: Component[] = [
      component(
        "store",
        () => this.openStore(),
        () => this.store.close(),
      ),
      component(
        "wiring",
        () => this.wire(subscriptions),
        () => subscriptions.clear(),
      ),
      this.named("home-assistant", this.ha),
      this.named("actions", this.runner),
      this.named("episodes", this.episodes),
      this.named("breathing", this.breathing),
      this.named("wind-down", this.windDown),
      this.named("friends", this.friends),
      this.named("mood", this.mood),
      this.named("voice", this.voice),
      this.views,
      component(
        "mqtt",
        async () => {
          const filters = this.ingest.filters();
          for (const filter of filters) this.mqtt.subscribe(filter);
          subscriptions.add(
            this.mqtt.onTopics(filters, (topic, payload) => this.pipeline.handleMessage(topic, payload)),
          );
          await this.mqtt.start();
        },
        () => this.mqtt.stop(),
      ),
      this.maintenance(),
    ];
    if (this.options.http !== false)
      list.push(
        component(
          "api",
          () => this.startApi(),
          () => this.api?.close(),
        ),
      );
    return list;
  }

  private named(name: string, c: { start(): unknown; stop(): unknown }): Component {
    return component(
      name,
      async () => {
        await c.start();
      },
      async () => {
        await c.stop();
      },
    );
  }

  async start(): Promise<void> {
    await this.lifecycle.start(this.components());
    this.logger.info({ component: "hub", version: VERSION }, "Calm Hub started");
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }

  /** Listener counts per owner on the observer bus, for the leak check. */
  get listeners(): Record<string, number> {
    return this.events.owners();
  }

  private openStore(): void {
    this.store.open();
    this.controls.load(this.store.docs);
    const saved = this.store.docs.get("detector", "state", DetectorStateSchema);
    if (saved !== undefined) this.detector.importState(saved);
    const skipped = this.rules.load();
    if (skipped.length)
      this.logger.warn({ component: "rules", skipped }, "saved rules that no longer validate were skipped");
  }

  /** The callbacks between components; each returns its unsubscribe, all removed on stop. */
  private wire(subs: Subscriptions): void {
    const emitLink = (): void =>
      this.events.emit("link", { mqtt: this.mqtt.state, home_assistant: this.ha.state });
    const tokenUser = new TokenUserCheck((person) =>
      this.logger.warn(
        { component: "ha", person },
        `the Home Assistant token belongs to ${person}'s user, so the hub's changes show up as that person's; make a dedicated "Calm Hub" user and use its token (see config/homeassistant/README.md)`,
      ),
    );
    subs.add(this.ha.onState(emitLink));
    subs.add(this.mqtt.onState(emitLink));
    subs.add(this.runner.onOutcome((o) => this.events.emit("action", o)));
    // An observer: it only summarises (hourly stress, daily steps and sleep) for the weekly insights.
    const insights = this.events.owner("insights");
    insights.on("stress", (s) => this.dailyLog.observeStress(s));
    insights.on("sample", (item) => this.dailyLog.observeSample(item.sample));
    subs.add(() => insights.close());
    subs.add(this.events.on("decision", (d) => this.noteHeldBack(d), "learning"));
    subs.add(
      this.commands.onChanges((changes) => {
        this.episodes.onEntities(changes);
        this.breathing.onEntities(changes);
        this.windDown.onEntities(changes);
      }),
    );
    subs.add(
      this.ha.onEntities((_all, changed) => {
        this.pipeline.handleHaEntities(changed);
        this.commands.observe(changed);
        tokenUser.check(this.ha.userId, Object.values(this.ha.allEntities()));
      }),
    );
  }

  /** Periodic work: store the buffered readings, save the detector, apply retention, summarize ingest. */
  private maintenance(): Component {
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.logger.error({ component: "hub", err: (err as Error).message }, "periodic task failed");
        }
      }, ms);
      t.unref();
      timers.push(t);
    };
    return component(
      "timers",
      () => {
        every(SAMPLE_FLUSH_MS, () => this.flushSamples());
        every(DETECTOR_SAVE_MS, () => this.saveDetector());
        every(DAILY_LOG_FLUSH_MS, () => this.dailyLog.flush(this.clock.now()));
        every(RETENTION_CHECK_MS, () => this.applyRetention());
        every(this.config.ingest.log_interval_s * 1000, () => this.ingest.flushLog(true));
        this.applyRetention();
      },
      () => {
        for (const t of timers.splice(0)) clearInterval(t);
        this.flushSamples();
        this.sampleWriter.drain();
        this.dailyLog.flush(this.clock.now());
        this.saveDetector();
        this.ingest.flushLog(true);
      },
    );
  }

  /** Runs calls through the action runner and tells the ledger what they command, so echoes are not hands. */
  private async act(actions: PlannedAction[]): Promise<ActionOutcome[]> {
    const release = this.commands.commanded(actions, (id) => this.ha.getEntity(id));
    try {
      return await this.runner.run(actions);
    } finally {
      release();
    }
  }

  private episodeChanged(view: EpisodeView, phase: "started" | "ended" | "updated"): void {
    if (phase === "started") this.friends.noteEpisodeStarted(view);
    if (phase === "ended") this.mood.episodeEnded(view);
    this.events.emit("episode", view, phase);
  }

  /**
   * A rule that would have started an episode but was held back (cooldown, a condition such as quiet hours,
   * pause or mode): the comparison moments the outcomes are measured against.
   */
  private noteHeldBack(d: Decision): void {
    const why = heldBackWhy(d, this.controls.state);
    if (why === undefined) return;
    const rule = this.rules.active().find((r) => r.id === d.rule_id);
    if (!rule?.actions.some((a) => a.action === "calm.start_episode")) return;
    if (this.episodes.activeEpisodes().some((e) => e.person === d.person)) return;
    this.learning.skipped(d.person, why);
  }

  /** The "calm now" button of a room (Home Assistant, through MQTT discovery): a person asked. */
  async calmNow(room: string): Promise<void> {
    const person = own(this.config.rooms, room)?.people[0] ?? "household";
    const r = await this.episodes.startEpisode({
      person,
      room,
      reason: "calm now button",
      cause: { kind: "button", why: "Calm now was pressed in Home Assistant" },
    });
    if (!r.ok) this.logger.info({ component: "hub", room }, `calm now not started: ${r.reason}`);
  }

  /** The dashboard's and Home Assistant's view of episodes. */
  get episodeSource(): HubViews["episodeSource"] {
    return this.views.episodeSource;
  }

  /** Where the sun is computed for: the config's location, else Home Assistant's. */
  location(): Location | undefined {
    return locationOf(this.config, this.ha.haConfig);
  }

  get timeZone(): string {
    return timeZoneOf(this.config, this.ha.haConfig);
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
        recentActions: (limit, person) => this.store.actions.recent(limit, person),
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
        routeGroup(insightRoutes, {
          insights: (person, days) => {
            // What was gathered since the last minute's flush counts too.
            this.dailyLog.flush(this.clock.now());
            return computeInsights(
              person,
              readInsightInput(this.store.docs, person),
              this.clock.now(),
              this.timeZone,
              days,
            );
          },
          isPerson: (id) => this.people().some((p) => p.id === id),
        }),
        routeGroup(moodRoutes, {
          record: (person, mood, source, note) => this.mood.record(person, mood, source, note),
          moods: (person, limit) => this.mood.moods(person, limit),
          isPerson: (id) => this.people().some((p) => p.id === id),
        }),
        breathingApiPlugin(this.breathing, (id) => this.people().some((p) => p.id === id)),
        routeGroup(learningRoutes, {
          learning: this.learning,
          isPerson: (id) => this.people().some((p) => p.id === id),
          people: () => this.people().map((p) => p.id),
        }),
        ...(this.options.apiPlugins ?? []),
      ],
    );
    await api.listen({ host: http.host, port: http.port });
    this.api = api;
  }

  /** The API's address once listening, e.g. http://127.0.0.1:8787. */
  get apiUrl(): string {
    const addr = this.api?.server.address();
    if (!addr || typeof addr === "string") return "";
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${addr.port}`;
  }

  people(): { id: string; name: string; state: StressState | null }[] {
    const ids = new Set([...Object.keys(this.config.people), ...this.pipeline.publishedPeople()]);
    return [...ids].sort().map((id) => ({
      id,
      name: own(this.config.people, id)?.name ?? id,
      state: this.detector.state(id) ?? null,
    }));
  }

  /** Per-person delete: every component forgets the person, then the store deletes their records. */
  deletePerson(id: string): Record<string, number> {
    this.pipeline.forget(id);
    this.sampleWriter.forget(id);
    this.dailyLog.forget(id);
    this.ingest.forget(id);
    this.detector.forget(id);
    this.saveDetector();
    this.episodes.forget(id);
    this.breathing.forget(id);
    this.learning.forget(id);
    this.views.forget(id);
    return this.store.deletePerson(id);
  }

  dryRun(rule: Rule, reading: DryRunReading): Decision[] {
    const d = this.config.detector;
    return dryRunRule(rule, reading, {
      now: this.clock.now(),
      timeZone: this.timeZone,
      thresholds: { elevated: d.elevated_enter, high: d.high_enter },
    });
  }

  private flushSamples(): void {
    this.sampleWriter.write(this.pipeline.takeSamples());
  }

  private saveDetector(): void {
    this.store.docs.put("detector", "state", this.detector.exportState(), this.clock.now());
  }

  private applyRetention(): void {
    const now = this.clock.now();
    const deleted = this.store.applyRetention(now, {
      ...this.config.store,
      mood_days: this.config.mood.mood_days,
    });
    if (Object.values(deleted).some((n) => n > 0))
      this.logger.info({ component: "store", ...deleted }, "retention: old records deleted");
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
