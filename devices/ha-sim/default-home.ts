import type { DeviceBehaviour } from "./behaviours.js";
import type {
  AreaEntry,
  DeviceEntry,
  FloorEntry,
  HaAttributes,
  LabelEntry,
  SceneMemberTarget,
  SeedEntity,
} from "./types.js";

/** A two-person flat: what the simulator serves when a test brings no entities of its own. */

export const DEFAULT_FLOORS: FloorEntry[] = [{ floor_id: "ground_floor", name: "Ground floor", level: 0 }];

export const DEFAULT_AREAS: AreaEntry[] = [
  { area_id: "living_room", name: "Living room", floor_id: "ground_floor" },
  { area_id: "bedroom", name: "Bedroom", floor_id: "ground_floor" },
  { area_id: "hall", name: "Hall", floor_id: "ground_floor" },
];

/** Nothing carries it yet; it is there so clients that load the label registry get a real entry. */
export const DEFAULT_LABELS: LabelEntry[] = [
  { label_id: "calm", name: "Calm", color: "indigo", icon: "mdi:leaf", description: "Used by calm scenes" },
];

export const DEFAULT_DEVICES: DeviceEntry[] = [
  {
    id: "dev_light_living_room",
    name: "Living room light",
    area_id: "living_room",
    manufacturer: "Sim",
    model: "CT bulb",
  },
  {
    id: "dev_light_bedroom",
    name: "Bedroom light",
    area_id: "bedroom",
    manufacturer: "Sim",
    model: "CT bulb",
  },
  { id: "dev_light_hall", name: "Hall light", area_id: "hall", manufacturer: "Sim", model: "CT bulb" },
  {
    id: "dev_speaker_living_room",
    name: "Living room speaker",
    area_id: "living_room",
    manufacturer: "Sim",
    model: "Speaker",
  },
  {
    id: "dev_speaker_bedroom",
    name: "Bedroom speaker",
    area_id: "bedroom",
    manufacturer: "Sim",
    model: "Speaker",
  },
  {
    id: "dev_satellite_living_room",
    name: "Living room satellite",
    area_id: "living_room",
    manufacturer: "Sim",
    model: "Voice satellite",
  },
];

const LIGHT_CAPABILITIES: HaAttributes = {
  supported_color_modes: ["color_temp"],
  min_color_temp_kelvin: 2000,
  max_color_temp_kelvin: 6535,
  supported_features: 32,
};

function light(
  id: string,
  name: string,
  on: { brightness: number; kelvin: number } | null,
  behaviour?: DeviceBehaviour,
): SeedEntity {
  return {
    ...(behaviour ? { behaviour } : {}),
    entity_id: `light.${id}`,
    state: on ? "on" : "off",
    attributes: {
      ...LIGHT_CAPABILITIES,
      color_mode: on ? "color_temp" : null,
      brightness: on ? on.brightness : null,
      color_temp_kelvin: on ? on.kelvin : null,
      friendly_name: name,
    },
    device_id: `dev_light_${id}`,
  };
}

/** PAUSE | VOLUME_SET | VOLUME_MUTE | TURN_ON | TURN_OFF | PLAY_MEDIA | STOP | PLAY | MEDIA_ANNOUNCE */
export const SPEAKER_FEATURES = 1069965;

function speaker(id: string, name: string, volume: number, behaviour?: DeviceBehaviour): SeedEntity {
  return {
    ...(behaviour ? { behaviour } : {}),
    entity_id: `media_player.${id}`,
    state: "idle",
    attributes: {
      volume_level: volume,
      is_volume_muted: false,
      device_class: "speaker",
      friendly_name: name,
      supported_features: SPEAKER_FEATURES,
    },
    device_id: `dev_speaker_${id}`,
  };
}

export const DEFAULT_ENTITIES: SeedEntity[] = [
  light("living_room", "Living room", { brightness: 200, kelvin: 3000 }),
  light("bedroom", "Bedroom", null),
  // A Zigbee bulb: reports where it ended up a second after each fade, one step off.
  light(
    "hall",
    "Hall",
    { brightness: 120, kelvin: 2700 },
    { echo: { delay_ms: 1000, brightness_offset: 1 } },
  ),
  // A cast speaker: play position every 10 s, a new title and artwork every 30 s.
  speaker("living_room", "Living room speaker", 0.3, { chatty: { interval_ms: 10_000 } }),
  speaker("bedroom", "Bedroom speaker", 0.2),
  {
    entity_id: "person.alice",
    state: "home",
    attributes: { id: "alice", friendly_name: "Alice", user_id: null },
  },
  { entity_id: "person.bob", state: "home", attributes: { id: "bob", friendly_name: "Bob", user_id: null } },
  {
    entity_id: "sun.sun",
    state: "above_horizon",
    attributes: { elevation: 21.4, azimuth: 200.1, rising: false, friendly_name: "Sun" },
  },
  {
    entity_id: "assist_satellite.living_room",
    state: "idle",
    attributes: { friendly_name: "Living room satellite", supported_features: 3 },
    device_id: "dev_satellite_living_room",
  },
  { entity_id: "tts.piper", state: "unknown", attributes: { friendly_name: "Piper" } },
  {
    entity_id: "input_boolean.calm_mode",
    state: "off",
    attributes: { editable: true, friendly_name: "Calm mode" },
  },
];

export const DEFAULT_SCENES: Record<string, Record<string, SceneMemberTarget>> = {
  "scene.calm_alice": {
    "light.living_room": { state: "on", brightness: 77, color_temp_kelvin: 2200 },
    "light.hall": { state: "on", brightness: 40, color_temp_kelvin: 2200 },
    "media_player.living_room": { state: "idle", volume_level: 0.15 },
  },
  "scene.calm_bob": {
    "light.bedroom": { state: "on", brightness: 60, color_temp_kelvin: 2000 },
    "media_player.bedroom": { state: "idle", volume_level: 0.1 },
  },
};

export const DEFAULT_NOTIFY_SERVICES = [
  "mobile_app_alice_phone",
  "mobile_app_bob_phone",
  "notify",
  "persistent_notification",
];
