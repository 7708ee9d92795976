// The install paths of docs/install.md, tested as far as this machine can: the systemd unit with
// systemd-analyze, the compose file's Mosquitto config with the real Mosquitto, the image's health check
// against a real hub, the add-on's entrypoint as a plain process, and docker build where a daemon answers.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Hub } from "../../hub/hub.js";
import { requirePeerInCi, startTestBroker, type TestBroker } from "../support/broker.js";
import { startTestHub, tempDir } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

/** Whether a program is installed (it ran at all, whatever it answered). */
const installed = (cmd: string): boolean =>
  spawnSync(cmd, ["--help"], { stdio: "ignore" }).error === undefined;
const answers = (cmd: string, args: string[]): boolean =>
  spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

/** A child node process, asynchronously: the peers it talks to (a hub, a fake Supervisor) run in this one. */
function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("systemd unit", () => {
  const unit = readFileSync("deploy/systemd/calm-hub.service", "utf8");
  const settings = (key: string): string[] =>
    unit
      .split("\n")
      .filter((l) => l.startsWith(`${key}=`))
      .map((l) => l.slice(key.length + 1));

  it("is hardened: its own throw-away user, a state directory, a read-only system, no new privileges", () => {
    expect(settings("DynamicUser")).toEqual(["yes"]);
    expect(settings("StateDirectory")).toEqual(["calm-hub"]);
    expect(settings("Environment").join(" ")).toContain("CALM_DATA_DIR=/var/lib/calm-hub");
    expect(settings("ProtectSystem")).toEqual(["strict"]);
    expect(settings("NoNewPrivileges")).toEqual(["yes"]);
    expect(settings("Restart")).toEqual(["on-failure"]);
    expect(settings("CapabilityBoundingSet")).toEqual([""]);
    expect(settings("ExecStart")[0]).toMatch(
      /dist\/hub\/bin\.js start --config \/etc\/calm-hub\/calm-hub\.yaml$/,
    );
  });

  it.runIf(installed("systemd-analyze"))("passes systemd-analyze verify", () => {
    const r = spawnSync("systemd-analyze", ["verify", "deploy/systemd/calm-hub.service"], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("Docker image and compose file", () => {
  const dockerfile = readFileSync("deploy/docker/Dockerfile", "utf8");

  it("builds in two Node 24 stages and runs as a non-root user with a data volume and a health check", () => {
    const stages = dockerfile.split("\n").filter((l) => l.startsWith("FROM "));
    expect(stages).toEqual(["FROM node:24-bookworm-slim AS build", "FROM node:24-bookworm-slim"]);
    const final = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(final).toMatch(/\nUSER node\n/);
    expect(final).toContain('VOLUME ["/data"]');
    expect(final).toContain("CALM_DATA_DIR=/data");
    expect(final).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \[.*\/api\/health/);
  });

  describe("its health check", () => {
    let broker: TestBroker;
    let hub: Hub;
    beforeAll(async () => {
      broker = await startTestBroker();
      hub = await startTestHub({ mqttUrl: broker.url, base: broker.base, http: true });
    });
    afterAll(async () => {
      await hub.stop();
      await broker.stop();
    });
    const healthCheck = (): string[] => {
      const line = /HEALTHCHECK[^\n]*\\\n\s+CMD (\[.*\])/.exec(dockerfile)?.[1] ?? "[]";
      return JSON.parse(line) as string[];
    };

    it("passes against a running hub and fails when nothing answers", async () => {
      const [cmd, ...args] = healthCheck();
      expect(cmd).toBe("node");
      const port = new URL(hub.apiUrl).port;
      expect((await runNode(args, { CALM_HTTP_PORT: port })).code).toBe(0);
      expect((await runNode(args, { CALM_HTTP_PORT: "9" })).code).toBe(1);
    });
  });

  it("runs the hub against a Mosquitto that requires a password", () => {
    const compose = parse(readFileSync("deploy/docker/compose.yaml", "utf8")) as {
      services: Record<
        string,
        { environment?: Record<string, string>; volumes?: string[]; depends_on?: unknown }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(["calm-hub", "mosquitto", "mosquitto-passwd"]);
    const hubEnv = compose.services["calm-hub"]?.environment ?? {};
    expect(hubEnv.CALM_MQTT_URL).toBe("mqtt://mosquitto:1883");
    expect(hubEnv.CALM_MQTT_PASSWORD).toBe(["$", "{CALM_MQTT_PASSWORD}"].join("")); // compose interpolates it from .env
    expect(compose.services.mosquitto?.volumes).toContain(
      "./mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro",
    );
    const conf = readFileSync("deploy/docker/mosquitto/mosquitto.conf", "utf8");
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^password_file \/mosquitto\/passwd\/passwd$/m);
  });

  describe("its Mosquitto config, in the real Mosquitto", () => {
    const bin = installed("mosquitto") ? "mosquitto" : "/usr/sbin/mosquitto";
    const available = requirePeerInCi(installed(bin) && installed("mosquitto_passwd"), "mosquitto");
    let broker: ChildProcess | undefined;
    let url = "";
    afterAll(() => {
      broker?.kill("SIGTERM");
    });

    it.runIf(available)("refuses anonymous clients and lets the users from .env in", async () => {
      const dir = tempDir("calm-mosquitto-");
      const passwd = join(dir, "passwd");
      writeFileSync(passwd, "", { mode: 0o700 });
      // What the compose file's mosquitto-passwd service runs.
      expect(spawnSync("mosquitto_passwd", ["-b", passwd, "calm-hub", "s3cret-hub"]).status).toBe(0);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const conf = readFileSync("deploy/docker/mosquitto/mosquitto.conf", "utf8")
        .replace("/mosquitto/passwd/passwd", passwd)
        .replace("/mosquitto/data/", `${dir}/`)
        .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
        // Started as root, Mosquitto would become the mosquitto user, which cannot read this test's folder;
        // in the container that user owns the password file (the compose file's chown).
        .concat(process.getuid?.() === 0 ? "\nuser root\n" : "");
      writeFileSync(join(dir, "mosquitto.conf"), conf);
      broker = spawn(bin, ["-c", join(dir, "mosquitto.conf")], { stdio: "ignore" });
      url = `mqtt://127.0.0.1:${port}`;
      const attempt = (opts: mqtt.IClientOptions): Promise<string> =>
        new Promise((resolve) => {
          const c = mqtt.connect(url, { ...opts, reconnectPeriod: 0, connectTimeout: 3_000 });
          c.once("connect", () => {
            c.end(true);
            resolve("connected");
          });
          c.once("error", (err) => {
            c.end(true);
            resolve(`refused: ${(err as Error & { code?: unknown }).code ?? err.message}`);
          });
        });
      await waitFor(
        async () => (await attempt({ username: "calm-hub", password: "s3cret-hub" })) === "connected",
        {
          timeoutMs: 10_000,
          what: "Mosquitto letting the hub's user in",
        },
      );
      expect(await attempt({})).toMatch(/^refused: (5|135)$/);
      expect(await attempt({ username: "calm-hub", password: "wrong" })).toMatch(/^refused: (4|5|134|135)$/);
    });
  });

  const dockerWorks = installed("docker") && answers("docker", ["info"]);
  it.runIf(dockerWorks)(
    "builds with docker (only where a Docker daemon answers)",
    () => {
      const r = spawnSync("docker", ["build", "-f", "deploy/docker/Dockerfile", "-t", "calm-hub:test", "."], {
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
    },
    900_000,
  );
});

describe("Home Assistant add-on", () => {
  let supervisor: Server;
  let supervisorUrl = "";
  // What the Supervisor answers while the Mosquitto broker add-on runs.
  const MOSQUITTO_ADDON = {
    status: 200,
    body: {
      result: "ok",
      data: {
        host: "core-mosquitto",
        port: 1883,
        ssl: false,
        username: "addons",
        password: "pw",
        protocol: "3.1.1",
      },
    },
  };
  let mqttAnswer: { status: number; body: unknown } = MOSQUITTO_ADDON;

  beforeAll(async () => {
    // The Supervisor's services API as the add-on sees it (`services: mqtt:need`): the Mosquitto add-on's
    // address and a user for this add-on, behind the add-on's SUPERVISOR_TOKEN.
    supervisor = createServer((req, res) => {
      const ok = req.headers.authorization === "Bearer supervisor-token" && req.url === "/services/mqtt";
      res.statusCode = ok ? mqttAnswer.status : 401;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(ok ? mqttAnswer.body : { result: "error", message: "unauthorized" }));
    });
    await new Promise<void>((r) => supervisor.listen(0, "127.0.0.1", r));
    supervisorUrl = `http://127.0.0.1:${(supervisor.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => supervisor.close(() => r())));
  beforeEach(() => {
    mqttAnswer = MOSQUITTO_ADDON;
  });

  async function addon(options: Record<string, unknown>, userConfig?: string) {
    const dir = tempDir("calm-addon-");
    const configDir = join(dir, "config");
    mkdirSync(configDir);
    writeFileSync(join(dir, "options.json"), JSON.stringify(options));
    if (userConfig !== undefined) writeFileSync(join(configDir, "calm-hub.yaml"), userConfig);
    const r = await runNode(["deploy/home-assistant-addon/run.mjs", "--print"], {
      CALM_ADDON_OPTIONS: join(dir, "options.json"),
      CALM_ADDON_CONFIG_DIR: configDir,
      CALM_ADDON_DATA_DIR: join(dir, "data"),
      CALM_HUB_DIR: process.cwd(),
      SUPERVISOR_URL: supervisorUrl,
      SUPERVISOR_TOKEN: "supervisor-token",
      CALM_MQTT_URL: "mqtt://should-not-win:1883",
    });
    return { ...r, dir, generated: join(dir, "data/calm-hub.generated.yaml") };
  }
  const checkConfig = (file: string) =>
    runNode(["--import", "tsx", "hub/cli.ts", "check-config", file], { CALM_MQTT_URL: "", CALM_HA_URL: "" });

  const manifest = parse(readFileSync("deploy/home-assistant-addon/config.yaml", "utf8")) as {
    options: Record<string, unknown>;
    schema: Record<string, unknown>;
    ingress: boolean;
    ingress_port: number;
    services: string[];
  };

  it("declares ingress on the hub's port, the Mosquitto add-on, and a schema for every option", () => {
    expect(manifest.ingress).toBe(true);
    expect(manifest.ingress_port).toBe(8787);
    expect(manifest.services).toEqual(["mqtt:need"]);
    expect(Object.keys(manifest.schema).sort()).toEqual(
      [...Object.keys(manifest.options), "time_zone"].sort(),
    );
  });

  it("turns the default options into a config check-config accepts, on first start from the example", async () => {
    const r = await addon(manifest.options);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("created");
    expect(r.stdout).toContain(`config ${r.generated}`);
    expect(r.stdout).toMatch(/^env CALM_MQTT_PASSWORD=\(set\) CALM_HA_TOKEN=\(set\) CALM_LOG_LEVEL=info$/m);
    expect(r.stdout).not.toContain("pw"); // the broker password is never printed nor written
    expect(readFileSync(r.generated, "utf8")).not.toContain('"pw"');
    expect(statSync(r.generated).mode & 0o777).toBe(0o600);
    const check = await checkConfig(r.generated);
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("OK (1 rule(s)");
    const config = parse(readFileSync(r.generated, "utf8")) as Record<string, Record<string, unknown>>;
    expect(config.mqtt).toMatchObject({ url: "mqtt://core-mosquitto:1883", username: "addons" });
    expect(config.home_assistant).toEqual({ url: `${supervisorUrl}/core` });
    expect(config.http).toMatchObject({ host: "0.0.0.0", port: 8787 });
  });

  it("keeps the user's file and lays the options over it", async () => {
    const r = await addon(
      {
        ...manifest.options,
        node_red: true,
        log_level: "debug",
        accept_unknown_people: false,
        allowed_hosts: ["calm.home.lan"],
        time_zone: "Europe/Berlin",
      },
      "people:\n  alice: { name: Alice }\nhttp:\n  port: 1234\nhome_assistant:\n  token: not-this-one\n",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("CALM_NODE_RED_HOST=0.0.0.0 CALM_NODE_RED_PORT=1880");
    expect(r.stdout).toMatch(/run calm-hub start --config \S+ --node-red$/m);
    const check = await checkConfig(r.generated);
    expect(check.stdout).toContain("OK (0 rule(s), 1 configured people)");
    expect(check.stdout).toContain("readings for people not listed under people are refused");
    const config = parse(readFileSync(r.generated, "utf8")) as Record<string, Record<string, unknown>>;
    expect(config.http?.port).toBe(8787); // ingress needs its port, whatever the file says
    expect(config.http?.allowed_hosts).toContain("calm.home.lan");
    expect(config.home_assistant?.token).toBeUndefined(); // the add-on's own token is used instead
    expect(config.time_zone).toBe("Europe/Berlin");
  });

  it("starts the hub on the Mosquitto add-on's broker with the mapped config, and stops on SIGTERM", async () => {
    const broker = await startTestBroker();
    const { hostname: host, port } = new URL(broker.url);
    mqttAnswer = {
      status: 200,
      body: {
        result: "ok",
        data: { host, port: Number(port), ssl: false, username: "addons", password: "pw" },
      },
    };
    const dir = tempDir("calm-addon-");
    writeFileSync(join(dir, "options.json"), JSON.stringify(manifest.options));
    const child = spawn(process.execPath, ["--import", "tsx", "deploy/home-assistant-addon/run.mjs"], {
      env: {
        ...process.env,
        CALM_ADDON_OPTIONS: join(dir, "options.json"),
        CALM_ADDON_CONFIG_DIR: join(dir, "config"),
        CALM_ADDON_DATA_DIR: join(dir, "data"),
        CALM_HUB_DIR: process.cwd(),
        CALM_HUB_CLI: join(process.cwd(), "hub/cli.ts"),
        SUPERVISOR_URL: supervisorUrl,
        SUPERVISOR_TOKEN: "supervisor-token",
        // Ingress's fixed port would collide on a shared test machine; nothing else in the run depends on it.
        CALM_ADDON_INGRESS_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    try {
      await waitFor(() => /Calm Hub is running\. MQTT (\S+),/.exec(out)?.[1], {
        timeoutMs: 30_000,
        what: "the hub running",
      });
      expect(out).toContain(`Calm Hub is running. MQTT ${broker.url}, Home Assistant ${supervisorUrl}/core`);
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await broker.stop();
    }
  }, 45_000);

  it("without the Mosquitto add-on, says to install it", async () => {
    mqttAnswer = { status: 400, body: { result: "error", message: "No mqtt service" } };
    const r = await addon(manifest.options);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^calm-hub add-on: no MQTT broker from the Supervisor: install and start the Mosquitto broker add-on/,
    );
  });
});
