// `calm-hub test-source` as a user runs it: a real child process against a real broker (embedded aedes) and the
// Home Assistant simulator, with a bridge publishing while it watches.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../devices/broker/index.js";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { tempDir } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

let broker: EmbeddedBroker;
let sim: HaSimulator;
let child: ChildProcess | undefined;
const children: ChildProcess[] = [];
const dir = tempDir("calm-test-source-");

const CONFIG = `
people:
  alice:
    sources:
      - { format: ble-hrm, topic: esphome/polar-h10/hrm }
  bob:
    sources:
      - { entity_id: sensor.bob_watch_heart_rate, metric: hr }
  carol: {}
  dave:
    sources:
      - { entity_id: sensor.dave_watch_heart_rate, metric: hr }
`;

beforeAll(async () => {
  broker = await startEmbeddedBroker();
  sim = await HaSimulator.start();
  sim.setState("sensor.bob_watch_heart_rate", "64", { unit_of_measurement: "bpm", accuracy: "high" });
  writeFileSync(join(dir, "home.yaml"), CONFIG);
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  child = undefined;
});

afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

interface Run {
  out: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  let out = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "hub/cli.ts", "test-source", ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      CALM_MQTT_URL: broker.url,
      CALM_HA_URL: sim.url,
      CALM_HA_TOKEN: sim.token,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  children.push(proc);
  proc.stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr.on("data", (b: Buffer) => {
    out += b.toString();
  });
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { out: () => out, exit };
}

describe("calm-hub test-source", () => {
  it("prints each reading live with the hub's verdict, then a summary that says what to check", async () => {
    const r = run(["--config", join(dir, "home.yaml"), "--seconds", "6"]);
    await waitFor(() => r.out().includes("subscribed to") && r.out().includes(": online"), {
      timeoutMs: 20_000,
      what: "test-source connected to the broker and Home Assistant",
    });
    // The current state of Bob's watch shows first, as his reading.
    await waitFor(() => /bob +sensor\.bob_watch_heart_rate +hr 64 bpm +✓ accepted/.test(r.out()), {
      what: "Bob's current state",
    });

    const bridge = await mqtt.connectAsync(broker.url, { clientId: "strap-bridge" });
    await bridge.publishAsync("esphome/polar-h10/hrm", JSON.stringify({ hex: "164b3b034003" }), { qos: 1 });
    // Live: the line is there while test-source still runs, not only at the end.
    await waitFor(
      () => /alice +esphome\/polar-h10\/hrm +hr 75 bpm, rr 808 813 ms +✓ accepted/.test(r.out()),
      {
        what: "Alice's reading, live",
      },
    );
    expect(child?.exitCode).toBeNull();

    await bridge.publishAsync("esphome/polar-h10/hrm", JSON.stringify({ hr: 300 }), { qos: 1 });
    await bridge.publishAsync("calm/Carol/wearable", JSON.stringify({ ts: Date.now(), hr: 70 }), { qos: 1 });
    await waitFor(() => r.out().includes("✗ refused: out_of_range: hr 300 outside 25..240"), {
      what: "the refusal with its reason",
    });
    await waitFor(
      () =>
        /Carol +calm\/Carol\/wearable +✗ refused: unknown_topic: person id must be lowercase/.test(r.out()),
      {
        what: "a wrongly capitalised topic refused",
      },
    );
    sim.setState("sensor.bob_watch_heart_rate", "71", { unit_of_measurement: "bpm", accuracy: "low" });
    await waitFor(
      () => /bob +sensor\.bob_watch_heart_rate +hr 71 bpm, quality 0\.4 +✓ accepted/.test(r.out()),
      {
        what: "Bob's new reading",
      },
    );
    await bridge.endAsync();

    expect(await r.exit).toBe(1); // carol and dave sent nothing
    const out = r.out();
    expect(out).toMatch(/Summary after \d+ s:/);
    expect(out).toMatch(
      /alice: 1 reading from esphome\/polar-h10\/hrm, last \d+ s ago \(1 refused, last: out_of_range\)/,
    );
    expect(out).toMatch(/bob: 2 readings from sensor\.bob_watch_heart_rate, last \d+ s ago/);
    expect(out).toContain(
      "carol: nothing yet — check that the bridge publishes to calm/carol/wearable on mqtt://127.0.0.1",
    );
    expect(out).toContain(
      "dave: nothing yet — sensor.dave_watch_heart_rate does not exist in Home Assistant",
    );
  }, 40_000);

  it("--person watches one person and exits 0 once that person has been heard", async () => {
    const r = run(["--config", join(dir, "home.yaml"), "--person", "alice", "--seconds", "4"]);
    await waitFor(() => r.out().includes("subscribed to"), { timeoutMs: 20_000, what: "connected" });
    const bridge = await mqtt.connectAsync(broker.url, { clientId: "strap-bridge-2" });
    await bridge.publishAsync("esphome/polar-h10/hrm", "004e", { qos: 1 });
    await waitFor(() => /alice +esphome\/polar-h10\/hrm +hr 78 bpm +✓ accepted/.test(r.out()), {
      what: "Alice's bare-hex reading",
    });
    await bridge.endAsync();
    expect(await r.exit).toBe(0);
    expect(r.out()).not.toMatch(/^ {2}bob/m);
    expect(r.out()).toMatch(/alice: 1 reading from esphome\/polar-h10\/hrm/);
  }, 30_000);

  it("bad arguments and an unreachable broker get one line saying what to fix", async () => {
    const bad = run(["--seconds", "soon"]);
    const who = run(["--config", join(dir, "home.yaml"), "--person", "zed"]);
    const away = run(["--config", join(dir, "home.yaml"), "--seconds", "2"], {
      CALM_MQTT_URL: "mqtt://127.0.0.1:9",
    });
    expect(await Promise.all([bad.exit, who.exit, away.exit])).toEqual([2, 2, 1]);
    expect(bad.out()).toContain('--seconds wants a positive number, got "soon"');
    expect(who.out()).toContain('"zed" is not under people');
    expect(away.out()).toContain("cannot connect to the MQTT broker at mqtt://127.0.0.1:9");
    expect(away.out()).toContain("CALM_MQTT_URL");
  }, 60_000);
});
