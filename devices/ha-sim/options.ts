import type { SimAutomation } from "./automations.js";
import {
  DEFAULT_AREAS,
  DEFAULT_DEVICES,
  DEFAULT_ENTITIES,
  DEFAULT_FLOORS,
  DEFAULT_LABELS,
  DEFAULT_NOTIFY_SERVICES,
  DEFAULT_SCENES,
} from "./default-home.js";
import { type SimClock, wallClock } from "./time.js";
import type {
  AreaEntry,
  DeviceEntry,
  FloorEntry,
  LabelEntry,
  Location,
  SceneMemberTarget,
  SeedEntity,
} from "./types.js";

export interface HaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  token?: string;
  haVersion?: string;
  /** Whether the token's user is an admin; non-admins get HA's event allowlist and `unauthorized`. */
  admin?: boolean;
  /** Batch messages queued in the same tick into one array frame, once the client opted in. */
  coalesce?: boolean;
  location?: Location;
  locationName?: string;
  language?: string;
  /** Seed states. When given, the default home (and its areas, devices, scenes) is not used. */
  entities?: SeedEntity[];
  areas?: AreaEntry[];
  devices?: DeviceEntry[];
  floors?: FloorEntry[];
  labels?: LabelEntry[];
  /** Scenes defined "in YAML": scene entity id -> member targets. */
  scenes?: Record<string, Record<string, SceneMemberTarget>>;
  /** Names of `notify.<name>` services that exist, e.g. `mobile_app_alice_phone`. */
  notifyServices?: string[];
  /** HA drops a client that has not authenticated after 10 s. */
  authTimeoutMs?: number;
  /** Device echoes, chatty speakers and the 5 s context memory run on this clock; tests with fake time pass
   * theirs (the hub's FakeClock fits). Timestamps of states and events follow it too. */
  clock?: SimClock;
  /** The household's own automations (see automations.ts). */
  automations?: SimAutomation[];
}

export type ResolvedOptions = Required<HaSimulatorOptions>;

export const BERLIN: Location = {
  latitude: 52.52,
  longitude: 13.405,
  time_zone: "Europe/Berlin",
  elevation: 34,
};

export function resolveOptions(options: HaSimulatorOptions = {}): ResolvedOptions {
  const custom = options.entities !== undefined;
  return {
    port: options.port ?? 0,
    token: options.token ?? "sim-token",
    haVersion: options.haVersion ?? "2025.11.2",
    admin: options.admin ?? true,
    coalesce: options.coalesce ?? true,
    location: options.location ?? BERLIN,
    locationName: options.locationName ?? "Calm Home",
    language: options.language ?? "en",
    entities: options.entities ?? DEFAULT_ENTITIES,
    areas: options.areas ?? (custom ? [] : DEFAULT_AREAS),
    devices: options.devices ?? (custom ? [] : DEFAULT_DEVICES),
    floors: options.floors ?? (custom ? [] : DEFAULT_FLOORS),
    labels: options.labels ?? (custom ? [] : DEFAULT_LABELS),
    scenes: options.scenes ?? (custom ? {} : DEFAULT_SCENES),
    notifyServices:
      options.notifyServices ?? (custom ? ["notify", "persistent_notification"] : DEFAULT_NOTIFY_SERVICES),
    authTimeoutMs: options.authTimeoutMs ?? 10_000,
    clock: options.clock ?? wallClock,
    automations: options.automations ?? [],
  };
}
