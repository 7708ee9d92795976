// The SQLite store: `Store` opens one file (database.ts, migrated by migrations.ts) and exposes one repository
// per table: `actions` (the log and its idempotency claims), `cooldowns`, `samples`, `rules` and `docs`.
export type { ActionClaim, ActionLog, ActionLogEntry, ActionResult } from "./actions.js";
export type { Cooldowns } from "./cooldowns.js";
export { createPrivateFile, secureDataDir } from "./data-dir.js";
export { STORE_FILE } from "./database.js";
export type { Documents, ListOptions } from "./documents.js";
export { SCHEMA_VERSION } from "./migrations.js";
export type { Rules, StoredRule } from "./rules.js";
export { SampleWriter } from "./sample-writer.js";
export type { Samples } from "./samples.js";
export { type Retention, Store } from "./store.js";
