import { z } from "zod";
import type { Location, WindDownConfig } from "../config/index.js";
import type { ActionCause, Cancel, CauseOrigin, Clock, Logger } from "../core/index.js";
import { addDays, background, formatZoned, localDate, uniqueId } from "../core/index.js";
import { isOverride, type ObservedChange } from "../override/index.js";
import type { ActionOrigin, PlannedAction } from "../rules/index.js";
import { planWindDowns, stepCount, type WindDownPlan } from "./plan.js";
import { type StartState, StartStateSchema, stepAt, type WindDownStep } from "./steps.js";

interface EntityLike {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  context: { id: string; parent_id?: string | null; user_id: string | null };
}

/** Progress of one evening in one room, kept in the store so a restart resumes at the right step. */
export const WindDownProgressSchema = z.object({
  date: z.string(),
  room: z.string(),
  start_state: StartStateSchema,
  index: z.number().int(),
  paused: z.boolean(),
  skipped: z.string().nullable(),
  handed_back: z.boolean(),
});
export type WindDownProgress = z.infer<typeof WindDownProgressSchema>;

export interface WindDownRunnerDeps {
  windDowns: readonly WindDownConfig[];
  roomLights(room: string): readonly string[];
  /** The room's configured name, for the action log's words. */
  roomName?(room: string): string | undefined;
  clock: Clock;
  logger: Logger;
  location(): Location | undefined;
  getEntity(id: string): EntityLike | undefined;
  run(actions: PlannedAction[]): Promise<unknown>;
  /** A calm episode holds the room: the wind-down waits. */
  roomBusy(room: string): boolean;
  anyoneHome(): boolean;
  loadProgress(key: string): WindDownProgress | undefined;
  saveProgress(key: string, progress: WindDownProgress): void;
  /** `origin` "person" for a wind-down started on request, else "automatic" (pause and mode apply). */
  playSoundscape(room: string, name: string, origin: ActionOrigin, by?: CauseOrigin): Promise<unknown>;
  onEvent(
    kind: "started" | "step" | "handed_back" | "paused" | "skipped",
    plan: WindDownPlan,
    detail: string,
  ): void;
}

const TICK_MS = 30_000;
const ACTION_TTL_MS = 60_000;

/** How long the wind-down waits for Home Assistant's location before it warns that there is none. */
const NO_LOCATION_GRACE_MS = 60_000;

/** Drives planned wind-downs: one small light step at a time, never fighting a hand on a switch. */
export class WindDownRunner {
  private readonly deps: WindDownRunnerDeps;
  private cancel: Cancel | undefined;
  private warnedNoLocation = false;
  private startedAt = 0;
  private running = false;
  /** Wind-downs started by request ("start the wind-down"), beside the planned ones. */
  private manual: WindDownPlan[] = [];

  constructor(deps: WindDownRunnerDeps) {
    this.deps = deps;
  }

  start(): void {
    if (this.deps.windDowns.length === 0) return;
    this.running = true;
    this.startedAt = this.deps.clock.now();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.cancel?.();
  }

  /** Plans that are running now, room by room. */
  current(now = this.deps.clock.now()): WindDownPlan[] {
    const location = this.deps.location();
    if (!location) return [];
    const today = localDate(now, location.time_zone);
    const plans = [
      ...planWindDowns(this.deps.windDowns, { from: addDays(today, -1), days: 2, location }),
      ...this.manual,
    ];
    this.manual = this.manual.filter((p) => now < Date.parse(p.end) + TICK_MS * 2);
    return plans.filter((p) => Date.parse(p.start) <= now && now < Date.parse(p.end) + TICK_MS * 2);
  }

  /** Starts a room's wind-down now, with that room's configured duration and night setting. */
  async startNow(room: string): Promise<{ ok: boolean; detail: string }> {
    const location = this.deps.location();
    const config =
      this.deps.windDowns.find((w) => w.enabled && w.rooms.includes(room)) ??
      this.deps.windDowns.find((w) => w.enabled);
    if (!config) return { ok: false, detail: "no wind-down is set up" };
    if (!location) return { ok: false, detail: "the home's location is not known yet" };
    const now = this.deps.clock.now();
    if (this.current(now).some((p) => p.room === room))
      return { ok: true, detail: "the wind-down is already running here" };
    const end = now + config.duration_min * 60_000;
    const plan: WindDownPlan = {
      date: uniqueId(`${localDate(now, location.time_zone)}-now`, now),
      room,
      anchor: { type: "bedtime", at: formatZoned(end, location.time_zone) },
      start: formatZoned(now, location.time_zone),
      end: formatZoned(end, location.time_zone),
      note: "started on request",
      night: config.night,
      step_count: stepCount(config),
      soundscape: config.soundscape ?? null,
      time_zone: location.time_zone,
    };
    this.manual.push(plan);
    await this.advance(plan, now);
    return { ok: true, detail: `winding down over ${config.duration_min} minutes` };
  }

  /** One pass; public so tests with a fake clock can drive it step by step. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    if (!this.deps.location()) {
      // Home Assistant's location arrives a moment after start: only a location still missing after that
      // grace is worth a warning (it used to be the first line of every start, the demo's included).
      if (!this.warnedNoLocation && now - this.startedAt >= NO_LOCATION_GRACE_MS) {
        this.deps.logger.warn(
          { component: "wind-down" },
          "no location (set location: in the config, or connect Home Assistant); wind-down waits",
        );
        this.warnedNoLocation = true;
      }
      return;
    }
    for (const plan of this.current(now)) await this.advance(plan, now);
  }

  /** A light a wind-down is dimming was changed by hand: that room's wind-down pauses for the evening. */
  onEntities(changes: readonly ObservedChange<EntityLike>[]): void {
    const now = this.deps.clock.now();
    for (const plan of this.current(now)) {
      const progress = this.deps.loadProgress(key(plan));
      if (!progress || progress.paused || progress.handed_back) continue;
      const lights = this.deps.roomLights(plan.room);
      const touched = changes.find(
        (c) => lights.includes(c.entity.entity_id) && isOverride(c.facts).override,
      )?.entity;
      if (!touched) continue;
      progress.paused = true;
      this.deps.saveProgress(key(plan), progress);
      this.deps.logger.info(
        { component: "wind-down", room: plan.room, entity: touched.entity_id },
        "wind-down paused: a light was changed by hand",
      );
      this.deps.onEvent("paused", plan, `${touched.entity_id} changed by hand`);
    }
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.cancel = this.deps.clock.setTimeout(() => {
      void this.tick()
        .catch((err: unknown) =>
          this.deps.logger.error(
            { component: "wind-down", err: (err as Error).message },
            "wind-down tick failed",
          ),
        )
        .finally(() => this.schedule(TICK_MS));
    }, ms);
  }

  private async advance(plan: WindDownPlan, now: number): Promise<void> {
    const k = key(plan);
    let progress = this.deps.loadProgress(k);
    if (progress?.paused || progress?.handed_back || progress?.skipped) return;
    if (!progress) {
      if (!this.deps.anyoneHome()) {
        this.deps.saveProgress(k, {
          date: plan.date,
          room: plan.room,
          start_state: {},
          index: -1,
          paused: false,
          skipped: "nobody home",
          handed_back: false,
        });
        this.deps.logger.info(
          { component: "wind-down", room: plan.room },
          "wind-down skipped: nobody is home",
        );
        this.deps.onEvent("skipped", plan, "nobody home");
        return;
      }
      progress = {
        date: plan.date,
        room: plan.room,
        start_state: this.startState(this.deps.roomLights(plan.room)),
        index: -1,
        paused: false,
        skipped: null,
        handed_back: false,
      };
      this.deps.saveProgress(k, progress);
      this.deps.logger.info(
        { component: "wind-down", room: plan.room, anchor: plan.anchor.type },
        "wind-down started",
      );
      this.deps.onEvent("started", plan, plan.note ?? "");
      if (plan.soundscape)
        background(
          this.deps.playSoundscape(plan.room, plan.soundscape, this.originOf(plan), {
            kind: "wind_down",
            why:
              plan.note === "started on request" ? "a wind-down was asked for" : "it was time to wind down",
          }),
          this.deps.logger,
          { component: "wind-down", room: plan.room },
          "wind-down soundscape failed",
        );
    }
    if (this.deps.roomBusy(plan.room)) return;
    const pos = stepAt(plan, now, progress.start_state);
    // The last step (the night setting) falls due at the end itself, so apply before handing back.
    if (pos.step && pos.index > progress.index)
      await this.applyStep(plan, progress, pos.index, pos.step, pos.next, now);
    if (pos.status === "done") {
      progress.handed_back = true;
      this.deps.saveProgress(k, progress);
      this.deps.logger.info(
        { component: "wind-down", room: plan.room },
        "wind-down done: lights handed back",
      );
      this.deps.onEvent("handed_back", plan, "");
    }
  }

  private async applyStep(
    plan: WindDownPlan,
    progress: WindDownProgress,
    index: number,
    step: WindDownStep,
    next: WindDownStep | undefined,
    now: number,
  ): Promise<void> {
    const k = key(plan);
    const on = this.deps
      .roomLights(plan.room)
      .map((id) => this.deps.getEntity(id))
      .filter((e): e is EntityLike => e?.state === "on");
    const transition = next
      ? Math.min(60, Math.max(1, (Date.parse(next.at) - Date.parse(step.at)) / 1000 / 2))
      : 30;
    const why = plan.note === "started on request" ? "a wind-down was asked for" : "it was time to wind down";
    const room = this.deps.roomName?.(plan.room) ?? plan.room.replaceAll("_", " ");
    const cause: ActionCause = {
      kind: "wind_down",
      id: `winddown:${k}:${index}`,
      why,
      summary: `${why} → wind-down in the ${room}, step ${index + 1} of ${plan.step_count}: lights to ${step.brightness_pct} %`,
    };
    const actions: PlannedAction[] = on.map((light, i) => ({
      key: `winddown:${k}:${index}:${i}`,
      rule_id: "wind-down",
      person: "home",
      domain: "light",
      service: "turn_on",
      target: { entity_id: light.entity_id },
      data: { ...lightStep(light, step), transition },
      created_at: now,
      not_after: now + ACTION_TTL_MS,
      origin: this.originOf(plan),
      trigger: { score: 0, level: "calm", at: now, cause },
    }));
    progress.index = index;
    this.deps.saveProgress(k, progress);
    this.deps.onEvent(
      "step",
      plan,
      `step ${index + 1}: ${step.brightness_pct}% at ${step.color_temp_kelvin} K`,
    );
    if (actions.length) await this.deps.run(actions);
  }

  /** A wind-down someone asked for ("start the wind-down") is their request; the planned ones are automatic. */
  private originOf(plan: WindDownPlan): ActionOrigin {
    return this.manual.includes(plan) ? "person" : "automatic";
  }

  private startState(lights: readonly string[]): StartState {
    for (const id of lights) {
      const e = this.deps.getEntity(id);
      if (e?.state !== "on") continue;
      const b = e.attributes.brightness;
      const k = e.attributes.color_temp_kelvin;
      return {
        brightness_pct: typeof b === "number" ? Math.round((b / 255) * 100) : undefined,
        color_temp_kelvin: typeof k === "number" ? k : undefined,
      };
    }
    return {};
  }
}

/**
 * One step for one light, on HA's 0-255 scale and never brighter or cooler than that light is now: the steps
 * follow the room's first light, and a percentage would round (60/255 = 23.5 % → 24 % → 61).
 */
function lightStep(light: EntityLike, step: WindDownStep): { brightness: number; color_temp_kelvin: number } {
  const b = light.attributes.brightness;
  const k = light.attributes.color_temp_kelvin;
  // 0 % stays 0, which Home Assistant takes as off, as before.
  const target = Math.floor((step.brightness_pct * 255) / 100 + 1e-9);
  return {
    brightness: typeof b === "number" && Number.isFinite(b) ? Math.min(b, target) : target,
    color_temp_kelvin:
      typeof k === "number" && Number.isFinite(k)
        ? Math.min(k, step.color_temp_kelvin)
        : step.color_temp_kelvin,
  };
}

function key(plan: WindDownPlan): string {
  return `${plan.date}:${plan.room}`;
}
