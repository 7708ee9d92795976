// @ts-check
"use strict";

const { hubRequest, followEventStream, LINK_STATUS, trimUrl } = require("./lib/hub-client.cjs");

/** @typedef {import("./lib/hub-client.cjs").HubRequestError} HubRequestError */
/** @typedef {"connecting" | "connected" | "unreachable" | "unauthorized"} LinkState */
/** @typedef {(type: string, data: unknown) => void} EventListener */

const DEFAULT_POLL_S = 10;
const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * The `calm-hub` config node: where the hub is, its API token, and the shared link. It polls
 * `GET /api/health` (and an authenticated HEAD to tell a wrong token apart), keeps one event stream for all
 * `calm-event in` nodes, and tells registered nodes about link changes (the mqtt-broker pattern).
 * @param {any} RED
 */
module.exports = function register(RED) {
  /**
   * @this {any}
   * @param {{ id: string, name?: string, url: string, poll_s?: number | string }} config
   */
  function CalmHubNode(config) {
    RED.nodes.createNode(this, config);
    this.name = config.name;
    this.url = trimUrl(resolveEnv(config.url, this, "CALM_HUB_URL"));
    // The token may be typed in, written as ${VAR}, or left empty to use CALM_API_TOKEN from the environment.
    this.token = resolveEnv(this.credentials?.token ?? "", this, "CALM_API_TOKEN");
    const pollMs = Math.max(1, Number(config.poll_s) || DEFAULT_POLL_S) * 1000;

    /** @type {LinkState} */
    this.state = "connecting";
    /** @type {Set<(state: LinkState) => void>} */
    const stateListeners = new Set();
    /** @type {Set<EventListener>} */
    const eventListeners = new Set();
    /** @type {{ close(): void } | undefined} */
    let stream;
    /** @type {Set<(state: LinkState) => void>} */
    const streamStateListeners = new Set();
    /** @type {LinkState} */
    let streamState = "connecting";
    let closed = false;

    /** @param {LinkState} state */
    const setState = (state) => {
      if (state === this.state) return;
      this.state = state;
      if (state === "unauthorized") this.warn(`Calm Hub at ${this.url} refused the API token`);
      for (const l of stateListeners) l(state);
    };

    /** @param {string} method @param {string} path @param {unknown} [body] @param {{ timeoutMs?: number, signal?: AbortSignal }} [options] */
    this.request = (method, path, body, options) =>
      hubRequest({ url: this.url, token: this.token }, method, path, body, options);

    const poll = async () => {
      try {
        await this.request("GET", "/api/health", undefined, { timeoutMs: 5_000 });
        await this.request("HEAD", "/api/rules", undefined, { timeoutMs: 5_000 });
        setState("connected");
      } catch (err) {
        const status = /** @type {HubRequestError} */ (err).status;
        setState(status === 401 ? "unauthorized" : "unreachable");
      }
    };
    const timer = setInterval(poll, pollMs);
    timer.unref?.();
    // poll catches its own errors and turns them into the node's status.
    void poll();

    /** Resolves once the link is up (or right away if it is); used to retry work that needed the hub. */
    this.whenConnected = () =>
      new Promise((resolve) => {
        if (this.state === "connected") return resolve(undefined);
        const off = this.onState((/** @type {LinkState} */ s) => {
          if (s === "connected") {
            off();
            resolve(undefined);
          }
        });
      });

    /** @param {(state: LinkState) => void} listener @returns {() => void} */
    this.onState = (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    };

    /** The status object for a link state, for users' `node.status(...)`. */
    this.statusFor = (/** @type {LinkState} */ state) => LINK_STATUS[state];

    /**
     * Subscribes to the hub's event stream; the stream is opened for the first subscriber and closed after the
     * last. `onStreamState` reports the stream's own link state.
     * @param {EventListener} listener
     * @param {(state: LinkState) => void} onStreamState
     * @returns {() => void}
     */
    this.subscribeEvents = (listener, onStreamState) => {
      eventListeners.add(listener);
      streamStateListeners.add(onStreamState);
      onStreamState(streamState);
      if (!stream && !closed) {
        stream = followEventStream({
          link: () => ({ url: this.url, token: this.token }),
          onEvent: (type, data) => {
            for (const l of eventListeners) {
              try {
                l(type, data);
              } catch (err) {
                this.error(`event listener failed: ${err instanceof Error ? err.message : String(err)}`);
              }
            }
          },
          onState: (state) => {
            streamState = state;
            for (const l of streamStateListeners) l(state);
          },
        });
      }
      return () => {
        eventListeners.delete(listener);
        streamStateListeners.delete(onStreamState);
        if (eventListeners.size === 0 && stream) {
          stream.close();
          stream = undefined;
          streamState = "connecting";
        }
      };
    };

    this.on("close", (/** @type {boolean} */ _removed, /** @type {() => void} */ done) => {
      closed = true;
      clearInterval(timer);
      stream?.close();
      stream = undefined;
      stateListeners.clear();
      eventListeners.clear();
      streamStateListeners.clear();
      done();
    });
  }

  /**
   * `${VAR}` → the variable (flow, global or process environment); empty → the fallback variable.
   * @param {string} value
   * @param {any} node
   * @param {string} fallbackVar
   */
  function resolveEnv(value, node, fallbackVar) {
    const text = String(value ?? "").trim();
    const m = ENV_REF.exec(text);
    const name = m ? m[1] : text === "" ? fallbackVar : undefined;
    if (name === undefined) return text;
    const resolved = RED.util.getSetting(node, name);
    return typeof resolved === "string" ? resolved.trim() : "";
  }

  RED.nodes.registerType("calm-hub", CalmHubNode, {
    credentials: { token: { type: "password" } },
  });
};
