import type { FastifyInstance } from "fastify";
import type { Rule } from "../config/index.js";
import type { Logger, StressLevel, StressState } from "../core/index.js";
import type { Decision, RuleRegistry } from "../rules/index.js";
import type { ActionLogEntry } from "../store/index.js";
import type { Health } from "./schemas.js";

export interface DryRunReading {
  person: string;
  score: number;
  level?: StressLevel | undefined;
  previous_score?: number | undefined;
}

/** What the HTTP API needs from the hub; the Hub satisfies it, tests may pass their own. */
export interface ApiDeps {
  token: string;
  logger: Logger;
  version: string;
  corsOrigins: readonly string[];
  /** Failed authentications one client may make per minute; past that it gets 429 until the minute ends. */
  authFailuresPerMin: number;
  /** Host names accepted besides loopback ones (DNS rebinding defence); see hostAllowed. */
  allowedHosts: readonly string[];
  /** The address the server listens on: decides whether non-loopback IP literals are accepted as Host. */
  listenHost: string;
  now(): number;
  health(): Health;
  recentActions(limit: number, person?: string): ActionLogEntry[];
  rules: RuleRegistry;
  dryRun(rule: Rule, reading: DryRunReading): Decision[];
  people(): { id: string; name: string; state: StressState | null }[];
  exportPerson(id: string): Record<string, unknown>;
  deletePerson(id: string): Record<string, number>;
}

/**
 * A route group from another folder (dashboard, voice …). buildApi registers each as a fastify plugin of its
 * own, so hooks it adds stay inside it; routeGroup (route-group.ts) turns a fastify plugin and its options into one.
 */
export type ApiPlugin = (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>;
