import { z } from "zod";
import type { ActionOutcome } from "../actions/index.js";
import type { Config, Recipe, RoomConfig } from "../config/index.js";
import {
  type ActionCause,
  ActionCauseSchema,
  background,
  type Cancel,
  type CauseOrigin,
  type Clock,
  displayName,
  type Logger,
  own,
  type StressState,
  uniqueId,
} from "../core/index.js";
import { isOverride, type ObservedChange } from "../override/index.js";
import type { ActionOrigin, PlannedAction } from "../rules/index.js";
import type { Store } from "../store/index.js";
import {
  callFitsTargets,
  calmLights,
  type EntitySnapshot,
  EntitySnapshotSchema,
  type HaCall,
  isNight,
  recipeLightSettings,
  restoreLights,
  startSound,
  stopSound,
} from "./plan.js";
import {
  type EpisodeControl,
  type EpisodeEndReason,
  EpisodeEndReasonSchema,
  type EpisodeRequest,
  type EpisodeStartResult,
  type EpisodeView,
} from "./types.js";

interface EntityContext {
  id: string;
  parent_id?: string | null;
  user_id: string | null;
}

export interface EntityLike {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  context: EntityContext;
}

export interface EpisodeDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  store: Store;
  getEntity(id: string): EntityLike | undefined;
  /** Runs calls through the action runner (log, TTL, idempotency) and resolves with their outcomes. */
  run(actions: PlannedAction[]): Promise<ActionOutcome[]>;
  timeZone(): string;
  isAsleep(person: string): boolean;
  onChange(view: EpisodeView, phase: "started" | "ended" | "updated"): void;
  /** The breathing guide (hub/breathing/): started by a recipe with `breathing_pacer`, stopped when the episode ends. */
  breathing?: EpisodeBreathing;
  /** What calms each person (hub/learn/): picks the recipe of a new episode and hears how it went. */
  recipes?: EpisodeRecipes;
}

/** The breathing guide as an episode drives it. */
export interface EpisodeBreathing {
  start(req: { person: string; room: string; episodeId: string }): void;
  stop(person: string, why: string): void;
}

/** The recipe chosen for a new episode, with the reason in words for the action log. */
export interface ChosenRecipe {
  id: string;
  recipe: Recipe;
  title: string;
  reason: string;
}

export interface EpisodeStarted {
  person: string;
  episode_id: string;
  recipe_id: string;
  started_at: number;
  stress_at_start: number | null;
}

export interface EpisodeEnded {
  person: string;
  episode_id: string;
  end_reason: string;
  stopped_by_person: boolean;
  overridden: boolean;
  calm_reached_at: number | null;
}

/** The learning side of an episode: absent, or choose() undefined, and an episode does what it always did. */
export interface EpisodeRecipes {
  choose(person: string): ChosenRecipe | undefined;
  started(e: EpisodeStarted): void;
  ended(e: EpisodeEnded): void;
}

/** Ends a person asked for (voice, the Stop button, the API, the dashboard), not a rule or the hub itself. */
const PERSON_STOPS = new Set(["voice", "stop", "api", "button", "node_red"]);

const CauseOriginSchema = ActionCauseSchema.pick({ kind: true, why: true }).extend({
  id: z.string().optional(),
}) satisfies z.ZodType<CauseOrigin>;

const EpisodeOutcomeSchema = z.object({
  stress_before: z.number().nullable(),
  minutes_until_calm: z.number().nullable(),
  overridden: z.array(z.string()),
  end_reason: EpisodeEndReasonSchema,
  lights: z.array(z.string()),
  soundscape: z.string().nullable(),
  duration_min: z.number(),
});
export type EpisodeOutcome = z.infer<typeof EpisodeOutcomeSchema>;

/** An episode as the store keeps it (`episode`, `<person>:<id>`): the view plus what a restart needs. */
const EpisodeRecordSchema = z.object({
  // The view (EpisodeView in core) first.
  id: z.string(),
  person: z.string(),
  room: z.string(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  state: z.enum(["active", "ended"]),
  reason: z.string(),
  end_reason: EpisodeEndReasonSchema.nullable(),
  soundscape: z.string().nullable(),
  overridden: z.array(z.string()),
  snapshots: z.array(EntitySnapshotSchema),
  leased: z.array(z.string()),
  player: z.string().nullable(),
  sound_started: z.boolean(),
  /** The ramp's target. */
  volume: z.number().nullable(),
  /** The last volume the hub itself set (absent in records from older versions). */
  volume_now: z.number().nullable().optional(),
  stress_before: z.number().nullable(),
  calm_since: z.number().nullable(),
  calm_reached_at: z.number().nullable(),
  outcome: EpisodeOutcomeSchema.nullable(),
  /** What asked for the episode, and what ended it (absent in records from older versions). */
  cause: CauseOriginSchema.optional(),
  end_cause: CauseOriginSchema.optional(),
  /** Who started it (absent in older records: treated as a person's request, as before pause moved here). */
  origin: z.enum(["automatic", "person"]).optional(),
  /** The recipe it ran and why it was chosen (absent when learning is off, and in older records). */
  recipe_id: z.string().optional(),
  recipe_reason: z.string().optional(),
  /** Whether a friend may be nudged while it runs (the recipe's say; absent: yes). */
  friend_nudge: z.boolean().optional(),
});
type EpisodeRecord = z.infer<typeof EpisodeRecordSchema>;

const SCOPE = "episode";
const RESTORE_PHASE = /^(restore|fade-)/;
const ACTION_TTL_S = 60;
/** How many episodes the history shows by default. */
const HISTORY_LIMIT = 50;
/** How many of the newest episodes a start looks through for ones still running (at most one per room). */
const RESUME_SCAN = 200;

function view(r: EpisodeRecord): EpisodeView {
  return {
    id: r.id,
    person: r.person,
    room: r.room,
    started_at: r.started_at,
    ended_at: r.ended_at,
    state: r.state,
    reason: r.reason,
    end_reason: r.end_reason,
    soundscape: r.soundscape,
    overridden: [...r.overridden],
    ...(r.end_cause ? { ended_why: r.end_cause.why } : {}),
  };
}

/**
 * Calm episodes: a lease on a room's lights and speaker, a gentle change, and the room given back exactly as
 * it was. The lease lives in the store, so a hub restart resumes (or, if it ran out meanwhile, restores).
 *
 * Who wins a room: the episode that holds it. A second person's request for the same room is declined with
 * the reason, and a later request of the same person is "already running". A rule never takes a room away.
 */
export class EpisodeManager {
  private readonly deps: EpisodeDeps;
  private readonly running = new Map<string, EpisodeRecord>();
  private readonly timerKinds = new Map<string, Map<string, Cancel[]>>();
  private readonly lastStress = new Map<string, StressState>();

  constructor(deps: EpisodeDeps) {
    this.deps = deps;
  }

  /** Loads episodes that were running when the hub stopped: resume them, or restore if they ran out. */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    // Episodes last minutes: the running ones are among the newest few, and older ones are never read here.
    for (const { value } of this.deps.store.docs.list(SCOPE, EpisodeRecordSchema, {
      newestFirst: true,
      limit: RESUME_SCAN,
    })) {
      if (value.state !== "active") continue;
      this.running.set(value.id, value);
      const maxEnd = value.started_at + this.deps.config.episodes.max_duration_min * 60_000;
      if (now >= maxEnd) {
        this.deps.logger.info(
          { component: "episodes", episode: value.id },
          "episode ran out while the hub was down; giving the room back",
        );
        await this.end(value, "expired");
      } else {
        this.deps.logger.info({ component: "episodes", episode: value.id }, "resuming episode after restart");
        this.armMaxTimer(value, maxEnd - now);
        if (value.calm_since !== null) this.armCalmTimer(value);
      }
    }
  }

  /**
   * Cancels timers; running episodes stay leased in the store and resume on the next start. A fade-out still
   * under way is cut short: the speaker is stopped and its volume put back now rather than never.
   */
  async stop(): Promise<void> {
    for (const id of [...this.timerKinds.keys()]) this.cancelTimers(id);
    this.timerKinds.clear();
    const fading = [...this.fading.values()];
    this.fading.clear();
    await Promise.all(fading.map(({ record, calls }) => this.call(record, "restore-sound", calls)));
  }

  /** Whether a friend may be nudged about the person now: not while their episode's recipe says no. */
  friendNudgeAllowed(person: string): boolean {
    // Asked for every reading: a loop, not a copy of the running episodes.
    for (const e of this.running.values()) if (e.person === person && e.friend_nudge === false) return false;
    return true;
  }

  /** The recipe of the person's running episode and why it was chosen, for the dashboard and the demo. */
  recipeOf(episodeId: string): { id: string; reason: string } | undefined {
    const r =
      this.running.get(episodeId) ?? this.records(undefined, RESUME_SCAN).find((e) => e.id === episodeId);
    return r?.recipe_id !== undefined ? { id: r.recipe_id, reason: r.recipe_reason ?? "" } : undefined;
  }

  activeEpisodes(): EpisodeView[] {
    return [...this.running.values()].map(view);
  }

  /** Newest first, at most `limit`: only those rows are read from the store. */
  history(person?: string, limit = HISTORY_LIMIT): EpisodeView[] {
    return this.records(person, limit).map(view);
  }

  outcomes(person: string, limit = HISTORY_LIMIT): EpisodeOutcome[] {
    return this.records(person, limit).flatMap((r) => (r.outcome === null ? [] : [r.outcome]));
  }

  private records(person: string | undefined, limit: number): EpisodeRecord[] {
    return this.deps.store.docs
      .list(SCOPE, EpisodeRecordSchema, { person, newestFirst: true, limit })
      .map((d) => d.value);
  }

  roomOf(person: string, requested?: string): { id: string; room: RoomConfig } | undefined {
    const rooms = this.deps.config.rooms;
    const id =
      requested ??
      own(this.deps.config.people, person)?.room ??
      Object.entries(rooms).find(([, r]) => r.people.includes(person))?.[0];
    if (id === undefined) return undefined;
    const room = own(rooms, id);
    return room ? { id, room } : undefined;
  }

  async startEpisode(request: EpisodeRequest): Promise<EpisodeStartResult> {
    const { config, clock, logger } = this.deps;
    const found = this.roomOf(request.person, request.room);
    if (!found) {
      return {
        ok: false,
        reason: request.room ? `there is no room "${request.room}"` : `no room is set for ${request.person}`,
      };
    }
    const holder = [...this.running.values()].find((e) => e.room === found.id);
    if (holder) {
      if (holder.person === request.person) return { ok: true, episode: view(holder), already_running: true };
      return {
        ok: false,
        reason: `the ${found.room.name ?? found.id.replaceAll("_", " ")} is already calming down for ${holder.person}`,
      };
    }
    const now = clock.now();
    const night = isNight(now, this.deps.timeZone(), config.night);
    const entityIds = [...found.room.lights, ...(found.room.media_player ? [found.room.media_player] : [])];
    const snapshots: EntitySnapshot[] = [];
    for (const id of entityIds) {
      const e = this.deps.getEntity(id);
      if (e) snapshots.push({ entity_id: e.entity_id, state: e.state, attributes: { ...e.attributes } });
    }
    const choice = this.deps.recipes?.choose(request.person);
    const lightSnaps = snapshots.filter((s) => s.entity_id.startsWith("light."));
    const lights =
      choice?.recipe.light === "unchanged"
        ? { calls: [], leased: [] }
        : calmLights(lightSnaps, recipeLightSettings(config.episodes, choice?.recipe), night);
    // A soundscape asked for by name (a rule's data, a voice request) wins over the recipe's.
    const soundName = (
      request.soundscape ?? (choice ? (choice.recipe.soundscape ?? undefined) : config.episodes.soundscape)
    )?.replaceAll(" ", "_");
    const soundscape = soundName === undefined ? undefined : own(config.soundscapes, soundName);
    const asleep = [...found.room.people, request.person].some((p) => this.deps.isAsleep(p));
    const player = found.room.media_player
      ? snapshots.find((s) => s.entity_id === found.room.media_player)
      : undefined;
    const sound = startSound({
      player,
      soundscape,
      room: found.room,
      settings: config.episodes,
      night,
      someoneAsleep: asleep,
    });
    if (sound.volume?.clamped) {
      logger.info(
        { component: "episodes", room: found.id, cap: sound.volume.cap },
        `volume capped at ${sound.volume.cap} in ${found.id}${night ? " (night)" : ""}`,
      );
    }
    if (sound.skipped && soundscape)
      logger.info({ component: "episodes", room: found.id }, `no soundscape: ${sound.skipped}`);

    const id = uniqueId(`${request.person}-`, now);
    const stress = this.lastStress.get(request.person);
    const record: EpisodeRecord = {
      id,
      person: request.person,
      room: found.id,
      started_at: now,
      ended_at: null,
      state: "active",
      reason: request.reason,
      end_reason: null,
      soundscape: sound.calls.length > 0 ? (soundName ?? null) : null,
      overridden: [],
      snapshots,
      leased: [...lights.leased, ...(sound.calls.length > 0 && player ? [player.entity_id] : [])],
      player: sound.calls.length > 0 && player ? player.entity_id : null,
      sound_started: sound.calls.length > 0,
      volume: sound.volume?.volume ?? null,
      volume_now: sound.volume ? Math.min(config.episodes.volume_step, sound.volume.volume) : null,
      stress_before: stress ? stress.score : null,
      calm_since: null,
      calm_reached_at: null,
      outcome: null,
      cause: request.cause ?? { kind: "api", why: request.reason },
      origin: request.origin ?? "person",
      ...(choice
        ? { recipe_id: choice.id, recipe_reason: choice.reason, friend_nudge: choice.recipe.friend_nudge }
        : {}),
    };
    this.running.set(id, record);
    this.save(record);
    logger.info(
      { component: "episodes", episode: id, person: record.person, room: record.room, reason: record.reason },
      "calm episode started",
    );
    if (choice)
      this.deps.recipes?.started({
        person: record.person,
        episode_id: id,
        recipe_id: choice.id,
        started_at: now,
        stress_at_start: record.stress_before,
      });
    this.deps.onChange(view(record), "started");

    await this.call(record, "start", [...lights.calls, ...sound.calls]);
    if (choice?.recipe.breathing_pacer && record.state === "active")
      this.deps.breathing?.start({ person: record.person, room: record.room, episodeId: id });
    this.scheduleSteps(record, "ramp", sound.ramp, (v) => {
      record.volume_now = v;
      return {
        domain: "media_player",
        service: "volume_set",
        target: { entity_id: record.player ?? "" },
        data: { volume_level: v },
      };
    });
    this.armMaxTimer(record, config.episodes.max_duration_min * 60_000);
    return { ok: true, episode: view(record), already_running: false };
  }

  async stopEpisode(
    selector: { person?: string; room?: string; id?: string },
    reason: EpisodeEndReason = "stopped",
    by?: CauseOrigin,
  ): Promise<EpisodeView | undefined> {
    const record = [...this.running.values()].find(
      (e) =>
        (selector.id === undefined || e.id === selector.id) &&
        (selector.person === undefined || e.person === selector.person) &&
        (selector.room === undefined || e.room === selector.room),
    );
    if (!record) return undefined;
    await this.end(record, reason, by);
    return view(record);
  }

  /** Every stress estimate: an episode ends once its person has stayed calm for `calm_for_s`. */
  onStress(state: StressState): void {
    this.lastStress.set(state.person, state);
    for (const record of this.running.values()) {
      if (record.person !== state.person) continue;
      if (state.level === "calm") {
        if (record.calm_since === null) {
          record.calm_since = state.at;
          record.calm_reached_at ??= state.at;
          this.save(record);
          this.armCalmTimer(record);
        }
      } else if (record.calm_since !== null) {
        record.calm_since = null;
        this.save(record);
        this.cancelTimers(record.id, "calm");
      }
    }
  }

  /** Entity updates from Home Assistant: a hand on a leased light, or a person leaving home. */
  onEntities(changes: readonly ObservedChange<EntityLike>[]): void {
    for (const { entity, facts } of changes) {
      if (entity.entity_id.startsWith("person.") && entity.state === "not_home") {
        const person = entity.entity_id.slice("person.".length);
        const record = [...this.running.values()].find((e) => e.person === person);
        if (record) this.endLater(record, "left_home");
        continue;
      }
      for (const record of this.running.values()) {
        if (!record.leased.includes(entity.entity_id) || record.overridden.includes(entity.entity_id))
          continue;
        const verdict = isOverride(facts);
        if (!verdict.override) continue;
        record.overridden.push(entity.entity_id);
        this.save(record);
        this.deps.logger.info(
          {
            component: "episodes",
            episode: record.id,
            entity: entity.entity_id,
            why: verdict.why,
            key: verdict.key,
          },
          "changed by hand: the hub leaves it alone for the rest of the episode",
        );
        this.deps.onChange(view(record), "updated");
      }
    }
  }

  /**
   * Per-person delete: the person's running episodes give the room back (the calls run and are logged like any
   * other) but their records are never written again, and what the manager remembered about them is dropped.
   */
  forget(person: string): void {
    const { clock, config } = this.deps;
    for (const record of [...this.running.values()]) {
      if (record.person !== person) continue;
      this.cancelTimers(record.id);
      this.timerKinds.delete(record.id);
      this.running.delete(record.id);
      record.state = "ended";
      record.ended_at = clock.now();
      record.end_reason = "stopped";
      record.end_cause = { kind: "api", why: `${this.personName(person)}'s data was deleted` };
      this.deps.breathing?.stop(person, "the person's data was deleted");
      const overridden = new Set(record.overridden);
      const calls: HaCall[] = restoreLights(
        record.snapshots,
        new Set(record.leased),
        overridden,
        config.episodes.transition_s,
      );
      const snap = record.snapshots.find((s) => s.entity_id === record.player);
      if (record.player && record.sound_started && !overridden.has(record.player) && snap)
        calls.push(...stopSound(snap, undefined, config.episodes.volume_step).calls);
      this.deps.logger.info(
        { component: "episodes", episode: record.id },
        "personal data deleted: episode ended, room given back",
      );
      this.deps.onChange(view(record), "ended");
      this.callLater(record, "restore", calls);
    }
    this.lastStress.delete(person);
  }

  // --- soundscapes outside an episode --------------------------------------------------------------

  /** `origin`: "automatic" from a rule or the wind-down, so pause and mode apply; a person's request by default. */
  async playSoundscape(
    roomId: string,
    name: string,
    origin: ActionOrigin = "person",
    by?: CauseOrigin,
  ): Promise<{ ok: boolean; detail: string }> {
    const { config, clock } = this.deps;
    const room = own(config.rooms, roomId);
    const soundscape = own(config.soundscapes, name.replaceAll(" ", "_"));
    if (!room) return { ok: false, detail: `there is no room "${roomId}"` };
    if (!soundscape) return { ok: false, detail: `there is no soundscape "${name}"` };
    const playerId = room.media_player;
    const e = playerId ? this.deps.getEntity(playerId) : undefined;
    const player = e ? { entity_id: e.entity_id, state: e.state, attributes: e.attributes } : undefined;
    const night = isNight(clock.now(), this.deps.timeZone(), config.night);
    const asleep = room.people.some((p) => this.deps.isAsleep(p));
    const plan = startSound({
      player,
      soundscape,
      room,
      settings: config.episodes,
      night,
      someoneAsleep: asleep,
    });
    if (plan.skipped) return { ok: false, detail: plan.skipped };
    const key = uniqueId(`sound:${roomId}:`, clock.now());
    const asked = by ?? { kind: "api", why: "a soundscape was asked for" };
    const cause: ActionCause = {
      kind: asked.kind,
      id: asked.id ?? key,
      why: asked.why,
      summary: `${asked.why} → ${soundscape.title ?? name.replaceAll("_", " ")} in the ${this.roomName(roomId)}`,
    };
    const outcomes = await this.deps.run(
      plan.calls.map((c, i) =>
        this.planned(c, `${key}:${i}`, "soundscape", room.people[0] ?? "home", origin, cause),
      ),
    );
    plan.ramp.forEach((v, i) => {
      this.deps.clock.setTimeout(
        () =>
          this.later(
            this.deps.run([
              this.planned(
                {
                  domain: "media_player",
                  service: "volume_set",
                  target: { entity_id: playerId ?? "" },
                  data: { volume_level: v },
                },
                `${key}:ramp:${i}`,
                "soundscape",
                room.people[0] ?? "home",
                origin,
                cause,
              ),
            ]),
            { room: roomId },
            "soundscape volume step failed",
          ),
        (i + 1) * config.episodes.volume_step_s * 1000,
      );
    });
    const ok = outcomes.every((o) => o.result === "ok");
    return {
      ok,
      detail: ok
        ? `playing ${soundscape.title ?? name} at up to ${Math.round((plan.volume?.volume ?? 0) * 100)}%`
        : (outcomes.find((o) => o.result !== "ok")?.detail ?? "failed"),
    };
  }

  // --- internals -----------------------------------------------------------------------------------

  private async end(record: EpisodeRecord, reason: EpisodeEndReason, by?: CauseOrigin): Promise<void> {
    if (record.state === "ended") return;
    const { clock, config } = this.deps;
    this.cancelTimers(record.id);
    record.state = "ended";
    record.ended_at = clock.now();
    record.end_reason = reason;
    record.end_cause = by ?? this.endOrigin(record, reason);
    this.running.delete(record.id);
    // Before the room is given back, so that no breath cue lands after the restore.
    this.deps.breathing?.stop(record.person, "the calm episode ended");
    const overridden = new Set(record.overridden);
    const lights = restoreLights(
      record.snapshots,
      new Set(record.leased),
      overridden,
      config.episodes.transition_s,
    );
    // The sound fades out in steps, like it faded in; then it stops and the old volume comes back.
    let sound: { fade: number[]; calls: HaCall[]; player: string } | undefined;
    if (record.player && record.sound_started && !overridden.has(record.player)) {
      const snap = record.snapshots.find((s) => s.entity_id === record.player);
      if (snap)
        sound = {
          ...stopSound(snap, this.volumeNow(record), config.episodes.volume_step),
          player: record.player,
        };
    }
    const minutesUntilCalm =
      record.calm_reached_at === null
        ? null
        : Math.round(((record.calm_reached_at - record.started_at) / 60_000) * 10) / 10;
    record.outcome = {
      stress_before: record.stress_before,
      minutes_until_calm: minutesUntilCalm,
      overridden: [...record.overridden],
      end_reason: reason,
      lights: record.leased.filter((e) => e.startsWith("light.")),
      soundscape: record.soundscape,
      duration_min: Math.round(((record.ended_at - record.started_at) / 60_000) * 10) / 10,
    };
    this.save(record);
    if (record.recipe_id !== undefined)
      this.deps.recipes?.ended({
        person: record.person,
        episode_id: record.id,
        end_reason: reason,
        stopped_by_person: reason === "stopped" && PERSON_STOPS.has(record.end_cause.kind),
        overridden: record.overridden.length > 0,
        calm_reached_at: record.calm_reached_at,
      });
    this.deps.logger.info(
      { component: "episodes", episode: record.id, end_reason: reason },
      "calm episode ended; room given back",
    );
    this.deps.onChange(view(record), "ended");
    await this.call(record, "restore", lights);
    if (sound) this.fadeOut(record, sound);
  }

  /**
   * Where the speaker is now, so that the fade only ever goes down: Home Assistant's own value, else the last
   * step the hub set. Never the ramp's target, which a short episode may not have reached.
   */
  private volumeNow(record: EpisodeRecord): number | undefined {
    const level = record.player ? this.deps.getEntity(record.player)?.attributes.volume_level : undefined;
    if (typeof level === "number" && Number.isFinite(level)) return level;
    return record.volume_now ?? undefined;
  }

  private readonly fading = new Map<string, { record: EpisodeRecord; calls: HaCall[] }>();

  private fadeOut(record: EpisodeRecord, sound: { fade: number[]; calls: HaCall[]; player: string }): void {
    this.fading.set(record.id, { record, calls: sound.calls });
    const stepMs = this.deps.config.episodes.volume_step_s * 1000;
    sound.fade.forEach((v, i) => {
      const cancel = this.deps.clock.setTimeout(
        () =>
          this.callLater(record, `fade-${i}`, [
            {
              domain: "media_player",
              service: "volume_set",
              target: { entity_id: sound.player },
              data: { volume_level: v },
            },
          ]),
        i * stepMs,
      );
      this.addTimer(record.id, "fade", cancel);
    });
    const cancel = this.deps.clock.setTimeout(() => {
      this.fading.delete(record.id);
      this.callLater(record, "restore-sound", sound.calls);
    }, sound.fade.length * stepMs);
    this.addTimer(record.id, "fade", cancel);
  }

  // --- causes: what the action log says about each call ----------------------------------------------

  private personName(person: string): string {
    return displayName(person, own(this.deps.config.people, person)?.name);
  }

  private roomName(room: string): string {
    return own(this.deps.config.rooms, room)?.name ?? displayName(room.replaceAll("_", " "));
  }

  private endOrigin(record: EpisodeRecord, reason: EpisodeEndReason): CauseOrigin {
    const { episodes } = this.deps.config;
    const name = this.personName(record.person);
    const why: Record<EpisodeEndReason, string> = {
      calm: `${name} was calm again for ${Math.round(episodes.calm_for_s / 60)} min`,
      max_duration: `the episode reached its ${episodes.max_duration_min} min limit`,
      stopped: "the episode was stopped",
      left_home: `${name} left home`,
      replaced: "another episode replaced it",
      expired: "the episode ran out while the hub was stopped",
    };
    return { kind: "episode", why: why[reason] };
  }

  /** Start, ramp steps: the episode's cause; restore and fade: what ended it. */
  private causeOf(record: EpisodeRecord, phase: string): ActionCause {
    const room = this.roomName(record.room);
    const ending = phase.startsWith("restore") || phase.startsWith("fade");
    if (ending) {
      const by = record.end_cause ?? this.endOrigin(record, record.end_reason ?? "stopped");
      return {
        kind: by.kind,
        id: by.id ?? `episode:${record.id}:end`,
        why: by.why,
        summary: `${by.why} → calm episode in the ${room} ended`,
      };
    }
    const origin = record.cause ?? { kind: "api", why: record.reason };
    const title = record.soundscape ? own(this.deps.config.soundscapes, record.soundscape)?.title : undefined;
    return {
      kind: origin.kind,
      id: origin.id ?? `episode:${record.id}:start`,
      why: origin.why,
      summary: `${origin.why} → calm episode in the ${room}${record.recipe_reason ? ` (${record.recipe_reason})` : ""}`,
      ...(record.soundscape && record.volume !== null
        ? {
            sound: `${(title ?? record.soundscape.replaceAll("_", " ")).toLowerCase()} at ${Math.round(record.volume * 100)} %`,
          }
        : {}),
    };
  }

  private planned(
    call: HaCall,
    key: string,
    ruleId: string,
    person: string,
    origin: ActionOrigin,
    cause?: ActionCause,
  ): PlannedAction {
    const now = this.deps.clock.now();
    const stress = this.lastStress.get(person);
    const p: PlannedAction = {
      key,
      rule_id: ruleId,
      person,
      domain: call.domain,
      service: call.service,
      created_at: now,
      not_after: now + ACTION_TTL_S * 1000,
      origin,
      trigger: {
        score: stress?.score ?? 0,
        level: stress?.level ?? "calm",
        at: stress?.at ?? now,
        ...(cause ? { cause } : {}),
      },
    };
    if (call.target) p.target = call.target;
    if (call.data) p.data = call.data;
    return p;
  }

  private async call(record: EpisodeRecord, phase: string, calls: HaCall[]): Promise<void> {
    if (calls.length === 0) return;
    const actions = calls
      .filter((c) => {
        if (callFitsTargets(c)) return true;
        this.deps.logger.warn(
          { component: "episodes", episode: record.id, service: `${c.domain}.${c.service}` },
          "dropped a call whose service does not belong to its entity's domain",
        );
        return false;
      })
      .filter((c) => {
        const target = c.target?.entity_id;
        return typeof target !== "string" || !record.overridden.includes(target) || phase === "restore";
      })
      .map((c, i) =>
        this.planned(
          c,
          `episode:${record.id}:${phase}:${i}`,
          `episode:${record.reason}`,
          record.person,
          // Giving the room back undoes the hub's own change: allowed whatever pause and mode say.
          RESTORE_PHASE.test(phase) ? "restore" : (record.origin ?? "person"),
          this.causeOf(record, phase),
        ),
      );
    await this.deps.run(actions);
  }

  private scheduleSteps(
    record: EpisodeRecord,
    phase: string,
    values: number[],
    make: (v: number) => HaCall,
  ): void {
    const stepMs = this.deps.config.episodes.volume_step_s * 1000;
    values.forEach((v, i) => {
      const cancel = this.deps.clock.setTimeout(
        () => {
          if (record.state !== "active" || (record.player && record.overridden.includes(record.player)))
            return;
          this.callLater(record, `${phase}-${i}`, [make(v)]);
        },
        (i + 1) * stepMs,
      );
      this.addTimer(record.id, phase, cancel);
    });
  }

  private armMaxTimer(record: EpisodeRecord, ms: number): void {
    this.addTimer(
      record.id,
      "max",
      this.deps.clock.setTimeout(() => this.endLater(record, "max_duration"), ms),
    );
  }

  private armCalmTimer(record: EpisodeRecord): void {
    this.cancelTimers(record.id, "calm");
    const since = record.calm_since ?? this.deps.clock.now();
    const wait = Math.max(0, since + this.deps.config.episodes.calm_for_s * 1000 - this.deps.clock.now());
    this.addTimer(
      record.id,
      "calm",
      this.deps.clock.setTimeout(() => this.endLater(record, "calm"), wait),
    );
  }

  private addTimer(id: string, kind: string, cancel: Cancel): void {
    let kinds = this.timerKinds.get(id);
    if (!kinds) {
      kinds = new Map();
      this.timerKinds.set(id, kinds);
    }
    kinds.set(kind, [...(kinds.get(kind) ?? []), cancel]);
  }

  private cancelTimers(id: string, kind?: string): void {
    const kinds = this.timerKinds.get(id);
    if (!kinds) return;
    for (const [k, cancels] of kinds) {
      if (kind !== undefined && k !== kind) continue;
      for (const c of cancels) c();
      kinds.delete(k);
    }
  }

  /**
   * A store that cannot write (disk full, file gone) must not stop an episode half-way: the room is still given
   * back, and the error is a log line. A restart then resumes from the last record that was written.
   */
  private save(record: EpisodeRecord): void {
    try {
      this.deps.store.docs.put(
        SCOPE,
        `${record.person}:${record.id}`,
        record,
        this.deps.clock.now(),
        record.started_at,
      );
    } catch (err) {
      this.deps.logger.error(
        { component: "episodes", episode: record.id, err: (err as Error).message },
        "could not save the episode",
      );
    }
  }

  /** Work started from a timer or an event, which nobody awaits: a failure is logged, never unhandled. */
  private later(work: Promise<unknown>, fields: Record<string, unknown>, what: string): void {
    background(work, this.deps.logger, { component: "episodes", ...fields }, what);
  }

  private endLater(record: EpisodeRecord, reason: EpisodeEndReason): void {
    this.later(this.end(record, reason), { episode: record.id, end_reason: reason }, "episode end failed");
  }

  private callLater(record: EpisodeRecord, phase: string, calls: HaCall[]): void {
    this.later(this.call(record, phase, calls), { episode: record.id, phase }, "episode step failed");
  }
}

/** Narrows the manager to the contract voice, the API and Node-RED use. */
export function episodeControl(m: EpisodeManager): EpisodeControl {
  return {
    start: (request) => m.startEpisode(request),
    stop: (selector, reason, by) => m.stopEpisode(selector, reason, by),
    active: () => m.activeEpisodes(),
    playSoundscape: (room, name, by) => m.playSoundscape(room, name, "person", by),
  };
}
