/**
 * Home Assistant MQTT discovery for the hub's own entities: per person a stress score sensor, a stress level
 * sensor and an "episode active" binary sensor; for the hub a pause switch, a mode select and a "calm now"
 * button per room. One config topic per entity, retained, re-published on every (re)connect and whenever
 * Home Assistant announces itself on `homeassistant/status`.
 */
import { z } from "zod";
import { type ControlState, HUB_MODES, type HubControls, HubModeSchema } from "../controls/index.js";
import type { Logger } from "../core/index.js";
import type { MqttLinkState } from "./link.js";
import { stateTopic, statusTopic } from "./topics.js";

/** The part of MqttLink discovery needs. */
export interface DiscoveryMqtt {
  readonly state: string;
  publish(topic: string, payload: string, options?: { retain?: boolean; qos?: 0 | 1 }): void;
  subscribe(filter: string): void;
  onTopics(filters: readonly string[], handler: (topic: string, payload: Buffer) => void): () => void;
  onState(handler: (state: MqttLinkState) => void): () => void;
}

/** Remembers which config topics were published, so entities of removed people or rooms can be removed. */
export interface DiscoveryMemory {
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined;
  put(scope: string, key: string, value: unknown, updatedAt: number): void;
}

const TopicsSchema = z.array(z.string());

export interface DiscoveryOptions {
  mqtt: DiscoveryMqtt;
  /** The hub's base topic, e.g. "calm". */
  baseTopic: string;
  /** Home Assistant's discovery prefix; its birth topic is `<prefix>/status`. Default "homeassistant". */
  prefix?: string;
  /** Stable id of this hub instance; prefixes every unique id. Letters, digits and _ after slugging. */
  hubId: string;
  version: string;
  people(): { id: string; name: string }[];
  rooms(): string[];
  controls: HubControls;
  /** Whether a calm episode is running for the person (for the binary sensor's first state). */
  episodeActive?(person: string): boolean;
  /** The "calm now" button was pressed for a room. */
  onCalmNow(room: string): void;
  logger: Logger;
  memory?: DiscoveryMemory;
  /** Delay before re-publishing after Home Assistant's birth message; the docs recommend a small random one. */
  birthDelayMs?: () => number;
  /** Link shown on the device page in Home Assistant (the dashboard). */
  configurationUrl?: () => string | undefined;
  now?: () => number;
}

export interface DiscoveryEntity {
  component: "sensor" | "binary_sensor" | "switch" | "select" | "button";
  /** `<prefix>/<component>/<unique_id>/config` */
  topic: string;
  config: Record<string, unknown>;
}

/** A Home Assistant-safe id part: lowercase letters, digits and _. */
export function slug(text: string): string {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return s || "x";
}

export class MqttDiscovery {
  private readonly o: DiscoveryOptions;
  private readonly prefix: string;
  private readonly hubId: string;
  private readonly offs: (() => void)[] = [];
  private birthTimer: NodeJS.Timeout | undefined;
  private roomBySlug = new Map<string, string>();
  private readonly episodeStates = new Map<string, boolean>();
  private running = false;

  constructor(options: DiscoveryOptions) {
    this.o = options;
    this.prefix = options.prefix ?? "homeassistant";
    this.hubId = slug(options.hubId);
  }

  get birthTopic(): string {
    return `${this.prefix}/status`;
  }

  /** Hub-level state and command topics. */
  get topics(): {
    pause: string;
    pauseSet: string;
    mode: string;
    modeSet: string;
    calmNow: (room: string) => string;
    episode: (person: string) => string;
  } {
    const hub = `${this.o.baseTopic}/hub`;
    return {
      pause: `${hub}/pause`,
      pauseSet: `${hub}/pause/set`,
      mode: `${hub}/mode`,
      modeSet: `${hub}/mode/set`,
      calmNow: (room) => `${hub}/calm_now/${slug(room)}/press`,
      episode: (person) => `${this.o.baseTopic}/${person}/episode`,
    };
  }

  /** True for topics this component consumes, so the hub's ingest does not count them as unknown. */
  owns(topic: string): boolean {
    if (topic === this.birthTopic) return true;
    const hub = `${this.o.baseTopic}/hub/`;
    return topic.startsWith(hub) && (topic.endsWith("/set") || topic.endsWith("/press"));
  }

  /** Registers subscriptions and handlers; call before or after the MQTT link starts. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const t = this.topics;
    const filters = [this.birthTopic, t.pauseSet, t.modeSet, `${this.o.baseTopic}/hub/calm_now/+/press`];
    for (const filter of filters) this.o.mqtt.subscribe(filter);
    // Only its own topics: readings arrive thousands a second and must not be decoded here.
    this.offs.push(
      this.o.mqtt.onTopics(filters, (topic, payload) => this.handle(topic, payload.toString("utf8").trim())),
    );
    this.offs.push(
      this.o.mqtt.onState((state) => {
        if (state === "online") this.publishAll();
      }),
    );
    this.offs.push(this.o.controls.onChange((state) => this.publishControls(state)));
    if (this.o.mqtt.state === "online") this.publishAll();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.birthTimer);
    for (const off of this.offs.splice(0)) off();
  }

  /** Every entity's discovery config, as published. */
  entities(): DiscoveryEntity[] {
    const o = this.o;
    const id = this.hubId;
    const device: Record<string, unknown> = {
      identifiers: [id],
      name: "Calm Hub",
      manufacturer: "Calm Hub project",
      model: "Calm Hub",
      sw_version: o.version,
    };
    const url = o.configurationUrl?.();
    if (url) device.configuration_url = url;
    const common = {
      device,
      origin: { name: "calm-hub", sw_version: o.version },
      availability: [
        { topic: statusTopic(o.baseTopic), payload_available: "online", payload_not_available: "offline" },
      ],
      qos: 1,
    };
    const out: DiscoveryEntity[] = [];
    const add = (
      component: DiscoveryEntity["component"],
      key: string,
      config: Record<string, unknown>,
    ): void => {
      const uniqueId = `${id}_${key}`;
      out.push({
        component,
        topic: `${this.prefix}/${component}/${uniqueId}/config`,
        config: { ...config, unique_id: uniqueId, default_entity_id: `${component}.${uniqueId}`, ...common },
      });
    };

    for (const p of o.people()) {
      const ps = slug(p.id);
      const state = stateTopic(o.baseTopic, p.id);
      add("sensor", `${ps}_stress_score`, {
        name: `${p.name} stress score`,
        state_topic: state,
        value_template: "{{ value_json.score }}",
        unit_of_measurement: "%",
        state_class: "measurement",
        suggested_display_precision: 0,
        icon: "mdi:heart-pulse",
      });
      add("sensor", `${ps}_stress_level`, {
        name: `${p.name} stress level`,
        state_topic: state,
        value_template: "{{ value_json.level }}",
        device_class: "enum",
        options: ["calm", "elevated", "high"],
        json_attributes_topic: state,
        json_attributes_template: "{{ {'since': value_json.since, 'reason': value_json.reason} | tojson }}",
        icon: "mdi:meditation",
      });
      add("binary_sensor", `${ps}_episode_active`, {
        name: `${p.name} calm episode active`,
        state_topic: this.topics.episode(p.id),
        payload_on: "ON",
        payload_off: "OFF",
        icon: "mdi:weather-windy",
      });
    }
    add("switch", "pause", {
      name: "Pause automation",
      state_topic: this.topics.pause,
      command_topic: this.topics.pauseSet,
      payload_on: "ON",
      payload_off: "OFF",
      icon: "mdi:pause-circle-outline",
    });
    add("select", "mode", {
      name: "Mode",
      state_topic: this.topics.mode,
      command_topic: this.topics.modeSet,
      options: [...HUB_MODES],
      icon: "mdi:home-heart",
    });
    this.roomBySlug = new Map();
    for (const room of o.rooms()) {
      const rs = slug(room);
      if (this.roomBySlug.has(rs)) continue;
      this.roomBySlug.set(rs, room);
      add("button", `calm_now_${rs}`, {
        name: `Calm now: ${room}`,
        command_topic: this.topics.calmNow(room),
        payload_press: "PRESS",
        icon: "mdi:spa-outline",
      });
    }
    return out;
  }

  /** Publishes every config (retained), clears configs of entities that went away, then the states. */
  publishAll(): void {
    if (!this.running) return;
    const entities = this.entities();
    const topics = entities.map((e) => e.topic);
    const memKey = this.hubId;
    const previous = this.o.memory?.get("mqtt-discovery", memKey, TopicsSchema) ?? [];
    for (const gone of previous.filter((t) => !topics.includes(t)))
      this.o.mqtt.publish(gone, "", { retain: true });
    for (const e of entities) this.o.mqtt.publish(e.topic, JSON.stringify(e.config), { retain: true });
    this.o.memory?.put("mqtt-discovery", memKey, topics, (this.o.now ?? Date.now)());
    this.publishControls(this.o.controls.state);
    for (const p of this.o.people()) {
      const active = this.episodeStates.get(p.id) ?? this.o.episodeActive?.(p.id) ?? false;
      this.publishEpisode(p.id, active);
    }
    this.o.logger.debug(
      { component: "discovery", entities: entities.length },
      "Home Assistant discovery published",
    );
  }

  /** Tells Home Assistant whether a calm episode is running for a person (retained). */
  publishEpisode(person: string, active: boolean): void {
    this.episodeStates.set(person, active);
    this.o.mqtt.publish(this.topics.episode(person), active ? "ON" : "OFF", { retain: true });
  }

  private publishControls(state: ControlState): void {
    this.o.mqtt.publish(this.topics.pause, state.paused ? "ON" : "OFF", { retain: true });
    this.o.mqtt.publish(this.topics.mode, state.mode, { retain: true });
  }

  private handle(topic: string, payload: string): void {
    if (!this.running) return;
    const t = this.topics;
    const log = this.o.logger;
    if (topic === this.birthTopic) {
      if (payload !== "online") return;
      // Many integrations answer the birth at once; a small random delay spreads the load on Home Assistant.
      clearTimeout(this.birthTimer);
      this.birthTimer = setTimeout(
        () => this.publishAll(),
        this.o.birthDelayMs?.() ?? 500 + Math.random() * 2_000,
      );
      this.birthTimer.unref();
      return;
    }
    if (topic === t.pauseSet) {
      const value = payload.toUpperCase();
      if (value !== "ON" && value !== "OFF") {
        log.warn({ component: "discovery", topic }, 'pause command must be "ON" or "OFF"');
        return;
      }
      const state = this.o.controls.setPaused(value === "ON", "home_assistant");
      // Echo the state even when unchanged, so an optimistic UI settles.
      this.publishControls(state);
      log.info(
        { component: "discovery", paused: state.paused },
        state.paused ? "automation paused from Home Assistant" : "automation resumed from Home Assistant",
      );
      return;
    }
    if (topic === t.modeSet) {
      const mode = HubModeSchema.safeParse(payload);
      if (!mode.success) {
        log.warn({ component: "discovery", topic }, `mode must be one of ${HUB_MODES.join(", ")}`);
        return;
      }
      this.publishControls(this.o.controls.setMode(mode.data, "home_assistant"));
      log.info({ component: "discovery", mode: mode.data }, "mode set from Home Assistant");
      return;
    }
    const m = /^(.*)\/hub\/calm_now\/([^/]+)\/press$/.exec(topic);
    if (m && m[1] === this.o.baseTopic) {
      if (payload !== "PRESS") return;
      if (this.roomBySlug.size === 0) this.entities();
      const room = this.roomBySlug.get(m[2] ?? "");
      if (!room) {
        log.warn({ component: "discovery", topic }, "calm now pressed for an unknown room");
        return;
      }
      log.info({ component: "discovery", room }, "calm now pressed in Home Assistant");
      this.o.onCalmNow(room);
    }
  }
}
