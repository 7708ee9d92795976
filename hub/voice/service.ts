import type { HassEntities, HassEvent } from "home-assistant-js-websocket";
import { z } from "zod";
import type { VoiceConfig } from "../config/index.js";
import {
  background,
  type Cancel,
  type CauseOrigin,
  type Clock,
  displayName,
  type Logger,
  MOOD_VALENCE,
  type Mood,
  own,
} from "../core/index.js";
import type { EpisodeControl, EpisodeView } from "../episodes/index.js";
import type { HaLinkState } from "../ha/index.js";
import { type Intent, understand, type Vocabulary } from "./intents.js";
import {
  EMPTY_REGISTRIES,
  parseRegistries,
  personOfRoom,
  type RegistrySnapshot,
  type RoomMap,
  roomDisplayName,
  roomOfDevice,
  roomVocabulary,
} from "./rooms.js";
import { type BreathingRefusalSpoken, type FriendBlockSpoken, speak, type VoiceOutcome } from "./speech.js";

/** What the voice service needs from Home Assistant; the real HaLink satisfies it. */
export interface VoiceHa {
  readonly state: HaLinkState;
  onEvent(eventType: string, handler: (event: HassEvent) => void): () => void;
  onState(handler: (state: HaLinkState, detail: string) => void): () => void;
  fireEvent(eventType: string, eventData: Record<string, unknown>): Promise<void>;
  command<T>(message: { type: string } & Record<string, unknown>): Promise<T>;
  allEntities?(): HassEntities;
}

/** Starts the evening wind-down now; optional until the schedule runner exists. */
export interface WindDownControl {
  startNow(request: {
    person: string;
    room?: string | undefined;
    reason: string;
  }): Promise<{ ok: boolean; detail: string }>;
}

/** The friend suggester as voice sees it ("I feel lonely"). */
export interface FriendRequester {
  suggest(
    person: string,
    trigger: "voice",
  ): Promise<{ ok: true; friend: string } | { ok: false; reason: string }>;
}

/** Where a mood told by voice is kept ("I feel anxious"); the hub's mood check-ins. */
export interface MoodRecorder {
  record(person: string, mood: Mood, source: "voice"): unknown;
}

/** The breathing guide as voice sees it ("help me breathe"). */
export interface BreathingRequester {
  request(input: {
    person: string;
    room?: string | undefined;
    cause: CauseOrigin;
  }): Promise<
    | { ok: true; already: boolean; status: { room: string; medium: "light" | "volume" } }
    | { ok: false; refusal: string; reason: string }
  >;
}

export interface VoiceServiceOptions {
  ha: VoiceHa;
  episodes: EpisodeControl;
  config: VoiceConfig;
  clock: Clock;
  logger: Logger;
  friends?: FriendRequester | undefined;
  moods?: MoodRecorder | undefined;
  windDown?: WindDownControl | undefined;
  breathing?: BreathingRequester | undefined;
  /** `config.people`: each person's room makes "the room's person" and "the person's room" work. */
  people?: Readonly<Record<string, { room?: string | undefined; name?: string | undefined }>> | undefined;
  /** Soundscape names "play <name>" understands: the main config's soundscapes, `_` spoken as a space. */
  soundscapes?: readonly string[] | undefined;
  /** Told of every handled request (for the hub's event stream: Node-RED, the dashboard). Never the text. */
  onRequest?:
    | ((info: { person: string; room: string | undefined; intent: string; outcome: string }) => void)
    | undefined;
  /** Room ids the hub knows (the main config's rooms). Empty: every HA area counts as a room. */
  rooms?: readonly string[] | undefined;
  /** Room id → its Home Assistant area id (`rooms.<id>.area_id`), for rooms whose area has another id. */
  roomAreas?: Readonly<Record<string, string>> | undefined;
}

/** One request, from Assist or HTTP. */
export interface VoiceRequest {
  text: string;
  room?: string | undefined;
  person?: string | undefined;
  language?: string | undefined;
  /** The Assist satellite that heard it; its area picks the room. */
  device_id?: string | null | undefined;
  /** The HA user who typed it; a `person.*` entity with that user picks the person. */
  user_id?: string | null | undefined;
}

export interface VoiceReply {
  speech: string;
  intent: Intent;
  room: string | undefined;
  person: string;
  outcome: VoiceOutcome["kind"];
  /** False when the hub answered before the action finished (it goes on in the background). */
  completed: boolean;
}

/** Person id for requests nobody can be matched to (a satellite in a shared room). */
export const HOUSEHOLD = "household";

// HA renders a None template as "None" in some versions; an empty field means "not given" too.
const absent = (v: unknown): boolean => v === null || v === undefined || v === "" || v === "None";
const optionalText = (max: number) =>
  z.preprocess((v) => (absent(v) ? undefined : v), z.string().max(max).optional()).optional();

/** The `calm_hub_request` event's data, as the shipped automation fires it. */
export const VoiceRequestEventSchema = z
  .looseObject({
    request_id: z.string().min(1).max(128),
    text: optionalText(500),
    sentence: optionalText(500),
    device_id: optionalText(128),
    language: optionalText(16),
    person: optionalText(64),
    user_id: optionalText(128),
  })
  .refine((d) => d.text !== undefined || d.sentence !== undefined, { message: "text is required" });

const REQUEST_IDS_KEPT = 200;
const WARN_INTERVAL_MS = 60_000;

/**
 * Answers voice requests: understands the sentence, picks room and person, acts through EpisodeControl, and
 * answers Assist with a `calm_hub_response` event before the automation's wait runs out. The text of a
 * request is never logged: what someone says to a calm assistant is as private as their heart rate.
 */
export class VoiceService {
  private readonly opts: VoiceServiceOptions;
  private registries: RegistrySnapshot = EMPTY_REGISTRIES;
  private registriesLoaded = false;
  private loading: Promise<void> | undefined;
  private readonly unsubs: (() => void)[] = [];
  private readonly seen = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();
  private lastWarn = Number.NEGATIVE_INFINITY;
  readonly counters = { requests: 0, answered: 0, answered_early: 0, invalid: 0, not_answered: 0 };

  constructor(opts: VoiceServiceOptions) {
    this.opts = opts;
  }

  get enabled(): boolean {
    return this.opts.config.enabled;
  }

  start(): void {
    if (!this.enabled) return;
    const { ha, config } = this.opts;
    this.unsubs.push(
      ha.onEvent(config.request_event, (e) =>
        background(this.onRequestEvent(e), this.opts.logger, { component: "voice" }, "voice request failed"),
      ),
    );
    const refresh = (): void => void this.refreshRegistries();
    this.unsubs.push(ha.onEvent("device_registry_updated", refresh));
    this.unsubs.push(ha.onEvent("area_registry_updated", refresh));
    this.unsubs.push(
      ha.onState((state) => {
        if (state === "online") refresh();
      }),
    );
    if (ha.state === "online") refresh();
  }

  /** Unsubscribes and waits (bounded) for actions still running after an early answer. */
  async stop(): Promise<void> {
    for (const u of this.unsubs.splice(0)) u();
    await Promise.allSettled([...this.background]);
  }

  /** Re-reads the device and area registries; called on (re)connect and when HA says they changed. */
  refreshRegistries(): Promise<void> {
    if (this.loading) return this.loading;
    const { ha, logger } = this.opts;
    this.loading = (async () => {
      try {
        const [devices, areas] = await Promise.all([
          ha.command<unknown>({ type: "config/device_registry/list" }),
          ha.command<unknown>({ type: "config/area_registry/list" }),
        ]);
        const { snapshot, skipped } = parseRegistries(devices, areas);
        this.registries = snapshot;
        this.registriesLoaded = true;
        logger.debug(
          { component: "voice", devices: snapshot.deviceAreas.size, areas: snapshot.areas.size, skipped },
          "registries read",
        );
      } catch (err) {
        logger.warn({ component: "voice", err: (err as Error).message }, "could not read HA registries");
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Words the matcher looks for, from the config and HA's areas. */
  vocabulary(): Vocabulary {
    return {
      soundscapes: this.opts.soundscapes ?? [],
      rooms: roomVocabulary(this.registries, this.roomMap()),
    };
  }

  /** Understands and acts; answers within `answer_within_ms` even when the action takes longer. */
  async handle(request: VoiceRequest): Promise<VoiceReply> {
    const { clock, config } = this.opts;
    const started = clock.now();
    const language = request.language ?? config.language;
    this.counters.requests++;

    if (request.device_id && !this.registriesLoaded && this.opts.ha.state === "online")
      await this.within(this.refreshRegistries(), Math.floor(config.answer_within_ms / 2), undefined);

    const intent = understand(request.text, language, this.vocabulary());
    const map = this.roomMap();
    let room =
      request.room ??
      ("room" in intent ? intent.room : undefined) ??
      roomOfDevice(request.device_id, this.registries, map);
    const person =
      request.person ??
      this.personOfUser(request.user_id) ??
      personOfRoom(room, map) ??
      config.default_person ??
      this.onlyPerson() ??
      HOUSEHOLD;
    room ??= (this.opts.people ? own(this.opts.people, person) : undefined)?.room ?? config.default_room;

    const work = this.act(intent, person, room).catch((err: unknown): VoiceOutcome => {
      this.opts.logger.error(
        { component: "voice", intent: intent.kind, err: (err as Error).message },
        "voice action failed",
      );
      return { kind: "unavailable" };
    });
    const left = Math.max(0, config.answer_within_ms - (clock.now() - started));
    const outcome = await this.within(work, left, this.pendingOutcome(intent, room));
    const completed = !isPending(outcome);
    if (!completed) {
      this.counters.answered_early++;
      this.track(
        work.then((late) =>
          this.opts.logger.info(
            { component: "voice", intent: intent.kind, person, room, outcome: late.kind },
            "voice action finished after the answer",
          ),
        ),
      );
    }
    this.opts.logger.info(
      { component: "voice", intent: intent.kind, person, room, outcome: outcome.kind },
      "voice request",
    );
    this.opts.onRequest?.({ person, room, intent: intent.kind, outcome: outcome.kind });
    return { speech: speak(outcome, language), intent, room, person, outcome: outcome.kind, completed };
  }

  private async onRequestEvent(event: HassEvent): Promise<void> {
    const { config, logger } = this.opts;
    const parsed = VoiceRequestEventSchema.safeParse(event.data);
    if (!parsed.success) {
      this.counters.invalid++;
      this.warn(`ignored a ${config.request_event} event that does not match the schema`, {
        issues: parsed.error.issues.map((i) => `${i.path.join(".") || "(data)"}: ${i.message}`),
      });
      const id = (event.data as { request_id?: unknown } | undefined)?.request_id;
      if (typeof id === "string" && id.length > 0 && id.length <= 128)
        await this.answer(
          id,
          speak({ kind: "unknown", soundscapes: this.opts.soundscapes ?? [] }, config.language),
        );
      return;
    }
    const data = parsed.data;
    if (this.seen.has(data.request_id)) return;
    this.remember(data.request_id);
    const reply = await this.handle({
      text: data.text ?? data.sentence ?? "",
      device_id: data.device_id,
      language: data.language,
      person: data.person,
      user_id: data.user_id ?? event.context?.user_id ?? undefined,
    });
    await this.answer(data.request_id, reply.speech);
    logger.debug({ component: "voice", request_id: data.request_id }, "answered");
  }

  private async answer(requestId: string, speech: string): Promise<void> {
    try {
      await this.opts.ha.fireEvent(this.opts.config.response_event, { request_id: requestId, speech });
      this.counters.answered++;
    } catch (err) {
      this.counters.not_answered++;
      this.opts.logger.warn(
        { component: "voice", err: (err as Error).message },
        "could not answer Assist (Assist will speak its fallback)",
      );
    }
  }

  private async act(intent: Intent, person: string, room: string | undefined): Promise<VoiceOutcome> {
    const { episodes } = this.opts;
    const say = (r: string | undefined): string =>
      r ? roomDisplayName(r, this.registries, this.roomMap()) : "room";
    // For the action log: who asked, never what exactly was said.
    const who =
      person === HOUSEHOLD ? "Someone" : displayName(person, own(this.opts.people ?? {}, person)?.name);
    const voice = (why: string): CauseOrigin => ({ kind: "voice", why: `${who} ${why}` });
    switch (intent.kind) {
      case "calm": {
        const res = await episodes.start({
          person,
          room,
          reason: "voice request",
          soundscape: intent.soundscape,
          cause: voice("asked for calm by voice"),
        });
        if (!res.ok) {
          this.opts.logger.warn({ component: "voice", person, room, detail: res.reason }, "episode refused");
          return { kind: "calm_failed", room: say(room) };
        }
        return {
          kind: "calm_started",
          room: say(res.episode.room),
          soundscape: res.episode.soundscape ?? undefined,
          already: res.already_running,
        };
      }
      case "breathe": {
        if (!this.opts.breathing) return { kind: "breathe_failed", room: say(room), why: "failed" };
        const res = await this.opts.breathing.request({
          person,
          room,
          cause: voice("asked for a breathing guide by voice"),
        });
        if (!res.ok) {
          this.opts.logger.info(
            { component: "voice", person, room, refusal: res.refusal },
            "breathing guide refused",
          );
          return { kind: "breathe_failed", room: say(room), why: spokenBreathingRefusal(res.refusal) };
        }
        return {
          kind: "breathe_started",
          room: say(res.status.room),
          medium: res.status.medium,
          already: res.already,
        };
      }
      case "stop": {
        const stopped = await this.stopFor(person, room, voice('said "stop" by voice'));
        return stopped ? { kind: "stopped", room: say(stopped.room) } : { kind: "nothing_to_stop" };
      }
      case "wind_down": {
        if (!this.opts.windDown) return { kind: "wind_down_unavailable" };
        const res = await this.opts.windDown.startNow({ person, room, reason: "voice request" });
        if (!res.ok)
          this.opts.logger.warn(
            { component: "voice", person, room, detail: res.detail },
            "wind-down refused",
          );
        return res.ok
          ? { kind: "wind_down_started", room: say(room) }
          : { kind: "calm_failed", room: say(room) };
      }
      case "soundscape": {
        if (!room) return { kind: "no_room" };
        const res = await episodes.playSoundscape(
          room,
          intent.soundscape,
          voice("asked for a soundscape by voice"),
        );
        if (!res.ok)
          this.opts.logger.warn({ component: "voice", room, detail: res.detail }, "soundscape refused");
        return {
          kind: res.ok ? "soundscape_playing" : "soundscape_failed",
          room: say(room),
          soundscape: intent.soundscape,
        };
      }
      case "unknown_soundscape":
        return { kind: "unknown_soundscape", heard: intent.heard, known: this.opts.soundscapes ?? [] };
      case "friend": {
        if (person === HOUSEHOLD) return { kind: "friend_blocked", reason: "unknown_person" };
        if (!this.opts.friends) return { kind: "friend_blocked", reason: "not_set_up" };
        const res = await this.opts.friends.suggest(person, "voice");
        return res.ok
          ? { kind: "friend_sent", friend: res.friend }
          : { kind: "friend_blocked", reason: spokenBlock(res.reason) };
      }
      case "mood": {
        if (person === HOUSEHOLD) return { kind: "mood_unknown_person" };
        if (!this.opts.moods) return { kind: "unavailable" };
        this.opts.moods.record(person, intent.mood, "voice");
        // Feeling okay or better ends a running calm episode, as "I feel better" always has.
        const stopped =
          MOOD_VALENCE[intent.mood] >= 0
            ? await this.stopFor(person, room, voice("said they feel better"))
            : undefined;
        return { kind: "mood_recorded", mood: intent.mood, stopped: stopped ? say(stopped.room) : undefined };
      }
      case "help":
        return { kind: "help", soundscapes: this.opts.soundscapes ?? [] };
      case "unknown":
        return { kind: "unknown", soundscapes: this.opts.soundscapes ?? [] };
    }
  }

  /** The room's episode, else the person's, else the only one running. */
  private async stopFor(
    person: string,
    room: string | undefined,
    by: CauseOrigin,
  ): Promise<EpisodeView | undefined> {
    const { episodes } = this.opts;
    if (room) {
      const byRoom = await episodes.stop({ room }, "stopped", by);
      if (byRoom) return byRoom;
    }
    if (person !== HOUSEHOLD) {
      const byPerson = await episodes.stop({ person }, "stopped", by);
      if (byPerson) return byPerson;
    }
    const active = episodes.active().filter((e) => e.state === "active");
    const only = active.length === 1 ? active[0] : undefined;
    return only ? episodes.stop({ id: only.id }, "stopped", by) : undefined;
  }

  private pendingOutcome(intent: Intent, room: string | undefined): VoiceOutcome {
    const say = room ? roomDisplayName(room, this.registries, this.roomMap()) : "room";
    switch (intent.kind) {
      case "calm":
        return { kind: "calm_pending", room: say, soundscape: intent.soundscape };
      case "stop":
        return { kind: "stop_pending" };
      case "breathe":
        return { kind: "breathe_pending", room: say };
      case "wind_down":
        return { kind: "wind_down_pending", room: say };
      case "soundscape":
        return { kind: "soundscape_pending", room: say, soundscape: intent.soundscape };
      case "friend":
        return { kind: "friend_pending" };
      case "mood":
        // The mood is stored before act() first waits: only a stop can still be under way.
        return { kind: "mood_recorded", mood: intent.mood, stopped: undefined };
      default:
        return { kind: "unavailable" };
    }
  }

  private roomMap(): RoomMap {
    const { config, people = {}, rooms = [], roomAreas = {} } = this.opts;
    const known = new Set<string>(rooms);
    // A room's own area_id is how its satellites find it; voice.areas may add (or override) areas.
    const areas: Record<string, string> = {};
    const elsewhere = new Set<string>();
    for (const [room, area] of Object.entries(roomAreas)) {
      areas[area] = room;
      if (area !== room) elsewhere.add(room);
    }
    Object.assign(areas, config.areas);
    const personRooms: Record<string, string | undefined> = {};
    for (const [id, p] of Object.entries(people)) {
      personRooms[id] = p.room;
      if (p.room) known.add(p.room);
    }
    if (config.default_room) known.add(config.default_room);
    for (const r of Object.values(areas)) known.add(r);
    // Rooms named only by people and defaults still let every area through when no room list is configured.
    return { areas, elsewhere, knownRooms: rooms.length ? known : new Set(), personRooms };
  }

  /** A `person.*` entity whose `user_id` is the HA user who spoke or typed. */
  private personOfUser(userId: string | null | undefined): string | undefined {
    if (!userId || !this.opts.ha.allEntities) return undefined;
    const people = this.opts.people ?? {};
    for (const entity of Object.values(this.opts.ha.allEntities())) {
      if (!entity.entity_id.startsWith("person.") || entity.attributes.user_id !== userId) continue;
      const id = entity.entity_id.slice("person.".length);
      if (Object.keys(people).length === 0 || id in people) return id;
    }
    return undefined;
  }

  private onlyPerson(): string | undefined {
    const ids = Object.keys(this.opts.people ?? {});
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** `p`'s value if it settles within `ms`, else `fallback`. */
  private within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
    let cancel: Cancel | undefined;
    const timeout = new Promise<F>((resolve) => {
      cancel = this.opts.clock.setTimeout(() => resolve(fallback), ms);
    });
    return Promise.race([p, timeout]).finally(() => cancel?.());
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > REQUEST_IDS_KEPT) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private warn(message: string, fields: Record<string, unknown>): void {
    const now = this.opts.clock.now();
    if (now - this.lastWarn < WARN_INTERVAL_MS) return;
    this.lastWarn = now;
    this.opts.logger.warn({ component: "voice", invalid: this.counters.invalid, ...fields }, message);
  }
}

function isPending(o: VoiceOutcome): boolean {
  return o.kind.endsWith("_pending");
}

function spokenBreathingRefusal(refusal: string): BreathingRefusalSpoken {
  return refusal === "bedroom_at_night" || refusal === "asleep" || refusal === "nothing_to_pace"
    ? refusal
    : "failed";
}

function spokenBlock(reason: string): FriendBlockSpoken {
  switch (reason) {
    case "quiet_hours":
    case "daily_limit":
    case "asleep":
    case "trigger_off":
    case "failed":
      return reason;
    case "not_enabled":
    case "no_friends":
    case "not_configured":
      return "not_set_up";
    default:
      return "failed";
  }
}
