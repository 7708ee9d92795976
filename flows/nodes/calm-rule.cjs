// @ts-check
"use strict";

const { toError } = require("./lib/hub-client.cjs");

/**
 * @typedef {{
 *   id: string, name?: string, hub: string,
 *   rule_id: string, description?: string, enabled?: boolean,
 *   trigger_type: "stress" | "level", threshold?: number | string, level?: string,
 *   after?: string, before?: string, only_level?: string,
 *   cooldown_s?: number | string, ttl_s?: number | string,
 *   actions?: string, people?: string,
 * }} CalmRuleConfig
 */

/**
 * Node id → the rule id that node last saved, to delete the old rule when the id is edited. Module-level
 * because Node-RED drops a node's context on every redeploy; each start saves again, so it refills after a
 * restart.
 * @type {Map<string, string>}
 */
const savedIds = new Map();

/**
 * Builds the rule document from the editor form. Only shape is handled here (JSON, numbers, lists); every
 * rule check is the hub's, so Node-RED never disagrees with the engine that runs the rule.
 * @param {CalmRuleConfig} config
 * @returns {Record<string, unknown>}
 */
function buildRule(config) {
  /** @type {Record<string, unknown>} */
  const rule = { id: String(config.rule_id ?? "").trim() };
  // The description follows the form: `{threshold}` and `{level}` are filled in, and an empty one is written
  // from the trigger, so a threshold changed in the editor never leaves the old number in the hub's words.
  rule.description = config.description
    ? fillIn(String(config.description), config)
    : `${describeTrigger(config)}: ${describeActions(config.actions)}`;
  if (config.enabled === false) rule.enabled = false;
  rule.trigger =
    config.trigger_type === "level"
      ? { type: "level", to: config.level || "high" }
      : { type: "stress", above: toNumber(config.threshold) };
  /** @type {Record<string, unknown>[]} */
  const conditions = [];
  const after = String(config.after ?? "").trim();
  const before = String(config.before ?? "").trim();
  if (after || before) {
    /** @type {Record<string, string>} */
    const time = { type: "time" };
    if (after) time.after = after;
    if (before) time.before = before;
    conditions.push(time);
  }
  const onlyLevels = String(config.only_level ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  if (onlyLevels.length) conditions.push({ type: "level", in: onlyLevels });
  if (conditions.length) rule.conditions = conditions;
  if (String(config.cooldown_s ?? "").trim() !== "") rule.cooldown_s = toNumber(config.cooldown_s);
  if (String(config.ttl_s ?? "").trim() !== "") rule.ttl_s = toNumber(config.ttl_s);
  const people = String(config.people ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (people.length) rule.people = people;
  const text = String(config.actions ?? "").trim() || "[]";
  try {
    rule.actions = JSON.parse(text);
  } catch (err) {
    throw Object.assign(
      new Error(`actions: not valid JSON (${err instanceof Error ? err.message : String(err)})`),
      {
        statusText: "actions: not valid JSON",
      },
    );
  }
  return rule;
}

/**
 * `{threshold}` and `{level}` in a name or description, from the form's current values.
 * @param {string} text
 * @param {CalmRuleConfig} config
 */
function fillIn(text, config) {
  return text
    .replaceAll("{threshold}", String(config.threshold ?? "").trim())
    .replaceAll("{level}", String(config.level || "high"));
}

/** @param {CalmRuleConfig} config */
function describeTrigger(config) {
  const trigger =
    config.trigger_type === "level"
      ? `Stress level becomes ${config.level || "high"}`
      : `Stress score reaches ${String(config.threshold ?? "").trim()}`;
  const only = String(config.only_level ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  return only.length ? `${trigger} while the level is ${only.join(" or ")}` : trigger;
}

/** @param {string | undefined} text the actions JSON */
function describeActions(text) {
  try {
    const actions = JSON.parse(String(text ?? "").trim() || "[]");
    if (!Array.isArray(actions) || actions.length === 0) return "no action";
    return actions
      .map((a) => {
        const target = a?.target?.entity_id;
        return `${a?.action ?? "?"}${target ? ` ${[target].flat().join(", ")}` : ""}`;
      })
      .join(", ");
  } catch {
    return "actions";
  }
}

/** @param {unknown} value A number as typed in a form; non-numbers are passed on for the hub to reject. */
function toNumber(value) {
  const text = String(value ?? "").trim();
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : value;
}

/** @param {any} RED */
module.exports = function register(RED) {
  /**
   * The `calm-rule` node: one hub rule, edited in a form. Deploying saves it to the hub (origin node-red);
   * deleting the node from the flow deletes the rule; a plain redeploy or restart leaves it in place.
   * @this {any}
   * @param {CalmRuleConfig} config
   */
  function CalmRuleNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = RED.nodes.getNode(config.hub);
    const ruleId = String(config.rule_id ?? "").trim();
    const abort = new AbortController();
    /** @type {"saving" | "active" | "invalid" | "waiting"} */
    let state = "saving";
    /** @type {Promise<void>} */
    let saving = Promise.resolve();

    if (!hub) {
      node.status({ fill: "red", shape: "ring", text: "no hub configured" });
      node.error("calm-rule needs a calm-hub config node");
    } else {
      saving = save();
    }

    async function save() {
      /** @type {Record<string, unknown>} */
      let rule;
      try {
        rule = buildRule(config);
      } catch (err) {
        return reject(toError(err));
      }
      node.status({ fill: "yellow", shape: "ring", text: "saving" });
      for (;;) {
        try {
          await hub.request("PUT", `/api/rules/${encodeURIComponent(ruleId)}?origin=node-red`, rule, {
            signal: abort.signal,
          });
          await forgetPreviousId();
          state = "active";
          node.status({ fill: "green", shape: "dot", text: "active" });
          return;
        } catch (raw) {
          if (abort.signal.aborted) return;
          const err = toError(raw);
          const status = /** @type {{ status?: number }} */ (err).status;
          if (status === 0) {
            // The hub is down: save as soon as it is back, rather than leaving the old rule in force unnoticed.
            state = "waiting";
            node.status({ fill: "red", shape: "ring", text: "hub unreachable; will retry" });
            await hub.whenConnected();
            if (abort.signal.aborted) return;
            continue;
          }
          return reject(err);
        }
      }
    }

    /** @param {Error & { statusText?: string }} err */
    function reject(err) {
      state = "invalid";
      const text = err.statusText ?? err.message;
      node.status({ fill: "red", shape: "dot", text });
      node.error(`rule "${ruleId}" not saved: ${text}`, {
        payload: { rule_id: ruleId, error: err.message, issues: /** @type {any} */ (err).issues ?? [] },
      });
    }

    /** If the rule id was edited, the rule this node saved before is deleted rather than left behind. */
    async function forgetPreviousId() {
      const previous = savedIds.get(node.id);
      if (previous !== undefined && previous !== ruleId) await deleteRule(previous);
      savedIds.set(node.id, ruleId);
    }

    /**
     * Deletes a rule this package saved (origin node-red); a rule from the config file or the API is left alone.
     * @param {string} id
     */
    async function deleteRule(id) {
      try {
        const current = await hub.request("GET", `/api/rules/${encodeURIComponent(id)}`, undefined, {
          timeoutMs: 5_000,
        });
        if (current.body?.origin !== "node-red") return;
        await hub.request("DELETE", `/api/rules/${encodeURIComponent(id)}`, undefined, { timeoutMs: 5_000 });
      } catch (raw) {
        const err = toError(raw);
        if (/** @type {{ status?: number }} */ (err).status !== 404)
          node.warn(`rule "${id}" not deleted from the hub: ${err.message}`);
      }
    }

    node.on(
      "input",
      async (
        /** @type {any} */ msg,
        /** @type {(m: any) => void} */ send,
        /** @type {(err?: Error) => void} */ done,
      ) => {
        try {
          await saving;
          if (state !== "active") throw new Error(`rule "${ruleId}" is not active in the hub (${state})`);
          const p = msg.payload;
          if (
            p === null ||
            typeof p !== "object" ||
            typeof p.person !== "string" ||
            typeof p.score !== "number"
          ) {
            throw new Error(
              "msg.payload must be {person, score} (and optionally level, previous_score) for a dry run",
            );
          }
          /** @type {Record<string, unknown>} */
          const reading = { person: p.person, score: p.score };
          if (p.level !== undefined) reading.level = p.level;
          if (p.previous_score !== undefined) reading.previous_score = p.previous_score;
          const res = await hub.request("POST", `/api/rules/${encodeURIComponent(ruleId)}/dry-run`, reading);
          msg.payload = res.body.decisions;
          msg.topic = ruleId;
          send(msg);
          done();
        } catch (raw) {
          done(toError(raw));
        }
      },
    );

    node.on("close", async (/** @type {boolean} */ removed, /** @type {() => void} */ done) => {
      abort.abort();
      try {
        if (removed && hub && ruleId) {
          await deleteRule(ruleId);
          savedIds.delete(node.id);
        }
      } finally {
        done();
      }
    });
  }

  RED.nodes.registerType("calm-rule", CalmRuleNode);
};

module.exports.buildRule = buildRule;
module.exports.fillIn = fillIn;
