export { type ActionLogEntry, type ActionResult, STORE_FILE, Store, type StoredRule } from "./store.js";
