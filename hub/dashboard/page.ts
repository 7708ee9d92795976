/** Serves the dashboard: three static files, no build step, nothing loaded from elsewhere. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { PUBLIC_ROUTE } from "../api/index.js";
import { packageRoot } from "../package-root.js";

const FILES = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard.css": { file: "dashboard.css", type: "text/css; charset=utf-8" },
  "/dashboard.js": { file: "dashboard.js", type: "text/javascript; charset=utf-8" },
} as const;

/** The assets live in the sources (hub/dashboard/assets); the build in dist/ serves them from there. */
export function assetsDir(): string {
  const dir = join(packageRoot(), "hub/dashboard/assets/");
  if (!existsSync(`${dir}index.html`)) throw new Error(`dashboard assets not found in ${dir}`);
  return dir;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

/** `GET /` and its two files. Public: the page holds no data; it asks for the token and calls the API. */
export function dashboardPage(dir = assetsDir()) {
  const content = new Map<string, string>();
  for (const [path, { file }] of Object.entries(FILES))
    content.set(path, readFileSync(`${dir}${file}`, "utf8"));
  return (app: FastifyInstance): void => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    for (const [path, { type }] of Object.entries(FILES)) {
      r.get(
        path,
        {
          ...PUBLIC_ROUTE,
          schema: {
            tags: ["dashboard"],
            security: [],
            description:
              path === "/" ? "The dashboard page (asks for the API token once)." : "Dashboard asset.",
            produces: [type.split(";")[0] ?? type],
            response: { 200: z.string() },
          },
        },
        async (_req, reply) => {
          reply.headers(SECURITY_HEADERS).type(type);
          return content.get(path) ?? "";
        },
      );
    }
    r.get(
      "/favicon.ico",
      { ...PUBLIC_ROUTE, schema: { hide: true, response: { 204: z.null() } } },
      async (_req, reply) => reply.code(204).send(null),
    );
  };
}
