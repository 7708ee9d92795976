import type { Clock, Logger, ParseResult, RejectReason, Sample, WearableAdapter } from "../core/index.js";
import { type IngestedSample, PERSON_ID_PATTERN } from "../core/index.js";

export type { IngestedSample } from "../core/index.js";

import { topicMatches, wildcardLevel } from "../mqtt/index.js";

export interface Route {
  filter: string;
  format: string;
  /** Fixed person for vendor topics; undefined means "the topic's second level" (native topic). */
  person?: string | undefined;
}

export interface IngestOptions {
  baseTopic: string;
  routes: Route[];
  acceptUnknownPeople: boolean;
  knownPeople: ReadonlySet<string>;
  /** How many people not in knownPeople are accepted; a publisher inventing ids cannot grow the hub. */
  maxPeople: number;
  maxPayloadBytes: number;
  maxAgeMs: number;
  futureToleranceMs: number;
  logIntervalMs: number;
  clock: Clock;
  logger: Logger;
  getAdapter(format: string): WearableAdapter | undefined;
  /** Told of every refusal with its reason and detail (calm-hub test-source shows them to the user). */
  onReject?: (rejection: Rejection) => void;
}

export interface Rejection {
  reason: RejectReason;
  /** The MQTT topic, or the Home Assistant entity id. */
  topic: string;
  detail: string;
}

export interface IngestCounters {
  accepted: number;
  rejected: Record<string, number>;
}

/**
 * Reading keys remembered per person for duplicate checks. A duplicate is a redelivery of something just seen
 * (a lost acknowledgement, a bridge resending), so a few minutes of one person's readings is plenty; with a
 * thousand people streaming, every extra key is held a thousand times over.
 */
const DEDUPE_WINDOW = 256;

/**
 * Turns raw MQTT messages into checked samples. Synchronous and exception-free: one bad payload is counted
 * and summarized in the log, and the messages around it are untouched.
 */
export class Ingest {
  private readonly opts: IngestOptions;
  readonly counters: IngestCounters = { accepted: 0, rejected: {} };
  /**
   * Per person: the keys of recent readings → when seen, in whole seconds since `epoch` (small integers, which
   * V8 stores inline: a timestamp in ms would be an object of its own per key). Oldest first.
   */
  private readonly recent = new Map<string, { keys: Map<string, number>; sweptAt: number }>();
  private readonly epoch: number;
  private pendingLog = new Map<string, number>();
  private lastLogAt = Number.NEGATIVE_INFINITY;

  constructor(opts: IngestOptions) {
    this.opts = opts;
    this.epoch = opts.clock.now();
  }

  private readonly routeCache = new Map<string, { route: Route; person: string } | null>();
  /** People accepted without being configured, counted against maxPeople. */
  private readonly unknownPeople = new Set<string>();

  /**
   * Topic → route and person, remembered: matching filters on every message costs more than the rest of
   * routing. The person is the route's own, or the level its `+` matched, so a base topic of any depth works.
   */
  private routeFor(topic: string): { route: Route; person: string } | undefined {
    let hit = this.routeCache.get(topic);
    if (hit === undefined) {
      const route = this.opts.routes.find((r) => topicMatches(r.filter, topic));
      hit = route ? { route, person: route.person ?? wildcardLevel(route.filter, topic) ?? "" } : null;
      // Bounded: unknown topics from a misbehaving publisher must not grow it without end.
      if (this.routeCache.size > 10_000) this.routeCache.clear();
      this.routeCache.set(topic, hit);
    }
    return hit ?? undefined;
  }

  /** The MQTT filters to subscribe to. */
  filters(): string[] {
    return [...new Set(this.opts.routes.map((r) => r.filter))];
  }

  handle(topic: string, payload: Uint8Array): IngestedSample[] {
    const now = this.opts.clock.now();
    const hit = this.routeFor(topic);
    if (!hit) return this.reject("unknown_topic", topic, "no route for topic");
    const { route, person } = hit;
    if (!PERSON_ID_PATTERN.test(person))
      return this.reject("unknown_topic", topic, "person id must be lowercase letters, digits, - or _");
    if (route.person === undefined && !this.opts.knownPeople.has(person) && !this.unknownPeople.has(person)) {
      if (!this.opts.acceptUnknownPeople)
        return this.reject("unknown_topic", topic, `person "${person}" is not configured`);
      if (this.unknownPeople.size >= this.opts.maxPeople)
        return this.reject(
          "unknown_topic",
          topic,
          `more than ${this.opts.maxPeople} people (ingest.max_people)`,
        );
      this.unknownPeople.add(person);
    }
    if (payload.byteLength > this.opts.maxPayloadBytes) {
      return this.reject("too_large", topic, `${payload.byteLength} bytes > ${this.opts.maxPayloadBytes}`);
    }
    const adapter = this.opts.getAdapter(route.format);
    if (!adapter) return this.reject("invalid_payload", topic, `no adapter "${route.format}"`);

    let result: ReturnType<WearableAdapter["parse"]>;
    try {
      result = adapter.parse(payload, { person, topic, received_at: now });
    } catch (err) {
      // An adapter bug must not take the hub down; count it like any bad payload.
      return this.reject("invalid_payload", topic, `adapter failed: ${(err as Error).message}`);
    }
    return this.accept(result, topic, now);
  }

  /** Checks parsed samples (from MQTT, or from a Home Assistant sensor) for time and duplicates. */
  accept(result: ParseResult, source: string, now = this.opts.clock.now()): IngestedSample[] {
    const topic = source;
    if (!result.ok) return this.reject(result.reason, topic, result.detail);
    const out: IngestedSample[] = [];
    for (const sample of result.samples) {
      if (!Number.isFinite(sample.measured_at)) {
        this.reject("invalid_payload", topic, "no usable time");
        continue;
      }
      if (sample.measured_at > now + this.opts.futureToleranceMs) {
        this.reject("future", topic, "measured in the future");
        continue;
      }
      if (this.isDuplicate(sample, now)) {
        this.reject("duplicate", topic, "seen before");
        continue;
      }
      this.counters.accepted++;
      out.push({ sample, fresh: now - sample.measured_at <= this.opts.maxAgeMs });
    }
    return out;
  }

  /** Forgets what it remembered about a person (per-person delete). */
  forget(person: string): void {
    this.recent.delete(person);
    this.unknownPeople.delete(person);
  }

  private isDuplicate(sample: Sample, now: number): boolean {
    // The sender's id where there is one (kept as is: no copy is made); else source and time, behind a NUL so
    // that it reads as no id a sender would choose.
    const key = sample.id ?? `\u0000${sample.source}:${sample.measured_at}`;
    let seen = this.recent.get(sample.person);
    if (!seen) {
      seen = { keys: new Map(), sweptAt: -1 };
      this.recent.set(sample.person, seen);
    }
    const keys = seen.keys;
    if (keys.has(key)) return true;
    const second = Math.floor((now - this.epoch) / 1000);
    keys.set(key, second);
    // Bounded in count and in time: a redelivery comes within minutes, and memory must stay flat all day.
    // The sweep by age runs once a second per person, not per reading (it is a loop over the map).
    if (keys.size <= DEDUPE_WINDOW && seen.sweptAt === second) return false;
    seen.sweptAt = second;
    const horizon = second - Math.ceil((this.opts.maxAgeMs + this.opts.futureToleranceMs) / 1000);
    for (const [k, at] of keys) {
      if (keys.size <= DEDUPE_WINDOW && at >= horizon) break;
      keys.delete(k);
    }
    return false;
  }

  private reject(reason: RejectReason, topic: string, detail: string): [] {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.opts.onReject?.({ reason, topic, detail });
    // Details can echo payload content, so they stay at debug; the summary names only topics and reasons.
    this.opts.logger.debug({ component: "ingest", topic, reason, detail }, "payload rejected");
    const k = `${reason} on ${topic}`;
    this.pendingLog.set(k, (this.pendingLog.get(k) ?? 0) + 1);
    this.flushLog(false);
    return [];
  }

  /** Writes the rejection summary when the interval has passed (or when forced, e.g. on stop). */
  flushLog(force: boolean): void {
    const now = this.opts.clock.now();
    if (this.pendingLog.size === 0 || (!force && now - this.lastLogAt < this.opts.logIntervalMs)) return;
    const summary = [...this.pendingLog].map(([k, n]) => `${n}× ${k}`).join("; ");
    this.opts.logger.warn(
      { component: "ingest", rejected: Object.fromEntries(this.pendingLog) },
      `rejected payloads: ${summary}`,
    );
    this.pendingLog = new Map();
    this.lastLogAt = now;
  }
}
