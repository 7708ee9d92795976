/**
 * node-red-contrib-home-assistant-websocket's `server` config node, as its editor saves it today (version 6):
 * shared by the palette's fidelity test and the bench's Node-RED + HA nodes flow. Credentials go in separately.
 */
export function haServerNode(id: string, name: string): Record<string, unknown> {
  return {
    id,
    type: "server",
    name,
    version: 6,
    addon: false,
    rejectUnauthorizedCerts: true,
    ha_boolean: ["y", "yes", "true", "on", "home", "open"],
    connectionDelay: false,
    cacheJson: true,
    heartbeat: false,
    heartbeatInterval: 30,
    areaSelector: "friendlyName",
    deviceSelector: "friendlyName",
    entitySelector: "friendlyName",
    statusSeparator: "at: ",
    statusYear: "hidden",
    statusMonth: "short",
    statusDay: "numeric",
    statusHourCycle: "h23",
    statusTimeFormat: "h:m",
    enableGlobalContextStore: true,
  };
}
