// Actors: an attacker on the same machine (raw HTTP requests over a real socket, so paths reach the server
// byte for byte), the hub (real Hub on a real broker with HTTP on a free port, dashboard and every plugin).
// Every registered route is walked from fastify's own route list, so a new route cannot be forgotten.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../../hub/api/index.js";
import { AUTH, type HubFixture, startHub, TOKEN } from "../api/fixture.js";

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One request with the path exactly as given (no URL normalisation), closed after the first bytes of an SSE. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          // A stream that opened has answered: that is all a check needs.
          if (String(res.headers["content-type"]).startsWith("text/event-stream")) res.destroy();
        });
        const done = (): void => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers });
        res.on("end", done);
        res.on("close", done);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The ways an attacker would spell a path so that a check on the raw URL and the router disagree. */
function pathVariants(path: string): string[] {
  const encodeAt = (p: string, i: number): string => {
    const c = p[i] ?? "";
    return `${p.slice(0, i)}%${c.charCodeAt(0).toString(16).padStart(2, "0")}${p.slice(i + 1)}`;
  };
  const letters = [...path].map((c, i) => (/[a-z]/i.test(c) ? i : -1)).filter((i) => i >= 0);
  const first = letters[0] ?? 1;
  const last = letters.at(-1) ?? first;
  return [
    path,
    encodeAt(path, first),
    encodeAt(path, first).replace(/%([0-9a-f]{2})/, (_m, h: string) => `%${h.toUpperCase()}`),
    encodeAt(path, last),
    path.toUpperCase(),
    path.replace(/^\/(.)/, (_m, c: string) => `/${c.toUpperCase()}`),
    `${path}/`,
    `/${path}`,
    path.replace(/\/(?=[^/]*$)/, "//"),
    `${path}?token=${TOKEN}`,
    `${path};x`,
    `/./${path.slice(1)}`,
    `/x/..${path}`,
  ];
}

describe("authentication is decided by the matched route", () => {
  let fx: HubFixture;
  let base: string;

  beforeAll(async () => {
    // The failure limit is lifted here so that each refusal shows as the 401 of the check itself.
    fx = await startHub({ http: { port: 0, token: TOKEN, rate_limit_per_min: 1_000_000 } });
    base = fx.hub.apiUrl;
  });
  afterAll(async () => fx?.stop());

  function routes() {
    const api = fx.hub.api;
    if (!api) throw new Error("no API");
    // Node-RED's and the docs' static files share one wildcard route each; their variants are walked too.
    return registeredRoutes(api).map((r) => ({
      ...r,
      path: r.url.replace(/:[A-Za-z_]+/g, "alice").replace(/\*$/, "index.html"),
    }));
  }

  it("knows the routes it must protect (the walk below is not empty)", () => {
    const paths = new Set(routes().map((r) => r.path));
    for (const p of ["/api/people", "/api/people/alice/export", "/api/rules/alice", "/api/actions/run"])
      expect(paths).toContain(p);
    expect(paths).toContain("/metrics");
    expect([...paths].some((p) => p.startsWith("/api/docs"))).toBe(true);
    expect(
      routes()
        .filter((r) => r.public)
        .map((r) => r.path),
    ).toEqual(expect.arrayContaining(["/api/health", "/", "/dashboard.js", "/dashboard.css"]));
  });

  it("every protected route and every spelling of its path: 401 with no token and with a wrong token", async () => {
    const leaks: string[] = [];
    let checked = 0;
    for (const route of routes()) {
      if (route.public || route.method === "OPTIONS") continue;
      const body = ["POST", "PUT", "PATCH"].includes(route.method) ? "{}" : undefined;
      for (const path of pathVariants(route.path)) {
        const attempts: Record<string, string>[] = [
          {},
          { authorization: "Bearer not-the-token-0123456789" },
          { authorization: TOKEN },
        ];
        for (const headers of attempts) {
          const res = await raw(base, route.method, path, headers, body);
          checked++;
          if (res.status !== 401) leaks.push(`${route.method} ${path} → ${res.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it("the public routes answer without a token; everything else with the token", async () => {
    for (const route of routes().filter((r) => r.public && r.method === "GET")) {
      const res = await raw(base, "GET", route.path);
      // Swagger UI sends its static index.html on to the docs page itself: a redirect within the docs.
      if (res.status === 302 && route.path.startsWith("/api/docs/")) {
        expect(String(res.headers.location), route.path).toMatch(/^(\.\/|\/api\/docs)/);
        continue;
      }
      expect([200, 204], `${route.path}`).toContain(res.status);
    }
    const people = await raw(base, "GET", "/api/people", AUTH);
    expect(people.status).toBe(200);
    // An encoded spelling with the token still reaches the same route: only the check changed, not routing.
    const encoded = await raw(base, "GET", "/%61pi/people", AUTH);
    expect(encoded.status).toBe(200);
    expect(encoded.body).toBe(people.body);
  });

  it("serves the API description without a token, and it holds no data", async () => {
    const put = await raw(
      base,
      "PUT",
      "/api/rules/secret-rule-name",
      AUTH,
      JSON.stringify({
        id: "secret-rule-name",
        trigger: { type: "level", to: "high" },
        actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }],
      }),
    );
    expect(put.status).toBe(200);
    const page = await raw(base, "GET", "/api/docs/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("swagger");
    const spec = await raw(base, "GET", "/api/docs/json");
    expect(spec.status).toBe(200);
    const doc = JSON.parse(spec.body) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain("/api/people");
    // Routes and schemas only: nothing the hub stored, nor the token.
    expect(spec.body).not.toContain("secret-rule-name");
    expect(spec.body).not.toContain(TOKEN);
    // The data behind the docs still needs the token.
    expect((await raw(base, "GET", "/api/rules")).status).toBe(401);
  });

  it("every response carries nosniff, no-referrer and a frame ban; the API a CSP of its own", async () => {
    for (const path of ["/api/health", "/api/people", "/", "/nope"]) {
      const res = await raw(base, "GET", path, AUTH);
      expect(res.headers["x-content-type-options"], path).toBe("nosniff");
      expect(res.headers["referrer-policy"], path).toBe("no-referrer");
      expect(res.headers["x-frame-options"], path).toBe("DENY");
      expect(String(res.headers["content-security-policy"]), path).toContain("frame-ancestors 'none'");
    }
  });
});

describe("Host header (DNS rebinding)", () => {
  let fx: HubFixture;
  let base: string;
  beforeAll(async () => {
    fx = await startHub({ http: { port: 0, token: TOKEN, allowed_hosts: ["calm.home.lan"] } });
    base = fx.hub.apiUrl;
  });
  afterAll(async () => fx?.stop());

  it("refuses a foreign name on every kind of route, health and the dashboard included", async () => {
    for (const path of ["/api/health", "/", "/dashboard.js", "/api/people", "/metrics", "/api/docs"]) {
      for (const host of [
        "evil.example",
        "evil.example:8787",
        "127.0.0.1.nip.example",
        "calm.home.lan.evil",
      ]) {
        const res = await raw(base, "GET", path, { ...AUTH, host });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ code: "CALM_ERR_HOST_NOT_ALLOWED" });
        expect(res.body).toContain("http.allowed_hosts");
      }
    }
  });

  it("answers loopback names and addresses and the configured names", async () => {
    const port = new URL(base).port;
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      "calm.home.lan",
      "CALM.home.lan",
    ]) {
      const res = await raw(base, "GET", "/api/people", { ...AUTH, host });
      expect(res.status, host).toBe(200);
    }
    // The hub listens on loopback only: another address in Host cannot be a request that was meant for it.
    expect((await raw(base, "GET", "/api/health", { host: "192.168.1.20:8787" })).status).toBe(403);
  });
});

describe("failed authentications are limited per client, never the right token", () => {
  let fx: HubFixture;
  let base: string;
  beforeAll(async () => {
    fx = await startHub({ http: { port: 0, token: TOKEN, rate_limit_per_min: 20 } });
    base = fx.hub.apiUrl;
  });
  afterAll(async () => fx?.stop());

  it("1,300 parallel wrong-token requests: they get 401 then 429; token, health and dashboard still answer", async () => {
    const wrong = { authorization: "Bearer guess-0123456789abcdef" };
    const statuses: number[] = [];
    const batch = 100;
    for (let i = 0; i < 1_300; i += batch) {
      const answers = await Promise.all(
        Array.from({ length: batch }, () => raw(base, "GET", "/api/people", wrong)),
      );
      statuses.push(...answers.map((a) => a.status));
      // Between the attacker's batches the resident's requests still go through.
      if (i % 300 === 0) {
        expect((await raw(base, "GET", "/api/people", AUTH)).status).toBe(200);
        expect((await raw(base, "GET", "/api/health")).status).toBe(200);
        expect((await raw(base, "GET", "/")).status).toBe(200);
      }
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1_280);
    expect((await raw(base, "GET", "/api/people", AUTH)).status).toBe(200);
    expect((await raw(base, "GET", "/api/health")).status).toBe(200);
    expect((await raw(base, "GET", "/dashboard.js")).status).toBe(200);
  });
});
