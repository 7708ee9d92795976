// The add-on's entrypoint: turns the add-on options (/data/options.json) and the Mosquitto add-on's
// credentials (the Supervisor's services API) into a config file and CALM_* variables, then starts the hub in
// this process (PID 1 under the add-on's init, so the Supervisor's SIGTERM reaches the hub itself).
// `node run.mjs --print` writes the config and prints what it would start, without starting it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const env = process.env;
const OPTIONS_FILE = env.CALM_ADDON_OPTIONS ?? "/data/options.json";
const CONFIG_DIR = env.CALM_ADDON_CONFIG_DIR ?? "/config"; // the add-on's own folder (addon_config)
const DATA_DIR = env.CALM_ADDON_DATA_DIR ?? "/data";
const HUB_DIR = env.CALM_HUB_DIR ?? "/opt/calm-hub";
const SUPERVISOR = (env.SUPERVISOR_URL ?? "http://supervisor").replace(/\/+$/, "");
// config.yaml's ingress_port; the tests pick a free one (0) on a shared machine.
const INGRESS_PORT = Number(env.CALM_ADDON_INGRESS_PORT ?? 8787);

function fail(message) {
  process.stderr.write(`calm-hub add-on: ${message}\n`);
  process.exit(1);
}

function readOptions() {
  let options;
  try {
    options = JSON.parse(readFileSync(OPTIONS_FILE, "utf8"));
  } catch (err) {
    fail(`cannot read the add-on options at ${OPTIONS_FILE}: ${err.message}`);
  }
  const o = {
    config_file:
      typeof options.config_file === "string" && options.config_file ? options.config_file : "calm-hub.yaml",
    log_level: ["error", "warn", "info", "debug"].includes(options.log_level) ? options.log_level : "info",
    node_red: options.node_red === true,
    accept_unknown_people: options.accept_unknown_people !== false,
    allowed_hosts: Array.isArray(options.allowed_hosts)
      ? options.allowed_hosts.filter((h) => typeof h === "string")
      : [],
    time_zone: typeof options.time_zone === "string" && options.time_zone ? options.time_zone : undefined,
  };
  if (o.config_file.includes("..") || o.config_file.startsWith("/"))
    fail(`config_file must be a file name in the add-on's config folder, got "${o.config_file}"`);
  return o;
}

/** The Mosquitto add-on's address and a user for this add-on, from `services: mqtt:need`. */
async function mqttService(token) {
  let res;
  try {
    res = await fetch(`${SUPERVISOR}/services/mqtt`, { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    fail(`cannot reach the Supervisor at ${SUPERVISOR} (${err.message})`);
  }
  const body = await res.json().catch(() => ({}));
  const d = body?.data;
  if (!res.ok || typeof d?.host !== "string")
    fail(
      "no MQTT broker from the Supervisor: install and start the Mosquitto broker add-on (Settings → Add-ons → Add-on store), then restart this add-on",
    );
  return d;
}

function loadYaml(text, file) {
  const { parse } = createRequire(join(HUB_DIR, "package.json"))("yaml");
  try {
    const value = parse(text) ?? {};
    if (typeof value !== "object" || Array.isArray(value)) fail(`${file} must be a YAML mapping`);
    return value;
  } catch (err) {
    fail(`${file} is not valid YAML: ${err.message.split("\n")[0]}`);
  }
}

/** The container's host name (local-calm-hub), when it is one http.allowed_hosts takes. */
function ownName() {
  const name = hostname().toLowerCase();
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name) ? [name] : [];
}

const options = readOptions();
const token = env.SUPERVISOR_TOKEN;
if (!token) fail("SUPERVISOR_TOKEN is not set (homeassistant_api: true in config.yaml gives it)");

// The user's config lives in the add-on's config folder, so it survives updates and is editable with the
// File editor add-on; the first start puts the smallest useful one there.
const userFile = join(CONFIG_DIR, options.config_file);
if (!existsSync(userFile)) {
  mkdirSync(CONFIG_DIR, { recursive: true });
  copyFileSync(join(HUB_DIR, "config/examples/stress-scene.yaml"), userFile);
  process.stdout.write(
    `calm-hub add-on: created ${userFile} from the stress-scene example; edit it and restart\n`,
  );
}
const user = loadYaml(readFileSync(userFile, "utf8"), userFile);
const mqtt = await mqttService(token);

// The add-on owns where the hub listens, stores and connects; everything else is the user's file.
const config = {
  ...user,
  data_dir: DATA_DIR,
  http: {
    ...user.http,
    host: "0.0.0.0",
    port: INGRESS_PORT,
    // Ingress reaches the hub by its container name; the user may add the names they browse to directly.
    allowed_hosts: [
      ...new Set([...(user.http?.allowed_hosts ?? []), ...options.allowed_hosts, ...ownName()]),
    ],
  },
  mqtt: {
    ...user.mqtt,
    url: `${mqtt.ssl ? "mqtts" : "mqtt"}://${mqtt.host}:${mqtt.port ?? (mqtt.ssl ? 8883 : 1883)}`,
    ...(typeof mqtt.username === "string" ? { username: mqtt.username } : {}),
  },
  home_assistant: { ...user.home_assistant, url: `${SUPERVISOR}/core` },
  ingest: { ...user.ingest, accept_unknown_people: options.accept_unknown_people },
  ...(options.time_zone ? { time_zone: options.time_zone } : {}),
};
delete config.mqtt.password;
delete config.home_assistant.token;

// JSON is YAML: the hub reads it as any config file. Secrets stay out of it (they go in the environment).
const generated = join(DATA_DIR, "calm-hub.generated.yaml");
mkdirSync(DATA_DIR, { recursive: true });
writeFileSync(
  generated,
  `# Written by the add-on at every start from ${userFile} and the add-on options; edit those instead.\n${JSON.stringify(config, null, 2)}\n`,
  { mode: 0o600 },
);
chmodSync(generated, 0o600);

for (const name of [
  "CALM_MQTT_URL",
  "CALM_MQTT_USERNAME",
  "CALM_HA_URL",
  "CALM_DATA_DIR",
  "CALM_HTTP_PORT",
  "CALM_HTTP_HOST",
])
  delete env[name];
if (typeof mqtt.password === "string") env.CALM_MQTT_PASSWORD = mqtt.password;
env.CALM_HA_TOKEN = token;
env.CALM_LOG_LEVEL = options.log_level;
if (options.node_red) {
  // The editor is reached on the add-on's port 1880 from the network, so it listens there, with its login on.
  env.CALM_NODE_RED_HOST = "0.0.0.0";
  env.CALM_NODE_RED_PORT = "1880";
}
const args = ["start", "--config", generated, ...(options.node_red ? ["--node-red"] : [])];

if (process.argv.includes("--print")) {
  const set = [
    "CALM_MQTT_PASSWORD",
    "CALM_HA_TOKEN",
    "CALM_LOG_LEVEL",
    "CALM_NODE_RED_HOST",
    "CALM_NODE_RED_PORT",
  ]
    .filter((n) => env[n] !== undefined)
    .map((n) => (/PASSWORD|TOKEN/.test(n) ? `${n}=(set)` : `${n}=${env[n]}`));
  process.stdout.write(`config ${generated}\nenv ${set.join(" ")}\nrun calm-hub ${args.join(" ")}\n`);
  process.exit(0);
}

process.umask(0o077);
// CALM_HUB_CLI: the tests start the hub from its sources (hub/cli.ts under tsx) instead of dist/.
const { runCli } = await import(pathToFileURL(env.CALM_HUB_CLI ?? join(HUB_DIR, "dist/hub/cli.js")).href);
runCli(args);
