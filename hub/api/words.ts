import { z } from "zod";
import { type ActionCause, ActionCauseKindSchema, displayName } from "../core/index.js";
import type { ActionLogEntry } from "../store/index.js";

function idsOf(target: unknown): string[] {
  if (target === null || typeof target !== "object") return [];
  const ids = (target as Record<string, unknown>).entity_id ?? (target as Record<string, unknown>).area_id;
  if (ids === undefined) return [];
  return Array.isArray(ids) ? ids.map(String) : [String(ids)];
}

function targetText(target: unknown): string {
  const ids = idsOf(target);
  return ids.length ? ` on ${ids.join(", ")}` : "";
}

const RESULT_WORDS: Record<string, string> = {
  ok: "Home Assistant did it",
  error: "Home Assistant refused",
  expired: "dropped because it was too late",
  dropped: "dropped",
  refused: "refused by the hub (not an allowed service or entity)",
  pending: "waiting for Home Assistant",
};

// `calm.*` actions never reach Home Assistant: the hub itself runs them (actions/runner.ts, LOCAL_DOMAIN).
const HUB_RESULT_WORDS: Record<string, string> = {
  ok: "the hub did it",
  error: "the hub could not",
  expired: "dropped because it was too late",
  dropped: "dropped",
  pending: "waiting for the hub",
};

/** What set an entry off: its own cause, or for entries from before causes were logged, a guess from its rule. */
export function causeOf(e: ActionLogEntry, name: (person: string) => string = displayName): ActionCause {
  if (e.trigger.cause) return e.trigger.cause;
  const windDown = e.rule_id === "wind-down";
  const why = windDown
    ? "it was time to wind down"
    : e.rule_id === "node-red"
      ? "a Node-RED flow or an API request"
      : `${name(e.person)}'s stress was ${e.trigger.level} (${Math.round(e.trigger.score)})`;
  const who = windDown
    ? "the evening wind-down"
    : e.rule_id.startsWith("episode:")
      ? "a calm episode"
      : e.rule_id === "node-red"
        ? e.call.domain === "calm"
          ? "the hub"
          : "Home Assistant"
        : `rule ${e.rule_id}`;
  // Keys end in the call's index ("<decision>:<i>"): what is left names the decision.
  const cut = e.key.lastIndexOf(":");
  return {
    kind: windDown ? "wind_down" : e.rule_id === "node-red" ? "api" : "reading",
    id: cut > 0 ? e.key.slice(0, cut) : e.key,
    why,
    summary: `${why} → ${who}`,
  };
}

/** One call as a short line: what was called on what, and how it went. */
export function describeCall(e: ActionLogEntry): string {
  const hubAction = e.call.domain === "calm";
  const call = `${hubAction ? "the hub's own " : ""}${e.call.domain}.${e.call.service}${targetText(e.call.target)}`;
  const words = hubAction ? HUB_RESULT_WORDS : RESULT_WORDS;
  const result = words[e.result] ?? e.result;
  const detail = e.result === "ok" ? (hubAction && e.detail ? `: ${e.detail}` : "") : `: ${e.detail}`;
  return `${call}: ${result}${detail}`;
}

/**
 * One action log entry as a sentence a person can read. It carries no clock time: the entry's `at` is shown
 * beside it by the dashboard, in the same local time as the rest of the page.
 */
export function describeAction(e: ActionLogEntry): string {
  return `${causeOf(e).summary}: ${describeCall(e)}.`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function soundName(data: unknown): string {
  const id = (data as Record<string, unknown> | undefined)?.media_content_id;
  if (typeof id !== "string") return "a soundscape";
  const last = id.split(/[/:]/).pop() ?? id;
  return last.replace(/\.[a-z0-9]+$/i, "").replaceAll(/[_-]+/g, " ") || "a soundscape";
}

/** What a decision's calls did, in a few words: "dimmed 2 lights, rain at 30 %". */
function effects(entries: readonly ActionLogEntry[], ending: boolean, sound?: string): string {
  const words: string[] = [];
  const calls = entries.filter((e) => e.call.domain !== "calm");
  const lights = calls.filter((e) => e.call.domain === "light");
  const lightIds = new Set(lights.flatMap((e) => idsOf(e.call.target)));
  const n = Math.max(lightIds.size, lights.length ? 1 : 0);
  if (lights.length) {
    const data = (e: ActionLogEntry) => (e.call.data ?? {}) as Record<string, unknown>;
    if (ending) words.push(`gave back ${plural(n, "light")}`);
    else if (lights.every((e) => e.call.service === "turn_off"))
      words.push(`turned off ${plural(n, "light")}`);
    else if (lights.some((e) => data(e).brightness !== undefined || data(e).brightness_pct !== undefined))
      words.push(`dimmed ${plural(n, "light")}`);
    else words.push(`turned on ${plural(n, "light")}`);
  }
  const media = calls.filter((e) => e.call.domain === "media_player");
  const play = media.find((e) => e.call.service === "play_media");
  const volume = media.find((e) => e.call.service === "volume_set");
  const level = (volume?.call.data as Record<string, unknown> | undefined)?.volume_level;
  if (play && sound) words.push(sound);
  else if (play) {
    const pct = typeof level === "number" ? ` at ${Math.round(level * 100)} %` : "";
    words.push(`${soundName(play.call.data)}${pct}`);
  } else if (ending && media.length) words.push("sound stopped, volume put back");
  else if (media.length) words.push(...new Set(media.map((e) => `${e.call.domain}.${e.call.service}`)));
  for (const e of calls) {
    if (e.call.domain === "light" || e.call.domain === "media_player") continue;
    if (e.call.domain === "scene") {
      const ids = idsOf(e.call.target).map((id) => id.replace(/^scene\./, ""));
      words.push(`scene ${ids.join(", ") || "on"}`);
    } else if (e.call.domain === "notify") words.push("sent a phone notification");
    else words.push(`${e.call.domain}.${e.call.service}${targetText(e.call.target)}`);
  }
  if (calls.length === 0) {
    // Only the hub's own actions: say what the hub made of them.
    for (const e of entries)
      words.push(e.detail && e.result === "ok" ? e.detail : `${e.call.domain}.${e.call.service}`);
  }
  return [...new Set(words)].join(", ");
}

export const DecisionGroupSchema = z.object({
  id: z.string().describe("The decision's id (the cause id of its calls)"),
  kind: ActionCauseKindSchema,
  at: z.number().describe("Epoch ms of the decision's newest call"),
  summary: z.string().describe('The decision in one line: "Alice\'s stress was high (78) → calm episode …"'),
  result: z.enum(["ok", "partly", "failed", "pending"]),
  calls: z.array(
    z.object({
      key: z.string(),
      at: z.number(),
      result: z.string(),
      text: z.string().describe("The call and its result in words"),
    }),
  ),
});
export type DecisionGroup = z.infer<typeof DecisionGroupSchema>;

/**
 * The action log by decision, newest first: one line per decision with its true cause and what it did, its
 * calls under it. `entries` newest first, as the store returns them.
 */
export function groupActions(
  entries: readonly ActionLogEntry[],
  name: (person: string) => string = displayName,
): DecisionGroup[] {
  const groups = new Map<string, { cause: ActionCause; entries: ActionLogEntry[] }>();
  for (const e of entries) {
    const cause = causeOf(e, name);
    const g = groups.get(cause.id);
    if (g) {
      g.entries.push(e);
      // The most telling headline: an episode's own ("→ calm episode in the Living room") over the rule's.
      if (e.call.domain !== "calm" && g.entries.every((x) => x === e || x.call.domain === "calm"))
        g.cause = cause;
    } else groups.set(cause.id, { cause, entries: [e] });
  }
  const out = [...groups.values()].map(({ cause, entries: list }): DecisionGroup => {
    const ending = / ended$/.test(cause.summary);
    const done = list.filter((e) => e.result === "ok").length;
    const pending = list.some((e) => (e.result as string) === "pending");
    const failed = list.filter((e) => e.result !== "ok" && (e.result as string) !== "pending");
    const result = pending ? "pending" : failed.length === 0 ? "ok" : done === 0 ? "failed" : "partly";
    const what = effects(list, ending, cause.sound);
    const trouble = failed[0]
      ? ` — ${failed.length === list.length ? "not done" : `${failed.length} of ${list.length} not done`}: ${failed[0].detail}`
      : "";
    return {
      id: cause.id,
      kind: cause.kind,
      at: Math.max(...list.map((e) => e.at)),
      summary: `${cause.summary}${what ? `: ${what}` : ""}${trouble}`,
      result,
      calls: [...list]
        .reverse()
        .map((e) => ({ key: e.key, at: e.at, result: e.result, text: describeCall(e) })),
    };
  });
  return out.sort((a, b) => b.at - a.at);
}
