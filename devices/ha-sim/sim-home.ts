import { DeviceActivity } from "./behaviours.js";
import { CallLog } from "./call-log.js";
import { newContext } from "./context-id.js";
import { ConversationAgent } from "./conversation-agent.js";
import { EventBus } from "./event-bus.js";
import { HaError } from "./ha-error.js";
import type { ResolvedOptions } from "./options.js";
import { Registries } from "./registries.js";
import { lightServices } from "./services/light.js";
import { mediaPlayerServices } from "./services/media-player.js";
import { lightLikeAttributes } from "./services/normalize-attributes.js";
import { notifyServices } from "./services/notify.js";
import { onOffServices } from "./services/on-off.js";
import { sceneServices } from "./services/scene.js";
import { SceneStore } from "./services/scene-store.js";
import { ServiceRegistry } from "./services/service-registry.js";
import { voiceServices } from "./services/voice.js";
import { StateMachine } from "./state-machine.js";
import { monotonic, type SimClock } from "./time.js";
import type { CoreState, HaAttributes, HaContext } from "./types.js";

/** The user the simulator's token belongs to. */
export const SIM_USER_ID = "5f1a7c0e9b2d4e6fa8c3b1d0e2f4a6c8";
/** Someone else in the home: a wall switch, the HA app on a phone. */
export const HOUSEHOLD_USER_ID = "9c4e2a1b7d3f4c5e8a6b0d2f1e3c5a7b";

interface InjectedFailure {
  code: string;
  message: string;
  remaining: number;
}

/** Everything HA knows about the home, independent of any connection: states, events, services,
 * registries, scenes and the call log. */
export class SimHome {
  readonly clock: SimClock;
  /** Strictly increasing milliseconds on the simulator's clock. */
  readonly now: () => number;
  readonly bus: EventBus;
  readonly states: StateMachine;
  /** What devices do on their own: late echoes, chatty speakers, HA's 5 s context memory. */
  readonly devices: DeviceActivity;
  readonly services = new ServiceRegistry();
  readonly registries: Registries;
  readonly scenes = new SceneStore();
  readonly conversation = new ConversationAgent();
  readonly calls = new CallLog();
  /** What a device remembers while off (a light's last brightness, a speaker's volume). */
  readonly memory = new Map<string, HaAttributes>();
  readonly language: string;
  coreState: CoreState = "RUNNING";
  private readonly options: ResolvedOptions;
  private readonly failures = new Map<string, InjectedFailure>();

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.clock = options.clock;
    this.now = monotonic(options.clock);
    this.bus = new EventBus(this.now);
    this.states = new StateMachine(this.bus, this.now);
    this.devices = new DeviceActivity(this.clock, this.states, this.bus);
    this.language = options.language;
    this.registries = new Registries(options);
    const seedContext = newContext();
    for (const seed of options.entities) {
      this.setState(seed.entity_id, seed.state, seed.attributes ?? {}, seedContext);
      this.registries.addEntity({
        entity_id: seed.entity_id,
        device_id: seed.device_id ?? null,
        area_id: seed.area_id ?? null,
      });
      if (seed.behaviour) this.devices.setBehaviour(seed.entity_id, seed.behaviour);
    }
    for (const [sceneId, members] of Object.entries(options.scenes)) {
      this.scenes.define(sceneId, { members, created: false });
      if (!this.states.has(sceneId)) {
        this.states.set(
          sceneId,
          "unknown",
          { entity_id: Object.keys(members), id: sceneId.slice("scene.".length), friendly_name: sceneId },
          seedContext,
        );
      }
    }
    for (const definition of [
      ...lightServices(),
      ...mediaPlayerServices(),
      ...sceneServices(),
      ...voiceServices(),
      ...notifyServices(options.notifyServices),
      ...onOffServices(),
    ]) {
      this.services.register(definition);
    }
  }

  /** Writes a state as an integration would, keeping a light's attribute layout consistent. */
  setState(entityId: string, state: string, attributes: HaAttributes, context: HaContext): void {
    this.states.set(entityId, state, lightLikeAttributes(entityId, state, attributes), context);
  }

  removeEntity(entityId: string, context: HaContext): boolean {
    this.registries.removeEntity(entityId);
    this.memory.delete(entityId);
    return this.states.remove(entityId, context);
  }

  forgetCreatedScenes(context: HaContext = newContext()): void {
    for (const sceneId of this.scenes.createdIds()) {
      this.scenes.delete(sceneId);
      this.states.remove(sceneId, context);
    }
  }

  injectFailure(service: string, error: { code: string; message: string }, times: number): void {
    this.failures.set(service, { ...error, remaining: times });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Throws the injected error for `service` if one is armed, counting it down. */
  takeInjectedFailure(service: string): void {
    const failure = this.failures.get(service);
    if (!failure || failure.remaining <= 0) return;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.delete(service);
    throw new HaError(failure.code, failure.message);
  }

  config(): Record<string, unknown> {
    const { location, locationName, haVersion } = this.options;
    const components = [
      ...new Set([
        ...this.services.domains(),
        ...this.states.ids().map((id) => id.slice(0, id.indexOf("."))),
        "api",
        "http",
        "websocket_api",
        "mobile_app",
        "conversation",
        "assist_pipeline",
        // default_config brings the tag integration to every ordinary install; clients ask for its list then.
        "tag",
      ]),
    ].sort();
    return {
      allowlist_external_dirs: [],
      allowlist_external_urls: [],
      components,
      config_dir: "/config",
      config_source: "storage",
      country: "DE",
      currency: "EUR",
      debug: false,
      elevation: location.elevation,
      external_url: null,
      internal_url: null,
      language: this.language,
      latitude: location.latitude,
      location_name: locationName,
      longitude: location.longitude,
      radius: 100,
      recovery_mode: false,
      safe_mode: false,
      state: this.coreState,
      time_zone: location.time_zone,
      unit_system: {
        length: "km",
        accumulated_precipitation: "mm",
        area: "m²",
        mass: "g",
        pressure: "Pa",
        temperature: "°C",
        volume: "L",
        wind_speed: "m/s",
      },
      version: haVersion,
      whitelist_external_dirs: [],
    };
  }
}
