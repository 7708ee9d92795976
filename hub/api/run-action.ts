import { randomUUID } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ActionOutcome } from "../actions/index.js";
import { RuleActionSchema } from "../config/index.js";
import { type ActionCause, ActionResultSchema, type Clock, HubError, type Logger } from "../core/index.js";
import { type PlannedAction, substitutePerson } from "../rules/index.js";
import type { ApiPlugin } from "./deps.js";
import { ErrorBodySchema } from "./schemas.js";

/** A Home Assistant action as rules write it, plus the person it is for (which fills `{person}`). */
export const RunActionBodySchema = RuleActionSchema.extend({
  person: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("Whom the action is for; replaces {person} in target and data."),
  cause: z
    .strictObject({
      via: z.enum(["node-red", "script"]).optional().describe("Who calls: a Node-RED flow or a script"),
      flow: z.string().max(120).optional().describe("The Node-RED flow (tab) the call comes from"),
      why: z.string().max(200).optional().describe('What set the caller off, e.g. "Alice asked for calm"'),
      id: z.string().max(120).optional().describe("Calls with the same id show as one decision in the log"),
    })
    .optional()
    .describe("For the action log: why this call is made. Without it the log says an API request did it."),
});
export type RunActionBody = z.infer<typeof RunActionBodySchema>;

export const RunActionResultSchema = z.object({
  result: ActionResultSchema.describe(
    "ok, error, unknown (sent, no answer: Home Assistant may have acted), expired, dropped or refused",
  ),
  detail: z.string(),
});
export type RunActionResult = z.infer<typeof RunActionResultSchema>;

export type RunAction = (body: RunActionBody) => Promise<RunActionResult>;

/**
 * `POST /api/actions/run`: runs one Home Assistant action on request (Node-RED's calm-action node, scripts).
 * The body is validated with the rules' action schema; `{person}` is substituted before `runAction` sees it,
 * and `runAction` is where the hub applies its safety caps.
 */
export const runActionRoutes: FastifyPluginAsync<{ runAction: RunAction; logger: Logger }> = async (
  app,
  { runAction, logger },
) => {
  app.withTypeProvider<ZodTypeProvider>().post(
    "/api/actions/run",
    {
      schema: {
        tags: ["actions"],
        description:
          "Runs one Home Assistant action through the hub's action runner (safety caps, TTL, action log).",
        body: RunActionBodySchema,
        response: {
          200: RunActionResultSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          403: ErrorBodySchema,
          409: ErrorBodySchema,
        },
      },
    },
    async (req) => {
      const body = req.body.person === undefined ? req.body : substitutePerson(req.body, req.body.person);
      const outcome = await runAction(body);
      logger.info(
        { component: "api", action: body.action, person: body.person, result: outcome.result },
        "action run on request",
      );
      if (outcome.result === "refused") throw new HubError("CALM_ERR_SERVICE_NOT_ALLOWED", outcome.detail);
      return outcome;
    },
  );
};

/** The route as a route group, for the hub's plugin list. */
export function runActionPlugin(runAction: RunAction): ApiPlugin {
  return async (app, deps) => {
    await app.register(runActionRoutes, { runAction, logger: deps.logger });
  };
}

/** What {@link runViaActionRunner} needs from the hub's ActionRunner. */
export interface ActionSubmitter {
  submit(actions: readonly PlannedAction[]): void;
  onOutcome(listener: (outcome: ActionOutcome) => void): () => void;
}

/**
 * A {@link RunAction} that hands the action to the hub's ActionRunner (at-most-once key, TTL, action log) and
 * resolves with its outcome. The action is logged with rule id `source` (default "node-red").
 */
export function runViaActionRunner(
  runner: ActionSubmitter,
  clock: Clock,
  options: { ttlMs?: number; source?: string } = {},
): RunAction {
  const ttlMs = options.ttlMs ?? 30_000;
  const source = options.source ?? "node-red";
  return (body) =>
    new Promise((resolve) => {
      const now = clock.now();
      const [domain = "", service = ""] = body.action.split(".");
      const key = `${source}:${randomUUID()}`;
      const action: PlannedAction = {
        key,
        rule_id: source,
        person: body.person ?? "",
        domain,
        service,
        created_at: now,
        not_after: now + ttlMs,
        // Someone asked (a script, Node-RED's calm-action node): it acts while automation is paused.
        origin: "person",
        trigger: { score: 0, level: "calm", at: now, cause: requestCause(body, key) },
      };
      if (body.target) action.target = body.target as Record<string, string | string[]>;
      if (body.data) action.data = body.data;
      const off = runner.onOutcome((o) => {
        if (o.action.key !== action.key) return;
        off();
        resolve({ result: o.result, detail: o.detail });
      });
      runner.submit([action]);
    });
}

/** The log's words for a call made on request: a Node-RED flow names itself, anything else is "the API". */
export function requestCause(body: RunActionBody, key: string): ActionCause {
  const c = body.cause;
  if (c?.via === "node-red") {
    const flow = c.flow ? `Node-RED flow "${c.flow}"` : "a Node-RED flow";
    const why = c.why ?? `${flow} ran`;
    // The log adds what the call did ("…: scene calm_alice"), so the summary names only who and why.
    return { kind: "node_red", id: c.id ?? key, why, summary: c.why ? `${why} → ${flow}` : why };
  }
  const why = c?.why ?? "a request to the hub's API";
  return { kind: "api", id: c?.id ?? key, why, summary: why };
}
