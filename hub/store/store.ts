import { type Logger, silentLogger } from "../core/index.js";
import { ActionLog } from "./actions.js";
import { Cooldowns } from "./cooldowns.js";
import { Database } from "./database.js";
import { Documents } from "./documents.js";
import { Rules } from "./rules.js";
import { Samples } from "./samples.js";

const DAY_MS = 86_400_000;

/** How long each kind of record is kept: the config's `store` section. */
export interface Retention {
  retention_days: number;
  action_log_days: number;
  episode_days: number;
  /** Moods and mood check-ins (the config's `mood.mood_days`); kept for good when absent. */
  mood_days?: number | undefined;
}

/** Documents that pile up one per episode or per evening; kept `store.episode_days`. */
const HISTORY_SCOPES = ["episode", "wind_down"] as const;
/** Episode outcomes and their comparison moments are kept as long as the episodes they measure. */
const OUTCOME_SCOPES = ["outcome", "outcome_comparison"] as const;
/** A person's moods and the check-ins that asked for them; kept `mood.mood_days`. */
const MOOD_SCOPES = ["mood", "mood_check_in"] as const;
/** The insights' hourly stress and daily activity summaries; kept as long as the episode history. */
const INSIGHT_SCOPES = ["stress_hour", "activity_day"] as const;

/**
 * The hub's SQLite file, one repository per table. Cross-table work lives here: opening (cooldowns are
 * rebuilt from the action claims) and the per-person export and delete, which must cover every table.
 */
export class Store {
  readonly path: string;
  readonly actions: ActionLog;
  readonly cooldowns: Cooldowns;
  readonly samples: Samples;
  readonly rules: Rules;
  readonly docs: Documents;
  private readonly db: Database;

  constructor(dataDir: string, logger: Logger = silentLogger()) {
    this.db = new Database(dataDir);
    this.path = this.db.path;
    // Paths and messages only: the stored value may be a health reading.
    this.db.onInvalid = (table, issues) =>
      logger.warn(
        {
          component: "store",
          table,
          issues: issues.slice(0, 5).map((i) => `${i.path.map(String).join(".")}: ${i.message}`),
        },
        "a stored record no longer fits its schema; skipped",
      );
    this.actions = new ActionLog(this.db);
    this.cooldowns = new Cooldowns(this.db);
    this.samples = new Samples(this.db);
    this.rules = new Rules(this.db);
    this.docs = new Documents(this.db);
  }

  /** Told of a batched or written-behind write that could not be committed (the hub logs it). */
  set onWriteError(fn: (err: Error) => void) {
    this.db.onWriteError = fn;
  }

  /** Opens (or creates and migrates) the database; refuses a data folder that other users can write to. */
  open(): void {
    this.db.open();
    this.cooldowns.load(this.actions.lastClaims());
  }

  close(): void {
    this.db.close();
    this.cooldowns.clear();
  }

  /** Runs `fn` once what has been written so far (the claims) is on disk, with false if that failed. */
  afterCommit(fn: (committed: boolean) => void): void {
    this.db.afterCommit(fn);
  }

  /** Runs `fn` in one transaction (a savepoint inside the claims' batch). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /** Deletes what is older than the config keeps; returns how many of each went. */
  applyRetention(
    now: number,
    keep: Retention,
  ): {
    samples: number;
    actions: number;
    episodes: number;
    wind_downs: number;
    moods: number;
    insight_summaries: number;
    outcomes: number;
  } {
    const historyBefore = now - keep.episode_days * DAY_MS;
    const [episodes, windDowns] = HISTORY_SCOPES.map((scope) => this.docs.prune(scope, historyBefore));
    const moodDays = keep.mood_days;
    const moods =
      moodDays === undefined
        ? 0
        : MOOD_SCOPES.reduce((n, scope) => n + this.docs.prune(scope, now - moodDays * DAY_MS), 0);
    const insightSummaries = INSIGHT_SCOPES.reduce(
      (n, scope) => n + this.docs.prune(scope, historyBefore),
      0,
    );
    const outcomes = OUTCOME_SCOPES.reduce((n, scope) => n + this.docs.prune(scope, historyBefore), 0);
    return {
      outcomes,
      moods,
      insight_summaries: insightSummaries,
      samples: this.samples.prune(now - keep.retention_days * DAY_MS),
      actions: this.actions.prune(now - keep.action_log_days * DAY_MS),
      episodes: episodes ?? 0,
      wind_downs: windDowns ?? 0,
    };
  }

  exportPerson(person: string): Record<string, unknown> {
    return {
      person,
      samples: this.samples.list(person, 0, Number.MAX_SAFE_INTEGER),
      actions: this.actions.forPerson(person),
      cooldowns: this.cooldowns.forPerson(person),
      documents: this.docs.forPerson(person),
    };
  }

  deletePerson(person: string): Record<string, number> {
    this.db.flushBehind();
    return this.db.transaction(() => ({
      samples: this.samples.deletePerson(person),
      actions: this.actions.deletePerson(person),
      cooldowns: this.cooldowns.deletePerson(person),
      documents: this.docs.deletePerson(person),
    }));
  }
}
