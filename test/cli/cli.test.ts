// The CLI as a user meets it: the real command in a child process, judged by what it prints and its exit code.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { ENV_OVERRIDES } from "../../hub/config/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { tempDir } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "hub/cli.ts", ...args], {
    env: { ...process.env, CALM_HTTP_PORT: "0", CALM_DATA_DIR: tempDir("calm-cli-"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  return Object.assign(child, { out: () => out });
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", "hub/cli.ts", ...args], {
    env: { ...process.env, CALM_DATA_DIR: tempDir("calm-cli-"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve) =>
    child.once("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

function configFile(text: string): string {
  const file = join(tempDir("calm-cli-config-"), "calm.yaml");
  writeFileSync(file, text);
  return file;
}

afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
});

describe("calm-hub --help and usage errors", () => {
  it("lists every command and every variable the hub reads", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "calm-hub demo [--duration S] [--no-node-red]",
      "calm-hub start --config FILE [--node-red]",
      "calm-hub check-config FILE",
      "calm-hub scenes --config FILE",
      "calm-hub schedule --config FILE",
      "CALM_MQTT_USERNAME",
      "CALM_MQTT_PASSWORD",
      "CALM_NODE_RED_PORT",
      "CALM_LOG_LEVEL",
      "CALM_HA_TOKEN",
      ...Object.keys(ENV_OVERRIDES),
    ])
      expect(r.stdout).toContain(text);
  });

  it.each([
    ["start", "--config FILE"],
    ["demo", "--duration SECONDS"],
    ["check-config", "--ha"],
    ["scenes", "--create"],
    ["schedule", "--lat"],
    ["hrv", "--no-filter"],
  ])("calm-hub %s --help prints that command's options, not a stack trace", async (command, option) => {
    const r = await run([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^(U|u)sage: calm-hub ${command}`));
    expect(r.stdout).toContain(option);
    expect(r.stderr).toBe("");
  });

  it.each([
    [["start", "--confg", "x.yaml"], "calm-hub start: unknown option --confg; did you mean --config?"],
    [["demo", "--no-nodered"], "calm-hub demo: unknown option --no-nodered; did you mean --no-node-red?"],
    [["demo", "--duration", "soon"], "calm-hub demo: --duration needs a number of seconds"],
    [["start"], "calm-hub start: --config FILE is required"],
    [["start", "--config"], "calm-hub start: --config needs a value"],
    [["check-config"], "calm-hub check-config: name the config file"],
    [["statr"], 'calm-hub: unknown command "statr"; did you mean start?'],
  ])("%j is one line with the fix and exit code 2", async (args, line) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(line);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("calm-hub check-config", () => {
  it("shows the fix for a Home Assistant URL without http:// and for ftp://", async () => {
    const r = await run(["check-config", configFile("home_assistant:\n  url: homeassistant.local:8123\n")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'home_assistant.url: missing the scheme: did you mean "http://homeassistant.local:8123"? (line 2)',
    );
    const ftp = await run(["check-config", configFile("home_assistant:\n  url: ftp://ha\n")]);
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain("use http://, https://, ws:// or wss://");
  });

  it("suggests the key a typo meant, with its line, and refuses an empty file", async () => {
    const r = await run([
      "check-config",
      configFile(
        "rules:\n  - id: a\n    trigger: { type: stress, above: 70 }\n    cooldown: 60\n    actions: [{ action: scene.turn_on }]\n",
      ),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("rules[0].cooldown: unknown key; did you mean cooldown_s? (line 4)");
    const empty = await run(["check-config", configFile("")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/is empty/);
  });
});

describe("calm-hub schedule", () => {
  it("plans the wind-down example as it is, as README promises", async () => {
    const r = await run(["schedule", "--config", "config/examples/wind-down.yaml", "--days", "2"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .filter((l) => /living_room/.test(l)),
    ).toHaveLength(2);
  });

  it("without a location anywhere, names the three ways to give one", async () => {
    const r = await run([
      "schedule",
      "--config",
      configFile(
        "rooms: { den: { lights: [light.den] } }\nwind_down: [{ rooms: [den], start: { sun: sunset }, duration_min: 30 }]\n",
      ),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /set location: .* in the config file, pass --lat, --lon and --tz, or set CALM_HA_URL/,
    );
  });
});

describe("against Home Assistant (the simulator)", () => {
  let sim: HaSimulator;
  let broker: TestBroker;
  const config = (): string =>
    configFile(`people:
  alice: { room: living_room }
  carol: { room: living_room }
rooms:
  living_room:
    lights: [light.living_room, light.porch]
rules:
  - id: calm-scene
    trigger: { type: stress, above: 70 }
    actions:
      - action: scene.turn_on
        target: { entity_id: "scene.calm_{person}" }
`);

  beforeAll(async () => {
    sim = await HaSimulator.start();
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await sim.stop();
    await broker.stop();
  });
  const haEnv = (): NodeJS.ProcessEnv => ({ CALM_HA_URL: sim.url, CALM_HA_TOKEN: sim.token });

  it("check-config --ha lists the configured entities Home Assistant does not have", async () => {
    const r = await run(["check-config", config(), "--ha"], haEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("2 configured entities do not exist in Home Assistant");
    expect(r.stderr).toContain("light.porch (rooms.living_room.lights)");
    expect(r.stderr).toContain("scene.calm_carol (rules[0].actions[0] (calm-scene) for carol)");
    expect(r.stderr).not.toContain("scene.calm_alice"); // the simulator has Alice's
    expect(r.stderr).toContain("calm-hub scenes --config");
  });

  it("check-config --ha with a bad token says which setting to change", async () => {
    const r = await run(["check-config", config(), "--ha"], { ...haEnv(), CALM_HA_TOKEN: "wrong" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected the token \(check CALM_HA_TOKEN or home_assistant\.token\)/);
  });

  it("scenes prints the calm scenes as scenes.yaml, and --create makes them in Home Assistant", async () => {
    const file = config();
    const printed = await run(["scenes", "--config", file]);
    expect(printed.code).toBe(0);
    const scenes = parse(printed.stdout) as { id: string; name: string; entities: Record<string, unknown> }[];
    expect(scenes.map((s) => s.id)).toEqual([
      "calm_alice",
      "calm_night_alice",
      "calm_carol",
      "calm_night_carol",
    ]);
    // Home Assistant names a YAML scene's entity after its name: it must come out as scene.calm_carol.
    expect(scenes[2]?.name.toLowerCase().replaceAll(" ", "_")).toBe("calm_carol");
    // The episode defaults: 35 % brightness, 2400 K; 15 % at night.
    expect(scenes[2]?.entities["light.living_room"]).toEqual({
      state: "on",
      brightness: 89,
      color_temp_kelvin: 2400,
    });
    expect(scenes[3]?.entities["light.living_room"]).toMatchObject({ brightness: 38 });

    const created = await run(["scenes", "--config", file, "--create"], haEnv());
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("created scene.calm_carol (light.living_room, light.porch)");
    const after = await run(["check-config", file, "--ha"], haEnv());
    expect(after.stderr).not.toContain("scene.calm_carol");
    expect(after.stderr).toContain("light.porch");
  });

  it("schedule takes Home Assistant's location when the config has none", async () => {
    const file = configFile(
      "rooms: { den: { lights: [light.den] } }\nwind_down: [{ rooms: [den], start: { sun: sunset }, duration_min: 30 }]\n",
    );
    const r = await run(["schedule", "--config", file, "--days", "1", "--from", "2026-06-21"], haEnv());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`(location from Home Assistant at ${sim.url})`);
    // The simulator's home is Berlin: midsummer sunset there is about 21:33 (+02:00).
    expect(r.stdout).toMatch(/2026-06-21 +den +sunset 21:3\d/);
  });

  it("start warns once Home Assistant's entities are known about the configured ones it lacks", async () => {
    const child = cli(["start", "--config", config()], { ...haEnv(), CALM_MQTT_URL: broker.url });
    await waitFor(() => /do not exist in Home Assistant/.test(child.out()), {
      timeoutMs: 20_000,
      what: "the missing-entities warning",
    });
    const line =
      child
        .out()
        .split("\n")
        .find((l) => l.includes("do not exist in Home Assistant")) ?? "";
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      component: "setup",
      missing: expect.arrayContaining(["light.porch (rooms.living_room.lights)"]),
    });
  });
});

describe("calm-hub start with the broker and Home Assistant unreachable", () => {
  it("names each address, says it is retrying, and which setting to change", async () => {
    const child = cli(["start", "--config", "config/examples/home.yaml"], {
      CALM_MQTT_URL: "mqtt://127.0.0.1:9",
      CALM_HA_URL: "http://127.0.0.1:9",
      CALM_HA_TOKEN: "token",
    });
    await waitFor(() => /CALM_MQTT_URL/.test(child.out()) && /CALM_HA_URL/.test(child.out()), {
      timeoutMs: 20_000,
      what: "both unreachable lines",
    });
    const lines = child.out().split("\n");
    expect(lines.find((l) => l.includes("CALM_MQTT_URL"))).toMatch(
      /MQTT broker at mqtt:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*; retrying every 2 s \(check mqtt\.url or CALM_MQTT_URL\)/,
    );
    expect(lines.find((l) => l.includes("CALM_HA_URL"))).toMatch(
      /cannot connect to Home Assistant at http:\/\/127\.0\.0\.1:9; retrying .*\(check home_assistant\.url or CALM_HA_URL\)/,
    );
    // Without a broker the start gives up after 15 s, saying so; the client retried every 2 s meanwhile,
    // and that is one line, not one per attempt.
    await waitFor(() => /calm-hub could not start/.test(child.out()), {
      timeoutMs: 25_000,
      what: "the start failing",
    });
    expect(child.out()).toContain(
      "calm-hub could not start: cannot reach the MQTT broker at mqtt://127.0.0.1:9 within 15 s; is it running? (check mqtt.url or CALM_MQTT_URL)",
    );
    expect(child.out().match(/retrying every 2 s/g)).toHaveLength(1);
  }, 45_000);
});
