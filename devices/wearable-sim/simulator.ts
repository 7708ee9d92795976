/**
 * Publishes simulated wearables to `calm/<person>/wearable` (QoS 1) on a timer, through mqtt.js.
 * Timestamps are the clock's real time; `timeScale` only compresses the stress script (see
 * {@link createPersonModel}), so a hub with a real clock accepts every reading.
 */
import mqtt from "mqtt";
import type { Clock } from "../../hub/core/clock.js";
import { systemClock } from "../../hub/core/clock.js";
import { createPersonModel, type PersonModel, type PersonModelOptions } from "./model.js";

/** The part of an mqtt.js client the simulator uses (so tests can pass a fake). */
export interface SimMqttClient {
  publishAsync(topic: string, message: string, opts: { qos: 0 | 1 | 2; retain?: boolean }): Promise<unknown>;
  endAsync(force?: boolean): Promise<void>;
}

export type SimPerson = string | (Omit<PersonModelOptions, "seed"> & { seed?: number });

export interface WearableSimulatorOptions {
  /** e.g. "mqtt://127.0.0.1:1883"; ignored when `client` is given. */
  brokerUrl?: string;
  /** An already-connected client; the simulator will not end it on stop(). */
  client?: SimMqttClient;
  people: readonly SimPerson[];
  /** Publish period, real ms (default 5000). */
  intervalMs?: number;
  /** Scenario ms per real ms for every person who does not set their own (default 1). */
  timeScale?: number;
  /** Base seed; person i gets seed + i unless they set one (default 1). */
  seed?: number;
  /** Topic root (default "calm"). */
  topicPrefix?: string;
  clock?: Clock;
  /** Called when a publish fails; the simulator keeps going. */
  onError?: (err: unknown) => void;
  /** Called after each payload is handed to the client. */
  onPublish?: (topic: string, payload: string) => void;
}

const TOPIC_SEGMENT = /^[^/#+\s]+$/;

export class WearableSimulator {
  readonly models: readonly PersonModel[];
  private readonly opts: WearableSimulatorOptions;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private client: SimMqttClient | undefined;
  private ownsClient = false;
  private cancel: (() => void) | undefined;
  private running = false;
  private inFlight = new Set<Promise<unknown>>();

  constructor(opts: WearableSimulatorOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.intervalMs = opts.intervalMs ?? 5000;
    if (!(this.intervalMs >= 100)) throw new RangeError("intervalMs must be at least 100");
    if (!opts.client && !opts.brokerUrl) throw new TypeError("give brokerUrl or client");
    const seed = opts.seed ?? 1;
    this.models = opts.people.map((p, i) => {
      const o = typeof p === "string" ? { person: p } : p;
      if (!TOPIC_SEGMENT.test(o.person))
        throw new TypeError(`person "${o.person}" cannot be a topic segment`);
      return createPersonModel({
        timeScale: opts.timeScale,
        intervalMs: this.intervalMs,
        ...o,
        seed: o.seed ?? seed + i,
      });
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  topicFor(person: string): string {
    return `${this.opts.topicPrefix ?? "calm"}/${person}/wearable`;
  }

  /** Connects (unless a client was given), publishes one reading per person at once, then every
   * `intervalMs`. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.opts.client) {
      this.client = this.opts.client;
    } else {
      this.client = await mqtt.connectAsync(this.opts.brokerUrl ?? "", {
        clientId: `calm-wearable-sim-${Math.random().toString(16).slice(2, 10)}`,
        clean: true,
        reconnectPeriod: 1000,
      });
      this.ownsClient = true;
    }
    this.running = true;
    this.tick();
  }

  /** Stops the timer, waits for in-flight publishes, and ends a client the simulator opened. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    this.cancel = undefined;
    await Promise.allSettled([...this.inFlight]);
    if (this.ownsClient && this.client) await this.client.endAsync();
    this.client = undefined;
    this.ownsClient = false;
  }

  /** Publishes one reading per person now (also used by the timer). */
  publishNow(): void {
    const client = this.client;
    if (!client) return;
    const t = this.clock.now();
    for (const model of this.models) {
      const topic = this.topicFor(model.person);
      const payload = JSON.stringify(model.next(t));
      const p = client
        .publishAsync(topic, payload, { qos: 1 })
        .then(() => this.opts.onPublish?.(topic, payload))
        .catch((err: unknown) => this.opts.onError?.(err));
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  private tick(): void {
    if (!this.running) return;
    this.publishNow();
    this.cancel = this.clock.setTimeout(() => this.tick(), this.intervalMs);
  }
}
