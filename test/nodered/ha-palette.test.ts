// Fidelity of the Home Assistant simulator, judged by a client we did not write: Node-RED's most used Home
// Assistant palette (node-red-contrib-home-assistant-websocket) runs in the hub's embedded Node-RED against
// the simulator. What is asserted is what a user of that palette sees in the editor: node statuses, the
// registries the editor offers, debug messages, and no errors.
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { type EmbeddedNodeRed, startNodeRed } from "../../hub/nodered/index.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { haServerNode } from "../support/ha-server-node.js";
import { waitFor } from "../support/wait-for.js";

const require = createRequire(import.meta.url);
const PALETTE = "node-red-contrib-home-assistant-websocket";
// A dev dependency: a checkout without it must fail here, not skip, or the fidelity claim goes unchecked.
require.resolve(`${PALETTE}/package.json`);

const TAB = "ha-tab";
const SERVER = "ha-server";
const STATE_CHANGED = "ha-state-changed";
const CURRENT_STATE = "ha-current-state";
const ACTION = "ha-action";
const ASK_CURRENT = "ask-current";
const ASK_ACTION = "ask-action";
/** The demo home's Zigbee hall light reports where it ended up a second after each change, one step off. */
const HALL_CHANGED = "ha-hall-changed";
const HALL_ACTION = "ha-hall-action";
const ASK_HALL = "ask-hall";
/** A current-state node that names an entity the home lacks: the palette's checker must flag it, and only it. */
const MISSING = "ha-current-missing";

interface CommsMessage {
  topic: string;
  data: unknown;
}
interface DebugMessage {
  id: string;
  msg: string;
  format: string;
}
interface Status {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Node-RED's editor channel (/comms), subscribed as the editor is: node statuses, the debug sidebar and the
 * palette's own topics (registries, issues). */
class EditorComms {
  readonly messages: CommsMessage[] = [];
  private readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (raw) => {
      const parsed = JSON.parse(raw.toString()) as CommsMessage | CommsMessage[];
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) if (m.topic) this.messages.push(m);
    });
  }

  static async open(nodeRedUrl: string): Promise<EditorComms> {
    const ws = new WebSocket(`${nodeRedUrl.replace(/^http/, "ws")}/comms`);
    await new Promise<void>((ok, fail) => {
      ws.once("open", () => ok());
      ws.once("error", fail);
    });
    for (const topic of ["status/#", "debug", "homeassistant/#", "notification/#"])
      ws.send(JSON.stringify({ subscribe: topic }));
    return new EditorComms(ws);
  }

  statuses(nodeId: string): Status[] {
    return this.messages.filter((m) => m.topic === `status/${nodeId}`).map((m) => m.data as Status);
  }

  lastStatus(nodeId: string): Status | undefined {
    return this.statuses(nodeId).at(-1);
  }

  /** What a debug node printed, decoded (the whole msg object). */
  debug(debugNodeId: string): Record<string, unknown>[] {
    return this.messages
      .filter((m) => m.topic === "debug" && (m.data as DebugMessage).id === debugNodeId)
      .map((m) => JSON.parse((m.data as DebugMessage).msg) as Record<string, unknown>);
  }

  latest(topic: string): unknown {
    return this.messages.filter((m) => m.topic === topic).at(-1)?.data;
  }

  close(): void {
    this.ws.close();
  }
}

function debugNode(id: string, name: string): Record<string, unknown> {
  return {
    id,
    type: "debug",
    z: TAB,
    name,
    active: true,
    tosidebar: true,
    console: false,
    tostatus: false,
    complete: "true",
    targetType: "full",
    wires: [],
  };
}

function injectNode(id: string, payload: string, wire: string): Record<string, unknown> {
  return {
    id,
    type: "inject",
    z: TAB,
    name: id,
    props: [{ p: "payload" }],
    repeat: "",
    once: false,
    topic: "",
    payload,
    payloadType: "str",
    wires: [[wire]],
  };
}

/** The flow a palette user builds: a server, a state trigger, a state lookup and an action, each node at the
 * version its editor saves today (so no migration hides a shape the runtime no longer reads). */
function paletteFlow(sim: HaSimulator): Record<string, unknown>[] {
  const flow: Record<string, unknown>[] = [
    { id: TAB, type: "tab", label: "Home Assistant palette" },
    { ...haServerNode(SERVER, "Simulated home"), credentials: { host: sim.url, access_token: sim.token } },
    stateChangedNode(STATE_CHANGED, "light.living_room", true, "debug-state"),
    // Every change of the hall light, attributes included (its state stays "on").
    stateChangedNode(HALL_CHANGED, "light.hall", false, "debug-hall"),
    injectNode(ASK_CURRENT, "", CURRENT_STATE),
    currentStateNode(CURRENT_STATE, "light.hall", "debug-current"),
    currentStateNode(MISSING, "light.attic", "debug-current"),
    injectNode(ASK_ACTION, "", ACTION),
    actionNode(ACTION, "light.bedroom", '{"brightness_pct": 30, "transition": 2}', "debug-action"),
    injectNode(ASK_HALL, "", HALL_ACTION),
    actionNode(HALL_ACTION, "light.hall", '{"brightness_pct": 30}', "debug-action"),
    {
      id: "ha-catch",
      type: "catch",
      z: TAB,
      name: "",
      scope: null,
      uncaught: false,
      wires: [["debug-errors"]],
    },
    debugNode("debug-state", "state changed"),
    debugNode("debug-current", "current state"),
    debugNode("debug-action", "action"),
    debugNode("debug-hall", "hall light changed"),
    debugNode("debug-errors", "errors"),
  ];
  // Node-RED tells flow nodes from config nodes by their place on the canvas.
  return flow.map((node, i) => (node.z ? { x: 200, y: 40 + 40 * i, ...node } : node));
}

function stateChangedNode(
  id: string,
  entityId: string,
  onlyOnStateChange: boolean,
  wire: string,
): Record<string, unknown> {
  return {
    id,
    type: "server-state-changed",
    z: TAB,
    name: entityId,
    server: SERVER,
    version: 6,
    outputs: 1,
    exposeAsEntityConfig: "",
    entities: { entity: [entityId], substring: [], regex: [] },
    outputInitially: false,
    stateType: "str",
    ifState: "",
    ifStateType: "str",
    ifStateOperator: "is",
    outputOnlyOnStateChange: onlyOnStateChange,
    for: "0",
    forType: "num",
    forUnits: "minutes",
    ignorePrevStateNull: false,
    ignorePrevStateUnknown: false,
    ignorePrevStateUnavailable: false,
    ignoreCurrentStateUnknown: false,
    ignoreCurrentStateUnavailable: false,
    outputProperties: [
      { property: "payload", propertyType: "msg", value: "", valueType: "entityState" },
      { property: "data", propertyType: "msg", value: "", valueType: "eventData" },
      { property: "topic", propertyType: "msg", value: "", valueType: "triggerId" },
    ],
    wires: [[wire]],
  };
}

function actionNode(id: string, entityId: string, data: string, wire: string): Record<string, unknown> {
  return {
    id,
    type: "api-call-service",
    z: TAB,
    name: `turn on ${entityId}`,
    server: SERVER,
    version: 7,
    debugenabled: false,
    action: "light.turn_on",
    floorId: [],
    areaId: [],
    deviceId: [],
    entityId: [entityId],
    labelId: [],
    data,
    dataType: "json",
    mergeContext: "",
    mustacheAltTags: false,
    outputProperties: [],
    queue: "none",
    blockInputOverrides: false,
    wires: [[wire]],
  };
}

function currentStateNode(id: string, entityId: string, wire: string): Record<string, unknown> {
  return {
    id,
    type: "api-current-state",
    z: TAB,
    name: "",
    server: SERVER,
    version: 3,
    outputs: 1,
    halt_if: "",
    halt_if_type: "str",
    halt_if_compare: "is",
    entity_id: entityId,
    state_type: "str",
    blockInputOverrides: false,
    outputProperties: [
      { property: "payload", propertyType: "msg", value: "", valueType: "entityState" },
      { property: "data", propertyType: "msg", value: "", valueType: "entity" },
    ],
    for: "0",
    forType: "num",
    forUnits: "minutes",
    wires: [[wire]],
  };
}

let sim: HaSimulator;
let nodeRed: EmbeddedNodeRed;
let comms: EditorComms;
let log: CapturedLog;
let userDir: string;
/** Log lines written before the flow was deployed (Node-RED's own start-up notices). */
let startupLines = 0;

/** Node-RED warnings and errors since the deploy (the embedded runtime logs warn and above), the palette's
 * included. */
function problems(): Record<string, unknown>[] {
  return log
    .lines()
    .slice(startupLines)
    .filter((l) => l.component === "node-red" && Number(l.level) >= 40);
}

beforeAll(async () => {
  sim = await HaSimulator.start();
  userDir = await mkdtemp(join(tmpdir(), "calm-ha-palette-"));
  log = captureLog("info");
  nodeRed = await startNodeRed({
    port: 0,
    hubUrl: "http://127.0.0.1:9",
    apiToken: "unused-token-0123456789abcdef",
    userDir,
    flowFiles: [],
    logger: log.logger,
  });
  comms = await EditorComms.open(nodeRed.url);
  startupLines = log.lines().length;
  // Deployed as the editor deploys: the whole flow, the server's credentials inline.
  const res = await fetch(`${nodeRed.url}/flows`, {
    method: "POST",
    headers: { "content-type": "application/json", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(paletteFlow(sim)),
  });
  expect(res.ok).toBe(true);
});

afterAll(async () => {
  comms?.close();
  await nodeRed?.stop();
  await sim?.stop();
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

describe("node-red-contrib-home-assistant-websocket against the simulator", () => {
  it("loads the palette's nodes into the embedded Node-RED", async () => {
    const nodes = (await (
      await fetch(`${nodeRed.url}/nodes`, { headers: { accept: "application/json" } })
    ).json()) as { module: string; types: string[]; enabled: boolean; err?: string }[];
    const palette = nodes.filter((n) => n.module === PALETTE);
    expect(palette.flatMap((n) => n.types)).toEqual(
      expect.arrayContaining(["server", "server-state-changed", "api-current-state", "api-call-service"]),
    );
    expect(palette.every((n) => n.enabled && !n.err)).toBe(true);
  });

  it("connects: the state node shows running", async () => {
    await waitFor(() => comms.lastStatus(STATE_CHANGED)?.text === "home-assistant.status.running", {
      what: "server-state-changed status 'running'",
      timeoutMs: 15_000,
    });
    expect(comms.lastStatus(STATE_CHANGED)?.fill).toBe("green");
    // It went through connected on its way, never through error.
    const texts = comms.statuses(STATE_CHANGED).map((s) => s.text);
    expect(texts).toContain("home-assistant.status.connected");
    expect(texts).not.toContain("home-assistant.status.error");
  });

  it("loads every registry the editor offers, in the shapes it reads", async () => {
    const areas = await waitFor(
      () => comms.latest(`homeassistant/areas/${SERVER}`) as { area_id: string }[],
      {
        what: "area registry",
      },
    );
    expect(areas.map((a) => a.area_id).sort()).toEqual(["bedroom", "hall", "living_room"]);
    const floors = await waitFor(
      () => comms.latest(`homeassistant/floors/${SERVER}`) as { floor_id: string; name: string }[],
      { what: "floor registry" },
    );
    expect(floors).toEqual([expect.objectContaining({ floor_id: "ground_floor", name: "Ground floor" })]);
    const labels = await waitFor(
      () => comms.latest(`homeassistant/labels/${SERVER}`) as { label_id: string; name: string }[],
      { what: "label registry" },
    );
    expect(labels).toEqual([expect.objectContaining({ label_id: "calm", name: "Calm" })]);
    const devices = await waitFor(
      () => comms.latest(`homeassistant/devices/${SERVER}`) as { id: string; area_id: string | null }[],
      { what: "device registry" },
    );
    expect(devices).toContainEqual(expect.objectContaining({ id: "dev_light_hall", area_id: "hall" }));
    const entities = await waitFor(
      () =>
        comms.latest(`homeassistant/entityRegistry/${SERVER}`) as {
          entity_id: string;
          device_id: string | null;
          platform: string;
        }[],
      { what: "entity registry" },
    );
    expect(entities).toContainEqual(
      expect.objectContaining({ entity_id: "light.hall", device_id: "dev_light_hall" }),
    );
    const states = await waitFor(
      () => comms.latest(`homeassistant/entities/${SERVER}`) as Record<string, { state: string }>,
      { what: "states" },
    );
    expect(states["light.hall"]?.state).toBe("on");
    expect(states["light.bedroom"]?.state).toBe("off");

    // The palette's issue checker runs once every registry, the states and the services are in (its
    // "registries loaded"): it flags the node naming a missing entity, and nothing else.
    const issues = await waitFor(
      () => comms.latest("homeassistant/issues") as { nodeId: string; messages: string[] }[] | undefined,
      { what: "the palette's issue check", timeoutMs: 10_000 },
    );
    expect(issues.map((i) => i.nodeId)).toEqual([MISSING]);
    // It asked for each registry itself, and every command it sent so far was answered, none with an error.
    expect(sim.commands.map((c) => c.type)).toEqual(
      expect.arrayContaining([
        "auth/current_user",
        "get_config",
        "get_services",
        "subscribe_entities",
        "config/area_registry/list",
        "config/device_registry/list",
        "config/entity_registry/list",
        "config/floor_registry/list",
        "config/label_registry/list",
        "tag/list",
      ]),
    );
    expect(sim.commands.filter((c) => !c.answered)).toEqual([]);
    expect(sim.commandFailures).toEqual([]);
  });

  it("sends a state change in Home Assistant to the events:state node's output", async () => {
    const before = comms.debug("debug-state").length;
    sim.changeByHand("light.living_room", { state: "off" });
    const msg = await waitFor(() => comms.debug("debug-state").slice(before)[0], {
      what: "state change at the events:state output",
    });
    expect(msg.payload).toBe("off");
    expect(msg.topic).toBe("light.living_room");
    const data = msg.data as { old_state: { state: string }; new_state: { state: string; context: unknown } };
    expect(data.old_state.state).toBe("on");
    expect(data.new_state.state).toBe("off");
    expect(data.new_state.context).toMatchObject({ user_id: sim.householdUserId });
  });

  it("returns the entity from current-state", async () => {
    const before = comms.debug("debug-current").length;
    expect((await fetch(`${nodeRed.url}/inject/${ASK_CURRENT}`, { method: "POST" })).ok).toBe(true);
    const msg = await waitFor(() => comms.debug("debug-current").slice(before)[0], {
      what: "current-state output",
    });
    expect(msg.payload).toBe("on");
    expect(msg.data).toMatchObject({
      entity_id: "light.hall",
      state: "on",
      attributes: expect.objectContaining({ brightness: 120, color_temp_kelvin: 2700 }),
      context: sim.getState("light.hall")?.context,
    });
  });

  it("lands the action node's call in Home Assistant", async () => {
    sim.clearCalls();
    expect((await fetch(`${nodeRed.url}/inject/${ASK_ACTION}`, { method: "POST" })).ok).toBe(true);
    const call = await sim.waitForCall((c) => c.domain === "light" && c.service === "turn_on", 5_000);
    expect(call.target).toEqual({ entity_id: "light.bedroom" });
    expect(call.service_data).toMatchObject({ brightness_pct: 30, transition: 2 });
    await waitFor(() => comms.debug("debug-action").length > 0, { what: "action node output" });
    expect(comms.lastStatus(ACTION)?.fill).toBe("green");
    // 30 % of 255 is 76.5: Home Assistant rounds half to even.
    await waitFor(() => sim.getState("light.bedroom")?.attributes.brightness === 76, {
      what: "bedroom light at 30 %",
    });
  });

  it("sees the hall light's late report as a second change a second later, one step off", async () => {
    const before = comms.debug("debug-hall").length;
    expect((await fetch(`${nodeRed.url}/inject/${ASK_HALL}`, { method: "POST" })).ok).toBe(true);
    const call = await sim.waitForCall((c) => c.entityIds.includes("light.hall"), 5_000);
    const changes = await waitFor(
      () => {
        const got = comms.debug("debug-hall").slice(before);
        return got.length >= 2 ? got : undefined;
      },
      { what: "the hall light's change and its late report", timeoutMs: 5_000 },
    );
    type Change = { new_state: { attributes: { brightness: number }; context: { id: string } } };
    const [first, late] = changes.map((m) => (m.data as Change).new_state);
    expect(first?.attributes.brightness).toBe(76);
    expect(late?.attributes.brightness).toBe(77);
    // Within 5 s of the call Home Assistant writes the device's report with the call's context.
    expect(first?.context.id).toBe(call.contextId);
    expect(late?.context.id).toBe(call.contextId);
  });

  it("raised no error anywhere: no catch output, no Node-RED warning or error, no failed command", async () => {
    expect(comms.debug("debug-errors")).toEqual([]);
    expect(problems()).toEqual([]);
    expect(sim.commandFailures).toEqual([]);
    expect(sim.commands.filter((c) => !c.answered)).toEqual([]);
    for (const id of [STATE_CHANGED, HALL_CHANGED, CURRENT_STATE, ACTION, HALL_ACTION])
      expect(comms.statuses(id).map((s) => s.fill)).not.toContain("red");
  });
});

describe("a call Home Assistant refuses, through the palette", () => {
  it("reaches the catch node as the action node's error, with Home Assistant's message", async () => {
    const caught = comms.debug("debug-errors").length;
    sim.failService(
      "light.turn_on",
      { code: "home_assistant_error", message: "Hall bulb is unreachable" },
      1,
    );
    expect((await fetch(`${nodeRed.url}/inject/${ASK_HALL}`, { method: "POST" })).ok).toBe(true);
    const msg = await waitFor(() => comms.debug("debug-errors").slice(caught)[0], {
      what: "the caught error",
    });
    expect(msg.error).toMatchObject({
      message: expect.stringContaining("Hall bulb is unreachable"),
      source: expect.objectContaining({ id: HALL_ACTION }),
    });
    expect(comms.lastStatus(HALL_ACTION)?.fill).toBe("red");
    expect(sim.commandFailures.at(-1)).toMatchObject({ type: "call_service", code: "home_assistant_error" });
  });
});

describe("the palette through a Home Assistant restart", () => {
  it("reconnects, runs again and still sees state changes, with no error", async () => {
    const statusesBefore = comms.statuses(STATE_CHANGED).length;
    const problemsBefore = problems().length;
    const caughtBefore = comms.debug("debug-errors").length;
    const failuresBefore = sim.commandFailures.length;
    await sim.restart();
    await waitFor(
      () => {
        const since = comms.statuses(STATE_CHANGED).slice(statusesBefore);
        return (
          since.some((s) => s.text === "home-assistant.status.disconnected") &&
          since.at(-1)?.text === "home-assistant.status.running"
        );
      },
      { what: "the state node disconnected, then running again", timeoutMs: 15_000 },
    );
    // Its subscriptions were made again on the new connection: a change after the restart reaches its output.
    const before = comms.debug("debug-state").length;
    sim.changeByHand("light.living_room", { state: "on", attributes: { brightness: 50 } });
    const msg = await waitFor(
      () =>
        comms
          .debug("debug-state")
          .slice(before)
          .find((m) => m.payload === "on"),
      { what: "state change after the restart" },
    );
    expect(
      (msg.data as { new_state: { attributes: { brightness: number } } }).new_state.attributes.brightness,
    ).toBe(50);
    expect(problems().slice(problemsBefore)).toEqual([]);
    expect(comms.debug("debug-errors").slice(caughtBefore)).toEqual([]);
    expect(sim.commandFailures.slice(failuresBefore)).toEqual([]);
    expect(sim.commands.filter((c) => !c.answered)).toEqual([]);
  });
});
