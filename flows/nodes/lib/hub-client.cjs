// @ts-check
"use strict";

/**
 * The calm nodes' only way to the hub: its HTTP API (global fetch, Node ≥ 18). No hub code is loaded here, so
 * the package also works in a Node-RED that runs elsewhere (the Home Assistant add-on, a separate container).
 */

/** @typedef {{ path: string, message: string }} Issue */
/** @typedef {"connecting" | "connected" | "unreachable" | "unauthorized"} LinkState */

const REQUEST_TIMEOUT_MS = 10_000;

/** An HTTP answer from the hub other than 2xx, or no answer at all (status 0). */
class HubRequestError extends Error {
  /**
   * @param {string} message
   * @param {{ status: number, code?: string, issues?: Issue[] }} info
   */
  constructor(message, info) {
    super(message);
    this.name = "HubRequestError";
    this.status = info.status;
    this.code = info.code ?? (info.status === 0 ? "CALM_ERR_UNREACHABLE" : "CALM_ERR_HTTP");
    /** @type {Issue[]} */
    this.issues = info.issues ?? [];
  }

  /** The shortest useful text for a node's status badge. */
  get statusText() {
    if (this.status === 0) return "hub unreachable";
    if (this.status === 401) return "unauthorized";
    const first = this.issues[0];
    if (first) return `${first.path}: ${first.message}`;
    return this.message;
  }
}

/** @param {string} url */
function trimUrl(url) {
  return String(url ?? "")
    .trim()
    .replace(/\/+$/, "");
}

/**
 * One JSON request to the hub.
 * @param {{ url: string, token: string }} link
 * @param {string} method
 * @param {string} path e.g. "/api/rules/x"
 * @param {unknown} [body]
 * @param {{ timeoutMs?: number, signal?: AbortSignal }} [options]
 * @returns {Promise<{ status: number, body: any }>}
 */
async function hubRequest(link, method, path, body, options = {}) {
  const base = trimUrl(link.url);
  if (!/^https?:\/\//.test(base)) {
    throw new HubRequestError(`hub URL "${base}" is not an http(s) URL`, {
      status: 0,
      code: "CALM_ERR_CONFIG",
    });
  }
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (link.token) headers.authorization = `Bearer ${link.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const timeout = AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    const reason =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new HubRequestError(`hub unreachable at ${base}: ${reason}`, { status: 0 });
  }
  const text = await res.text();
  /** @type {any} */
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const message =
      parsed && typeof parsed === "object" && parsed.message ? String(parsed.message) : `HTTP ${res.status}`;
    throw new HubRequestError(message, {
      status: res.status,
      code: parsed && typeof parsed === "object" ? parsed.code : undefined,
      issues:
        parsed && typeof parsed === "object" && Array.isArray(parsed.issues) ? parsed.issues : undefined,
    });
  }
  return { status: res.status, body: parsed };
}

/**
 * Splits a server-sent events byte stream into events. Handles `event:`, `data:` (joined by newlines),
 * comments and both line endings. `lastId` is the last `id:` seen (sent back as Last-Event-ID on a
 * reconnect); `retry:` is ignored by this client.
 */
class SseParser {
  /** @param {(type: string, data: string) => void} onEvent */
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    /** @type {string | undefined} */
    this.lastId = undefined;
    this.type = "";
    /** @type {string[]} */
    this.data = [];
  }

  /** @param {string} chunk */
  push(chunk) {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.search(/\r\n|\n|\r/);
      if (nl < 0) break;
      const line = this.buffer.slice(0, nl);
      const skip = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + skip);
      this.line(line);
    }
  }

  /** @param {string} line */
  line(line) {
    if (line === "") {
      if (this.data.length > 0) this.onEvent(this.type || "message", this.data.join("\n"));
      this.type = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") this.lastId = value;
  }
}

/**
 * Follows the hub's event stream (`GET /api/stream`), reconnecting with exponential backoff (1 s doubling to
 * 30 s, reset once a connection is established). A reconnect sends the last event id, so the hub first
 * replays what was missed while the connection was down.
 * @param {{
 *   link: () => { url: string, token: string },
 *   path?: string,
 *   onEvent: (type: string, data: unknown) => void,
 *   onState: (state: LinkState, detail?: string) => void,
 *   minDelayMs?: number,
 *   maxDelayMs?: number,
 * }} options
 * @returns {{ close(): void }}
 */
function followEventStream(options) {
  const minDelay = options.minDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const path = options.path ?? "/api/stream";
  let closed = false;
  /** @type {string | undefined} */
  let lastId;
  let delay = minDelay;
  /** @type {AbortController | undefined} */
  let controller;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;

  const retry = () => {
    if (closed) return;
    timer = setTimeout(connect, delay);
    delay = Math.min(maxDelay, delay * 2);
  };

  const connect = async () => {
    if (closed) return;
    const link = options.link();
    controller = new AbortController();
    options.onState("connecting");
    try {
      /** @type {Record<string, string>} */
      const headers = { accept: "text/event-stream", authorization: `Bearer ${link.token}` };
      if (lastId !== undefined) headers["last-event-id"] = lastId;
      const res = await fetch(trimUrl(link.url) + path, { headers, signal: controller.signal });
      if (res.status === 401) {
        options.onState("unauthorized");
        await res.body?.cancel();
        return retry();
      }
      if (!res.ok || !res.body) {
        options.onState("unreachable", `HTTP ${res.status}`);
        await res.body?.cancel();
        return retry();
      }
      options.onState("connected");
      delay = minDelay;
      const parser = new SseParser((type, data) => {
        /** @type {unknown} */
        let value = data;
        try {
          value = JSON.parse(data);
        } catch {
          // Not JSON: hand the text on as it is.
        }
        lastId = parser.lastId;
        options.onEvent(type, value);
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) parser.push(decoder.decode(chunk, { stream: true }));
      if (!closed) options.onState("unreachable", "stream ended");
    } catch (err) {
      if (closed) return;
      options.onState("unreachable", err instanceof Error ? err.message : String(err));
    }
    retry();
  };

  // connect catches its own errors and reports them through onState, then retries.
  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}

/** Node status objects for each link state. */
const LINK_STATUS = {
  connecting: { fill: "yellow", shape: "ring", text: "connecting" },
  connected: { fill: "green", shape: "dot", text: "connected" },
  unreachable: { fill: "red", shape: "ring", text: "hub unreachable" },
  unauthorized: { fill: "red", shape: "ring", text: "unauthorized" },
};

/**
 * Whatever was thrown, as an Error with a short status text.
 * @param {unknown} err
 * @returns {Error & { statusText: string }}
 */
function toError(err) {
  if (err instanceof HubRequestError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return Object.assign(e, { statusText: e.message });
}

module.exports = { HubRequestError, hubRequest, SseParser, followEventStream, LINK_STATUS, toError, trimUrl };
