import { randomBytes } from "node:crypto";
import type { HassEvent } from "home-assistant-js-websocket";
import { z } from "zod";
import type { ActionOutcome } from "../actions/index.js";
import type { FriendsConfig, FriendsPersonConfig } from "../config/index.js";
import {
  type Cancel,
  type Clock,
  type Logger,
  notifyServiceName,
  own,
  PHONE_NOTIFICATION_EVENTS,
  type SleepState,
  type StressState,
} from "../core/index.js";
import type { EpisodeView } from "../episodes/index.js";
import type { HaLinkState } from "../ha/index.js";
import type { PlannedAction } from "../rules/index.js";
import { localDate } from "../schedule/index.js";
import { buildFriendNotification, parseFriendEvent, type TappedAction } from "./notification.js";
import {
  evaluateFriendPolicy,
  type FriendBlockReason,
  type FriendOutcome,
  type FriendTrigger,
  pickFriend,
  type SuggestionRecord,
  SuggestionRecordSchema,
} from "./policy.js";

/** What the suggester needs from Home Assistant to hear taps; the real HaLink satisfies it. */
export interface FriendHa {
  readonly state: HaLinkState;
  onEvent(eventType: string, handler: (event: HassEvent) => void): () => void;
}

/** The store's small-document API; `store.docs` satisfies it. Documents are read through a schema. */
export interface FriendStore {
  get<T>(scope: string, key: string, schema: z.ZodType<T>): T | undefined;
  put(scope: string, key: string, value: unknown, updatedAt: number): void;
  list<T>(scope: string, schema: z.ZodType<T>, options?: { person?: string }): { key: string; value: T }[];
  delete(scope: string, key: string): void;
}

type StressListener = (state: StressState, previous: StressState | undefined) => void;
type SampleListener = (item: { sample: { person: string; sleep?: SleepState | undefined } }) => void;

/** The hub's event emitter (`hub.events`), as far as the suggester listens to it. */
type EpisodeListener = (episode: EpisodeView, phase: "started" | "ended" | "updated") => void;

export interface HubEventSource {
  on(event: "stress", listener: StressListener): unknown;
  on(event: "sample", listener: SampleListener): unknown;
  on(event: "episode", listener: EpisodeListener): unknown;
  off(event: "stress", listener: StressListener): unknown;
  off(event: "sample", listener: SampleListener): unknown;
  off(event: "episode", listener: EpisodeListener): unknown;
}

export interface FriendSuggesterOptions {
  ha: FriendHa;
  /**
   * Sends the notification: the hub's ActionRunner (`runner.run`), so it has its action log entry, TTL and key,
   * and obeys pause and mode like every other call to Home Assistant.
   */
  run(actions: PlannedAction[]): Promise<ActionOutcome[]>;
  store: FriendStore;
  clock: Clock;
  logger: Logger;
  config: FriendsConfig;
  /** IANA zone for quiet hours and "today"; the hub passes `() => hub.timeZone`. */
  timeZone?: (() => string) | undefined;
  /** `hub.events`: stress for "high for a while", samples for sleep. */
  events?: HubEventSource | undefined;
  newId?: (() => string) | undefined;
  /** Suggestion records older than this are deleted on start. */
  keepDays?: number | undefined;
}

export type SuggestResult =
  | { ok: true; friend: string; id: string }
  | { ok: false; reason: FriendBlockReason | "failed" };

export const FRIEND_SCOPE = "friend";
const RECORD_KEY = /^(.+):([A-Z0-9]{4,32})$/;
const STALE_READING_MS = 5 * 60_000;
/** A suggestion Home Assistant cannot take within a minute is dropped, not sent late. */
const NOTIFY_TTL_MS = 60_000;

/** Today's episodes of a person (`friend`, `<person>:episodes`), for the episodes-per-day trigger. */
const EpisodeTallySchema = z.object({ day: z.string(), ids: z.array(z.string()) });
type EpisodeTally = z.infer<typeof EpisodeTallySchema>;
/** The scope holds both kinds. */
const FriendDocSchema = z.union([SuggestionRecordSchema, EpisodeTallySchema]);

function defaultId(): string {
  return randomBytes(5).toString("hex").toUpperCase();
}

/**
 * "Maybe call a friend": an actionable phone notification when someone has been stressed for a while or had
 * several calm episodes today, or asks. Opt-in per person, never in quiet hours or sleep, never above the daily
 * limit; "Not now" is respected for hours, "Snooze" asks once more later. Every suggestion and its answer is a
 * store document under the person, so per-person export and delete cover it.
 */
export class FriendSuggester {
  private readonly opts: FriendSuggesterOptions;
  private readonly unsubs: (() => void)[] = [];
  private readonly timers = new Map<string, Cancel>();
  private readonly sleep = new Map<string, SleepState>();
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly lastBlock = new Map<string, string>();
  /** The newest estimate per person, for the action log's "why". */
  private readonly lastStress = new Map<string, StressState>();
  private readonly newId: () => string;
  private running = false;

  constructor(opts: FriendSuggesterOptions) {
    this.opts = opts;
    this.newId = opts.newId ?? defaultId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { ha, events } = this.opts;
    for (const type of PHONE_NOTIFICATION_EVENTS)
      this.unsubs.push(ha.onEvent(type, (e) => this.onNotificationEvent(type, e)));
    if (events) {
      const onStress: StressListener = (state) => this.observeStress(state);
      const onSample: SampleListener = (item) => {
        if (item.sample.sleep) this.observeSleep(item.sample.person, item.sample.sleep);
      };
      // Episodes are counted as they start, not looked up on every reading.
      const onEpisode: EpisodeListener = (episode, phase) => {
        if (phase === "started") this.noteEpisodeStarted(episode);
      };
      events.on("stress", onStress);
      events.on("sample", onSample);
      events.on("episode", onEpisode);
      this.unsubs.push(() => {
        events.off("stress", onStress);
        events.off("sample", onSample);
        events.off("episode", onEpisode);
      });
    }
    this.prune();
    this.rearmSnoozes();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const u of this.unsubs.splice(0)) u();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private get timeZone(): string {
    return this.opts.timeZone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  private configOf(person: string): FriendsPersonConfig | undefined {
    return own(this.opts.config, person);
  }

  /** Every suggestion of a person, oldest first. */
  history(person: string): SuggestionRecord[] {
    return this.records(person)
      .map((d) => d.value)
      .sort((a, b) => a.sent_at - b.sent_at);
  }

  /** The suggestion records (not the tallies) of one person or of everyone. */
  private records(person?: string): { key: string; value: SuggestionRecord }[] {
    const out: { key: string; value: SuggestionRecord }[] = [];
    for (const { key, value } of this.opts.store.list(FRIEND_SCOPE, FriendDocSchema, { person }))
      if (RECORD_KEY.test(key) && "sent_at" in value) out.push({ key, value });
    return out;
  }

  observeSleep(person: string, sleep: SleepState): void {
    this.sleep.set(person, sleep);
  }

  /** A stress estimate from the detector (`hub.events` "stress"). */
  observeStress(state: StressState): void {
    if (!this.running) return;
    this.lastStress.set(state.person, state);
    const c = this.configOf(state.person);
    if (!c?.enabled) return;
    const highFor = c.triggers.high_for_min;
    if (highFor === null || state.level !== "high" || !state.actionable) return;
    const now = this.opts.clock.now();
    if (now - state.at > STALE_READING_MS) return;
    if (state.at - state.since < highFor * 60_000) return;
    this.trySuggest(state.person, "high_stress");
  }

  /** A calm episode started; with `episodes_per_day` reached, a suggestion may follow. */
  noteEpisodeStarted(episode: { id: string; person: string; started_at?: number }): void {
    const c = this.configOf(episode.person);
    if (!c?.enabled) return;
    const now = this.opts.clock.now();
    const day = localDate(episode.started_at ?? now, this.timeZone);
    if (day !== localDate(now, this.timeZone)) return;
    const key = `${episode.person}:episodes`;
    const saved = this.opts.store.get(FRIEND_SCOPE, key, EpisodeTallySchema);
    const tally: EpisodeTally = saved && saved.day === day ? saved : { day, ids: [] };
    if (tally.ids.includes(episode.id)) return;
    tally.ids.push(episode.id);
    this.opts.store.put(FRIEND_SCOPE, key, tally, now);
    const threshold = c.triggers.episodes_per_day;
    if (this.running && threshold !== null && tally.ids.length >= threshold)
      this.trySuggest(episode.person, "episodes");
  }

  /** Sends a suggestion if the policy allows it now. Voice calls this for "I feel lonely". */
  async suggest(person: string, trigger: FriendTrigger): Promise<SuggestResult> {
    if (this.busy.has(person)) return { ok: false, reason: "too_soon" };
    const c = this.configOf(person);
    const history = this.history(person);
    const verdict = this.policy(person, trigger, history);
    if (!verdict.allowed) {
      if (this.lastBlock.get(person) !== verdict.reason) {
        this.lastBlock.set(person, verdict.reason);
        this.opts.logger.info(
          { component: "friends", person, trigger, reason: verdict.reason },
          "friend suggestion held back",
        );
      }
      return { ok: false, reason: verdict.reason };
    }
    this.lastBlock.delete(person);
    const friend = pickFriend(c?.friends ?? [], history);
    if (!c || !friend) return { ok: false, reason: "no_friends" };
    return this.send(person, c, friend.name, trigger, null);
  }

  private policy(person: string, trigger: FriendTrigger, history: SuggestionRecord[]) {
    return evaluateFriendPolicy({
      config: this.configOf(person),
      history,
      now: this.opts.clock.now(),
      timeZone: this.timeZone,
      sleep: this.sleep.get(person),
      trigger,
    });
  }

  private trySuggest(person: string, trigger: FriendTrigger): void {
    const p = this.suggest(person, trigger).catch((err: unknown) => {
      this.opts.logger.error(
        { component: "friends", person, err: (err as Error).message },
        "suggestion failed",
      );
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async send(
    person: string,
    c: FriendsPersonConfig,
    friendName: string,
    trigger: FriendTrigger,
    retryOf: string | null,
  ): Promise<SuggestResult> {
    const friend = c.friends.find((f) => f.name === friendName) ?? c.friends[0];
    const service = c.notify === undefined ? undefined : notifyServiceName(c.notify);
    if (!friend || !service) return { ok: false, reason: "not_configured" };
    const { clock, store, logger } = this.opts;
    const now = clock.now();
    const id = this.newId();
    const record: SuggestionRecord = {
      id,
      person,
      friend: friend.name,
      trigger,
      sent_at: now,
      day: localDate(now, this.timeZone),
      outcome: "sent",
      outcome_at: null,
      retry_of: retryOf,
    };
    // Written before the call: if the hub dies mid-call the suggestion still counts against the limit.
    store.put(FRIEND_SCOPE, `${person}:${id}`, record, now);
    this.busy.add(person);
    try {
      const n = buildFriendNotification(id, friend, c.dial_link);
      const action: PlannedAction = {
        key: `friend:${person}:${id}`,
        rule_id: "friends",
        person,
        domain: "notify",
        service,
        data: { title: n.title, message: n.message, data: n.data },
        // The dial link holds the friend's number: the action log keeps only what the person reads.
        log_data: { title: n.title, message: n.message },
        created_at: now,
        not_after: now + NOTIFY_TTL_MS,
        // Asked for by voice: the person's own request. Everything else the hub decided on its own.
        origin: trigger === "voice" ? "person" : "automatic",
        trigger: this.triggerOf(person, now),
      };
      const [outcome] = await this.opts.run([action]);
      const result = outcome?.result ?? "error";
      // `unknown`: Home Assistant may have delivered it, so it still counts against the daily limit.
      if (result === "ok" || result === "unknown") {
        if (result === "unknown") this.update(person, id, { detail: outcome?.detail ?? "" });
        logger.info({ component: "friends", person, id, trigger, result }, "friend suggestion sent");
        return { ok: true, friend: friend.name, id };
      }
      if (result === "refused") {
        // Pause or mode held it back (or notify is not an allowed service): not sent, not counted.
        this.update(person, id, {
          outcome: "failed",
          outcome_at: clock.now(),
          detail: outcome?.detail ?? "",
        });
        logger.info(
          { component: "friends", person, id, trigger, detail: outcome?.detail },
          "friend suggestion held back by the hub",
        );
        return { ok: false, reason: "failed" };
      }
      return this.notSent(person, id, `${result}: ${outcome?.detail ?? "no outcome"}`);
    } catch (err) {
      return this.notSent(person, id, (err as Error).message);
    } finally {
      this.busy.delete(person);
    }
  }

  private triggerOf(person: string, now: number): PlannedAction["trigger"] {
    const s = this.lastStress.get(person);
    return s ? { score: s.score, level: s.level, at: s.at } : { score: 0, level: "calm", at: now };
  }

  /** Marked failed, so the suggestion that never reached the phone does not count against the daily limit. */
  private notSent(person: string, id: string, detail: string): SuggestResult {
    this.update(person, id, { outcome: "failed", outcome_at: this.opts.clock.now(), detail });
    this.opts.logger.warn(
      { component: "friends", person, id, err: detail },
      "friend suggestion could not be sent",
    );
    return { ok: false, reason: "failed" };
  }

  private onNotificationEvent(eventType: string, event: HassEvent): void {
    const tap = parseFriendEvent(eventType, event.data);
    if (!tap) return;
    const found = this.findRecord(tap.id);
    if (!found) {
      this.opts.logger.debug({ component: "friends", id: tap.id }, "tap for an unknown suggestion");
      return;
    }
    this.apply(found, tap);
  }

  private apply(record: SuggestionRecord, tap: TappedAction): void {
    const outcome: FriendOutcome =
      tap.kind === "call"
        ? "called"
        : tap.kind === "not_now"
          ? "not_now"
          : tap.kind === "snooze"
            ? "snoozed"
            : "dismissed";
    if (record.outcome === outcome) return;
    // Android reports a swipe-away after a tap too; the tap is the answer.
    if (outcome === "dismissed" && record.outcome !== "sent") return;
    const now = this.opts.clock.now();
    const patch: Partial<SuggestionRecord> = { outcome, outcome_at: now };
    const c = this.configOf(record.person);
    if (outcome === "snoozed") patch.retry_at = now + (c?.snooze_min ?? 30) * 60_000;
    else patch.retry_at = null;
    const updated = this.update(record.person, record.id, patch);
    this.opts.logger.info(
      { component: "friends", person: record.person, id: record.id, outcome },
      `friend suggestion: ${outcome.replace("_", " ")}`,
    );
    const cancel = this.timers.get(record.id);
    if (cancel) {
      cancel();
      this.timers.delete(record.id);
    }
    if (updated && outcome === "snoozed") this.armSnooze(updated);
  }

  private armSnooze(record: SuggestionRecord): void {
    const at = record.retry_at ?? this.opts.clock.now();
    const cancel = this.opts.clock.setTimeout(
      () => {
        this.timers.delete(record.id);
        const p = this.retry(record.person, record.id).catch((err: unknown) => {
          this.opts.logger.error(
            { component: "friends", person: record.person, err: (err as Error).message },
            "snoozed suggestion failed",
          );
        });
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      },
      Math.max(0, at - this.opts.clock.now()),
    );
    this.timers.set(record.id, cancel);
  }

  private async retry(person: string, id: string): Promise<void> {
    const record = this.opts.store.get(FRIEND_SCOPE, `${person}:${id}`, SuggestionRecordSchema);
    if (!this.running || record?.outcome !== "snoozed") return;
    const c = this.configOf(person);
    const verdict = this.policy(person, "snooze", this.history(person));
    if (!verdict.allowed || !c) {
      const reason = verdict.allowed ? "not_configured" : verdict.reason;
      this.update(person, id, { retry_result: reason });
      this.opts.logger.info({ component: "friends", person, id, reason }, "snoozed suggestion not repeated");
      return;
    }
    const res = await this.send(person, c, record.friend, "snooze", id);
    this.update(person, id, { retry_result: res.ok ? `sent ${res.id}` : res.reason });
  }

  private update(person: string, id: string, patch: Partial<SuggestionRecord>): SuggestionRecord | undefined {
    const key = `${person}:${id}`;
    const current = this.opts.store.get(FRIEND_SCOPE, key, SuggestionRecordSchema);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    this.opts.store.put(FRIEND_SCOPE, key, next, this.opts.clock.now());
    return next;
  }

  private findRecord(id: string): SuggestionRecord | undefined {
    for (const person of Object.keys(this.opts.config)) {
      const r = this.opts.store.get(FRIEND_SCOPE, `${person}:${id}`, SuggestionRecordSchema);
      if (r) return r;
    }
    return this.records().find((d) => d.key.endsWith(`:${id}`))?.value;
  }

  private rearmSnoozes(): void {
    const now = this.opts.clock.now();
    for (const { value: r } of this.records()) {
      if (r.outcome !== "snoozed" || typeof r.retry_at !== "number" || r.retry_result) continue;
      // A retry missed by more than a quarter of an hour (hub was down) is dropped, not sent late.
      if (r.retry_at < now - 15 * 60_000)
        this.update(r.person, r.id, { retry_result: "missed while stopped" });
      else this.armSnooze(r);
    }
  }

  private prune(): void {
    const before = this.opts.clock.now() - (this.opts.keepDays ?? 90) * 86_400_000;
    for (const { key, value } of this.records())
      if (value.sent_at < before) this.opts.store.delete(FRIEND_SCOPE, key);
  }
}
