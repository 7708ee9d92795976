/**
 * The Node-RED flows the bench compares the hub with: what a Home Assistant power user would wire by hand.
 *
 * "nodered" (core nodes only):
 *   [mqtt in  <base>/+/wearable, QoS 1, persistent session, parsed JSON]
 *     → [function "threshold crossing": previous score and last call per person in flow context; passes a
 *        message on an upward crossing of 70 when the person's last call is at least the cooldown ago]
 *     → [function "scene.turn_on": one home-assistant-js-websocket connection opened in the node's On Start
 *        code, `callService(conn, "scene", "turn_on", undefined, { entity_id: "scene.calm_<person>" })`]
 *
 * The WebSocket library reaches the function node through `functionGlobalContext` (no palette install, no
 * network), which is what node-red-contrib-home-assistant-websocket does internally with the same library.
 *
 * "nodered-ha" (what most Home Assistant users run): the same `mqtt in` and "threshold crossing" function, then
 * the node-red-contrib-home-assistant-websocket palette's action node (`scene.turn_on` on
 * `scene.calm_{{person}}`, the entity filled in from the message) with its `server` config node.
 *
 * `bench.processed` and `bench.decided` are measurement hooks only (a counter and two lags), reached through
 * `functionGlobalContext`; they do no work the flow would not do anyway.
 */
import { haServerNode } from "../support/ha-server-node.js";

export interface FlowOptions {
  host: string;
  port: number;
  clientId: string;
  base: string;
  /** The rule's per-person cooldown; 0 passes every crossing. */
  cooldownMs: number;
}

export interface HaFlowOptions extends FlowOptions {
  haUrl: string;
  haToken: string;
}

/** The server config node's id; the bench child asks the palette whether it is connected under this id. */
export const HA_SERVER_ID = "bench_server";

const crossing = (cooldownMs: number): string => `
const COOLDOWN_MS = ${cooldownMs};
const bench = global.get("bench");
bench.processed(msg.payload && msg.payload.ts);
const stress = msg.payload && msg.payload.stress;
if (typeof stress !== "number") return null;
const person = msg.topic.split("/")[1];
const key = "prev_" + person;
const prev = flow.get(key);
flow.set(key, stress);
if (stress < 70 || (prev !== undefined && prev >= 70)) return null;
const now = Date.now();
const last = flow.get("last_" + person);
if (last !== undefined && now - last < COOLDOWN_MS) return null;
flow.set("last_" + person, now);
msg.person = person;
bench.decided(msg.payload.ts);
return msg;
`;

const CALL_INIT = `
const haws = global.get("haws");
const ha = global.get("ha");
const conn = await haws.createConnection({ auth: haws.createLongLivedTokenAuth(ha.url, ha.token) });
context.set("conn", conn);
global.get("bench").haReady();
`;

const CALL = `
const haws = global.get("haws");
haws.callService(context.get("conn"), "scene", "turn_on", undefined, { entity_id: "scene.calm_" + msg.person })
  .then(() => node.done(), (err) => { global.get("bench").error(); node.error(String(err), msg); });
return null;
`;

const CALL_CLOSE = `
const conn = context.get("conn");
if (conn) conn.close();
`;

function mqttNodes(o: FlowOptions): Record<string, unknown>[] {
  return [
    { id: "bench_tab", type: "tab", label: "calm bench", disabled: false, info: "" },
    {
      id: "bench_broker",
      type: "mqtt-broker",
      name: "bench broker",
      broker: o.host,
      port: String(o.port),
      clientid: o.clientId,
      autoConnect: true,
      usetls: false,
      protocolVersion: "4",
      keepalive: "30",
      cleansession: false,
      autoUnsubscribe: false,
      birthTopic: "",
      closeTopic: "",
      willTopic: "",
    },
    {
      id: "bench_in",
      type: "mqtt in",
      z: "bench_tab",
      name: "wearables",
      topic: `${o.base}/+/wearable`,
      qos: "1",
      datatype: "json",
      broker: "bench_broker",
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      x: 120,
      y: 80,
      wires: [["bench_crossing"]],
    },
    {
      id: "bench_crossing",
      type: "function",
      z: "bench_tab",
      name: "threshold crossing",
      func: crossing(o.cooldownMs),
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: "",
      finalize: "",
      libs: [],
      x: 330,
      y: 80,
      wires: [["bench_call"]],
    },
  ];
}

export function noderedFlow(o: FlowOptions): Record<string, unknown>[] {
  return [
    ...mqttNodes(o),
    {
      id: "bench_call",
      type: "function",
      z: "bench_tab",
      name: "scene.turn_on",
      func: CALL,
      outputs: 0,
      timeout: 0,
      noerr: 0,
      initialize: CALL_INIT,
      finalize: CALL_CLOSE,
      libs: [],
      x: 540,
      y: 80,
      wires: [],
    },
  ];
}

/**
 * The palette flow. The server node is saved as the palette's editor saves it today (version 6, no add-on,
 * heartbeat off); its credentials go to flows_cred.json, which the child writes (`haCredentials`).
 */
export function noderedHaFlow(o: HaFlowOptions): Record<string, unknown>[] {
  return [
    ...mqttNodes(o),
    haServerNode(HA_SERVER_ID, "Home Assistant"),
    {
      id: "bench_call",
      type: "api-call-service",
      z: "bench_tab",
      name: "calm scene",
      server: HA_SERVER_ID,
      version: 7,
      debugenabled: false,
      action: "scene.turn_on",
      floorId: [],
      areaId: [],
      deviceId: [],
      entityId: ["scene.calm_{{person}}"],
      labelId: [],
      data: "",
      dataType: "json",
      mergeContext: "",
      mustacheAltTags: false,
      outputProperties: [],
      queue: "none",
      blockInputOverrides: true,
      x: 540,
      y: 80,
      wires: [[]],
    },
    {
      id: "bench_catch",
      type: "catch",
      z: "bench_tab",
      name: "count errors",
      scope: ["bench_call"],
      uncaught: false,
      x: 330,
      y: 140,
      wires: [["bench_errors"]],
    },
    {
      id: "bench_errors",
      type: "function",
      z: "bench_tab",
      name: "count",
      func: 'global.get("bench").error();\nreturn null;',
      outputs: 0,
      timeout: 0,
      noerr: 0,
      initialize: "",
      finalize: "",
      libs: [],
      x: 540,
      y: 140,
      wires: [],
    },
  ];
}

/** flows_cred.json for the palette flow, unencrypted (the runtime runs with `credentialSecret: false`). */
export function haCredentials(o: HaFlowOptions): Record<string, unknown> {
  return { [HA_SERVER_ID]: { host: o.haUrl, access_token: o.haToken } };
}
