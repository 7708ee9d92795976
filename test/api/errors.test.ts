// The closed list of error codes (hub/core/errors.ts) as a rule the build keeps: every code maps to its status
// through the one error handler, every route of a real hub answers errors only with listed codes at their
// statuses, and no file in hub/ names a code that is not listed or builds an error body by hand.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorReply, registeredRoutes } from "../../hub/api/index.js";
import { ERROR_CODES, ERROR_STATUS, HubError, silentLogger, ValidationError } from "../../hub/core/index.js";
import { AUTH, type HubFixture, startHub } from "./fixture.js";
import { MINIMAL_AUTH, minimalApi } from "./minimal-api.js";

const ROOT = join(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "assets" ? [] : sources(path);
    return /\.(ts|js|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe("the closed list of CALM_ERR_* codes", () => {
  it("maps every code to its own status and body through the error handler", () => {
    for (const code of ERROR_CODES) {
      const { status, body } = errorReply(new HubError(code, `about ${code}`), silentLogger());
      expect(status, code).toBe(ERROR_STATUS[code]);
      expect(status >= 400 && status < 600, code).toBe(true);
      expect(body).toEqual({ code, message: `about ${code}` });
    }
    const issues = [{ path: "trigger.above", message: "expected a number" }];
    expect(
      errorReply(new ValidationError("CALM_ERR_RULE_INVALID", "invalid rule", issues), silentLogger()),
    ).toEqual({
      status: 400,
      body: { code: "CALM_ERR_RULE_INVALID", message: "invalid rule", issues },
    });
  });

  it("no file in hub/ names an unlisted code or sends an error body of its own", () => {
    const unlisted: string[] = [];
    const handMade: string[] = [];
    for (const file of sources(join(ROOT, "hub"))) {
      const rel = relative(ROOT, file);
      if (rel === join("hub", "core", "errors.ts")) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/CALM_ERR_[A-Z0-9_]+/g))
        if (!(ERROR_CODES as string[]).includes(m[0])) unlisted.push(`${rel}: ${m[0]}`);
      // Routes throw HubError; a `code: "CALM_ERR_…"` literal would be an answer that skips the handler.
      for (const m of text.matchAll(/code:\s*["'`]CALM_ERR_/g)) handMade.push(`${rel} @${m.index}`);
    }
    expect(unlisted).toEqual([]);
    expect(handMade).toEqual([]);
  });

  it("fastify's own refusals and unexpected failures come out as listed codes, nothing internal leaked", async () => {
    const api = await minimalApi([
      (app) => {
        app.get("/api/boom", async () => {
          throw new Error("secret detail from deep inside");
        });
      },
    ]);
    const cases = [
      { method: "GET", url: "/api/nope", status: 404, code: "CALM_ERR_NOT_FOUND" },
      { method: "GET", url: "/api/boom", status: 500, code: "CALM_ERR_INTERNAL" },
      {
        method: "PUT",
        url: "/api/rules/r1",
        payload: "{not json",
        type: "application/json",
        status: 400,
        code: "CALM_ERR_BAD_REQUEST",
      },
      {
        method: "PUT",
        url: "/api/rules/r1",
        payload: "x".repeat(300 * 1024),
        type: "application/json",
        status: 413,
        code: "CALM_ERR_TOO_LARGE",
      },
      {
        method: "PUT",
        url: "/api/rules/r1",
        payload: "<rule/>",
        type: "application/xml",
        status: 415,
        code: "CALM_ERR_UNSUPPORTED_MEDIA_TYPE",
      },
    ] as const;
    for (const c of cases) {
      const res = await api.inject({
        method: c.method,
        url: c.url,
        headers: { ...MINIMAL_AUTH, ...("type" in c ? { "content-type": c.type } : {}) },
        ...("payload" in c ? { payload: c.payload } : {}),
      });
      expect(res.statusCode, c.url).toBe(c.status);
      expect(res.json(), c.url).toMatchObject({ code: c.code });
      expect(res.body).not.toContain("secret detail");
    }
    await api.close();
  });
});

describe("every route of a real hub answers errors with listed codes only", () => {
  let fx: HubFixture;
  beforeAll(async () => {
    fx = await startHub();
  });
  afterAll(async () => fx?.stop());

  it("walks the route list with the token and bodies that are wrong in several ways", async () => {
    const api = fx.hub.api;
    if (!api) throw new Error("no API");
    const seen = new Map<string, number>();
    const bad: string[] = [];
    for (const route of registeredRoutes(api)) {
      // The stream never ends (its own test reads it); HEAD and OPTIONS mirror GET and CORS.
      if (route.url === "/api/stream" || route.method === "HEAD" || route.method === "OPTIONS") continue;
      const url = route.url.replace(/:[A-Za-z_]+/g, "nobody").replace(/\*$/, "index.html");
      const bodies = ["POST", "PUT", "PATCH"].includes(route.method)
        ? ["{}", '{"x":1}', "[]", "{bad"]
        : [undefined];
      for (const payload of bodies) {
        const res = await api.inject({
          method: route.method as "GET",
          url: `${url}?limit=0&hours=-1&days=x&from=nope`,
          headers: { ...AUTH, ...(payload ? { "content-type": "application/json" } : {}) },
          ...(payload ? { payload } : {}),
        });
        if (res.statusCode < 400) continue;
        const code = (res.json() as { code?: unknown }).code;
        const listed = (ERROR_CODES as unknown[]).includes(code);
        if (!listed || ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== res.statusCode)
          bad.push(`${route.method} ${url} → ${res.statusCode} ${String(code)}`);
        seen.set(String(code), (seen.get(String(code)) ?? 0) + 1);
      }
    }
    expect(bad).toEqual([]);
    // The walk reached real refusals, not only successes.
    expect(seen.get("CALM_ERR_BAD_REQUEST")).toBeGreaterThan(5);
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(["CALM_ERR_NOT_FOUND", "CALM_ERR_RULE_NOT_FOUND", "CALM_ERR_RULE_INVALID"]),
    );
  });
});
