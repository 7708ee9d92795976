#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandArgs, usageError } from "./cli-args.js";
import {
  acceptsUnknownPeople,
  type Config,
  closestWord,
  ENV_OVERRIDES,
  type Location,
  loadConfig,
} from "./config/index.js";
import { createRootLogger, HubError, ValidationError } from "./core/index.js";
import { DEMO_HELP } from "./demo-help.js";
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
import {
  calmScenes,
  configuredEntities,
  formatMissing,
  missingEntities,
  peopleOf,
  scenesYaml,
  withHomeAssistant,
} from "./setup/index.js";
import { testSourceCommand } from "./test-source/index.js";
import { VERSION } from "./version.js";

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
}

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Every variable the hub reads, for `calm-hub --help`; a test holds it to the loader's ENV_OVERRIDES. */
const ENVIRONMENT: Record<string, string> = {
  CALM_MQTT_URL: "broker URL (mqtt.url)",
  CALM_MQTT_USERNAME: "broker user (mqtt.username)",
  CALM_MQTT_PASSWORD: "broker password (mqtt.password)",
  CALM_HA_URL: "Home Assistant base URL (home_assistant.url)",
  CALM_HA_TOKEN: "Home Assistant long-lived access token (home_assistant.token)",
  CALM_DATA_DIR: "database, token and Node-RED files (data_dir)",
  CALM_HTTP_HOST: "dashboard and API listen address (http.host; 0.0.0.0 in a container)",
  CALM_HTTP_PORT: "dashboard and API port (http.port)",
  CALM_API_TOKEN: "API bearer token (http.token)",
  CALM_NODE_RED_PORT: "Node-RED editor port (default 1880; 0 picks a free one)",
  CALM_NODE_RED_HOST: "Node-RED listen address (default 127.0.0.1; anything else turns on its login)",
  CALM_LOG_LEVEL: "log level: error, warn, info (default), debug; debug also shows stack traces",
};
function environmentHelp(names: readonly string[] = Object.keys(ENVIRONMENT)): string {
  return names.map((n) => `  ${n.padEnd(20)} ${ENVIRONMENT[n] ?? ""}`).join("\n");
}

/** Prints a config error as one "path: message" line per problem. */
export function printConfigError(err: unknown, io: CliIo): boolean {
  if (!(err instanceof ValidationError)) return false;
  io.stderr(`${err.message}:\n`);
  for (const issue of err.issues) io.stderr(`  ${issue.path}: ${issue.message}\n`);
  return true;
}

const CHECK_CONFIG_HELP = `Usage: calm-hub check-config FILE [--ha]

Validates a config file and prints every problem as "path: message (line N)"; exits 1 if there is one.
  --ha        also connect to Home Assistant (home_assistant.url and token, or CALM_HA_URL and
              CALM_HA_TOKEN) and list the configured entities it does not have
  -h, --help  this text

The CALM_* variables apply, as they do for start:
${environmentHelp(Object.keys(ENV_OVERRIDES))}`;

async function loadOrPrint(file: string, io: CliIo): Promise<Config | number> {
  try {
    return await loadConfig(file, io.env);
  } catch (err) {
    if (printConfigError(err, io)) return 1;
    throw err;
  }
}

const checkConfig: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs("check-config", argv, { ha: { type: "boolean" } }, true);
  const [file, extra] = positionals;
  if (!file) throw usageError("check-config", "name the config file, e.g. calm-hub check-config config.yaml");
  if (extra !== undefined) throw usageError("check-config", `one FILE only, got also "${extra}"`);
  const config = await loadOrPrint(file, io);
  if (typeof config === "number") return config;
  io.stdout(
    `${file}: OK (${config.rules.length} rule(s), ${Object.keys(config.people).length} configured people)\n`,
  );
  io.stdout(
    acceptsUnknownPeople(config)
      ? `  readings for people not listed under people are accepted (at most ${config.ingest.max_people}; ingest.accept_unknown_people)\n`
      : "  readings for people not listed under people are refused (set ingest.accept_unknown_people: true to accept them)\n",
  );
  if (!values.ha) return 0;
  const configured = configuredEntities(config, peopleOf(config));
  const states = await withHomeAssistant(config.home_assistant.url, config.home_assistant.token, (ha) =>
    ha.states(),
  );
  const missing = missingEntities(
    configured,
    states.map((s) => s.entity_id),
  );
  if (missing.length === 0) {
    io.stdout(
      `  Home Assistant at ${config.home_assistant.url} has all ${new Set(configured.map((c) => c.entity_id)).size} configured entities\n`,
    );
    return 0;
  }
  io.stderr(
    `  ${missing.length} configured entit${missing.length === 1 ? "y does" : "ies do"} not exist in Home Assistant:\n`,
  );
  for (const line of formatMissing(missing)) io.stderr(`    ${line}\n`);
  if (missing.some((m) => m.entity_id.startsWith("scene.calm_")))
    io.stderr(
      `  The calm scenes: calm-hub scenes --config ${file} prints them for scenes.yaml (or --create).\n`,
    );
  return 1;
};

/**
 * Once Home Assistant's entities are known, warns about configured ones it does not have (a renamed light, a
 * scene never created): otherwise the first sign is a failed call the moment someone is stressed.
 */
function warnAboutMissingEntities(hub: Hub): void {
  const check = (): void => {
    void hub.ha.command<{ entity_id: string }[]>({ type: "get_states" }).then(
      (states) => {
        const config = hub.config;
        const missing = missingEntities(
          configuredEntities(config, peopleOf(config)),
          states.map((s) => s.entity_id),
        );
        if (missing.length > 0)
          hub.logger.warn(
            { component: "setup", missing: formatMissing(missing) },
            `${missing.length} configured entities do not exist in Home Assistant (calm-hub check-config --ha lists them; calm-hub scenes prints the calm scenes)`,
          );
      },
      () => undefined,
    );
  };
  if (hub.ha.state === "online") {
    check();
    return;
  }
  const off = hub.ha.onState((state) => {
    if (state !== "online") return;
    off();
    check();
  });
}

/** Taken when the CLI loads: a parent that dies during start-up must count too. */
const STARTED_BY = process.ppid;

/**
 * Runs until SIGINT/SIGTERM, then stops everything in reverse order of start: `before` (what was started after
 * the hub, e.g. Node-RED), the hub, then `after` (what the hub needed, e.g. the demo's embedded peers).
 */
export async function runUntilSignal(
  hub: Hub,
  stops: { before?: () => Promise<void>; after?: () => Promise<void>; until?: Promise<unknown> } = {},
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
    const onSignal = (signal: NodeJS.Signals) => () => stop(signal);
    process.once("SIGINT", onSignal("SIGINT"));
    process.once("SIGTERM", onSignal("SIGTERM"));
    process.once("SIGHUP", onSignal("SIGHUP"));
    // A timed run (`demo --duration`) ends as a signal would, through the same stops.
    const timeUp = (): void => {
      if (!stopping) stop("time is up");
    };
    stops.until?.then(timeUp, timeUp);
    // Under `npx`, npm hands a signal to the shell it started the hub with, and that shell dies of SIGTERM
    // without passing it on: a new parent means whoever started the hub is gone, so stop as for a signal.
    const watch = setInterval(() => {
      if (process.ppid === STARTED_BY) return;
      clearInterval(watch);
      stop("parent exited");
    }, 1_000);
    watch.unref();
  });
}

const START_HELP = `Usage: calm-hub start --config FILE [--node-red]

Connects to your MQTT broker and Home Assistant and runs until Ctrl+C (SIGINT) or SIGTERM.
  -c, --config FILE   the config file (check it first: calm-hub check-config FILE)
  --node-red          also start the Node-RED editor with the calm nodes (CALM_NODE_RED_PORT, default 1880)
  -h, --help          this text

Environment (wins over the file):
${environmentHelp()}`;

const start: Command = async (argv, io) => {
  const { values } = parseCommandArgs("start", argv, {
    config: { type: "string", short: "c" },
    "node-red": { type: "boolean", default: false },
  });
  if (!values.config)
    throw usageError("start", "--config FILE is required, e.g. --config config/examples/home.yaml");
  const config = await loadOrPrint(values.config, io);
  if (typeof config === "number") return config;
  const logger = createRootLogger();
  const hub = new Hub({ config, logger });
  try {
    await hub.start();
  } catch (err) {
    io.stderr(`calm-hub could not start: ${(err as Error).message}\n`);
    return 1;
  }
  warnAboutMissingEntities(hub);
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
  const config = await loadOrPrint(args.config, io);
  if (typeof config === "number") return config;
  const location = args.location ?? config.location ?? (await haLocation(config, io));
  if (!location) {
    io.stderr(
      "calm-hub schedule: no location: set location: { latitude, longitude, time_zone } in the config file, " +
        "pass --lat, --lon and --tz, or set CALM_HA_URL and CALM_HA_TOKEN to use Home Assistant's\n",
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

/** Home Assistant's own location (Settings → System → General), as `start` would use it; needs a token. */
async function haLocation(config: Config, io: CliIo): Promise<Location | undefined> {
  if (!config.home_assistant.token) return undefined;
  try {
    const ha = await withHomeAssistant(config.home_assistant.url, config.home_assistant.token, (s) =>
      s.config(),
    );
    io.stderr(`  (location from Home Assistant at ${config.home_assistant.url})\n`);
    return { latitude: ha.latitude, longitude: ha.longitude, time_zone: ha.time_zone };
  } catch (err) {
    io.stderr(`calm-hub schedule: ${(err as Error).message}\n`);
    return undefined;
  }
}

const SCENES_HELP = `Usage: calm-hub scenes --config FILE [--person ID]... [--light ENTITY]... [--create]

The example rule and the voice flow turn on scene.calm_<person> and scene.calm_night_<person>. This prints
them as a block for Home Assistant's scenes.yaml: the person's room lights at the calm episode's brightness
(episodes.brightness_pct, night_brightness_pct) and warmth (episodes.color_temp_kelvin).
  -c, --config FILE   the config file (its people and rooms)
  --person ID         a person the config does not list (repeatable), e.g. for stress-scene.yaml
  --light ENTITY      a light to add to every scene (repeatable), when the config has no rooms
  --create            create them now in Home Assistant with scene.create (CALM_HA_URL, CALM_HA_TOKEN);
                      such scenes last until Home Assistant restarts: keep the YAML for good
  -h, --help          this text`;

const scenes: Command = async (argv, io) => {
  const { values } = parseCommandArgs("scenes", argv, {
    config: { type: "string", short: "c" },
    person: { type: "string", multiple: true },
    light: { type: "string", multiple: true },
    create: { type: "boolean", default: false },
  });
  if (!values.config) throw usageError("scenes", "--config FILE is required");
  const config = await loadOrPrint(values.config, io);
  if (typeof config === "number") return config;
  const people = peopleOf(config, values.person ?? []);
  if (people.length === 0)
    throw usageError(
      "scenes",
      `${values.config} lists no people: name them with --person, e.g. --person alice`,
    );
  const list = calmScenes(config, people, values.light ?? []);
  if (list.some((s) => Object.keys(s.entities).length === 0))
    io.stderr(
      "calm-hub scenes: no lights for some scenes: add rooms with lights to the config, or --light\n",
    );
  if (!values.create) {
    io.stdout(scenesYaml(list));
    return 0;
  }
  await withHomeAssistant(config.home_assistant.url, config.home_assistant.token, async (ha) => {
    for (const scene of list) {
      if (Object.keys(scene.entities).length === 0) continue;
      await ha.call("scene", "create", { scene_id: scene.id, entities: scene.entities });
      io.stdout(`created scene.${scene.id} (${Object.keys(scene.entities).join(", ")})\n`);
    }
  });
  io.stdout(
    "These last until Home Assistant restarts; for good, add the output of this command without --create to scenes.yaml.\n",
  );
  return 0;
};

interface CommandSpec {
  /** The synopsis line of the overview. */
  usage: string;
  /** What it does, in a few words, for the overview. */
  summary: string;
  /** The command's --help text; undefined when the command prints its own (its --help is passed through). */
  help: string | undefined;
  run: Command;
}

/** Every command, in the order `calm-hub --help` lists them. One entry per command, help included. */
const COMMANDS: Record<string, CommandSpec> = {
  demo: {
    usage: "calm-hub demo [--duration S] [--no-node-red] [--data-dir DIR]",
    summary: "everything embedded: broker, Home Assistant simulator, wearables",
    help: DEMO_HELP,
    // The demo's broker and simulators load with it, never with `start`.
    run: async (argv, io) => (await import("./demo.js")).runDemo(argv, io, runUntilSignal),
  },
  start: {
    usage: "calm-hub start --config FILE [--node-red]",
    summary: "connect to your broker and Home Assistant (and start the Node-RED editor)",
    help: START_HELP,
    run: start,
  },
  "check-config": {
    usage: "calm-hub check-config FILE [--ha]",
    summary: 'print every problem in a config file as "path: message"',
    help: CHECK_CONFIG_HELP,
    run: checkConfig,
  },
  scenes: {
    usage: "calm-hub scenes --config FILE [--create]",
    summary: "the calm scenes (scene.calm_<person>) for Home Assistant's scenes.yaml",
    help: SCENES_HELP,
    run: scenes,
  },
  schedule: {
    usage: "calm-hub schedule --config FILE",
    summary: "planned evening wind-downs",
    help: undefined,
    run: schedule,
  },
  hrv: {
    usage: "calm-hub hrv FILE [--json] [--no-filter]",
    summary: "HRV metrics of RR intervals (ms, one per line)",
    help: undefined,
    run: (argv, io) => hrvCommand(argv, io),
  },
  "test-source": {
    usage: "calm-hub test-source [--config FILE] [--person P] [--seconds N]",
    summary: "watch each configured wearable source live: readings arriving, and why one is refused",
    help: undefined,
    run: (argv, io) => testSourceCommand(argv, io),
  },
  evaluate: {
    usage: "calm-hub evaluate --dataset stress-predict|wesad-hrv [--subjects S21-S35] [--json] [--out DIR]",
    summary: "replay labelled recordings through the detector",
    help: undefined,
    run: (argv, io) => evaluateCommand(argv, io),
  },
  "evaluate-learning": {
    usage: "calm-hub evaluate-learning [--episodes N] [--seed S] [--json]",
    summary: "simulated people: how well the hub learns each one's best recipe",
    help: undefined,
    run: async (argv, io) => (await import("./learn/index.js")).evaluateLearningCommand(argv, io),
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).flatMap((c) =>
    c.usage.length <= 38
      ? [`  ${c.usage.padEnd(38)}${c.summary}`]
      : [`  ${c.usage}`, `${" ".repeat(40)}${c.summary}`],
  );
  return `calm-hub ${VERSION}

Usage:
${lines.join("\n")}
  calm-hub COMMAND --help               the options of one command
  calm-hub --version                    the version

Environment:
${environmentHelp()}
`;
}

function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === "--") return false;
    if (arg === "-h" || arg === "--help") return true;
  }
  return false;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const guess = closestWord(name, Object.keys(COMMANDS));
    io.stderr(
      `calm-hub: unknown command "${name}"${guess ? `; did you mean ${guess}?` : ""} (calm-hub --help lists them)\n`,
    );
    return 2;
  }
  if (command.help !== undefined && wantsHelp(rest)) {
    io.stdout(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof HubError) {
      io.stderr(`${err.message}\n`);
      return err.code === "CALM_ERR_USAGE" ? 2 : 1;
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
      // A stack trace helps a bug report, not a user: one line, the stack on request.
      const debug = /^(debug|trace)$/.test(process.env.CALM_LOG_LEVEL ?? "");
      const text = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
      process.stderr.write(
        `calm-hub: ${text}\n${debug ? "" : "  (CALM_LOG_LEVEL=debug shows where it happened)\n"}`,
      );
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
