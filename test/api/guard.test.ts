// Actors: a web page on a configured origin and one on a foreign origin (their browsers' preflights and
// requests, as fastify.inject sends them), and a client that keeps guessing tokens.

import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_AUTH, minimalApi } from "./minimal-api.js";

const ALLOWED = "https://calm.example";
const FOREIGN = "https://evil.example";

describe("CORS for the configured origins only", () => {
  let api: FastifyInstance;
  beforeAll(async () => {
    api = await minimalApi([], { corsOrigins: [ALLOWED], authFailuresPerMin: 3 });
  });
  afterAll(async () => api?.close());

  it("answers a configured origin's preflight without a token, and its requests with the origin", async () => {
    const pre = await api.inject({
      method: "OPTIONS",
      url: "/api/stream",
      headers: {
        origin: ALLOWED,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization, last-event-id",
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(ALLOWED);
    expect(String(pre.headers["access-control-allow-headers"])).toContain("last-event-id");
    expect(String(pre.headers["access-control-allow-methods"])).toContain("PUT");
    const get = await api.inject({
      method: "GET",
      url: "/api/people",
      headers: { ...MINIMAL_AUTH, origin: ALLOWED },
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers["access-control-allow-origin"]).toBe(ALLOWED);
    expect(String(get.headers.vary)).toMatch(/origin/i);
  });

  it("gives a foreign origin no CORS header; its preflight is a failed authentication like any other", async () => {
    const wrong = { authorization: "Bearer guess-0123456789" };
    const pre = await api.inject({
      method: "OPTIONS",
      url: "/api/people",
      headers: { origin: FOREIGN, "access-control-request-method": "GET" },
    });
    expect(pre.statusCode).toBe(401);
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await api.inject({ method: "GET", url: "/api/people", headers: wrong })).statusCode);
    // Three failures a minute: the preflight was the first, so the third guess is over the limit.
    expect(statuses).toEqual([401, 401, 429]);
    const limited = await api.inject({
      method: "GET",
      url: "/api/people",
      headers: { ...wrong, origin: FOREIGN },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "CALM_ERR_RATE_LIMIT" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.headers["access-control-allow-origin"]).toBeUndefined();
    expect(limited.headers["x-content-type-options"]).toBe("nosniff");
    // The right token is never held back by the guesses.
    expect((await api.inject({ method: "GET", url: "/api/people", headers: MINIMAL_AUTH })).statusCode).toBe(
      200,
    );
  });
});
