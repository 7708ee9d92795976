import type { ActionOutcome } from "../actions/index.js";
import type { Config } from "../config/index.js";
import {
  type ActionCause,
  type BreathingEvent,
  background,
  type Cancel,
  type CauseOrigin,
  type Clock,
  displayName,
  type Logger,
  own,
  type PlannedAction,
  type Sample,
  type StressState,
} from "../core/index.js";
import {
  capVolume,
  type EpisodeBreathing,
  type EpisodeRequest,
  type EpisodeStartResult,
  type EpisodeView,
  isNight,
} from "../episodes/index.js";
import { isOverride, type ObservedChange, type ReportedState } from "../override/index.js";
import {
  afterBreath,
  type BreathReading,
  halfBreathCall,
  halfBreathS,
  type LightRange,
  lightRange,
  type PaceState,
  startPace,
  volumeRange,
} from "./plan.js";

export interface BreathingDeps {
  config: Pick<Config, "breathing" | "rooms" | "night" | "people">;
  clock: Clock;
  logger: Logger;
  getEntity(
    id: string,
  ): { entity_id: string; state: string; attributes: Record<string, unknown> } | undefined;
  /** The action runner (log, TTL, idempotency, allow-list): the one door to Home Assistant. */
  run(actions: PlannedAction[]): Promise<ActionOutcome[]>;
  timeZone(): string;
  isAsleep(person: string): boolean;
  /** Voice and the API start the guide inside a calm episode: the episode holds the room and gives it back. */
  episodes: {
    active(): EpisodeView[];
    start(request: EpisodeRequest): Promise<EpisodeStartResult>;
  };
  onEvent(event: BreathingEvent): void;
}

/** What a recipe (through the episode manager), voice or the API asks for. */
export interface BreathingRequest {
  person: string;
  room: string;
  episodeId: string;
  cause?: CauseOrigin | undefined;
  /** "automatic" when a rule's episode starts it: its calls then obey pause and mode. */
  origin?: "automatic" | "person" | undefined;
}

export type BreathingRefusal = "no_room" | "bedroom_at_night" | "asleep" | "nothing_to_pace" | "episode";

export type BreathingStartResult =
  | { ok: true; status: BreathingStatus; already: boolean }
  | { ok: false; refusal: BreathingRefusal; reason: string };

/** A guide as the dashboard and the API show it. */
export interface BreathingStatus {
  person: string;
  room: string;
  episode_id: string;
  state: "running" | "stopped";
  medium: "light" | "volume";
  from_bpm: number;
  pace_bpm: number;
  target_bpm: number;
  following: boolean | null;
  started_at: number;
  stopped_at: number | null;
  why: string | null;
}

type Medium =
  | { kind: "light"; entity_id: string; base: number }
  | { kind: "volume"; entity_id: string; base: number };

interface Guide {
  req: BreathingRequest;
  medium: Medium;
  pace: PaceState;
  phase: "in" | "out";
  seq: number;
  started_at: number;
  /** Whether the person was anything but calm since the guide began: only then is calm "calm again". */
  uneasy: boolean;
  timer: Cancel | undefined;
  status: BreathingStatus;
}

interface LatestReading {
  resp?: { v: number; at: number };
  hr?: { v: number; at: number };
}

const ACTION_GRACE_MS = 5_000;
const RESTORE_TRANSITION_S = 2;
/** Stopped guides the dashboard can still show with their episode. */
const STOPPED_KEPT = 50;

/**
 * The breathing guide: one light (or the soundscape's volume) rises on each inhale and falls on each exhale,
 * starting at the person's own pace and slowing toward about six breaths a minute. One call per half-breath,
 * whose `transition` is the half-breath, so the light itself does the smooth part. It holds a pace longer when
 * the person does not follow, and stops when they are calm, when the episode ends, on stop, or when someone
 * changes the light by hand. Nothing is stored: a hub restart resumes the episode, not the guide.
 */
export class BreathingPacer {
  private readonly d: BreathingDeps;
  private readonly guides = new Map<string, Guide>();
  private readonly stopped = new Map<string, BreathingStatus>();
  private readonly latest = new Map<string, LatestReading>();
  private readonly lastStress = new Map<string, StressState>();

  constructor(deps: BreathingDeps) {
    this.d = deps;
  }

  start(): void {}

  /** Timers go; no call is made (the episode that holds the room gives it back). */
  stop(): void {
    for (const g of this.guides.values()) g.timer?.();
    this.guides.clear();
  }

  /** The object the episode manager calls when a recipe asks for the guide, and when the episode ends. */
  episodeHook(): EpisodeBreathing {
    return {
      start: (req) => {
        const res = this.begin(req);
        if (!res.ok)
          this.d.logger.info(
            { component: "breathing", person: req.person, room: req.room, refusal: res.refusal },
            `breathing guide not started: ${res.reason}`,
          );
      },
      stop: (person, why) => this.end(person, why, false),
    };
  }

  /** Latest respiration and heart rate, in memory only (called by the pipeline for every reading). */
  observe(sample: Sample): void {
    if (sample.resp === undefined && sample.hr === undefined) return;
    const r = this.latest.get(sample.person) ?? {};
    if (sample.resp !== undefined) r.resp = { v: sample.resp, at: sample.measured_at };
    if (sample.hr !== undefined) r.hr = { v: sample.hr, at: sample.measured_at };
    this.latest.set(sample.person, r);
  }

  /** Calm again after being stressed while guided: it has done its work. */
  onStress(state: StressState): void {
    this.lastStress.set(state.person, state);
    const g = this.guides.get(state.person);
    if (!g) return;
    if (state.level !== "calm") g.uneasy = true;
    else if (g.uneasy) this.end(state.person, "calm again", true);
  }

  /** A hand on the guide's light or speaker ends it; the hub leaves that entity alone from then on. */
  onEntities(changes: readonly ObservedChange<{ entity_id: string } & ReportedState>[]): void {
    for (const { entity, facts } of changes) {
      for (const g of [...this.guides.values()]) {
        if (g.medium.entity_id !== entity.entity_id) continue;
        if (!isOverride(facts).override) continue;
        this.end(g.req.person, "the light was changed by hand", false);
      }
    }
  }

  /** Running guides and those stopped lately, newest first. */
  statuses(): BreathingStatus[] {
    return [
      ...[...this.guides.values()].map((g) => ({ ...g.status })),
      ...[...this.stopped.values()].reverse(),
    ];
  }

  statusOf(episodeId: string): BreathingStatus | undefined {
    for (const g of this.guides.values()) if (g.req.episodeId === episodeId) return { ...g.status };
    return this.stopped.get(episodeId);
  }

  /** Pace a person is being guided at now (the demo's wearable follows it). */
  paceOf(person: string): number | undefined {
    return this.guides.get(person)?.pace.pace_bpm;
  }

  /** Per-person delete: the guide stops and nothing about the person stays in memory. */
  forget(person: string): void {
    this.end(person, "the person's data was deleted", false);
    this.latest.delete(person);
    this.lastStress.delete(person);
    for (const [id, s] of this.stopped) if (s.person === person) this.stopped.delete(id);
  }

  /**
   * Voice ("help me breathe") and `POST /api/people/<id>/breathe`: the guide inside the person's running
   * episode, or in a new episode started for it. A room where it may not run starts nothing at all.
   */
  async request(input: {
    person: string;
    room?: string | undefined;
    cause: CauseOrigin;
  }): Promise<BreathingStartResult & { episode?: EpisodeView }> {
    const { person, cause } = input;
    const running = this.d.episodes
      .active()
      .find((e) => e.state === "active" && e.person === person && (!input.room || e.room === input.room));
    const roomId = input.room ?? running?.room ?? this.roomOf(person);
    if (roomId === undefined) return refuse("no_room", `no room is set for ${person}`);
    const blocked = this.blocked(person, roomId);
    if (blocked) return blocked;
    let episode = running;
    if (!episode) {
      const res = await this.d.episodes.start({ person, room: roomId, reason: "breathing guide", cause });
      if (!res.ok) return refuse("episode", res.reason);
      episode = res.episode;
    }
    return { ...this.begin({ person, room: episode.room, episodeId: episode.id, cause }), episode };
  }

  /** Starts (or keeps) the guide for a running episode. */
  begin(req: BreathingRequest): BreathingStartResult {
    const existing = this.guides.get(req.person);
    if (existing?.req.episodeId === req.episodeId)
      return { ok: true, status: { ...existing.status }, already: true };
    if (existing) this.end(req.person, "a new breathing guide began", false);
    const blocked = this.blocked(req.person, req.room);
    if (blocked) return blocked;
    const medium = this.mediumIn(req.room);
    if (!medium) return refuse("nothing_to_pace", "no light is on and no soundscape plays to breathe with");
    const now = this.d.clock.now();
    const pace = startPace(this.fresh(req.person), this.d.config.breathing);
    const status: BreathingStatus = {
      person: req.person,
      room: req.room,
      episode_id: req.episodeId,
      state: "running",
      medium: medium.kind,
      from_bpm: pace.from_bpm,
      pace_bpm: pace.pace_bpm,
      target_bpm: pace.target_bpm,
      following: null,
      started_at: now,
      stopped_at: null,
      why: null,
    };
    // The light is at its calm brightness: the guide opens with an exhale, down from there.
    const guide: Guide = {
      req,
      medium,
      pace,
      phase: "out",
      seq: 0,
      started_at: now,
      // Someone who asks to breathe while the detector still says calm is guided until they stop it.
      uneasy: (this.lastStress.get(req.person)?.level ?? "calm") !== "calm",
      timer: undefined,
      status,
    };
    this.guides.set(req.person, guide);
    this.d.logger.info(
      {
        component: "breathing",
        person: req.person,
        room: req.room,
        medium: medium.kind,
        source: pace.source,
      },
      "breathing guide started",
    );
    this.emit(guide, "started");
    this.step(guide);
    return { ok: true, status: { ...status }, already: false };
  }

  /** Ends the person's guide. `restore`: put the light back at its calm brightness (the episode goes on). */
  end(person: string, why: string, restore: boolean): void {
    const g = this.guides.get(person);
    if (!g) return;
    g.timer?.();
    this.guides.delete(person);
    g.status = { ...g.status, state: "stopped", stopped_at: this.d.clock.now(), why };
    this.stopped.set(g.req.episodeId, g.status);
    while (this.stopped.size > STOPPED_KEPT) {
      const oldest = this.stopped.keys().next().value;
      if (oldest === undefined) break;
      this.stopped.delete(oldest);
    }
    this.d.logger.info({ component: "breathing", person, room: g.req.room, why }, "breathing guide stopped");
    this.emit(g, "stopped", why);
    if (restore) {
      const call =
        g.medium.kind === "light"
          ? {
              domain: "light",
              service: "turn_on",
              target: { entity_id: g.medium.entity_id },
              data: { brightness: g.medium.base, transition: RESTORE_TRANSITION_S },
            }
          : {
              domain: "media_player",
              service: "volume_set",
              target: { entity_id: g.medium.entity_id },
              data: { volume_level: g.medium.base },
            };
      this.send(g, "end", call, RESTORE_TRANSITION_S);
    }
  }

  // --- internals -----------------------------------------------------------------------------------

  private step(g: Guide): void {
    const { breathing } = this.d.config;
    if (this.d.clock.now() - g.started_at >= breathing.max_minutes * 60_000) {
      this.end(g.req.person, `the guide's ${breathing.max_minutes} min were up`, true);
      return;
    }
    const half = halfBreathS(g.pace.pace_bpm);
    const call = halfBreathCall(
      g.medium.kind === "light"
        ? { kind: "light", entity_id: g.medium.entity_id, range: this.lightRangeOf(g) }
        : {
            kind: "volume",
            entity_id: g.medium.entity_id,
            range: volumeRange(g.medium.base, breathing.volume_depth),
          },
      g.phase,
      g.pace.pace_bpm,
    );
    this.send(g, String(g.seq++), call, half);
    g.timer = this.d.clock.setTimeout(() => {
      if (this.guides.get(g.req.person) !== g) return;
      if (g.phase === "in") {
        // An exhale and an inhale make one breath: the moment to judge and maybe slow down.
        const before = g.pace;
        g.pace = afterBreath(g.pace, this.fresh(g.req.person), breathing);
        if (before.pace_bpm !== g.pace.pace_bpm || before.following !== g.pace.following) {
          g.status = { ...g.status, pace_bpm: g.pace.pace_bpm, following: g.pace.following };
          this.emit(g, "pace");
        }
      }
      g.phase = g.phase === "in" ? "out" : "in";
      this.step(g);
    }, half * 1000);
  }

  private lightRangeOf(g: Guide): LightRange {
    return lightRange(g.medium.base, g.pace.pace_bpm, this.d.config.breathing);
  }

  private send(
    g: Guide,
    n: string,
    call: { domain: string; service: string; target: { entity_id: string }; data: Record<string, unknown> },
    lifetimeS: number,
  ): void {
    const now = this.d.clock.now();
    const stress = this.lastStress.get(g.req.person);
    const asked = g.req.cause ?? { kind: "api" as const, why: "a breathing guide was asked for" };
    const cause: ActionCause = {
      kind: asked.kind,
      id: `breathing:${g.req.episodeId}`,
      why: asked.why,
      summary: `${asked.why} → breathing guide in the ${this.roomName(g.req.room)}`,
    };
    const action: PlannedAction = {
      key: `breathing:${g.req.episodeId}:${n}`,
      rule_id: "breathing",
      person: g.req.person,
      domain: call.domain,
      service: call.service,
      target: call.target,
      data: call.data,
      created_at: now,
      // A breath cue that arrives late is worse than none.
      not_after: now + lifetimeS * 1000 + ACTION_GRACE_MS,
      origin: g.req.origin ?? "person",
      trigger: {
        score: stress?.score ?? 0,
        level: stress?.level ?? "calm",
        at: stress?.at ?? now,
        cause,
      },
    };
    background(
      this.d.run([action]),
      this.d.logger,
      { component: "breathing", person: g.req.person },
      "breathing step failed",
    );
  }

  /** Why the guide may not run in this room now, if it may not. */
  private blocked(person: string, roomId: string): Extract<BreathingStartResult, { ok: false }> | undefined {
    const room = own(this.d.config.rooms, roomId);
    if (!room) return refuse("no_room", `there is no room "${roomId}"`);
    const night = isNight(this.d.clock.now(), this.d.timeZone(), this.d.config.night);
    if (room.bedroom && night) return refuse("bedroom_at_night", "nothing is paced in a bedroom at night");
    if ([...room.people, person].some((p) => this.d.isAsleep(p)))
      return refuse("asleep", "someone here is asleep");
    return undefined;
  }

  /** The first light that is on, else a speaker that plays (under the room's volume cap). */
  private mediumIn(roomId: string): Medium | undefined {
    const room = own(this.d.config.rooms, roomId);
    if (!room) return undefined;
    for (const id of room.lights) {
      const e = this.d.getEntity(id);
      const b = e?.attributes.brightness;
      if (e?.state === "on" && typeof b === "number" && b > 0)
        return { kind: "light", entity_id: id, base: b };
    }
    const player = room.media_player ? this.d.getEntity(room.media_player) : undefined;
    const level = player?.attributes.volume_level;
    if (player?.state === "playing" && typeof level === "number") {
      const night = isNight(this.d.clock.now(), this.d.timeZone(), this.d.config.night);
      return { kind: "volume", entity_id: player.entity_id, base: capVolume(level, room, night).volume };
    }
    return undefined;
  }

  private fresh(person: string): BreathReading {
    const r = this.latest.get(person);
    const oldest = this.d.clock.now() - this.d.config.breathing.reading_max_age_s * 1000;
    return {
      resp: r?.resp && r.resp.at >= oldest ? r.resp.v : undefined,
      hr: r?.hr && r.hr.at >= oldest ? r.hr.v : undefined,
    };
  }

  private roomOf(person: string): string | undefined {
    return (
      own(this.d.config.people, person)?.room ??
      Object.entries(this.d.config.rooms).find(([, r]) => r.people.includes(person))?.[0]
    );
  }

  private roomName(room: string): string {
    return own(this.d.config.rooms, room)?.name ?? displayName(room.replaceAll("_", " "));
  }

  private emit(g: Guide, phase: BreathingEvent["phase"], why?: string): void {
    this.d.onEvent({
      person: g.req.person,
      room: g.req.room,
      episode_id: g.req.episodeId,
      phase,
      medium: g.medium.kind,
      from_bpm: g.pace.from_bpm,
      pace_bpm: g.pace.pace_bpm,
      target_bpm: g.pace.target_bpm,
      following: g.pace.following,
      ...(why ? { why } : {}),
    });
  }
}

function refuse(refusal: BreathingRefusal, reason: string): Extract<BreathingStartResult, { ok: false }> {
  return { ok: false, refusal, reason };
}
