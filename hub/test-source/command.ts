import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { type Config, loadConfig, parseConfig } from "../config/index.js";
import { type Clock, silentLogger, systemClock, ValidationError } from "../core/index.js";
import { HaLink } from "../ha/index.js";
import { credentialOptions, fatalConnectProblem, redactUrl } from "../mqtt/index.js";
import { describeValues, SourceWatch, type WatchEvent, type WatchedSource } from "./watch.js";

export interface TestSourceIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export const TEST_SOURCE_USAGE = `Usage: calm-hub test-source [--config FILE] [--person P] [--seconds N]

Connects to the configured MQTT broker (and Home Assistant, for sensor sources), subscribes to every
wearable source in the config, and prints each reading as it arrives: whose, from where, the values, and
whether the hub would accept it or exactly why it would refuse it. Ends with a summary per person.

  --config FILE   the hub's config file (without it: the broker from CALM_MQTT_URL, native topics only)
  --person P      only this person's sources
  --seconds N     stop after N seconds (default: run until Ctrl-C)

Run it next to the hub or instead of it: it has its own MQTT session and changes nothing.
Exit status: 0 when every person shown sent at least one accepted reading, 1 otherwise, 2 for bad arguments.
`;

const MQTT_CONNECT_TIMEOUT_MS = 10_000;

/** `calm-hub test-source`: the wiring check a user runs after setting up a bridge. */
export async function testSourceCommand(
  argv: string[],
  io: TestSourceIo,
  deps: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<number> {
  let values: { config?: string; person?: string; seconds?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string", short: "c" },
        person: { type: "string", short: "p" },
        seconds: { type: "string", short: "s" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`calm-hub test-source: ${(err as Error).message}\n\n${TEST_SOURCE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(TEST_SOURCE_USAGE);
    return 0;
  }
  let seconds: number | undefined;
  if (values.seconds !== undefined) {
    seconds = Number(values.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      io.stderr(`calm-hub test-source: --seconds wants a positive number, got "${values.seconds}"\n`);
      return 2;
    }
  }

  let config: Config;
  try {
    config = values.config ? await loadConfig(values.config, io.env) : parseConfig("", io.env);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    io.stderr(`${err.message}:\n`);
    for (const issue of err.issues) io.stderr(`  ${issue.path}: ${issue.message}\n`);
    return 1;
  }
  const person = values.person;
  if (person !== undefined && !Object.hasOwn(config.people, person)) {
    const known = Object.keys(config.people);
    io.stderr(
      `calm-hub test-source: "${person}" is not under people in ${values.config ?? "the config"}` +
        (known.length ? ` (configured: ${known.join(", ")})\n` : "\n"),
    );
    return 2;
  }

  const clock = deps.clock ?? systemClock;
  const watch = new SourceWatch({ config, clock, person });
  const broker = redactUrl(config.mqtt.url);
  const print = (events: readonly WatchEvent[]): void => {
    for (const e of events) io.stdout(`${formatEvent(e, config, clock)}\n`);
  };

  io.stdout(
    `calm-hub test-source: watching ${watch.sources.length} source(s)` +
      `${person ? ` of ${person}` : ""} (${seconds ? `for ${seconds} s` : "Ctrl-C to stop"})\n`,
  );
  for (const s of watch.sources) io.stdout(`  ${s.person}  ${s.name}  (${describeSource(s)})\n`);

  let client: MqttClient;
  try {
    client = await connectMqtt(config);
  } catch (err) {
    const e = err as Error & { code?: unknown };
    io.stderr(
      `calm-hub test-source: cannot connect to the MQTT broker at ${broker}: ${fatalConnectProblem(e) ?? e.message}` +
        " (set mqtt.url in the config or CALM_MQTT_URL)\n",
    );
    return 1;
  }
  client.on("message", (topic, payload, packet) => print(watch.onMqtt(topic, payload, packet.retain)));
  const filters = watch.filters();
  await client.subscribeAsync(filters, { qos: 1 });
  io.stdout(`  MQTT ${broker}: connected, subscribed to ${filters.join(", ")}\n`);

  let ha: HaLink | undefined;
  let stopHaLog: (() => void) | undefined;
  const haIds = watch.haEntityIds();
  if (haIds.length > 0) {
    if (!config.home_assistant.token) {
      io.stdout(
        "  Home Assistant: no token (CALM_HA_TOKEN), so the sensor sources above cannot be watched\n",
      );
    } else {
      ha = new HaLink({
        url: config.home_assistant.url,
        token: config.home_assistant.token,
        heartbeatMs: config.home_assistant.heartbeat_s * 1000,
        callTimeoutMs: config.home_assistant.call_timeout_s * 1000,
        logger: silentLogger(),
        entityIds: () => haIds,
      });
      const link = ha;
      stopHaLog = link.onState((state, detail) =>
        io.stdout(`  Home Assistant ${config.home_assistant.url}: ${state}${detail ? ` (${detail})` : ""}\n`),
      );
      link.onEntities((_all, changed) => print(watch.onHaStates(changed)));
      link.start();
    }
  }

  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      deps.signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = seconds === undefined ? undefined : setTimeout(done, seconds * 1000);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    deps.signal?.addEventListener("abort", done);
  });

  const hint = (s: WatchedSource): string => {
    if (s.kind === "ha") {
      if (ha?.state !== "online")
        return `Home Assistant is ${ha?.state ?? "not connected"}: check home_assistant.url and CALM_HA_TOKEN`;
      const entity = ha.getEntity(s.name);
      if (!entity)
        return `${s.name} does not exist in Home Assistant (Developer tools → States lists the real entity ids)`;
      return `${s.name} is "${entity.state}" in Home Assistant and did not change while watching (the app sends it only when it updates)`;
    }
    return `check that the bridge publishes to ${s.name} on ${broker} (mosquitto_sub -t '${s.name}' -v shows what arrives)`;
  };
  stopHaLog?.();
  const elapsed = Math.round((clock.now() - watch.startedAt) / 1000);
  io.stdout(`\nSummary after ${elapsed} s:\n`);
  for (const line of watch.summary(hint)) io.stdout(`  ${line}\n`);

  await ha?.stop();
  await client.endAsync();
  return watch.allHeardFrom() ? 0 : 1;
}

/**
 * A connection of its own: a random client id and a clean session, so it never takes over the hub's persistent
 * session (same id) or leaves a queue behind on the broker; and no will or status, so it never speaks for the hub.
 */
async function connectMqtt(config: Config): Promise<MqttClient> {
  const m = config.mqtt;
  const options: IClientOptions = {
    clientId: `calm-test-source-${randomBytes(4).toString("hex")}`,
    clean: true,
    reconnectPeriod: 2_000,
    connectTimeout: MQTT_CONNECT_TIMEOUT_MS,
  };
  Object.assign(
    options,
    credentialOptions({
      username: m.username,
      password: m.password,
      caFile: m.ca_file,
      certFile: m.cert_file,
      keyFile: m.key_file,
      rejectUnauthorized: m.reject_unauthorized,
    }),
  );
  const client = mqtt.connect(m.url, options);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      client.end(true);
      reject(err);
    };
    // Unlike the hub, which keeps retrying, a wiring check reports the first failure: the user is waiting.
    const onError = (err: Error): void => fail(err);
    const timeout = setTimeout(
      () => fail(new Error(`no answer within ${MQTT_CONNECT_TIMEOUT_MS / 1000} s`)),
      MQTT_CONNECT_TIMEOUT_MS,
    );
    const onConnect = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timeout);
      client.off("connect", onConnect);
      client.off("error", onError);
    };
    client.on("connect", onConnect);
    client.on("error", onError);
  });
  return client;
}

function describeSource(s: WatchedSource): string {
  if (s.kind === "ha") return `Home Assistant sensor, ${s.format}`;
  return s.format === "native" ? "the hub's own format" : s.format;
}

function formatEvent(e: WatchEvent, config: Config, clock: Clock): string {
  const time = new Date(e.at).toTimeString().slice(0, 8);
  const who = e.person ?? "?";
  if (e.kind === "refused") return `${time}  ${who}  ${e.source}  ✗ refused: ${e.reason}: ${e.detail}`;
  let verdict = "✓ accepted";
  if (!e.fresh) {
    const age = Math.round((clock.now() - e.sample.measured_at) / 1000);
    verdict += ` (measured ${formatAge(age)} ago, more than ingest.max_age_s ${config.ingest.max_age_s} s: it teaches the baseline but triggers nothing)`;
  }
  const note = e.note ? ` [${e.note}]` : "";
  return `${time}  ${who}  ${e.source}  ${describeValues(e.sample)}  ${verdict}${note}`;
}

function formatAge(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}
