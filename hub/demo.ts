import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { z } from "zod";
import { startEmbeddedBroker } from "../devices/broker/index.js";
import { HaSimulator } from "../devices/ha-sim/index.js";
import { DEMO_EPISODES, DEMO_TIME_SCALE, WearableSimulator } from "../devices/wearable-sim/index.js";
import type { ActionOutcome } from "./actions/index.js";
import { parseCommandArgs, usageError } from "./cli-args.js";
import { loadConfig } from "./config/index.js";

import { background, type Logger, type NotificationAction, REDACT_PATHS } from "./core/index.js";

import { Hub } from "./hub.js";
import { ACTIVITY_DAY_SCOPE, demoHistory, STRESS_HOUR_SCOPE } from "./insights/index.js";
import { evaluateLearning } from "./learn/index.js";
import { startNodeRed } from "./nodered/index.js";
import { packageRoot } from "./package-root.js";
import type { Decision } from "./rules/index.js";

export interface DemoIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** " — recipe dim_rain: rain and dim lights: calm in 6 min on average for you, 3 runs". */
function recipeWords(recipe: { id: string; reason: string } | undefined): string {
  return recipe ? ` — recipe ${recipe.id}: ${recipe.reason}` : "";
}

export const DEMO_CONFIG = join(packageRoot(), "config/examples/home.yaml");
const DEMO_PEOPLE = ["alice", "bob"];

/**
 * The insights need weeks of history, which a demo minute does not have: the demo people get four made-up
 * weeks of hourly stress, steps and sleep (only in the demo's own data folder, never in a real home's).
 */
function seedDemoInsights(hub: Hub, io: { stdout(text: string): void }): void {
  const now = hub.clock.now();
  const docs = hub.store.docs;
  DEMO_PEOPLE.forEach((person, i) => {
    if (docs.list(STRESS_HOUR_SCOPE, z.unknown(), { person, limit: 1 }).length > 0) return;
    const h = demoHistory(person, now, hub.timeZone, 28, i + 1);
    for (const x of h.hours) docs.put(STRESS_HOUR_SCOPE, `${person}:${x.at}`, x, now, x.at);
    for (const d of h.days)
      docs.put(ACTIVITY_DAY_SCOPE, `${person}:${d.day}`, d, now, Date.parse(`${d.day}T12:00:00Z`));
  });
  io.stdout(
    `${clockTime(now)}  (demo) four made-up weeks of stress, steps and sleep for ${DEMO_PEOPLE.join(" and ")}: see "Your week" on the dashboard\n`,
  );
}

/**
 * Learning needs dozens of episodes, a demo minute holds one or two: before the live part, the demo runs the
 * learning evaluation (simulated people who calm faster under their own best recipe, the hub's own bandit,
 * sped up) and shows it learning, ten episodes at a time.
 */
function narrateLearning(hub: Hub, io: { stdout(text: string): void }): void {
  const figures = evaluateLearning({ episodes: 30, seed: 1, config: hub.config });
  const at = clockTime(hub.clock.now());
  io.stdout(
    `${at}  (simulation, sped up) learning what calms ${figures.map((f) => f.person).join(", ")}, 30 episodes each:\n`,
  );
  for (let from = 0; from < 30; from += 10) {
    const slice = figures.map((f) => ({
      best: f.choices.slice(from, from + 10).filter((c) => c === f.best_recipe).length,
      minutes: f.minutes.slice(from, from + 10),
    }));
    const n = slice.reduce((a, s) => a + s.minutes.length, 0);
    const best = slice.reduce((a, s) => a + s.best, 0);
    const mean = slice.reduce((a, s) => a + s.minutes.reduce((x, y) => x + y, 0), 0) / Math.max(1, n);
    io.stdout(
      `${at}    episodes ${from + 1}-${from + 10}: each person's best recipe ${Math.round((100 * best) / Math.max(1, n))} % of the time, calm in ${mean.toFixed(1)} min on average\n`,
    );
  }
  const fixed = figures.reduce((a, f) => a + f.mean_min_fixed, 0) / Math.max(1, figures.length);
  io.stdout(
    `${at}    with one fixed recipe for everyone: calm in ${fixed.toFixed(1)} min; best recipes: ${figures.map((f) => `${f.person} ${f.best_recipe}`).join(", ")}\n`,
  );
}

function clockTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** One readable line per decision and per action result, for a person watching the terminal. */
export function describeDecision(d: Decision, at: number): string {
  const head = `${clockTime(at)}  ${d.person.padEnd(6)} rule ${d.rule_id}`;
  if (d.outcome !== "fired") return `${head}: held back (${d.detail})`;
  const calls = d.actions.map((a) => `${a.domain}.${a.service} ${JSON.stringify(a.target ?? {})}`).join(", ");
  return `${head}: stress ${Math.round(d.actions[0]?.trigger.score ?? 0)} (${d.actions[0]?.trigger.level}) → ${calls}`;
}

export function describeOutcome(o: ActionOutcome, at: number): string {
  const a = o.action;
  const mark = o.result === "ok" ? "✓" : "✗";
  const took = o.latency_ms === null ? "" : ` in ${o.latency_ms} ms`;
  return `${clockTime(at)}  ${a.person.padEnd(6)} ${mark} ${a.domain}.${a.service}: ${o.result === "ok" ? "done" : o.detail}${took}`;
}

export { DEMO_HELP } from "./demo-help.js";

/** Warnings and errors as terminal lines between the demo's own; the full JSON log goes to demo.log. */
function terminalLogStream(write: (s: string) => void): Writable {
  let partial = "";
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as {
            level?: number;
            time?: number;
            msg?: string;
            component?: string;
          };
          const level = (entry.level ?? 40) >= 50 ? "error" : "warn";
          const who = entry.component ? `${entry.component}: ` : "";
          write(`${clockTime(entry.time ?? Date.now())}  ${level.padEnd(6)} ${who}${entry.msg ?? ""}\n`);
        } catch {
          if (line.trim() !== "") write(`${line}\n`);
        }
      }
      done();
    },
  });
}

const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

function demoLogger(file: string, level: LogLevel, write: (s: string) => void): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { app: "calm-hub" } },
    pino.multistream([
      { level, stream: pino.destination({ dest: file, sync: false }) },
      { level: level === "error" ? "error" : "warn", stream: terminalLogStream(write) },
    ]),
  );
}

/**
 * `calm-hub demo`: everything embedded (an MQTT broker, the Home Assistant simulator, two simulated
 * wearables, SQLite in a temporary folder) so that a newcomer sees the hub act within half a minute.
 */
export async function runDemo(
  argv: string[],
  io: DemoIo,
  waitForStop: (
    hub: Hub,
    stops: { before?: () => Promise<void>; after?: () => Promise<void>; until?: Promise<unknown> },
  ) => Promise<number>,
): Promise<number> {
  const { values } = parseCommandArgs("demo", argv, {
    duration: { type: "string" },
    "log-level": { type: "string" },
    "no-node-red": { type: "boolean", default: false },
    "data-dir": { type: "string" },
  });
  const seconds = values.duration === undefined ? undefined : Number(values.duration);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0))
    throw usageError(
      "demo",
      `--duration needs a number of seconds, e.g. --duration 60, got "${values.duration}"`,
    );
  const level = values["log-level"] ?? io.env.CALM_LOG_LEVEL ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw usageError("demo", `--log-level is one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
  const given = values["data-dir"] ?? io.env.CALM_DATA_DIR;
  const dataDir = given === undefined ? mkdtempSync(join(tmpdir(), "calm-hub-demo-")) : resolve(given);
  mkdirSync(dataDir, { recursive: true });
  // A folder the demo made for itself goes when it ends; one the user named is theirs to keep.
  const removeDataDir = (): void => {
    if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const logFile = join(dataDir, "demo.log");
  const logger = demoLogger(logFile, level as LogLevel, io.stderr);
  const broker = await startEmbeddedBroker({ port: 0 });
  const sim = await HaSimulator.start();
  const config = await loadConfig(DEMO_CONFIG, {
    ...io.env,
    CALM_MQTT_URL: broker.url,
    CALM_HA_URL: sim.url,
    CALM_HA_TOKEN: sim.token,
    CALM_DATA_DIR: dataDir,
  });
  // Demo timing: an episode gives the room back after 20 s of calm instead of three minutes.
  config.episodes.calm_for_s = 20;
  config.episodes.transition_s = 5;
  // A mood check-in a few seconds after an episode ends, whatever the hour, so it shows while you watch.
  config.mood.after_episode_delay_min = 0.05;
  config.mood.quiet_hours = { after: "00:00", before: "00:00" };
  // The breathing guide steps down after every breath instead of every third, so its slowing shows within
  // the demo's minute (the breaths themselves keep their real length).
  config.breathing.breaths_per_step = 1;
  config.breathing.step_bpm = 1;
  config.breathing.gentle_breaths_per_step = 2;
  config.breathing.gentle_step_bpm = 0.5;
  // Each episode's recipe is chosen from what calmed the person before; the narration says which and why.
  config.learning.enabled = true;
  const hub = new Hub({ config, logger });
  hub.events.on("decision", (d) => io.stdout(`${describeDecision(d, hub.clock.now())}\n`));
  hub.events.on("action", (o) => {
    // Volume ramps are many small steps; the start and end of each are enough to watch. The breathing guide
    // makes a call every few seconds: its own lines below say what it does.
    if (/:(ramp|fade)-\d+:/.test(o.action.key) || o.action.key.startsWith("breathing:")) return;
    io.stdout(`${describeOutcome(o, hub.clock.now())}\n`);
  });
  const taps: NodeJS.Timeout[] = [];
  hub.events.on("action", (o) => {
    if (o.action.rule_id !== "mood" || o.result !== "ok") return;
    const shown = o.action.data as {
      message?: string;
      data?: { tag?: string; actions?: NotificationAction[] };
    };
    const actions = shown.data?.actions ?? [];
    io.stdout(
      `${clockTime(Date.now())}  phone  ${o.action.service}: "${shown.message ?? ""}" ${actions.map((a) => `[${a.title}]`).join(" ")}\n`,
    );
    // Alice answers on her phone a few seconds later, as a person would.
    const first = actions[0];
    if (first)
      taps.push(
        setTimeout(() => sim.tapNotificationAction({ action: first.action, tag: shown.data?.tag }), 4_000),
      );
  });
  hub.events.on("mood", (m) =>
    io.stdout(
      `${clockTime(m.at)}  ${m.person.padEnd(6)} mood: ${m.mood} (${m.source === "notification" ? "tapped on the phone" : m.source})\n`,
    ),
  );
  hub.events.on("episode", (e, phase) => {
    if (phase === "updated") return;
    const what =
      phase === "started"
        ? `calm episode started in ${e.room} (${e.reason})${recipeWords(hub.episodes.recipeOf(e.id))}`
        : `calm episode ended (${e.end_reason}): room given back`;
    io.stdout(`${clockTime(hub.clock.now())}  ${e.person.padEnd(6)} ${what}\n`);
  });
  hub.events.on("breathing", (b) => {
    const bpm = (n: number): string => String(Math.round(n * 100) / 100);
    const what =
      b.phase === "started"
        ? `breathing guide started in ${b.room}: the ${b.medium === "light" ? "light" : "sound"} rises and falls at ${bpm(b.from_bpm)} breaths/min, slowing toward ${bpm(b.target_bpm)}`
        : b.phase === "pace"
          ? `breathing guide: ${bpm(b.from_bpm)} → ${bpm(b.pace_bpm)} breaths/min${b.following === false ? " (not followed: slowing more gently)" : b.following ? " (followed)" : ""}`
          : `breathing guide stopped: ${b.why ?? "stopped"}`;
    io.stdout(`${clockTime(hub.clock.now())}  ${b.person.padEnd(6)} ${what}\n`);
  });
  await hub.start();
  seedDemoInsights(hub, io);
  narrateLearning(hub, io);
  const nodeRed = values["no-node-red"]
    ? undefined
    : await startNodeRed({
        hubUrl: hub.apiUrl,
        apiToken: hub.apiToken,
        userDir: join(dataDir, "node-red"),
        logger,
        port: Number(io.env.CALM_NODE_RED_PORT ?? 1880),
        allowedHosts: config.http.allowed_hosts,
      }).catch((err: unknown) => {
        io.stderr(
          `Node-RED did not start (${(err as Error).message}); the hub runs on without the editor.\n`,
        );
        return undefined;
      });

  // Alice's stress rises about 10 s in; Bob's follows later, and both repeat, so the demo keeps moving.
  const wearables = new WearableSimulator({
    brokerUrl: broker.url,
    intervalMs: 2_000,
    seed: 7,
    people: DEMO_PEOPLE.map((person, i) => ({
      person,
      timeScale: DEMO_TIME_SCALE,
      episodes: DEMO_EPISODES.map((e) => ({ ...e, startMs: e.startMs + i * 450_000 })),
      repeatEveryMs: 900_000,
      vendorStress: true,
      // Alice's breathing follows the breathing guide most of the way (real time: breaths are not sped up).
      ...(person === "alice" ? { guidedPace: () => hub.breathing.paceOf("alice"), follows: 0.85 } : {}),
    })),
  });
  await wearables.start();

  io.stdout(
    [
      "",
      "Calm Hub demo: everything runs in this process.",
      `  MQTT broker (aedes)        ${broker.url}   (try: mosquitto_sub -p ${broker.port} -t 'calm/#' -v)`,
      `  Home Assistant simulator   ${sim.url}`,
      `  Dashboard                  ${hub.apiUrl}/   (token: ${hub.apiToken})`,
      `  HTTP API                   ${hub.apiUrl}/api/health, docs at ${hub.apiUrl}/api/docs`,
      `  Node-RED editor            ${nodeRed ? nodeRed.editorUrl : "(not started)"}`,
      `  Data folder                ${dataDir}${given === undefined ? "   (removed when the demo ends; keep it with --data-dir DIR)" : ""}`,
      `  Log                        ${logFile}   (warnings also show here)`,
      `  People                     ${DEMO_PEOPLE.join(", ")} — Alice's stress starts rising in about 10 s.`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );

  // The simulator plays three Assist requests from the living-room satellite, as a person would speak them.
  const said: NodeJS.Timeout[] = [];
  const say = (afterMs: number, text: string): void => {
    said.push(
      setTimeout(() => {
        const callsBefore = sim.calls.length;
        const played = sim
          .playAssistRequest({ text, device_id: "dev_satellite_living_room" })
          .then((answer) => {
            const speech =
              typeof answer?.speech === "string" ? answer.speech : "(no answer: Assist speaks its fallback)";
            io.stdout(`${clockTime(Date.now())}  voice  "${text}" (living room) → "${speech}"\n`);
            for (const call of sim.calls.slice(callsBefore)) {
              if (call.domain !== "notify") continue;
              const data = call.service_data.data as { actions?: { title: string }[] } | undefined;
              const buttons = (data?.actions ?? []).map((a) => `[${a.title}]`).join(" ");
              io.stdout(
                `${clockTime(Date.now())}  phone  ${call.service}: "${String(call.service_data.message)}" ${buttons}\n`,
              );
            }
          });
        background(played, hub.logger, { component: "demo" }, "the demo's voice request failed");
      }, afterMs),
    );
  };
  say(26_000, "help me breathe");
  say(35_000, "I feel lonely");
  say(50_000, "stop");
  say(70_000, "I feel a bit tired");

  const before = async (): Promise<void> => {
    for (const t of [...said, ...taps]) clearTimeout(t);
    await nodeRed?.stop();
    await wearables.stop();
  };
  let decisions = 0;
  let calls = 0;
  hub.events.on("decision", (d) => {
    if (d.outcome === "fired") decisions++;
  });
  hub.events.on("action", () => {
    calls++;
  });
  const after = async (): Promise<void> => {
    await sim.stop();
    await broker.stop();
    logger.flush();
    removeDataDir();
    io.stdout(
      `\nDemo finished: ${decisions} rule decision(s), ${calls} action(s). ${
        given === undefined ? "Its temporary data folder is removed." : `Data and log kept in ${dataDir}.`
      }\n`,
    );
  };
  // With --duration the demo still stops cleanly on a signal before its time is up (data folder removed).
  const until =
    seconds === undefined ? undefined : new Promise<void>((r) => setTimeout(r, seconds * 1000).unref());
  return waitForStop(hub, { before, after, ...(until ? { until } : {}) });
}
