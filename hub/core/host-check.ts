import { isIP } from "node:net";
import { type ErrorBody, errorBody } from "./errors.js";

/**
 * DNS rebinding defence: a web page can make its own name resolve to 127.0.0.1 and then talk to a local
 * server, but its requests still carry that name in `Host`. A request is accepted only when `Host` is a
 * loopback name or address, a name the user listed, or (for a server that listens beyond loopback) an IP
 * literal: nobody rebinds an address the user typed, so http://192.168.1.20:8787 from a phone just works.
 */
export interface HostPolicy {
  /** Extra names (no port), e.g. "calm.local"; "*.example.lan" allows every subdomain. */
  allowed: readonly string[];
  /** The listen address: IP literals other than loopback are accepted only when it is not loopback. */
  listen: string;
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  if (h.startsWith("::ffff:")) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith("127.");
}

/** The name part of a Host header: lowercase, without port or IPv6 brackets; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const m = /^([^:\s/@]+)(?::\d{1,5})?$/.exec(h);
  return m?.[1]?.replace(/\.$/, "");
}

export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  const name = hostName(header);
  if (name === undefined || name === "") return false;
  if (isLoopback(name)) return true;
  if (isIP(name) !== 0) return !isLoopback(policy.listen);
  for (const entry of policy.allowed) {
    const e = entry.toLowerCase();
    if (e === name) return true;
    if (e.startsWith("*.") && name.endsWith(e.slice(1))) return true;
  }
  return false;
}

/** The refusal both HTTP servers send, naming the setting that fixes it. */
export function hostRefusal(header: string | undefined, setting: string): ErrorBody {
  const name = hostName(header) ?? "(none)";
  return errorBody(
    "CALM_ERR_HOST_NOT_ALLOWED",
    `Host "${name}" is not allowed; add it to ${setting} if you reach the hub by that name`,
  );
}
