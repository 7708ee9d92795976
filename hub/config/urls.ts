import type { z } from "zod";

const HA_SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);
const HA_EXAMPLE = "http://homeassistant.local:8123";

/**
 * Why a Home Assistant URL cannot work, with the fix; undefined when it can. `new URL` alone accepts
 * "homeassistant.local:8123" (as scheme "homeassistant.local:") and "ftp://ha", which then fail at start
 * with an opaque client error.
 */
export function haUrlProblem(text: string): string | undefined {
  const bare = /^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(text) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (bare) return `missing the scheme: did you mean "http://${text}"?`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL; expected e.g. "${HA_EXAMPLE}"`;
  }
  if (!HA_SCHEMES.has(url.protocol))
    return `"${url.protocol}//" cannot reach Home Assistant; use http://, https://, ws:// or wss://, e.g. "${HA_EXAMPLE}"`;
  if (url.hostname === "") return `no host name; expected e.g. "${HA_EXAMPLE}"`;
  if (/\/api\/websocket\/?$/.test(url.pathname))
    return `give Home Assistant's base URL without /api/websocket: "${text.replace(/\/api\/websocket\/?$/, "")}"`;
  return undefined;
}

export function refineHaUrl(value: string, ctx: z.RefinementCtx): void {
  const problem = haUrlProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}
