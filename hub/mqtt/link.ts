import { readFileSync } from "node:fs";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Logger } from "../core/index.js";
import { anonymousBrokerWarning } from "./broker-security.js";
import { statusTopic, topicMatches } from "./topics.js";

export type MqttLinkState = "connecting" | "online" | "offline" | "stopped";

export interface MqttLinkOptions {
  url: string;
  clientId: string;
  baseTopic: string;
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized?: boolean;
  keepaliveS: number;
  logger: Logger;
  /** How long start() waits for the first connection before failing the start. */
  connectTimeoutMs?: number;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

const SESSION_NEVER_EXPIRES = 0xffff_ffff;
const RECEIVE_MAXIMUM = 10_000;

/** The broker refused MQTT 5 (a 3.1.1-only broker such as aedes). */
class ProtocolRefused extends Error {}

/** CONNACK "unacceptable protocol version": 1 in MQTT 3.1.1, 132 (0x84) in MQTT 5. */
function isProtocolRefusal(err: Error & { code?: unknown }): boolean {
  return err.code === 1 || err.code === 132;
}

/** The broker login and TLS files of the config's `mqtt:` section, as mqtt.js takes them. */
export function credentialOptions(o: {
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
}): IClientOptions {
  const options: IClientOptions = {};
  if (o.username !== undefined) options.username = o.username;
  if (o.password !== undefined) options.password = o.password;
  if (o.caFile) options.ca = readFileSync(o.caFile);
  if (o.certFile) options.cert = readFileSync(o.certFile);
  if (o.keyFile) options.key = readFileSync(o.keyFile);
  if (o.rejectUnauthorized === false) options.rejectUnauthorized = false;
  return options;
}

/**
 * The hub's single MQTT connection: a persistent session (fixed client id, clean: false, QoS 1) so that the
 * broker queues readings while the hub restarts, and a retained last will so that everyone sees the hub go.
 */
export class MqttLink {
  private readonly opts: MqttLinkOptions;
  private client: MqttClient | undefined;
  private warnedAnonymous = false;
  private readonly subscriptions = new Set<string>();
  private readonly handlers = new Set<MessageHandler>();
  private readonly stateHandlers = new Set<(state: MqttLinkState) => void>();
  private linkState: MqttLinkState = "connecting";
  private corked = false;
  /** The newest payload of every topic sent with publishLatest, kept to re-assert after a reconnect. */
  private readonly latest = new Map<string, string>();
  /** Topics of `latest` not yet written to the current connection. */
  private readonly unsent = new Set<string>();
  private flushScheduled = false;

  constructor(opts: MqttLinkOptions) {
    this.opts = opts;
  }

  get state(): MqttLinkState {
    return this.linkState;
  }

  /** Handlers registered through on*, for stop checks: 0 once every subscriber has unsubscribed. */
  get listenerCount(): number {
    return this.handlers.size + this.stateHandlers.size;
  }

  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * Messages on topics that match one of `filters` only: the readings' filters decide what is a reading, so
   * discovery's command topics never reach ingest. Matches are remembered per topic (bounded).
   */
  onTopics(filters: readonly string[], handler: MessageHandler): () => void {
    const seen = new Map<string, boolean>();
    return this.onMessage((topic, payload) => {
      let match = seen.get(topic);
      if (match === undefined) {
        match = filters.some((f) => topicMatches(f, topic));
        if (seen.size > 10_000) seen.clear();
        seen.set(topic, match);
      }
      if (match) handler(topic, payload);
    });
  }

  onState(handler: (state: MqttLinkState) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  /** Subscriptions are registered before start(), so the first connection already asks for them. */
  subscribe(filter: string): void {
    this.subscriptions.add(filter);
    if (this.client?.connected) this.client.subscribe(filter, { qos: 1 });
  }

  async start(): Promise<void> {
    try {
      await this.connect(5);
    } catch (err) {
      if (!(err instanceof ProtocolRefused)) throw err;
      this.opts.logger.info(
        { component: "mqtt" },
        "the broker does not speak MQTT 5; using MQTT 3.1.1 (the broker's in-flight limit then applies)",
      );
      await this.connect(4);
    }
  }

  private async connect(version: 4 | 5): Promise<void> {
    const o = this.opts;
    const status = statusTopic(o.baseTopic);
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      keepalive: o.keepaliveS,
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
      resubscribe: true,
      will: { topic: status, payload: Buffer.from("offline"), qos: 1, retain: true },
      // Handlers run synchronously; acks go out once the message has been handed to ingest.
      queueQoSZero: false,
      protocolVersion: version,
    };
    if (version === 5)
      options.properties = {
        // The session outlives a restart of the hub, as a 3.1.1 persistent session does.
        sessionExpiryInterval: SESSION_NEVER_EXPIRES,
        // How many unacknowledged readings the broker may send ahead. With 3.1.1 it is the broker's own limit
        // (Mosquitto: 20), which caps throughput at 20 per round trip; past it readings wait in a queue that
        // drops when full (Mosquitto: 1,000). Readings are acknowledged only once handled, so a larger window
        // risks nothing, and TCP flow control still bounds what is read.
        receiveMaximum: RECEIVE_MAXIMUM,
      };
    Object.assign(options, credentialOptions(o));

    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on("message", (topic, payload) => {
      this.coalesceWrites(client);
      for (const h of this.handlers) h(topic, payload);
    });
    client.on("connect", (connack) => {
      // With MQTT 3.1.1 the broker sends at most its in-flight limit (Mosquitto: 20) before it waits for our
      // acks, and under Nagle's algorithm an ack can wait for the broker's delayed TCP ack of the previous one:
      // tens of milliseconds during which nothing flows. So there every write goes out at once. With MQTT 5
      // the broker may send RECEIVE_MAXIMUM ahead and a late ack stalls nothing, while sending each small write
      // at once costs about 20 µs of CPU per reading at 1,000/s (npm run bench), so Nagle stays on.
      const socket = client.stream as { setNoDelay?: (noDelay: boolean) => unknown } | undefined;
      if (version === 4 && typeof socket?.setNoDelay === "function") socket.setNoDelay(true);
      this.setState("online");
      o.logger.info(
        {
          component: "mqtt",
          session_present: connack.sessionPresent,
          protocol: version === 5 ? "5" : "3.1.1",
        },
        "MQTT connected",
      );
      if (!this.warnedAnonymous) {
        const stream = client.stream as { remoteAddress?: string } | undefined;
        const warning = anonymousBrokerWarning({
          url: o.url,
          username: o.username,
          certFile: o.certFile,
          remoteAddress: stream?.remoteAddress,
        });
        if (warning) {
          this.warnedAnonymous = true;
          o.logger.warn({ component: "mqtt" }, warning);
        }
      }
      // With a stored session the broker already has our subscriptions; asking again is harmless and covers a
      // broker that lost its state.
      if (this.subscriptions.size > 0) client.subscribe([...this.subscriptions], { qos: 1 });
      client.publish(status, "online", { qos: 1, retain: true });
      // QoS 0 messages that were on the wire when the last connection dropped may be lost: send every
      // latest value again.
      for (const topic of this.latest.keys()) this.unsent.add(topic);
      this.flushLatest();
    });
    // A refused MQTT 5 attempt is not a lost connection: the 3.1.1 one follows at once.
    let refused = false;
    client.on("close", () => {
      if (this.linkState !== "stopped" && !refused) this.setState("offline");
    });
    // The client retries every 2 s and reports each failure; one line per distinct failure says it all.
    let lastError = "";
    client.on("connect", () => {
      lastError = "";
    });
    client.on("error", (err) => {
      if (version === 5 && isProtocolRefusal(err)) return;
      if (err.message === lastError) return;
      lastError = err.message;
      o.logger.warn(
        { component: "mqtt", err: err.message },
        `MQTT broker at ${redactUrl(o.url)}: ${err.message}; retrying every 2 s (check mqtt.url or CALM_MQTT_URL)`,
      );
    });

    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        cleanup();
        client.end(true);
        reject(
          new Error(
            `cannot reach the MQTT broker at ${redactUrl(o.url)} within ${(o.connectTimeoutMs ?? 15_000) / 1000} s; is it running? (check mqtt.url or CALM_MQTT_URL)`,
          ),
        );
      }, o.connectTimeoutMs ?? 15_000);
      const onConnect = (): void => {
        cleanup();
        resolve();
      };
      // Waiting cannot help with refused credentials or a certificate the client does not trust: fail the start
      // now, saying which, instead of after the timeout as if the broker were unreachable.
      const onError = (err: Error): void => {
        if (version === 5 && isProtocolRefusal(err)) {
          refused = true;
          cleanup();
          client.end(true);
          reject(new ProtocolRefused());
          return;
        }
        const problem = fatalConnectProblem(err);
        if (!problem) return;
        cleanup();
        client.end(true);
        reject(new Error(`MQTT broker at ${redactUrl(o.url)}: ${problem}`));
      };
      const cleanup = (): void => {
        clearTimeout(timeout);
        client.off("connect", onConnect);
        client.off("error", onError);
      };
      client.on("connect", onConnect);
      client.on("error", onError);
    });
  }

  publish(topic: string, payload: string, options: { retain?: boolean; qos?: 0 | 1 } = {}): void {
    this.client?.publish(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  /**
   * Retains `payload` as the value of `topic`, for topics where only the newest value matters (a person's
   * state). Sent at QoS 0 and coalesced: the newest payload per topic goes out once per turn of the event
   * loop, together with the acks of the readings that caused it, in one write. At QoS 1 every one of these
   * (hundreds per second under load) would draw a PUBACK from the broker, and those small writes, delayed by
   * Nagle's algorithm on a broker without `set_tcp_nodelay`, hold back the readings behind them. Nothing is
   * lost that QoS 1 would keep: a value not yet sent waits for the connection, and after a reconnect every
   * latest value is sent again.
   */
  publishLatest(topic: string, payload: string): void {
    this.latest.set(topic, payload);
    this.unsent.add(topic);
    // Inside a message handler the pending uncork flushes; otherwise flush after the current callback, so
    // that everything published in it shares one write.
    if (this.corked || this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flushLatest();
    });
  }

  private flushLatest(): void {
    const client = this.client;
    if (this.unsent.size === 0 || !client?.connected) return;
    const stream = client.stream;
    const cork = !this.corked && typeof stream?.cork === "function";
    if (cork) stream.cork();
    for (const topic of this.unsent)
      client.publish(topic, this.latest.get(topic) ?? "", { qos: 0, retain: true });
    this.unsent.clear();
    if (cork) stream.uncork();
  }

  /** Publishes the retained `offline` status and disconnects cleanly (the will is not sent on a clean end). */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.setState("stopped");
    this.flushLatest();
    if (client.connected) {
      await new Promise<void>((resolve) => {
        client.publish(statusTopic(this.opts.baseTopic), "offline", { qos: 1, retain: true }, () =>
          resolve(),
        );
        setTimeout(resolve, 2_000).unref();
      });
    }
    await client.endAsync(!client.connected);
    this.client = undefined;
  }

  /**
   * mqtt.js handles each incoming packet on its own tick and flushes the socket after each, so every PUBACK
   * costs a system call of its own; under load that is a large share of the hub's CPU. Holding the socket
   * corked until every packet of the current read has been handled (mqtt.js chains them through
   * process.nextTick, and microtasks run once that chain is done) sends their acks in one write.
   */
  private coalesceWrites(client: MqttClient): void {
    const stream = client.stream;
    if (this.corked || !stream || typeof stream.cork !== "function") return;
    this.corked = true;
    stream.cork();
    queueMicrotask(() => {
      this.flushLatest();
      this.corked = false;
      stream.uncork();
    });
  }

  private setState(state: MqttLinkState): void {
    if (state === this.linkState) return;
    const was = this.linkState;
    this.linkState = state;
    // Before the first connection the error line above already says it all.
    if (state === "offline" && was === "online")
      this.opts.logger.warn(
        { component: "mqtt" },
        `MQTT connection to ${redactUrl(this.opts.url)} lost; reconnecting every 2 s`,
      );
    for (const h of this.stateHandlers) h(state);
  }
}

/** What a first-connection error means when retrying cannot fix it; undefined for transient ones. */
export function fatalConnectProblem(err: Error & { code?: unknown }): string | undefined {
  const code = err.code;
  // CONNACK return codes: 4/5 in MQTT 3.1.1, 134/135 in MQTT 5.
  if (code === 4 || code === 134)
    return "connection refused: bad username or password (check mqtt.username and mqtt.password)";
  if (code === 5 || code === 135)
    return "connection refused: not authorized (check mqtt.username, mqtt.password and the broker's ACL)";
  const text = `${typeof code === "string" ? code : ""} ${err.message}`;
  if (/CERT|SSL|TLS|certificate|self[- ]signed|altname/i.test(text))
    return `TLS failed: ${err.message} (check mqtt.ca_file, mqtt.cert_file and mqtt.key_file)`;
  return undefined;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//[redacted]@");
}
