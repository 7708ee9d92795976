import { newContext } from "./context-id.js";
import type { EventBus } from "./event-bus.js";
import type { StateMachine } from "./state-machine.js";
import type { StoredState } from "./stored-state.js";
import { isoTime, type SimClock } from "./time.js";
import type { HaAttributes, HaContext } from "./types.js";

/** How a real device behaves beyond answering calls. Off unless an entity is given one. */
export interface DeviceBehaviour {
  /**
   * A light that reports where it really ended up a while later, as Zigbee (ZHA, zigbee2mqtt) and polled lights
   * do: `delay_ms` after its transition ends, off by `brightness_offset`. With `mid_transition` (default on)
   * it also reports a value half way through a transition of 2 s or more.
   */
  echo?: { delay_ms: number; brightness_offset?: number; mid_transition?: boolean };
  /** A speaker that updates its play position every `interval_ms` while playing, and every third time a new
   * title and artwork, the way cast and Sonos players do. */
  chatty?: { interval_ms: number };
}

/** HA keeps a call's context on an entity for this long (`CONTEXT_RECENT_TIME_SECONDS` in helpers/entity.py). */
export const CONTEXT_RECENT_MS = 5_000;

/**
 * What integrations do on their own: a state write carries the last call's context only within 5 s of it,
 * delayed echoes, chatty speakers.
 */
export class DeviceActivity {
  private readonly clock: SimClock;
  private readonly states: StateMachine;
  private readonly behaviours = new Map<string, DeviceBehaviour>();
  private readonly recent = new Map<string, { context: HaContext; at: number }>();
  private readonly echoGeneration = new Map<string, number>();
  private readonly chatter = new Map<string, { cancel: () => void; ticks: number }>();
  private readonly pending = new Set<() => void>();

  constructor(clock: SimClock, states: StateMachine, bus: EventBus) {
    this.clock = clock;
    this.states = states;
    bus.listen(({ transition }) => {
      if (transition && this.behaviours.get(transition.entityId)?.chatty)
        this.followPlayer(transition.entityId);
    });
  }

  setBehaviour(entityId: string, behaviour: DeviceBehaviour | undefined): void {
    if (behaviour) this.behaviours.set(entityId, behaviour);
    else this.behaviours.delete(entityId);
    this.followPlayer(entityId);
  }

  behaviour(entityId: string): DeviceBehaviour | undefined {
    return this.behaviours.get(entityId);
  }

  /** A service call just wrote this entity with its context. */
  called(entityId: string, context: HaContext): void {
    this.recent.set(entityId, { context, at: this.clock.now() });
  }

  /** The context an integration's own state write carries (Entity.async_write_ha_state). */
  contextFor(entityId: string): HaContext {
    const recent = this.recent.get(entityId);
    if (recent && this.clock.now() - recent.at < CONTEXT_RECENT_MS) return recent.context;
    return newContext();
  }

  /** An HA restart: entities come back without any call's context. */
  forgetContexts(): void {
    this.recent.clear();
  }

  /** Writes a state the way the entity's integration would. */
  write(entityId: string, state: string, attributes: HaAttributes): void {
    this.states.set(entityId, state, attributes, this.contextFor(entityId));
  }

  /** After `light.turn_on`: the echo of a light that reports late. */
  lightTurnedOn(entityId: string, before: StoredState | undefined, transitionS: number | undefined): void {
    const echo = this.behaviours.get(entityId)?.echo;
    const generation = (this.echoGeneration.get(entityId) ?? 0) + 1;
    this.echoGeneration.set(entityId, generation);
    const after = this.states.get(entityId);
    if (!echo || after?.state !== "on" || typeof after.attributes.brightness !== "number") return;
    const target = after.attributes.brightness;
    const from =
      before?.state === "on" && typeof before.attributes.brightness === "number"
        ? before.attributes.brightness
        : 0;
    const transitionMs = Math.max(0, transitionS ?? 0) * 1000;
    const report = (brightness: number): void => {
      const current = this.states.get(entityId);
      if (this.echoGeneration.get(entityId) !== generation || current?.state !== "on") return;
      this.write(entityId, "on", {
        ...current.attributes,
        brightness: Math.min(255, Math.max(1, brightness)),
      });
    };
    if (echo.mid_transition !== false && transitionMs >= 2000)
      this.later(() => report(Math.round((from + target) / 2)), transitionMs / 2);
    this.later(() => report(target + (echo.brightness_offset ?? 0)), transitionMs + echo.delay_ms);
  }

  /** Cancels everything scheduled (the simulator stops). */
  stop(): void {
    for (const cancel of this.pending) cancel();
    this.pending.clear();
    for (const { cancel } of this.chatter.values()) cancel();
    this.chatter.clear();
  }

  private later(fn: () => void, ms: number): void {
    const cancel = this.clock.setTimeout(() => {
      this.pending.delete(cancel);
      fn();
    }, ms);
    this.pending.add(cancel);
  }

  private followPlayer(entityId: string): void {
    const chatty = this.behaviours.get(entityId)?.chatty;
    const playing = this.states.get(entityId)?.state === "playing";
    const running = this.chatter.get(entityId);
    if (chatty && playing && !running) {
      const entry = { cancel: () => {}, ticks: 0 };
      this.chatter.set(entityId, entry);
      const tick = (): void => {
        const current = this.states.get(entityId);
        if (current?.state !== "playing") {
          this.chatter.delete(entityId);
          return;
        }
        entry.ticks += 1;
        const attributes: HaAttributes = {
          ...current.attributes,
          media_position: Math.round(entry.ticks * chatty.interval_ms) / 1000,
          media_position_updated_at: isoTime(this.clock.now()),
        };
        if (entry.ticks % 3 === 0) {
          const part = entry.ticks / 3 + 1;
          attributes.media_title = `${String(current.attributes.media_title ?? "Soundscape").replace(/ \(part \d+\)$/, "")} (part ${part})`;
          attributes.entity_picture = `/api/media_player_proxy/${entityId}?cache=${part}`;
        }
        this.write(entityId, "playing", attributes);
        entry.cancel = this.clock.setTimeout(tick, chatty.interval_ms);
      };
      entry.cancel = this.clock.setTimeout(tick, chatty.interval_ms);
    } else if (running && (!chatty || !playing)) {
      running.cancel();
      this.chatter.delete(entityId);
    }
  }
}
