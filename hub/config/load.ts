import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { type Issue, ValidationError } from "../core/index.js";
import { type Config, ConfigSchema } from "./schema.js";

/** The environment variables that override the file, and where each lands. */
export const ENV_OVERRIDES = {
  CALM_MQTT_URL: ["mqtt", "url"],
  CALM_MQTT_USERNAME: ["mqtt", "username"],
  CALM_MQTT_PASSWORD: ["mqtt", "password"],
  CALM_HA_URL: ["home_assistant", "url"],
  CALM_HA_TOKEN: ["home_assistant", "token"],
  CALM_DATA_DIR: ["data_dir"],
  CALM_HTTP_PORT: ["http", "port"],
  CALM_API_TOKEN: ["http", "token"],
} as const satisfies Record<string, readonly string[]>;

const NUMERIC = new Set(["CALM_HTTP_PORT"]);

export function zodIssues(error: z.ZodError, prefix: PropertyKey[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/** Applies CALM_* variables on top of the parsed file (before validation, so they are validated too). */
export function applyEnv(raw: unknown, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const root: Record<string, unknown> =
    raw !== null && typeof raw === "object" && !Array.isArray(raw)
      ? structuredClone(raw as Record<string, unknown>)
      : {};
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    let node = root;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      if (child === null || typeof child !== "object" || Array.isArray(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = path[path.length - 1] as string;
    node[leaf] = NUMERIC.has(name) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return root;
}

/** Parses YAML text into a validated config; every problem is reported, not just the first. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = {}, source = "config"): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(
      "CALM_ERR_CONFIG_INVALID",
      `${source} is not valid YAML`,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? "?"}`,
        message: e.message.split("\n")[0] ?? e.message,
      })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ValidationError("CALM_ERR_CONFIG_INVALID", `${source} must be a YAML mapping`, [
      { path: "(root)", message: "expected a mapping of settings" },
    ]);
  }
  const result = ConfigSchema.safeParse(applyEnv(raw, env));
  if (!result.success) {
    throw new ValidationError(
      "CALM_ERR_CONFIG_INVALID",
      `${source} has ${result.error.issues.length} problem(s)`,
      zodIssues(result.error),
    );
  }
  return result.data;
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ValidationError("CALM_ERR_CONFIG_READ", `cannot read ${file}`, [
      {
        path: file,
        message: (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(err),
      },
    ]);
  }
  return parseConfig(text, env, file);
}
