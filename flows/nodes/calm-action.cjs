// @ts-check
"use strict";

const { toError } = require("./lib/hub-client.cjs");

/**
 * @typedef {{ id: string, name?: string, hub: string, action?: string, target?: string, data?: string, person?: string }} CalmActionConfig
 */

/**
 * A target as typed in the form: "scene.calm" or "light.a, light.b" → entity_id; a JSON object is taken as is.
 * @param {unknown} value
 * @returns {Record<string, unknown> | undefined}
 */
function parseTarget(value) {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "object") return /** @type {Record<string, unknown>} */ (value);
  const text = String(value).trim();
  if (text === "") return undefined;
  if (text.startsWith("{")) return JSON.parse(text);
  const ids = text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  return { entity_id: ids.length === 1 ? ids[0] : ids };
}

/**
 * What the hub's action log says about a call from this node: the flow's name, what set the message off (a voice
 * request, another hub event, or `msg.cause` in words), and the message id, so that every call one message makes
 * shows as one decision.
 * @param {any} RED
 * @param {any} node
 * @param {any} msg
 */
function causeOf(RED, node, msg) {
  /** @type {Record<string, string>} */
  const cause = { via: "node-red" };
  let flow;
  try {
    flow = RED.util.getSetting?.(node, "NR_FLOW_NAME");
  } catch {
    flow = undefined;
  }
  if (typeof flow === "string" && flow) cause.flow = flow.slice(0, 120);
  const p = msg.payload !== null && typeof msg.payload === "object" ? msg.payload : {};
  const person = typeof p.person === "string" ? p.person : typeof msg.person === "string" ? msg.person : "";
  let why;
  if (typeof msg.cause === "string" && msg.cause) why = msg.cause;
  else if (msg.topic === "voice" && typeof p.intent === "string")
    why = `voice request (${p.intent})${person ? ` from ${person}` : ""}`;
  else if (typeof msg.topic === "string" && msg.topic)
    why = `hub event "${msg.topic}"${person ? ` for ${person}` : ""}`;
  if (why) cause.why = why.slice(0, 200);
  if (typeof msg._msgid === "string") cause.id = `node-red:${msg._msgid}`.slice(0, 120);
  return cause;
}

/** @param {any} RED */
module.exports = function register(RED) {
  /**
   * The `calm-action` node: asks the hub to run one Home Assistant action (POST /api/actions/run), under the
   * hub's safety caps and action log. Form fields are defaults; `msg.payload.{action,target,data,person}` and
   * `msg.person` override them.
   * @this {any}
   * @param {CalmActionConfig} config
   */
  function CalmActionNode(config) {
    RED.nodes.createNode(this, config);
    const hub = RED.nodes.getNode(config.hub);
    if (!hub) {
      this.status({ fill: "red", shape: "ring", text: "no hub configured" });
      this.error("calm-action needs a calm-hub config node");
    }

    this.on(
      "input",
      async (
        /** @type {any} */ msg,
        /** @type {(m: any) => void} */ send,
        /** @type {(err?: Error) => void} */ done,
      ) => {
        try {
          if (!hub) throw new Error("no calm-hub config node");
          const p =
            msg.payload !== null && typeof msg.payload === "object" && !Array.isArray(msg.payload)
              ? msg.payload
              : {};
          /** @type {Record<string, unknown>} */
          const body = { action: p.action ?? (String(config.action ?? "").trim() || "scene.turn_on") };
          const target = parseTarget(p.target ?? config.target);
          if (target) body.target = target;
          const dataText = String(config.data ?? "").trim();
          const data = p.data ?? (dataText ? JSON.parse(dataText) : undefined);
          if (data !== undefined) body.data = data;
          const person = p.person ?? msg.person ?? (String(config.person ?? "").trim() || undefined);
          if (person !== undefined) body.person = person;
          body.cause = causeOf(RED, this, msg);

          this.status({ fill: "yellow", shape: "ring", text: String(body.action) });
          const res = await hub.request("POST", "/api/actions/run", body, { timeoutMs: 45_000 });
          const outcome = res.body;
          if (outcome.result !== "ok") {
            this.status({ fill: "red", shape: "dot", text: `${outcome.result}: ${outcome.detail}` });
            throw new Error(`${body.action} ${outcome.result}: ${outcome.detail}`);
          }
          this.status({ fill: "green", shape: "dot", text: `${body.action} ok` });
          msg.payload = outcome;
          send(msg);
          done();
        } catch (raw) {
          const err = toError(raw);
          if (/** @type {any} */ (err).status !== undefined)
            this.status({ fill: "red", shape: "dot", text: err.statusText });
          done(err);
        }
      },
    );
  }

  RED.nodes.registerType("calm-action", CalmActionNode);
};
