import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { HubError } from "../core/index.js";

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * The data folder holds biometric history, the API token and Node-RED's credentials: only the hub's own user
 * may read it. Created 0700 and every file in it made 0600 whatever the umask; a folder that someone else can
 * write to is refused, because they could swap the database or the token under the hub.
 */
export function secureDataDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new HubError("CALM_ERR_DATA_DIR", `data folder ${dir} is not a folder`);
  if ((st.mode & 0o022) !== 0) {
    throw new HubError(
      "CALM_ERR_DATA_DIR",
      `data folder ${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}); ` +
        `make it private with: chmod 700 ${dir}`,
    );
  }
  if ((st.mode & 0o777) !== PRIVATE_DIR) chmodSync(dir, PRIVATE_DIR);
  tighten(dir);
}

function tighten(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Symbolic links are left as they are: chmod would follow them out of the folder.
    if (entry.isDirectory()) {
      chmodSync(path, PRIVATE_DIR);
      tighten(path);
    } else if (entry.isFile()) chmodSync(path, PRIVATE_FILE);
  }
}

/**
 * Creates a file 0600 before a library opens it: SQLite gives its -wal and -shm files the database file's own
 * mode, so a database that starts private stays private.
 */
export function createPrivateFile(path: string): void {
  if (existsSync(path)) {
    chmodSync(path, PRIVATE_FILE);
    return;
  }
  closeSync(openSync(path, "a", PRIVATE_FILE));
  chmodSync(path, PRIVATE_FILE);
}
