export { createPrivateFile, secureDataDir } from "./data-dir.js";
export { type ActionLogEntry, type ActionResult, STORE_FILE, Store, type StoredRule } from "./store.js";
