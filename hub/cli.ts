#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { acceptsUnknownPeople, loadConfig } from "./config/index.js";
import { createRootLogger, HubError, ValidationError } from "./core/index.js";
import { evaluateCommand, hrvCommand } from "./detect/index.js";
import { Hub } from "./hub.js";
import { redactUrl } from "./mqtt/index.js";
import type { EmbeddedNodeRed } from "./nodered/index.js";
import {
  formatSchedule,
  localDate,
  parseScheduleArgs,
  planWindDowns,
  SCHEDULE_USAGE,
} from "./schedule/index.js";
import { VERSION } from "./version.js";

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
}

type Command = (argv: string[], io: CliIo) => Promise<number>;

const USAGE = `calm-hub ${VERSION}

Usage:
  calm-hub demo                         everything embedded: broker, Home Assistant simulator, wearables
  calm-hub start --config FILE [--node-red]
                                        connect to your broker and Home Assistant (and start the Node-RED editor)
  calm-hub check-config FILE            print every problem in a config file as "path: message"
  calm-hub schedule --config FILE       planned evening wind-downs (see: calm-hub schedule --help)
  calm-hub hrv FILE [--json] [--no-filter]
                                        HRV metrics of RR intervals (ms, one per line)
  calm-hub evaluate --dataset stress-predict --subjects S21-S35 [--json]
                                        replay labelled recordings through the detector
  calm-hub help                         this text

Environment overrides: CALM_MQTT_URL, CALM_HA_URL, CALM_HA_TOKEN, CALM_DATA_DIR, CALM_HTTP_PORT, CALM_API_TOKEN.
`;

/** Prints a config error as one "path: message" line per problem. */
export function printConfigError(err: unknown, io: CliIo): boolean {
  if (!(err instanceof ValidationError)) return false;
  io.stderr(`${err.message}:\n`);
  for (const issue of err.issues) io.stderr(`  ${issue.path}: ${issue.message}\n`);
  return true;
}

const checkConfig: Command = async (argv, io) => {
  const file = argv[0];
  if (!file) {
    io.stderr("usage: calm-hub check-config FILE\n");
    return 2;
  }
  try {
    const config = await loadConfig(file, io.env);
    io.stdout(
      `${file}: OK (${config.rules.length} rule(s), ${Object.keys(config.people).length} configured people)\n`,
    );
    io.stdout(
      acceptsUnknownPeople(config)
        ? `  readings for people not listed under people are accepted (at most ${config.ingest.max_people}; ingest.accept_unknown_people)\n`
        : "  readings for people not listed under people are refused (set ingest.accept_unknown_people: true to accept them)\n",
    );
    return 0;
  } catch (err) {
    if (printConfigError(err, io)) return 1;
    throw err;
  }
};

/**
 * Runs until SIGINT/SIGTERM, then stops everything in reverse order of start: `before` (what was started after
 * the hub, e.g. Node-RED), the hub, then `after` (what the hub needed, e.g. the demo's embedded peers).
 */
export async function runUntilSignal(
  hub: Hub,
  stops: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        hub.logger.warn({ component: "cli" }, "second signal: exiting now");
        process.exit(1);
      }
      stopping = true;
      hub.logger.info({ component: "cli", signal }, "stopping");
      void (async () => {
        await stops.before?.();
        await hub.stop();
        await stops.after?.();
      })().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

const start: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: "string", short: "c" }, "node-red": { type: "boolean", default: false } },
    allowPositionals: false,
  });
  if (!values.config) {
    io.stderr("usage: calm-hub start --config FILE [--node-red]\n");
    return 2;
  }
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(values.config, io.env);
  } catch (err) {
    if (printConfigError(err, io)) return 1;
    throw err;
  }
  const logger = createRootLogger();
  const hub = new Hub({ config, logger });
  try {
    await hub.start();
  } catch (err) {
    io.stderr(`calm-hub could not start: ${(err as Error).message}\n`);
    return 1;
  }
  io.stdout(
    `Calm Hub is running. MQTT ${redactUrl(config.mqtt.url)}, Home Assistant ${config.home_assistant.url}, API ${hub.apiUrl}\n`,
  );
  let nodeRed: EmbeddedNodeRed | undefined;
  if (values["node-red"]) {
    // Loaded only here and in the demo: a plain `start` never pulls in Node-RED (an optional dependency).
    const { startNodeRed } = await import("./nodered/index.js");
    nodeRed = await startNodeRed({
      hubUrl: hub.apiUrl,
      apiToken: hub.apiToken,
      userDir: join(config.data_dir, "node-red"),
      logger,
      allowedHosts: config.http.allowed_hosts,
    });
    io.stdout(`Node-RED editor with the calm nodes: ${nodeRed.editorUrl}\n`);
    const login = nodeRed.login;
    if (login)
      // Printed on the console only, like the API token: the structured log never carries it.
      io.stdout(
        login.generated
          ? `  editor login: ${login.username} / ${login.password} (saved to ${login.passwordFile}, mode 0600)\n`
          : `  editor login: ${login.username}, password in ${login.passwordFile}\n`,
      );
  }
  return runUntilSignal(hub, { before: async () => nodeRed?.stop() });
};

const schedule: Command = async (argv, io) => {
  const args = parseScheduleArgs(argv);
  if (args.help) {
    io.stdout(`${SCHEDULE_USAGE}\n`);
    return 0;
  }
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(args.config, io.env);
  } catch (err) {
    if (printConfigError(err, io)) return 1;
    throw err;
  }
  const location = args.location ?? config.location;
  if (!location) {
    io.stderr(
      "calm-hub schedule: no location: pass --lat, --lon and --tz, or set location in the config file\n",
    );
    return 2;
  }
  if (config.wind_down.length === 0) {
    io.stderr(`calm-hub schedule: ${args.config} has no wind_down section; nothing to plan\n`);
    return 1;
  }
  const plans = planWindDowns(config.wind_down, {
    from: args.from ?? localDate(Date.now(), location.time_zone),
    days: args.days,
    location,
  });
  io.stdout(`${formatSchedule(plans, { json: args.json })}\n`);
  return 0;
};

// The demo's broker and simulators load with it, never with `start`.
const demo: Command = async (argv, io) => (await import("./demo.js")).runDemo(argv, io, runUntilSignal);

const commands: Record<string, Command> = {
  "check-config": checkConfig,
  demo,
  evaluate: (argv, io) => evaluateCommand(argv, io),
  hrv: (argv, io) => hrvCommand(argv, io),
  schedule,
  start,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof HubError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** Runs the CLI in this process with its real stdout, stderr and environment, then exits. */
export function runCli(argv: string[]): void {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (p) => readFile(p, "utf8"),
    env: process.env,
  };
  main(argv, io).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`calm-hub: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) runCli(process.argv.slice(2));
