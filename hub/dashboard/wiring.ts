/**
 * What people see, wired to the hub in one place: Home Assistant discovery entities, the stress history
 * behind the charts, Prometheus metrics, the event stream, the dashboard's API routes and the page itself.
 */
import {
  type ApiPlugin,
  type BreathingStatusView,
  type EpisodeSource,
  type EpisodeView,
  EventStream,
  isRunning,
  Metrics,
  metricsRoutes,
  routeGroup,
  streamHubEvents,
  streamRoutes,
  toEpisodeView,
  viewRoutes,
} from "../api/index.js";
import type { Config, Location } from "../config/index.js";
import type { ControlState, HubControls } from "../controls/index.js";
import {
  type ActionOutcome,
  type Clock,
  type Decision,
  type EventBus,
  type HubEvents,
  type Logger,
  own,
  type StressState,
} from "../core/index.js";
import type { EpisodeManager } from "../episodes/index.js";
import { StressHistory, type StressHistoryOptions } from "../history/index.js";
import type { IngestCounters } from "../ingest/index.js";
import { type DiscoveryMqtt, MqttDiscovery } from "../mqtt/index.js";
import type { Store } from "../store/index.js";
import { VERSION } from "../version.js";
import { dashboardPage } from "./page.js";

export interface ViewsOptions {
  /** Delay before re-publishing discovery after Home Assistant's birth message (tests use 0). */
  birthDelayMs?: () => number;
  liveHeartbeatMs?: number;
  history?: StressHistoryOptions;
}

/** What the views read of the hub: each part by its own narrow type, so the views never import the hub. */
export interface ViewsHost {
  config: Config;
  clock: Clock;
  logger: Logger;
  bus: EventBus<HubEvents>;
  controls: HubControls;
  mqtt: DiscoveryMqtt;
  store: Pick<Store, "samples" | "docs" | "actions">;
  episodes: Pick<EpisodeManager, "activeEpisodes" | "history" | "stopEpisode">;
  /** The breathing guide of an episode, if it has (or had) one. */
  breathing?(episodeId: string): BreathingStatusView | undefined;
  ingestCounters(): IngestCounters;
  links(): { mqtt: string; home_assistant: string };
  people(): { id: string; name: string; state: StressState | null }[];
  uptimeS(): number;
  location(): Location | undefined;
  /** The "calm now" button of a room was pressed in Home Assistant: behaviour, so a direct call. */
  calmNow(room: string): void;
}

const OWNER = "views";

export class HubViews {
  readonly history: StressHistory;
  readonly metrics: Metrics;
  /** The one event stream (GET /api/stream), for the dashboard and Node-RED alike. */
  readonly stream: EventStream;
  readonly discovery: MqttDiscovery | undefined;
  readonly episodeSource: EpisodeSource;
  private readonly hub: ViewsHost;

  constructor(hub: ViewsHost, options: ViewsOptions = {}) {
    this.hub = hub;
    const config = hub.config;
    this.episodeSource = episodeSourceOf(hub.episodes, (id) => hub.breathing?.(id));
    this.history = new StressHistory(options.history);
    this.metrics = new Metrics({
      ingest: () => hub.ingestCounters(),
      links: () => hub.links(),
      paused: () => hub.controls.paused,
      people: () => hub.people().length,
      liveClients: () => this.stream.clientCount,
      uptimeS: () => hub.uptimeS(),
      version: VERSION,
    });
    this.stream = new EventStream({
      logger: hub.logger,
      now: () => hub.clock.now(),
      ...(options.liveHeartbeatMs === undefined ? {} : { heartbeatMs: options.liveHeartbeatMs }),
    });
    if (config.mqtt.discovery) {
      this.discovery = new MqttDiscovery({
        mqtt: hub.mqtt,
        baseTopic: config.mqtt.base_topic,
        prefix: config.mqtt.discovery_prefix,
        hubId: config.mqtt.client_id,
        version: VERSION,
        people: () => Object.entries(config.people).map(([id, p]) => ({ id, name: p.name ?? id })),
        rooms: () => Object.entries(config.rooms).map(([id, r]) => r.name ?? id),
        controls: hub.controls,
        episodeActive: (person) =>
          this.episodeSource.listEpisodes().some((e) => e.person === person && isRunning(e)),
        onCalmNow: (name) =>
          hub.calmNow(Object.entries(config.rooms).find(([id, r]) => (r.name ?? id) === name)?.[0] ?? name),
        logger: hub.logger,
        memory: hub.store.docs,
        now: () => hub.clock.now(),
        ...(options.birthDelayMs ? { birthDelayMs: options.birthDelayMs } : {}),
      });
    }
  }

  readonly name = OWNER;

  /** Before the MQTT link starts, so that discovery is published on its first connection. */
  start(): void {
    const bus = this.hub.bus.owner(OWNER);
    bus.on("stress", (s: StressState) => this.history.record(s));
    bus.on("decision", (d: Decision) => this.metrics.decision(d.outcome));
    bus.on("action", (o: ActionOutcome) => this.metrics.action(o.result, o.latency_ms));
    bus.on("episode", (e) => this.episodeChanged(toEpisodeView(e)));
    streamHubEvents(this.stream, bus, () => this.hub.clock.now());
    this.offControls = this.hub.controls.onChange((s: ControlState) => this.stream.publish("control", s));
    this.discovery?.start();
  }

  stop(): void {
    this.hub.bus.removeOwner(OWNER);
    this.offControls?.();
    this.offControls = undefined;
    this.discovery?.stop();
    this.stream.endClients();
  }

  private offControls: (() => void) | undefined;

  /** An episode started, ended or was stopped: tell Home Assistant (the stream has it from the bus itself). */
  episodeChanged(e: EpisodeView): void {
    const running = this.episodeSource.listEpisodes().some((x) => x.person === e.person && isRunning(x));
    this.discovery?.publishEpisode(e.person, running);
  }

  /** Per-person delete. */
  forget(person: string): void {
    this.history.forget(person);
    this.stream.forget(person);
  }

  /** The API route groups, in registration order. */
  plugins(): ApiPlugin[] {
    const hub = this.hub;
    return [
      routeGroup(viewRoutes, {
        now: () => hub.clock.now(),
        people: () => hub.people(),
        room: (id) => own(hub.config.people, id)?.room,
        history: this.history,
        samples: (person, since, limit) => hub.store.samples.list(person, since, limit),
        episodes: () => this.episodeSource,
        controls: hub.controls,
        windDowns: () => hub.config.wind_down,
        location: () => hub.location(),
        bands: () => ({ elevated: hub.config.detector.elevated_enter, high: hub.config.detector.high_enter }),
        episodeChanged: (e) => this.episodeChanged(e),
        actions: (limit) => hub.store.actions.recent(limit),
        rooms: () => Object.entries(hub.config.rooms).map(([id, r]) => ({ id, name: r.name ?? id })),
      }),
      routeGroup(streamRoutes, { stream: this.stream }),
      routeGroup(metricsRoutes, { metrics: this.metrics }),
      dashboardPage(),
    ];
  }
}

/** The dashboard's and Home Assistant's view of episodes: the running ones and the last 20 that ended. */
function episodeSourceOf(
  episodes: ViewsHost["episodes"],
  breathing: (episodeId: string) => BreathingStatusView | undefined,
): EpisodeSource {
  return {
    listEpisodes: () => {
      const ended = episodes
        .history()
        .filter((e) => e.state === "ended")
        .slice(0, 20);
      return [...episodes.activeEpisodes(), ...ended].map((e) => {
        const view = toEpisodeView(e);
        const guide = breathing(e.id);
        return guide ? { ...view, breathing: guide } : view;
      });
    },
    stopEpisode: async (id, by) => (await episodes.stopEpisode({ id }, "stopped", by)) !== undefined,
  };
}
