// @ts-check
"use strict";

/** @typedef {{ id: string, name?: string, hub: string, types?: string, person?: string }} CalmEventInConfig */

/** @param {string | undefined} text comma-separated list; empty means everything */
function listOf(text) {
  const items = String(text ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  return items.length ? new Set(items) : undefined;
}

/**
 * The person an event concerns: `person` on the event, or on its `action` (action outcomes).
 * @param {unknown} data
 * @returns {string | undefined}
 */
function personOf(data) {
  if (data === null || typeof data !== "object") return undefined;
  const d = /** @type {Record<string, any>} */ (data);
  if (typeof d.person === "string") return d.person;
  if (d.action && typeof d.action === "object" && typeof d.action.person === "string") return d.action.person;
  return undefined;
}

/**
 * The hub's stream sends every stress estimate and action log entries; this node has always sent stress
 * level changes only (score rounded) and actions as `{action: "domain.service", target, data, …}`.
 * @param {string} type
 * @param {unknown} data
 * @returns {unknown} the payload, or undefined to send nothing
 */
function payloadFor(type, data) {
  if (data === null || typeof data !== "object") return data;
  const d = /** @type {Record<string, any>} */ (data);
  if (type === "stress") {
    if (d.previous_level === d.level) return undefined;
    return { ...d, score: Math.round(Number(d.score)) };
  }
  if (type === "action" && d.call && typeof d.call === "object") {
    return {
      person: d.person,
      rule_id: d.rule_id,
      key: d.key,
      action: `${d.call.domain}.${d.call.service}`,
      target: d.call.target,
      data: d.call.data,
      result: d.result,
      detail: d.detail,
      latency_ms: d.latency_ms,
    };
  }
  return data;
}

/** @param {any} RED */
module.exports = function register(RED) {
  /**
   * The `calm-event in` node: the hub's events (stress level changes, decisions, actions, episodes, voice
   * requests, wind-down) as messages, `msg.topic` = event type, `msg.payload` = event data.
   * @this {any}
   * @param {CalmEventInConfig} config
   */
  function CalmEventInNode(config) {
    RED.nodes.createNode(this, config);
    const hub = RED.nodes.getNode(config.hub);
    const types = listOf(config.types);
    const people = listOf(config.person);

    if (!hub) {
      this.status({ fill: "red", shape: "ring", text: "no hub configured" });
      this.error("calm-event in needs a calm-hub config node");
      return;
    }

    const unsubscribe = hub.subscribeEvents(
      (/** @type {string} */ type, /** @type {unknown} */ raw) => {
        if (types && !types.has(type)) return;
        const data = payloadFor(type, raw);
        if (data === undefined) return;
        const person = personOf(data);
        if (people && (person === undefined || !people.has(person))) return;
        /** @type {Record<string, unknown>} */
        const msg = { topic: type, payload: data };
        if (person !== undefined) msg.person = person;
        this.send(msg);
      },
      (/** @type {"connecting" | "connected" | "unreachable" | "unauthorized"} */ state) =>
        this.status(hub.statusFor(state)),
    );

    this.on("close", (/** @type {boolean} */ _removed, /** @type {() => void} */ done) => {
      unsubscribe();
      done();
    });
  }

  RED.nodes.registerType("calm-event in", CalmEventInNode);
};
