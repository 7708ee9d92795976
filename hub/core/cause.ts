import { z } from "zod";

/**
 * Why a planned action exists: the decision behind it. Every call one decision makes shares the cause's `id`, so
 * the action log can show "Alice's stress was high → calm episode in the Living room" once, with its calls
 * under it, instead of one sentence per entity that guesses its reason from a stress score.
 */
export const ActionCauseKindSchema = z.enum([
  "reading",
  "voice",
  "stop",
  "wind_down",
  "node_red",
  "api",
  "button",
  "episode",
  "check_in",
]);
export type ActionCauseKind = z.infer<typeof ActionCauseKindSchema>;

export const ActionCauseSchema = z.object({
  kind: ActionCauseKindSchema.describe(
    "What set it off: a stress reading (through a rule), a voice request, the Stop button, the wind-down, a Node-RED flow, an API request, a Home Assistant button, an episode ending by itself, or a mood check-in",
  ),
  id: z.string().describe("The decision: every call it made has the same id"),
  why: z.string().describe('The cause alone, e.g. "Alice\'s stress was high (78)"'),
  summary: z
    .string()
    .describe('Cause and decision, e.g. "Alice\'s stress was high (78) → calm episode in the Living room"'),
  sound: z
    .string()
    .optional()
    .describe('The sound it aims for, e.g. "rain at 30 %" (its calls show only the first step of the ramp)'),
});
export type ActionCause = z.infer<typeof ActionCauseSchema>;

/** A cause before the decision it leads to has its id (an episode, a wind-down step give it theirs). */
export type CauseOrigin = Pick<ActionCause, "kind" | "why"> & { id?: string | undefined };

/** "alice" → "Alice" when no name is configured: a sentence starts with a capital either way. */
export function displayName(id: string, name?: string | undefined): string {
  const n = name ?? id;
  return n.charAt(0).toUpperCase() + n.slice(1);
}
