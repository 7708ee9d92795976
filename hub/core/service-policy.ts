/**
 * Which Home Assistant services the hub may call. A calm hub dims lights, plays and stops sound, applies
 * scenes and sends notifications; nothing it does needs a lock, an alarm panel, a cover or a script, and a
 * rule, a Node-RED flow or an API caller that asks for one is refused here, whoever asked.
 */

/** The default allow-list: `domain.service`, or `domain.*` for a domain whose every service is harmless. */
export const DEFAULT_ALLOWED_SERVICES: readonly string[] = [
  "light.turn_on",
  "light.turn_off",
  "media_player.*",
  "scene.turn_on",
  "scene.create",
  "scene.apply",
  "notify.*",
  "tts.*",
  "logbook.log",
  "persistent_notification.create",
  "persistent_notification.dismiss",
  "input_boolean.*",
  "input_select.*",
  "input_number.*",
  "input_text.*",
  "input_button.press",
];

/**
 * Domains that open doors, disarm alarms, move things or run arbitrary code: each of their services must be
 * named on its own (`lock.lock`), never opted into as `lock.*`.
 */
export const SENSITIVE_DOMAINS: ReadonlySet<string> = new Set([
  "alarm_control_panel",
  "automation",
  "button",
  "camera",
  "climate",
  "command_line",
  "cover",
  "fan",
  "hassio",
  "homeassistant",
  "lock",
  "pyscript",
  "python_script",
  "recorder",
  "rest_command",
  "script",
  "shell_command",
  "siren",
  "switch",
  "system_log",
  "update",
  "vacuum",
  "valve",
  "water_heater",
  "zwave_js",
]);

export const SERVICE_ENTRY_PATTERN = /^[a-z0-9_]+\.([a-z0-9_]+|\*)$/;

/** Home Assistant's own entity id rule (core's valid_entity_id): `domain.object_id`, no `__`, no edge `_`. */
export const ENTITY_ID_PATTERN = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** Why an allow-list entry is refused, or undefined when it is fine (used by the config schema). */
export function allowEntryProblem(entry: string): string | undefined {
  if (!SERVICE_ENTRY_PATTERN.test(entry)) return 'expected "domain.service" or "domain.*"';
  const [domain, service] = entry.split(".");
  if (service === "*" && domain !== undefined && SENSITIVE_DOMAINS.has(domain))
    return `${domain}.* is too broad: name each ${domain} service the hub may call, e.g. ${domain}.${domain === "lock" ? "lock" : "turn_on"}`;
  return undefined;
}

export function serviceAllowed(allowed: readonly string[], domain: string, service: string): boolean {
  return allowed.includes(`${domain}.${service}`) || allowed.includes(`${domain}.*`);
}

export interface ServiceCall {
  domain: string;
  service: string;
  target?: Record<string, unknown> | undefined;
  data?: Record<string, unknown> | undefined;
}

function entityIds(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Why a call must not go to Home Assistant, in words for the action log and the API, or undefined when it
 * may. Entity ids are checked after `{person}` was filled in: `light.{person}` with a person id of `all`
 * or `x, lock.front_door` must not become something else.
 */
export function callRefusal(call: ServiceCall, allowed: readonly string[]): string | undefined {
  if (!serviceAllowed(allowed, call.domain, call.service))
    return `${call.domain}.${call.service} is not an allowed service; add it to home_assistant.allowed_services to let the hub call it`;
  for (const id of [...entityIds(call.target?.entity_id), ...entityIds(call.data?.entity_id)]) {
    if (typeof id !== "string" || !ENTITY_ID_PATTERN.test(id))
      return `"${String(id)}" is not a Home Assistant entity id (domain.object_id)`;
  }
  return undefined;
}
