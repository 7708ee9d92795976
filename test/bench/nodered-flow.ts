/**
 * The Node-RED flow the bench compares the hub with: what a Home Assistant power user would wire by hand.
 *
 *   [mqtt in  <base>/+/wearable, QoS 1, persistent session, parsed JSON]
 *     → [function "threshold crossing": previous score per person in flow context; passes a message on an
 *        upward crossing of 70]
 *     → [function "scene.turn_on": one home-assistant-js-websocket connection opened in the node's On Start
 *        code, `callService(conn, "scene", "turn_on", undefined, { entity_id: "scene.calm_<person>" })`]
 *
 * The WebSocket library reaches the function node through `functionGlobalContext` (no palette install, no
 * network), which is what node-red-contrib-home-assistant-websocket does internally with the same library.
 */
export interface FlowOptions {
  host: string;
  port: number;
  clientId: string;
  base: string;
}

const CROSSING = `
const bench = global.get("bench");
bench.processed(msg.payload && msg.payload.ts);
const stress = msg.payload && msg.payload.stress;
if (typeof stress !== "number") return null;
const person = msg.topic.split("/")[1];
const key = "prev_" + person;
const prev = flow.get(key);
flow.set(key, stress);
if (stress >= 70 && (prev === undefined || prev < 70)) {
  msg.person = person;
  bench.decided(msg.payload.ts);
  return msg;
}
return null;
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

export function noderedFlow(o: FlowOptions): Record<string, unknown>[] {
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
      func: CROSSING,
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
