import { disallowedActions, type Rule, RuleSchema } from "../config/index.js";
import { DEFAULT_ALLOWED_SERVICES, HubError, ValidationError } from "../core/index.js";

export type RuleOrigin = "config" | "api" | "node-red";

export interface RuleEntry {
  rule: Rule;
  origin: RuleOrigin;
  updated_at: number;
}

/** Where API and Node-RED rules are kept between restarts (the SQLite store in the hub). */
export interface RulePersistence {
  list(): { id: string; origin: string; body: unknown; updated_at: number }[];
  put(rule: { id: string; origin: string; body: unknown; updated_at: number }): void;
  delete(id: string): boolean;
}

function issuesOf(error: {
  issues: { path: PropertyKey[]; message: string }[];
}): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.length
      ? i.path
          .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
          .join(".")
          .replaceAll(".[", "[")
      : "(root)",
    message: i.message,
  }));
}

/** Validates any rule document with the same schema the config file uses. */
export function parseRule(body: unknown, allowed: readonly string[] = DEFAULT_ALLOWED_SERVICES): Rule {
  const result = RuleSchema.safeParse(body);
  if (!result.success) {
    const issues = issuesOf(result.error);
    throw new ValidationError(
      "CALM_ERR_RULE_INVALID",
      `invalid rule: ${issues[0]?.path}: ${issues[0]?.message}`,
      issues,
    );
  }
  const refused = disallowedActions(result.data, allowed).map((r) => ({
    path: `actions[${r.action}].action`,
    message: r.message,
  }));
  if (refused.length > 0)
    throw new ValidationError("CALM_ERR_RULE_INVALID", `invalid rule: ${refused[0]?.message}`, refused);
  return result.data;
}

/**
 * The rules in force: those from the config file, overlaid by those saved through the API or Node-RED.
 * A rejected change leaves the last good rules running.
 */
export class RuleRegistry {
  private readonly fromConfig = new Map<string, Rule>();
  private readonly persisted = new Map<string, RuleEntry>();
  private readonly persistence: RulePersistence;
  private readonly listeners = new Set<() => void>();
  private cache: Rule[] | undefined;
  private readonly allowed: readonly string[];

  constructor(
    configRules: readonly Rule[],
    persistence: RulePersistence,
    allowedServices: readonly string[] = DEFAULT_ALLOWED_SERVICES,
  ) {
    for (const r of configRules) this.fromConfig.set(r.id, r);
    this.persistence = persistence;
    this.allowed = allowedServices;
  }

  /** Loads saved rules; one that no longer validates is skipped, not fatal. Returns the skipped ids. */
  load(): string[] {
    const skipped: string[] = [];
    for (const row of this.persistence.list()) {
      const result = RuleSchema.safeParse(row.body);
      if (!result.success) {
        skipped.push(row.id);
        continue;
      }
      this.persisted.set(row.id, {
        rule: result.data,
        origin: row.origin as RuleOrigin,
        updated_at: row.updated_at,
      });
    }
    this.changed();
    return skipped;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The rules the engine evaluates, saved ones taking precedence over the config file's. */
  active(): Rule[] {
    if (!this.cache) {
      const merged = new Map(this.fromConfig);
      for (const [id, e] of this.persisted) merged.set(id, e.rule);
      this.cache = [...merged.values()];
    }
    return this.cache;
  }

  list(): RuleEntry[] {
    const out = new Map<string, RuleEntry>();
    for (const [id, rule] of this.fromConfig) out.set(id, { rule, origin: "config", updated_at: 0 });
    for (const [id, e] of this.persisted) out.set(id, e);
    return [...out.values()].sort((a, b) => a.rule.id.localeCompare(b.rule.id));
  }

  get(id: string): RuleEntry | undefined {
    return this.list().find((e) => e.rule.id === id);
  }

  put(id: string, body: unknown, origin: RuleOrigin, now: number): RuleEntry {
    const candidate =
      body !== null && typeof body === "object" && !Array.isArray(body) ? { ...(body as object), id } : body;
    const rule = parseRule(candidate, this.allowed);
    const entry: RuleEntry = { rule, origin, updated_at: now };
    this.persistence.put({ id, origin, body: rule, updated_at: now });
    this.persisted.set(id, entry);
    this.changed();
    return entry;
  }

  delete(id: string): void {
    if (!this.persisted.has(id)) {
      if (this.fromConfig.has(id)) {
        throw new HubError(
          "CALM_ERR_RULE_INVALID",
          `rule "${id}" comes from the config file; remove it there`,
        );
      }
      throw new HubError("CALM_ERR_RULE_NOT_FOUND", `no rule "${id}"`);
    }
    this.persistence.delete(id);
    this.persisted.delete(id);
    this.changed();
  }

  private changed(): void {
    this.cache = undefined;
    for (const l of this.listeners) l();
  }
}
