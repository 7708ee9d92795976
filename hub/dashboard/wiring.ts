/**
 * What people see, wired to the hub in one place: Home Assistant discovery entities, the stress history
 * behind the charts, Prometheus metrics, the live stream, the dashboard's API routes and the page itself.
 */
import {
  type ApiPlugin,
  type EpisodeView,
  EventStream,
  isRunning,
  Metrics,
  metricsRoutes,
  routeGroup,
  streamHubEvents,
  streamRoutes,
  viewRoutes,
} from "../api/index.js";
import type { ControlState } from "../controls/index.js";
import { own } from "../core/index.js";
import { StressHistory, type StressHistoryOptions } from "../history/index.js";
import type { Hub } from "../hub.js";
import { MqttDiscovery } from "../mqtt/index.js";
import { VERSION } from "../version.js";
import { dashboardPage } from "./page.js";

export interface ViewsOptions {
  /** Delay before re-publishing discovery after Home Assistant's birth message (tests use 0). */
  birthDelayMs?: () => number;
  liveHeartbeatMs?: number;
  history?: StressHistoryOptions;
}

export class HubViews {
  readonly history: StressHistory;
  readonly metrics: Metrics;
  /** The one event stream (GET /api/stream) for the dashboard and Node-RED. */
  readonly stream: EventStream;
  readonly discovery: MqttDiscovery | undefined;
  private readonly hub: Hub;
  private readonly offs: (() => void)[] = [];
  private readonly unstream: () => void;

  constructor(hub: Hub, options: ViewsOptions = {}) {
    this.hub = hub;
    const config = hub.config;
    this.history = new StressHistory(options.history);
    this.metrics = new Metrics({
      ingest: () => hub.ingest.counters,
      links: () => ({ mqtt: hub.mqtt.state, home_assistant: hub.ha.state }),
      paused: () => hub.controls.paused,
      people: () => hub.people().length,
      liveClients: () => this.stream.clientCount,
      uptimeS: () => hub.health().uptime_s,
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
          hub.episodeSource.listEpisodes().some((e) => e.person === person && isRunning(e)) ?? false,
        onCalmNow: (name) =>
          hub.events.emit(
            "calm_now",
            Object.entries(config.rooms).find(([id, r]) => (r.name ?? id) === name)?.[0] ?? name,
          ),
        logger: hub.logger,
        memory: hub.store,
        now: () => hub.clock.now(),
        ...(options.birthDelayMs ? { birthDelayMs: options.birthDelayMs } : {}),
      });
    }
    // Listeners from construction on, so no reading or decision before start() goes uncounted.
    hub.events.on("stress", (s) => this.history.record(s));
    hub.events.on("decision", (d) => this.metrics.decision(d.outcome));
    hub.events.on("action", (o) => this.metrics.action(o.result, o.latency_ms));
    this.unstream = streamHubEvents(this.stream, hub.events, () => hub.clock.now());
    hub.controls.onChange((s: ControlState) => this.stream.publish("control", s));
  }

  /** Before the MQTT link starts, so that discovery is published on its first connection. */
  start(): void {
    this.discovery?.start();
    const off = this.hub.episodeSource.onEpisode?.((e) => this.episodeChanged(e));
    if (off) this.offs.push(off);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.discovery?.stop();
    this.unstream();
    this.stream.endClients();
  }

  /** An episode started, ended or was stopped: tell Home Assistant (the stream has it from the hub's events). */
  episodeChanged(e: EpisodeView): void {
    const running =
      this.hub.episodeSource.listEpisodes().some((x) => x.person === e.person && isRunning(x)) ??
      isRunning(e);
    this.discovery?.publishEpisode(e.person, running);
  }

  /** MQTT topics the views consume (Home Assistant commands and birth); not wearable readings. */
  owns(topic: string): boolean {
    return this.discovery?.owns(topic) ?? false;
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
        samples: (person, since, limit) => hub.store.samples(person, since, limit),
        episodes: () => hub.episodeSource,
        controls: hub.controls,
        windDowns: () => hub.config.wind_down,
        location: () => hub.location(),
        bands: () => ({ elevated: hub.config.detector.elevated_enter, high: hub.config.detector.high_enter }),
        episodeChanged: (e) => this.episodeChanged(e),
      }),
      routeGroup(streamRoutes, { stream: this.stream }),
      routeGroup(metricsRoutes, { metrics: this.metrics }),
      dashboardPage(),
    ];
  }
}
