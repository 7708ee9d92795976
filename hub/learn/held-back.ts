import type { Decision } from "../core/index.js";

/**
 * Why a rule's decision held an episode back (its cooldown, a failing condition such as quiet hours, a pause,
 * mode away or sleep), or undefined when nothing was held back. Such moments are what an episode's outcome is
 * compared with.
 */
export function heldBackWhy(
  d: Pick<Decision, "outcome" | "detail">,
  controls: { paused: boolean; mode: string },
): string | undefined {
  if (d.outcome === "cooldown" || d.outcome === "conditions") return d.detail;
  if (d.outcome !== "fired") return undefined;
  if (controls.paused) return "automation is paused";
  if (controls.mode === "away" || controls.mode === "sleep") return `mode is ${controls.mode}`;
  return undefined;
}
