import { readFile } from "node:fs/promises";
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { type Issue, ValidationError } from "../core/index.js";
import { type Config, ConfigSchema } from "./schema.js";
import { closestWord, keysAt } from "./suggest.js";

/** The environment variables that override the file, and where each lands. */
export const ENV_OVERRIDES = {
  CALM_MQTT_URL: ["mqtt", "url"],
  CALM_MQTT_USERNAME: ["mqtt", "username"],
  CALM_MQTT_PASSWORD: ["mqtt", "password"],
  CALM_HA_URL: ["home_assistant", "url"],
  CALM_HA_TOKEN: ["home_assistant", "token"],
  CALM_DATA_DIR: ["data_dir"],
  CALM_HTTP_HOST: ["http", "host"],
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

/** Where in the file a problem is: the line of the key at `path`, else of the nearest mapping above it. */
function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): number | undefined {
  const segments = path.map((p) => (typeof p === "number" ? p : String(p)));
  if (key !== undefined) {
    const map = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const start = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
      if (start !== undefined) return counter.linePos(start).line;
    }
  }
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

let jsonSchema: Record<string, unknown> | undefined;
function configKeysAt(path: readonly PropertyKey[]): string[] {
  jsonSchema ??= z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return keysAt(jsonSchema, path).filter((k) => k !== "$schema");
}

/**
 * zod's issues as the person editing the file needs them: an unknown key names the key itself, the key it
 * was probably meant to be, and its line; a value set by a CALM_* variable says so (the file is not at fault).
 */
function fileIssues(error: z.ZodError, doc: Document, counter: LineCounter, env: NodeJS.ProcessEnv): Issue[] {
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_OVERRIDES))
    if (env[name] !== undefined && env[name] !== "") fromEnv.set(formatPath(path), name);
  const out: Issue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = configKeysAt(issue.path);
      for (const key of issue.keys) {
        const guess = closestWord(key, known);
        const line = lineOf(doc, counter, issue.path, key);
        const hint = guess
          ? `did you mean ${guess}?`
          : known.length > 0 && known.length <= 12
            ? `expected one of ${known.join(", ")}`
            : "remove it or check the spelling";
        out.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key; ${hint}${line === undefined ? "" : ` (line ${line})`}`,
        });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const variable = fromEnv.get(path);
    if (variable !== undefined) {
      out.push({ path, message: `${issue.message} (set by ${variable})` });
      continue;
    }
    const line = lineOf(doc, counter, issue.path);
    out.push({ path, message: line === undefined ? issue.message : `${issue.message} (line ${line})` });
  }
  return out;
}

/** Parses YAML text into a validated config; every problem is reported, not just the first. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = {}, source = "config"): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: counter });
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
    const issues = fileIssues(result.error, doc, counter, env);
    throw new ValidationError("CALM_ERR_CONFIG_INVALID", `${source} has ${issues.length} problem(s)`, issues);
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
  // An empty file is almost always a mistake (a wrong path, a failed copy); in code, "" still means defaults.
  if (parseDocument(text).contents === null) {
    throw new ValidationError("CALM_ERR_CONFIG_INVALID", `${file} is empty`, [
      {
        path: "(root)",
        message:
          "the file has no settings; start from config/examples/home.yaml or config/examples/stress-scene.yaml",
      },
    ]);
  }
  return parseConfig(text, env, file);
}
