import { z } from "zod";
import { spokenName } from "./speech.js";

/** The parts of `config/device_registry/list` entries the hub reads; the rest may change freely. */
export const DeviceRegistryEntrySchema = z.looseObject({
  id: z.string(),
  area_id: z.string().nullable().optional(),
});

/** The parts of `config/area_registry/list` entries the hub reads. */
export const AreaRegistryEntrySchema = z.looseObject({
  area_id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()).optional(),
});

/** Home Assistant's device → area and area → name, as last read. */
export interface RegistrySnapshot {
  deviceAreas: ReadonlyMap<string, string | null>;
  areas: ReadonlyMap<string, { name: string; aliases: readonly string[] }>;
}

export const EMPTY_REGISTRIES: RegistrySnapshot = { deviceAreas: new Map(), areas: new Map() };

/** Parses the two registry lists; entries that do not fit are skipped, never fatal. */
export function parseRegistries(
  devices: unknown,
  areas: unknown,
): { snapshot: RegistrySnapshot; skipped: number } {
  let skipped = 0;
  const deviceAreas = new Map<string, string | null>();
  for (const raw of Array.isArray(devices) ? devices : []) {
    const d = DeviceRegistryEntrySchema.safeParse(raw);
    if (d.success) deviceAreas.set(d.data.id, d.data.area_id ?? null);
    else skipped++;
  }
  const areaMap = new Map<string, { name: string; aliases: readonly string[] }>();
  for (const raw of Array.isArray(areas) ? areas : []) {
    const a = AreaRegistryEntrySchema.safeParse(raw);
    if (a.success) areaMap.set(a.data.area_id, { name: a.data.name, aliases: a.data.aliases ?? [] });
    else skipped++;
  }
  return { snapshot: { deviceAreas, areas: areaMap }, skipped };
}

/** How HA areas and people relate to the hub's rooms. */
export interface RoomMap {
  /** HA area id → hub room id (config `rooms.<id>.area_id`, then `voice.areas`). */
  areas: Readonly<Record<string, string>>;
  /** Rooms whose HA area has another id (`rooms.<id>.area_id`): their own id names no area. */
  elsewhere?: ReadonlySet<string> | undefined;
  /** Room ids the hub knows (config rooms, people's rooms). Empty means "every area is a room". */
  knownRooms: ReadonlySet<string>;
  /** Person id → that person's room (config `people.<id>.room`). */
  personRooms: Readonly<Record<string, string | undefined>>;
}

/** The hub room of an HA area: an explicit mapping, else the area id itself when it is a known room. */
export function roomOfArea(areaId: string, map: RoomMap): string | undefined {
  const mapped = map.areas[areaId];
  if (mapped) return mapped;
  if (map.elsewhere?.has(areaId)) return undefined;
  if (map.knownRooms.size === 0 || map.knownRooms.has(areaId)) return areaId;
  return undefined;
}

/** The room a satellite stands in: device → area (device registry) → room. */
export function roomOfDevice(
  deviceId: string | null | undefined,
  snapshot: RegistrySnapshot,
  map: RoomMap,
): string | undefined {
  if (!deviceId) return undefined;
  const area = snapshot.deviceAreas.get(deviceId);
  return area ? roomOfArea(area, map) : undefined;
}

/** The one person whose room this is, if exactly one is configured there. */
export function personOfRoom(room: string | undefined, map: RoomMap): string | undefined {
  if (!room) return undefined;
  const people = Object.entries(map.personRooms)
    .filter(([, r]) => r === room)
    .map(([p]) => p);
  return people.length === 1 ? people[0] : undefined;
}

/** Every area id mapped to `room`, the room id itself included. */
function areasOfRoom(room: string, map: RoomMap): string[] {
  const ids = new Set(map.elsewhere?.has(room) ? [] : [room]);
  for (const [area, r] of Object.entries(map.areas)) if (r === room) ids.add(area);
  return [...ids];
}

/** How to say a room: HA's area name ("Living room" → "living room"), else its id in words. */
export function roomDisplayName(room: string, snapshot: RegistrySnapshot, map: RoomMap): string {
  for (const area of areasOfRoom(room, map)) {
    const entry = snapshot.areas.get(area);
    if (entry) return entry.name.toLowerCase();
  }
  return spokenName(room);
}

/** Names a person may say for each room: its id in words, HA's area names and aliases. */
export function roomVocabulary(snapshot: RegistrySnapshot, map: RoomMap): { id: string; names: string[] }[] {
  const rooms = new Set<string>(map.knownRooms);
  for (const r of Object.values(map.areas)) rooms.add(r);
  for (const area of snapshot.areas.keys()) {
    const r = roomOfArea(area, map);
    if (r) rooms.add(r);
  }
  return [...rooms].map((id) => {
    const names = new Set([spokenName(id)]);
    for (const area of areasOfRoom(id, map)) {
      const entry = snapshot.areas.get(area);
      if (!entry) continue;
      names.add(entry.name.toLowerCase());
      for (const alias of entry.aliases) names.add(alias.toLowerCase());
    }
    return { id, names: [...names] };
  });
}
