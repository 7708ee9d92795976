import type { AreaEntry, DeviceEntry, FloorEntry, LabelEntry } from "./types.js";

export interface EntityRegistryEntry {
  entity_id: string;
  device_id: string | null;
  area_id: string | null;
}

export interface RegistrySeed {
  areas: readonly AreaEntry[];
  devices: readonly DeviceEntry[];
  floors?: readonly FloorEntry[];
  labels?: readonly LabelEntry[];
}

/** HA's `EntityCategory` by index, as `list_for_display` sends it (JSON object keys are strings). */
const ENTITY_CATEGORIES = { "0": "config", "1": "diagnostic" } as const;

/** Floor, area, device, entity and label registries, enough for a client to map an entity or device to its
 * room and for clients that load every registry on connect (Node-RED's HA nodes do) to get HA's shapes. */
export class Registries {
  private readonly areas: AreaEntry[];
  private readonly devices: DeviceEntry[];
  private readonly floors: FloorEntry[];
  private readonly labels: LabelEntry[];
  private readonly entities = new Map<string, EntityRegistryEntry>();
  private readonly createdAt: number;

  constructor(seed: RegistrySeed, createdAt: number = Date.now()) {
    this.areas = seed.areas.map((area) => ({ ...area }));
    this.devices = seed.devices.map((device) => ({ ...device }));
    this.floors = (seed.floors ?? []).map((floor) => ({ ...floor }));
    this.labels = (seed.labels ?? []).map((label) => ({ ...label }));
    this.createdAt = createdAt / 1000;
  }

  addEntity(entry: EntityRegistryEntry): void {
    this.entities.set(entry.entity_id, { ...entry });
  }

  removeEntity(entityId: string): void {
    this.entities.delete(entityId);
  }

  /** An entity's own area wins over its device's area, as in HA. */
  areaOfEntity(entityId: string): string | null {
    const entry = this.entities.get(entityId);
    if (!entry) return null;
    if (entry.area_id) return entry.area_id;
    return entry.device_id ? (this.device(entry.device_id)?.area_id ?? null) : null;
  }

  deviceOfEntity(entityId: string): string | null {
    return this.entities.get(entityId)?.device_id ?? null;
  }

  device(deviceId: string): DeviceEntry | undefined {
    return this.devices.find((device) => device.id === deviceId);
  }

  listAreas(): Record<string, unknown>[] {
    return this.areas.map((area) => ({
      aliases: [],
      area_id: area.area_id,
      floor_id: area.floor_id ?? null,
      humidity_entity_id: null,
      icon: null,
      labels: [],
      name: area.name,
      picture: null,
      temperature_entity_id: null,
      created_at: this.createdAt,
      modified_at: this.createdAt,
    }));
  }

  listDevices(): Record<string, unknown>[] {
    return this.devices.map((device) => ({
      area_id: device.area_id,
      configuration_url: null,
      config_entries: [],
      config_entries_subentries: {},
      connections: [],
      created_at: this.createdAt,
      disabled_by: null,
      entry_type: null,
      hw_version: null,
      id: device.id,
      identifiers: [["ha_sim", device.id]],
      labels: [],
      manufacturer: device.manufacturer ?? null,
      model: device.model ?? null,
      model_id: null,
      modified_at: this.createdAt,
      name_by_user: null,
      name: device.name,
      primary_config_entry: null,
      serial_number: null,
      sw_version: null,
      via_device_id: null,
    }));
  }

  listEntities(): Record<string, unknown>[] {
    return [...this.entities.values()].map((entry) => ({
      area_id: entry.area_id,
      categories: {},
      config_entry_id: null,
      config_subentry_id: null,
      created_at: this.createdAt,
      device_id: entry.device_id,
      disabled_by: null,
      entity_category: null,
      entity_id: entry.entity_id,
      has_entity_name: false,
      hidden_by: null,
      icon: null,
      id: `reg_${entry.entity_id.replace(".", "_")}`,
      labels: [],
      modified_at: this.createdAt,
      name: null,
      options: {},
      original_name: null,
      platform: "ha_sim",
      translation_key: null,
      unique_id: entry.entity_id,
    }));
  }

  /** `config/floor_registry/list`: HA's keys, timestamps in seconds. */
  listFloors(): Record<string, unknown>[] {
    return this.floors.map((floor) => ({
      aliases: [...(floor.aliases ?? [])],
      created_at: this.createdAt,
      floor_id: floor.floor_id,
      icon: floor.icon ?? null,
      level: floor.level ?? null,
      name: floor.name,
      modified_at: this.createdAt,
    }));
  }

  /** `config/label_registry/list`. */
  listLabels(): Record<string, unknown>[] {
    return this.labels.map((label) => ({
      color: label.color ?? null,
      created_at: this.createdAt,
      description: label.description ?? null,
      icon: label.icon ?? null,
      label_id: label.label_id,
      name: label.name,
      modified_at: this.createdAt,
    }));
  }

  /**
   * `config/entity_registry/list_for_display`: what the frontend needs, with HA's two-letter keys. A key whose
   * value would be null is left out; `lb` is always there. `en` (entity name), `ec` (category), `hb` (hidden)
   * and `dp` (display precision) never apply here: no entry has an entity name, a category or options, and
   * none is hidden or disabled (HA leaves disabled ones out).
   */
  listEntitiesForDisplay(): {
    entity_categories: typeof ENTITY_CATEGORIES;
    entities: Record<string, unknown>[];
  } {
    const entities = [...this.entities.values()].map((entry) => {
      const display: Record<string, unknown> = { ei: entry.entity_id, pl: "ha_sim" };
      if (entry.area_id !== null) display.ai = entry.area_id;
      display.lb = [];
      if (entry.device_id !== null) display.di = entry.device_id;
      return display;
    });
    return { entity_categories: ENTITY_CATEGORIES, entities };
  }
}
