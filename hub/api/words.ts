import type { ActionLogEntry } from "../store/index.js";

function targetText(target: unknown): string {
  if (target === null || typeof target !== "object") return "";
  const ids = (target as Record<string, unknown>).entity_id ?? (target as Record<string, unknown>).area_id;
  if (ids === undefined) return "";
  return ` on ${Array.isArray(ids) ? ids.join(", ") : String(ids)}`;
}

const RESULT_WORDS: Record<string, string> = {
  ok: "Home Assistant did it",
  error: "Home Assistant refused",
  expired: "dropped because it was too late",
  dropped: "dropped",
  refused: "held back by the hub",
  unknown: "no answer from Home Assistant, which may have done it (not sent again)",
  pending: "waiting for Home Assistant",
};

// `calm.*` actions never reach Home Assistant: the hub itself runs them (actions/runner.ts, LOCAL_DOMAIN).
const HUB_RESULT_WORDS: Record<string, string> = {
  ok: "the hub did it",
  error: "the hub could not",
  expired: "dropped because it was too late",
  dropped: "dropped",
  refused: "held back by the hub",
  pending: "waiting for the hub",
};

/**
 * One action log entry as a sentence a person can read on the dashboard. It carries no clock time: the entry's
 * `at` is shown beside it by the dashboard, in the same local time as the rest of the page.
 */
export function describeAction(e: ActionLogEntry): string {
  const hubAction = e.call.domain === "calm";
  const call = `${hubAction ? "the hub's own " : ""}${e.call.domain}.${e.call.service}${targetText(e.call.target)}`;
  const windDown = e.rule_id === "wind-down";
  const why = windDown
    ? "it was time to wind down"
    : `${e.person}'s stress was ${e.trigger.level} (${Math.round(e.trigger.score)})`;
  const who = windDown
    ? "the evening wind-down"
    : e.rule_id === "friends"
      ? "the friend suggestion"
      : e.rule_id.startsWith("episode:")
        ? `the calm episode (${e.rule_id.slice("episode:".length)})`
        : `rule "${e.rule_id}"`;
  const words = hubAction ? HUB_RESULT_WORDS : RESULT_WORDS;
  const result = words[e.result] ?? e.result;
  const detail = e.result === "ok" ? (hubAction && e.detail ? `: ${e.detail}` : "") : `: ${e.detail}`;
  return `${why}, so ${who} called ${call}; ${result}${detail}.`;
}
