import type { FastifyInstance } from "fastify";
import { type ApiDeps, type ApiPlugin, buildApi } from "../../hub/api/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { RuleRegistry } from "../../hub/rules/index.js";

export const MINIMAL_TOKEN = "minimal-token-0123456789abcdef";
export const MINIMAL_AUTH = { authorization: `Bearer ${MINIMAL_TOKEN}` };

/** buildApi with a hub that has no people, rules or actions: for route groups tested on their own. */
export function minimalApi(extra: ApiPlugin[], overrides: Partial<ApiDeps> = {}): Promise<FastifyInstance> {
  return buildApi(
    {
      token: MINIMAL_TOKEN,
      logger: silentLogger(),
      version: "test",
      corsOrigins: [],
      authFailuresPerMin: 1000,
      allowedHosts: [],
      listenHost: "127.0.0.1",
      now: () => Date.now(),
      health: () => ({
        status: "ok",
        mqtt: "online",
        home_assistant: "online",
        version: "test",
        uptime_s: 0,
      }),
      recentActions: () => [],
      rules: new RuleRegistry([], { list: () => [], put: () => {}, delete: () => false }),
      dryRun: () => [],
      people: () => [],
      exportPerson: () => ({}),
      deletePerson: () => ({}),
      ...overrides,
    },
    extra,
  );
}
