// Property-based fuzzing of the HTTP API's write routes on a real hub (app.inject: no socket needed):
// whatever the body, the answer is a 4xx with {code, message}, never a 500, and a refused change leaves the
// rules that were running untouched.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { API_TOKEN, startTestHub } from "../support/hub.js";
import { nastyScalar, nastyStructure } from "./arbitraries.js";

const API_RUNS = 1000;

const GOOD_RULE = {
  trigger: { type: "stress", above: 70 },
  cooldown_s: 60,
  ttl_s: 30,
  actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }],
};

let broker: TestBroker;
let hub: Hub;

beforeAll(async () => {
  broker = await startTestBroker();
  hub = await startTestHub({
    mqttUrl: broker.url,
    base: broker.base,
    yaml: `
http: { rate_limit_per_min: 1000000 }
rules:
  - { id: calm-scene, trigger: { type: stress, above: 70 }, actions: [{ action: scene.turn_on, target: { entity_id: scene.calm_alice } }] }
`,
  });
});
afterAll(async () => {
  await hub?.stop();
  await broker?.stop();
});

/** A good rule with one part replaced or removed. */
const mutatedRule: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom(
      "trigger",
      "trigger.type",
      "trigger.above",
      "cooldown_s",
      "ttl_s",
      "actions",
      "actions.0",
      "actions.0.action",
      "actions.0.target",
      "actions.0.target.entity_id",
      "conditions",
      "people",
      "enabled",
      "description",
      "id",
      "extra",
    ),
    fc.oneof(nastyScalar, nastyStructure, fc.constant(undefined)),
  )
  .map(([path, value]) => {
    const rule = structuredClone(GOOD_RULE) as Record<string, unknown>;
    const keys = path.split(".");
    let node = rule as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
      if (node[k] === null || typeof node[k] !== "object") node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] as string;
    if (value === undefined) delete node[last];
    else node[last] = value;
    return rule;
  });

const dryRunBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      person: fc.oneof(fc.string({ unit: "grapheme", maxLength: 80 }), nastyScalar),
      score: fc.oneof(fc.double(), nastyScalar),
      level: fc.oneof(fc.constantFrom("calm", "elevated", "high", "HIGH", ""), nastyScalar),
      previous_score: fc.oneof(fc.double(), nastyScalar),
      extra: nastyScalar,
    },
    { requiredKeys: [] },
  ),
  nastyStructure,
);

const runActionBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      action: fc.oneof(fc.constantFrom("light.turn_on", "calm.nope", "no dot", "a.b.c"), nastyScalar),
      target: fc.oneof(fc.record({ entity_id: nastyScalar }), nastyScalar),
      data: fc.oneof(fc.dictionary(fc.string(), nastyScalar, { maxKeys: 3 }), nastyScalar),
      person: nastyScalar,
    },
    { requiredKeys: [] },
  ),
  nastyStructure,
);

/** Raw bodies: JSON of anything, broken JSON, or not JSON at all. */
function rawBody(json: fc.Arbitrary<unknown>): fc.Arbitrary<{ payload: string; contentType: string }> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: json.map((v) => ({ payload: JSON.stringify(v) ?? "null", contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 60 })
        .map((s) => ({ payload: `{${s}`, contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ maxLength: 40 }),
          fc.constantFrom("text/plain", "application/xml", "multipart/form-data", ""),
        )
        .map(([payload, contentType]) => ({ payload, contentType })),
    },
  );
}

const ruleId: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("fuzz-rule", "calm-scene", "r1") },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom("..", "%00", "a".repeat(65), "UPPER", "a/b", "🙂") },
);

type Request = { method: "PUT" | "POST" | "DELETE"; url: string; payload?: string; contentType?: string };

const request: fc.Arbitrary<Request> = fc.oneof(
  fc
    .tuple(ruleId, rawBody(fc.oneof(mutatedRule, nastyStructure, nastyScalar)))
    .map(([id, b]) => ({ method: "PUT" as const, url: `/api/rules/${encodeURIComponent(id)}`, ...b })),
  fc.tuple(ruleId, rawBody(dryRunBody)).map(([id, b]) => ({
    method: "POST" as const,
    url: `/api/rules/${encodeURIComponent(id)}/dry-run`,
    ...b,
  })),
  rawBody(runActionBody).map((b) => ({ method: "POST" as const, url: "/api/actions/run", ...b })),
  ruleId.map((id) => ({ method: "DELETE" as const, url: `/api/rules/${encodeURIComponent(id)}` })),
);

describe("API fuzz (write routes of a real hub)", () => {
  it(`answers every request with 2xx or 4xx {code, message}, never 500, and keeps the last good rules (${API_RUNS} runs)`, async () => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const before = JSON.stringify(hub.rules.active());
        const res = await hub.api?.inject({
          method: req.method,
          url: req.url,
          headers: {
            authorization: `Bearer ${API_TOKEN}`,
            ...(req.contentType !== undefined && req.contentType !== ""
              ? { "content-type": req.contentType }
              : {}),
          },
          ...(req.payload !== undefined ? { payload: req.payload } : {}),
        });
        if (!res) throw new Error("no API");
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        expect(res.statusCode, `${req.method} ${req.url} ${req.payload?.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const body = res.json() as { code?: unknown; message?: unknown };
          expect(typeof body.code).toBe("string");
          expect(typeof body.message).toBe("string");
          if (req.method !== "POST") expect(JSON.stringify(hub.rules.active())).toBe(before);
        }
        // The config file's rule is never lost, whatever is thrown at the API.
        expect(hub.rules.active().some((r) => r.id === "calm-scene")).toBe(true);
      }),
      { numRuns: API_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    console.info(`[fuzz/api] ${API_RUNS} requests, status counts ${JSON.stringify(statuses)}`);
    expect(Object.keys(statuses).some((s) => s.startsWith("2"))).toBe(true);
    const health = await hub.api?.inject({ method: "GET", url: "/api/health" });
    expect(health?.statusCode).toBe(200);
  });
});
