import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../devices/broker/index.js";
import { sleep } from "./wait-for.js";

/** A broker the test can really take down and bring back. */
export interface StoppableBroker {
  url: string;
  base: string;
  kind: "aedes" | "mosquitto";
  /** The broker process (or listener) goes away; every client connection breaks. */
  down(): Promise<void>;
  /** The broker comes back on the same address, with the sessions it kept. */
  up(): Promise<void>;
  /** Releases it; a system Mosquitto is left running. */
  close(): Promise<void>;
}

const MOSQUITTO_CONF = "/etc/mosquitto/mosquitto.conf";
const LOCAL_MOSQUITTO = /^mqtt:\/\/(127\.0\.0\.1|localhost):1883\/?$/;

/**
 * Mosquitto when MQTT_TEST_URL points at the local one and the test may restart it (root, so it can start the
 * system daemon again); otherwise an in-process aedes broker paused and resumed on the same port.
 */
export async function startStoppableBroker(): Promise<StoppableBroker> {
  const base = `t${randomUUID().slice(0, 8)}`;
  const external = process.env.MQTT_TEST_URL;
  if (external && LOCAL_MOSQUITTO.test(external) && process.getuid?.() === 0) {
    await ensureMosquitto();
    return {
      url: external,
      base,
      kind: "mosquitto",
      down: stopMosquitto,
      up: ensureMosquitto,
      close: ensureMosquitto,
    };
  }
  const broker: EmbeddedBroker = await startEmbeddedBroker();
  return {
    url: broker.url,
    base,
    kind: "aedes",
    down: () => broker.pause(),
    up: () => broker.resume(),
    close: () => broker.stop(),
  };
}

function mosquittoRunning(): boolean {
  try {
    execFileSync("pgrep", ["-x", "mosquitto"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

async function stopMosquitto(): Promise<void> {
  if (mosquittoRunning()) execFileSync("pkill", ["-x", "mosquitto"]);
  // SIGTERM makes Mosquitto write its persistence file before it exits.
  for (let i = 0; i < 200 && mosquittoRunning(); i++) await sleep(50);
  if (mosquittoRunning()) throw new Error("mosquitto did not stop");
}

export async function ensureMosquitto(): Promise<void> {
  if (!mosquittoRunning()) execFileSync("mosquitto", ["-d", "-c", MOSQUITTO_CONF]);
  for (let i = 0; i < 200; i++) {
    if (await portOpen(1883)) return;
    await sleep(50);
  }
  throw new Error("mosquitto did not come back on 127.0.0.1:1883");
}
