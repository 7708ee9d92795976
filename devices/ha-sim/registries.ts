import type { AreaEntry, DeviceEntry } from "./types.js";

export interface EntityRegistryEntry {
  entity_id: string;
  device_id: string | null;
  area_id: string | null;
}

/** Area, device and entity registries, enough for a client to map an entity or device to its room. */
export class Registries {
  private readonly areas: AreaEntry[];
  private readonly devices: DeviceEntry[];
  private readonly entities = new Map<string, EntityRegistryEntry>();
  private readonly createdAt: number;

  constructor(areas: readonly AreaEntry[], devices: readonly DeviceEntry[], createdAt: number = Date.now()) {
    this.areas = areas.map((area) => ({ ...area }));
    this.devices = devices.map((device) => ({ ...device }));
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
      floor_id: null,
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
}
