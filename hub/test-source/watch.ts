import { getAdapter, sampleFromHaState } from "../../devices/adapters/index.js";
import type { Config } from "../config/index.js";
import { type Clock, type Sample, silentLogger } from "../core/index.js";
import { type HaSource, type Ingest, ingestFromConfig, type Rejection } from "../ingest/index.js";
import { nativeTopicFilter, topicMatches } from "../mqtt/index.js";

/** One configured source as test-source lists it. */
export interface WatchedSource {
  person: string;
  /** The MQTT topic (filter) or the Home Assistant entity id. */
  name: string;
  kind: "mqtt" | "ha";
  /** Adapter format (MQTT) or metric (Home Assistant). */
  format: string;
}

export type WatchEvent =
  | {
      kind: "reading";
      at: number;
      person: string;
      source: string;
      sample: Sample;
      /** False when older than ingest.max_age_s: it teaches the baseline but triggers nothing. */
      fresh: boolean;
      note?: string;
    }
  | {
      kind: "refused";
      at: number;
      person: string | undefined;
      source: string;
      reason: string;
      detail: string;
    };

interface SourceStats {
  readings: number;
  lastAt?: number;
  refused: number;
  lastRefusal?: { reason: string; detail: string };
}

export interface SourceWatchOptions {
  config: Config;
  clock: Clock;
  /** Only this person's readings (the ingest still sees everything, as the hub would). */
  person?: string | undefined;
}

/**
 * What `calm-hub test-source` knows, without sockets: the configured sources, every message run through the
 * hub's own ingest (so "accepted" and "refused, because …" are the hub's verdicts), and the tally for the
 * summary.
 */
export class SourceWatch {
  readonly sources: WatchedSource[];
  private readonly ingest: Ingest;
  private readonly haSources: ReadonlyMap<string, HaSource>;
  private readonly clock: Clock;
  private readonly config: Config;
  private readonly person: string | undefined;
  private readonly stats = new Map<string, SourceStats>();
  private readonly seenEntities = new Set<string>();
  private pending: Rejection[] = [];
  readonly startedAt: number;

  constructor(opts: SourceWatchOptions) {
    this.config = opts.config;
    this.clock = opts.clock;
    this.person = opts.person;
    const wired = ingestFromConfig(opts.config, {
      clock: opts.clock,
      logger: silentLogger(),
      getAdapter,
      onReject: (r) => this.pending.push(r),
    });
    this.ingest = wired.ingest;
    this.haSources = wired.haSources;
    this.startedAt = opts.clock.now();
    const base = opts.config.mqtt.base_topic;
    const sources: WatchedSource[] = [];
    for (const [person, p] of Object.entries(opts.config.people)) {
      for (const s of p.sources) {
        sources.push(
          "topic" in s
            ? { person, name: s.topic, kind: "mqtt", format: s.format }
            : { person, name: s.entity_id, kind: "ha", format: s.metric },
        );
      }
      sources.push({ person, name: `${base}/${person}/wearable`, kind: "mqtt", format: "native" });
    }
    this.sources = sources.filter((s) => this.person === undefined || s.person === this.person);
  }

  /** The MQTT filters to subscribe to: the hub's own. */
  filters(): string[] {
    return this.ingest.filters();
  }

  haEntityIds(): string[] {
    return this.sources.filter((s) => s.kind === "ha").map((s) => s.name);
  }

  /** One MQTT message, judged by the hub's ingest. */
  onMqtt(topic: string, payload: Uint8Array, retained = false): WatchEvent[] {
    const now = this.clock.now();
    this.pending = [];
    const items = this.ingest.handle(topic, payload);
    const source = this.sourceForTopic(topic);
    const note = retained ? "retained on the broker: published before test-source started" : undefined;
    return this.collect(now, source, topic, items, note);
  }

  /** Home Assistant entities that changed (the first report of each is its current state). */
  onHaStates(changed: readonly { entity_id: string }[]): WatchEvent[] {
    const now = this.clock.now();
    const out: WatchEvent[] = [];
    for (const entity of changed) {
      const src = this.haSources.get(entity.entity_id);
      if (!src) continue;
      const first = !this.seenEntities.has(entity.entity_id);
      this.seenEntities.add(entity.entity_id);
      this.pending = [];
      const result = sampleFromHaState(entity, { person: src.person, metric: src.metric, received_at: now });
      const items = this.ingest.accept(result, entity.entity_id, now);
      const note = first ? "its current state in Home Assistant" : undefined;
      out.push(
        ...this.collect(now, { person: src.person, name: entity.entity_id }, entity.entity_id, items, note),
      );
    }
    return out;
  }

  private collect(
    now: number,
    source: { person: string | undefined; name: string },
    topic: string,
    items: ReturnType<Ingest["handle"]>,
    note: string | undefined,
  ): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const item of items) {
      const person = item.sample.person;
      if (this.person !== undefined && person !== this.person) continue;
      const name = source.person === person ? source.name : topic;
      const st = this.statsFor(person, name);
      st.readings++;
      st.lastAt = now;
      out.push({
        kind: "reading",
        at: now,
        person,
        source: name,
        sample: item.sample,
        fresh: item.fresh,
        ...(note ? { note } : {}),
      });
    }
    for (const r of this.pending) {
      const person = source.person ?? personOfNativeTopic(topic, this.config.mqtt.base_topic);
      if (this.person !== undefined && person !== this.person) continue;
      if (person !== undefined) {
        const st = this.statsFor(person, source.name);
        st.refused++;
        st.lastRefusal = { reason: r.reason, detail: r.detail };
      }
      out.push({ kind: "refused", at: now, person, source: source.name, reason: r.reason, detail: r.detail });
    }
    this.pending = [];
    return out;
  }

  /** The configured source a topic belongs to, the way ingest routes it (first matching filter). */
  private sourceForTopic(topic: string): { person: string | undefined; name: string } {
    for (const s of this.allMqttSources()) {
      if (s.format === "native") continue;
      if (topicMatches(s.name, topic)) return { person: s.person, name: s.name };
    }
    if (topicMatches(nativeTopicFilter(this.config.mqtt.base_topic), topic)) {
      const person = personOfNativeTopic(topic, this.config.mqtt.base_topic);
      return { person, name: topic };
    }
    return { person: undefined, name: topic };
  }

  private allMqttSources(): WatchedSource[] {
    const out: WatchedSource[] = [];
    for (const [person, p] of Object.entries(this.config.people))
      for (const s of p.sources)
        if ("topic" in s) out.push({ person, name: s.topic, kind: "mqtt", format: s.format });
    return out;
  }

  private statsFor(person: string, name: string): SourceStats {
    const key = `${person}\u0000${name}`;
    let st = this.stats.get(key);
    if (!st) {
      st = { readings: 0, refused: 0 };
      this.stats.set(key, st);
    }
    return st;
  }

  /** Whether every person shown has had at least one accepted reading. */
  allHeardFrom(): boolean {
    return this.people().every((p) => this.readingsOf(p) > 0);
  }

  people(): string[] {
    const configured = Object.keys(this.config.people);
    const heard = [...this.stats.keys()].map((k) => k.split("\u0000")[0] ?? "");
    const all = [...new Set([...configured, ...heard])].filter(
      (p) => p !== "" && (this.person === undefined || p === this.person),
    );
    return all.sort();
  }

  private readingsOf(person: string): number {
    let n = 0;
    for (const [k, st] of this.stats) if (k.startsWith(`${person}\u0000`)) n += st.readings;
    return n;
  }

  /**
   * One line per person: what arrived from which source and when, or why nothing did and what to check.
   * `hint` says what to check for a silent source (the command knows the broker and Home Assistant).
   */
  summary(hint: (source: WatchedSource) => string): string[] {
    const now = this.clock.now();
    const lines: string[] = [];
    for (const person of this.people()) {
      const parts: string[] = [];
      const mine = this.sources.filter((s) => s.person === person);
      const names = new Set(mine.map((s) => s.name));
      for (const k of this.stats.keys()) {
        const [p, name = ""] = k.split("\u0000");
        if (p === person && !names.has(name)) names.add(name);
      }
      let heard = false;
      for (const name of names) {
        const st = this.stats.get(`${person}\u0000${name}`);
        if (st && st.readings > 0) {
          heard = true;
          const ago = Math.max(0, Math.round((now - (st.lastAt ?? now)) / 1000));
          let part = `${st.readings} reading${st.readings === 1 ? "" : "s"} from ${name}, last ${ago} s ago`;
          if (st.refused > 0) part += ` (${st.refused} refused, last: ${st.lastRefusal?.reason})`;
          parts.push(part);
        } else if (st && st.refused > 0) {
          heard = true;
          parts.push(
            `nothing accepted from ${name}: ${st.refused} refused, last because ${st.lastRefusal?.reason}: ${st.lastRefusal?.detail}`,
          );
        }
      }
      if (!heard) {
        const checks = mine.filter((s) => s.format !== "native").map(hint);
        const native = mine.find((s) => s.format === "native");
        if (checks.length === 0 && native) checks.push(hint(native));
        parts.push(`nothing yet — ${checks.join("; or ")}`);
      }
      lines.push(`${person}: ${parts.join("; ")}`);
    }
    if (lines.length === 0) lines.push(`nothing arrived on ${this.filters().join(", ")}`);
    return lines;
  }
}

function personOfNativeTopic(topic: string, base: string): string | undefined {
  if (!topicMatches(nativeTopicFilter(base), topic)) return undefined;
  return topic.slice(base.length + 1).split("/")[0];
}

const UNITS: Record<string, string> = {
  hr: "bpm",
  rmssd: "ms",
  sdnn: "ms",
  eda: "µS",
  resp: "breaths/min",
  skin_temp: "°C",
  steps: "steps",
};

/** The measurements of a sample in words: "hr 72 bpm, rr 812 830 845 ms". */
export function describeValues(s: Sample): string {
  const parts: string[] = [];
  for (const key of ["hr", "rmssd", "sdnn", "eda", "resp", "skin_temp", "stress", "steps"] as const) {
    const v = s[key];
    if (v === undefined) continue;
    const unit = UNITS[key];
    parts.push(`${key} ${round(v)}${unit ? ` ${unit}` : ""}`);
  }
  if (s.rr && s.rr.length > 0) parts.push(`rr ${s.rr.map((v) => Math.round(v)).join(" ")} ms`);
  if (s.sleep !== undefined) parts.push(`sleep ${s.sleep}`);
  if (s.activity !== undefined) parts.push(`activity ${s.activity}`);
  if (s.quality < 1) parts.push(`quality ${round(s.quality)}`);
  return parts.join(", ");
}

function round(v: number): string {
  return String(Math.round(v * 100) / 100);
}
