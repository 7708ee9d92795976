import { randomBytes } from "node:crypto";
import type { HassEvent } from "home-assistant-js-websocket";
import type { z } from "zod";
import type { MoodConfig } from "../config/index.js";
import {
  type ActionOutcome,
  type Cancel,
  type Clock,
  displayName,
  type EpisodeView,
  type Logger,
  localDate,
  type Mood,
  type MoodSource,
  notifyServiceName,
  own,
  PHONE_NOTIFICATION_EVENTS,
  type PhoneNotificationEvent,
  type PlannedAction,
} from "../core/index.js";
import { buildCheckInNotification, type CheckInAnswer, parseCheckInEvent } from "./notification.js";
import { type CheckInBlock, evaluateCheckIn, nextLocalTime } from "./policy.js";
import {
  CHECK_IN_SCOPE,
  type CheckInKind,
  type CheckInRecord,
  CheckInRecordSchema,
  MOOD_SCOPE,
  type MoodRecord,
  MoodRecordSchema,
  moodKey,
} from "./records.js";

/** What check-ins need from Home Assistant to hear taps; the real HaLink satisfies it. */
export interface MoodHa {
  onEvent(eventType: string, handler: (event: HassEvent) => void): () => void;
}

/** The store's small-document API; `store.docs` satisfies it. */
export interface MoodStore {
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined;
  put(scope: string, key: string, value: unknown, updatedAt: number, at?: number): void;
  list<T>(
    scope: string,
    schema: z.ZodType<T>,
    options?: { person?: string; newestFirst?: boolean; limit?: number },
  ): { key: string; value: T }[];
}

export interface MoodCheckInsOptions {
  ha: MoodHa;
  /** The hub's action runner: log entry, TTL, allow-list, pause and mode. */
  run(actions: PlannedAction[]): Promise<ActionOutcome[]>;
  store: MoodStore;
  clock: Clock;
  logger: Logger;
  config: MoodConfig;
  /** The check-ins' quiet hours (their own, else the night hours). */
  quietHours: { after: string; before: string };
  /** A person's phone when the mood section names none (the friends section's). */
  fallbackPhone?: ((person: string) => string | undefined) | undefined;
  /** Display names, for the action log's "why". */
  names?: Readonly<Record<string, { name?: string | undefined }>> | undefined;
  timeZone?: (() => string) | undefined;
  isAsleep?: ((person: string) => boolean) | undefined;
  /** Told of every mood stored (the hub passes it to its observer bus). */
  onRecorded?: ((record: MoodRecord) => void) | undefined;
  newId?: (() => string) | undefined;
}

export type CheckInResult =
  | { ok: true; id: string }
  | { ok: false; reason: CheckInBlock | "refused" | "failed" };

/** How late past its time a check-in may still go out, and the runner's TTL for it. */
const GRACE_MS = 2 * 60_000;
const MIN = 60_000;

function defaultId(): string {
  return randomBytes(5).toString("hex").toUpperCase();
}

/**
 * Mood check-ins: records the moods people tell (phone, voice, API, dashboard), and, for people who opted in,
 * asks on the phone a while after a calm episode and once in the evening. Every mood and check-in is a store
 * document under the person, so per-person export, delete and retention cover them.
 */
export class MoodCheckIns {
  private readonly opts: MoodCheckInsOptions;
  private readonly newId: () => string;
  private readonly unsubs: (() => void)[] = [];
  /** One pending after-episode check-in per person: a second episode's end replaces the first's. */
  private readonly afterEpisode = new Map<string, Cancel>();
  private evening: Cancel | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;

  constructor(opts: MoodCheckInsOptions) {
    this.opts = opts;
    this.newId = opts.newId ?? defaultId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const type of PHONE_NOTIFICATION_EVENTS)
      this.unsubs.push(this.opts.ha.onEvent(type, (e) => this.onNotificationEvent(type, e)));
    this.armEvening();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const u of this.unsubs.splice(0)) u();
    for (const cancel of this.afterEpisode.values()) cancel();
    this.afterEpisode.clear();
    this.evening?.();
    this.evening = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  private get timeZone(): string {
    return this.opts.timeZone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** People who opted in to check-ins. */
  get people(): string[] {
    return Object.keys(this.opts.config.people);
  }

  phoneOf(person: string): string | undefined {
    const own_ = own(this.opts.config.people, person);
    if (!own_) return undefined;
    return own_.notify ?? this.opts.fallbackPhone?.(person);
  }

  /** Stores a mood; two at the same millisecond both stay (the second a millisecond later). */
  record(person: string, mood: Mood, source: MoodSource, note?: string): MoodRecord {
    const { store, clock, logger } = this.opts;
    let at = clock.now();
    while (store.get(MOOD_SCOPE, moodKey(person, at), MoodRecordSchema)) at++;
    const record: MoodRecord = { person, at, mood, source, ...(note ? { note } : {}) };
    store.put(MOOD_SCOPE, moodKey(person, at), record, clock.now(), at);
    // Which mood stays out of the log: it is as personal as a reading.
    logger.info({ component: "mood", person, source }, "mood recorded");
    this.opts.onRecorded?.(record);
    return record;
  }

  /** A person's moods, newest first. */
  moods(person: string, limit = 100): MoodRecord[] {
    return this.opts.store
      .list(MOOD_SCOPE, MoodRecordSchema, { person, newestFirst: true, limit })
      .map((d) => d.value);
  }

  /** A person's check-ins, oldest first. */
  checkIns(person: string): CheckInRecord[] {
    return this.opts.store
      .list(CHECK_IN_SCOPE, CheckInRecordSchema, { person })
      .map((d) => d.value)
      .sort((a, b) => a.sent_at - b.sent_at);
  }

  /** An episode ended (hub.ts calls this from the episode manager's onChange): ask a little later. */
  episodeEnded(episode: Pick<EpisodeView, "id" | "person" | "ended_at">): void {
    const { config, clock } = this.opts;
    if (!this.running || !config.after_episode || !own(config.people, episode.person)) return;
    const dueAt = (episode.ended_at ?? clock.now()) + config.after_episode_delay_min * MIN;
    this.afterEpisode.get(episode.person)?.();
    const cancel = clock.setTimeout(
      () => {
        this.afterEpisode.delete(episode.person);
        this.track(this.checkIn(episode.person, "after_episode", dueAt, episode.id));
      },
      Math.max(0, dueAt - clock.now()),
    );
    this.afterEpisode.set(episode.person, cancel);
  }

  /** Sends one check-in if the policy allows it now. */
  async checkIn(
    person: string,
    kind: CheckInKind,
    dueAt = this.opts.clock.now(),
    episodeId: string | null = null,
  ): Promise<CheckInResult> {
    const { clock, store, logger, config } = this.opts;
    const now = clock.now();
    const phone = this.phoneOf(person);
    const verdict = evaluateCheckIn({
      kind,
      optedIn: own(config.people, person) !== undefined,
      phone,
      now,
      dueAt,
      graceMs: GRACE_MS,
      timeZone: this.timeZone,
      quietHours: this.opts.quietHours,
      asleep: this.opts.isAsleep?.(person) ?? false,
      maxPerDay: config.max_per_day,
      history: this.checkIns(person),
    });
    if (!verdict.allowed) {
      logger.info({ component: "mood", person, kind, reason: verdict.reason }, "check-in held back");
      return { ok: false, reason: verdict.reason };
    }
    const id = this.newId();
    const record: CheckInRecord = {
      id,
      person,
      kind,
      due_at: dueAt,
      sent_at: now,
      day: localDate(now, this.timeZone),
      outcome: "sent",
      answered_at: null,
      mood: null,
      episode_id: episodeId,
      detail: null,
    };
    // Written before the call: a hub that dies mid-call still counts it against the daily limit.
    store.put(CHECK_IN_SCOPE, `${person}:${id}`, record, now);
    const n = buildCheckInNotification(id, kind, config.moods);
    const name = displayName(person, this.opts.names ? own(this.opts.names, person)?.name : undefined);
    const why =
      kind === "evening"
        ? "it was time for the evening check-in"
        : `${name}'s calm episode ended a while ago`;
    const action: PlannedAction = {
      key: `mood:${person}:${id}`,
      rule_id: "mood",
      person,
      domain: "notify",
      service: notifyServiceName(phone ?? ""),
      data: { title: n.title, message: n.message, data: n.data },
      created_at: now,
      // Never late: a check-in Home Assistant cannot take within its grace is dropped by the runner.
      not_after: Math.min(dueAt + GRACE_MS, now + GRACE_MS),
      origin: "automatic",
      trigger: {
        score: 0,
        level: "calm",
        at: now,
        cause: { kind: "check_in", id: `mood:${person}:${id}`, why, summary: `${why} → a mood check-in` },
      },
    };
    try {
      const [outcome] = await this.opts.run([action]);
      const result = outcome?.result ?? "error";
      if (result === "ok" || result === "unknown") {
        logger.info({ component: "mood", person, id, kind, result }, "check-in sent");
        return { ok: true, id };
      }
      const held = result === "refused" || result === "expired";
      this.update(person, id, {
        outcome: held ? "held" : "failed",
        detail: `${result}: ${outcome?.detail ?? "no outcome"}`,
      });
      logger.info({ component: "mood", person, id, kind, detail: outcome?.detail }, "check-in not sent");
      return { ok: false, reason: held ? "refused" : "failed" };
    } catch (err) {
      this.update(person, id, { outcome: "failed", detail: (err as Error).message });
      logger.warn({ component: "mood", person, id, err: (err as Error).message }, "check-in failed");
      return { ok: false, reason: "failed" };
    }
  }

  private armEvening(): void {
    const { config, clock } = this.opts;
    if (!this.running || config.evening_at === null || this.people.length === 0) return;
    const at = nextLocalTime(clock.now(), config.evening_at, this.timeZone);
    this.evening = clock.setTimeout(
      () => {
        this.evening = undefined;
        for (const person of this.people) this.track(this.checkIn(person, "evening", at));
        this.armEvening();
      },
      Math.max(0, at - clock.now()),
    );
  }

  private onNotificationEvent(eventType: PhoneNotificationEvent, event: HassEvent): void {
    const answer = parseCheckInEvent(eventType, event.data);
    if (!answer) return;
    const found = this.findCheckIn(answer.id);
    if (!found) {
      this.opts.logger.debug({ component: "mood", id: answer.id }, "answer to an unknown check-in");
      return;
    }
    this.apply(found, answer);
  }

  private apply(checkIn: CheckInRecord, answer: CheckInAnswer): void {
    const now = this.opts.clock.now();
    if (answer.kind === "dismissed") {
      // Android reports a swipe-away after a tap too; the tap is the answer.
      if (checkIn.outcome === "sent") this.update(checkIn.person, checkIn.id, { outcome: "dismissed" });
      return;
    }
    // A second tap (another device, a repeated event) changes the answer, it does not add a mood.
    if (checkIn.outcome === "answered" && checkIn.mood === answer.mood) return;
    this.record(checkIn.person, answer.mood, "notification");
    this.update(checkIn.person, checkIn.id, { outcome: "answered", answered_at: now, mood: answer.mood });
  }

  private findCheckIn(id: string): CheckInRecord | undefined {
    for (const person of this.people) {
      const r = this.opts.store.get(CHECK_IN_SCOPE, `${person}:${id}`, CheckInRecordSchema);
      if (r) return r;
    }
    return undefined;
  }

  private update(person: string, id: string, patch: Partial<CheckInRecord>): void {
    const key = `${person}:${id}`;
    const current = this.opts.store.get(CHECK_IN_SCOPE, key, CheckInRecordSchema);
    if (!current) return;
    this.opts.store.put(
      CHECK_IN_SCOPE,
      key,
      { ...current, ...patch },
      this.opts.clock.now(),
      current.sent_at,
    );
  }

  private track(p: Promise<unknown>): void {
    const tracked = p
      .catch((err: unknown) =>
        this.opts.logger.error({ component: "mood", err: (err as Error).message }, "check-in failed"),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
