/** Event types a non-admin user may subscribe to (`auth/permissions/events.py`). */
const NON_ADMIN_EVENT_ALLOWLIST: ReadonlySet<string> = new Set([
  "state_changed",
  "component_loaded",
  "core_config_updated",
  "service_registered",
  "service_removed",
  "area_registry_updated",
  "device_registry_updated",
  "entity_registry_updated",
  "floor_registry_updated",
  "label_registry_updated",
  "category_registry_updated",
  "repairs_issue_registry_updated",
  "lovelace_updated",
  "panels_updated",
  "themes_updated",
  "shopping_list_updated",
  "recorder_5min_statistics_generated",
  "recorder_hourly_statistics_generated",
]);

export function mayNonAdminSubscribe(eventType: string): boolean {
  return NON_ADMIN_EVENT_ALLOWLIST.has(eventType);
}
