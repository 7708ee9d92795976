import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const TOKEN_FILE = "api-token";

/**
 * The API token: the configured one, else the one generated on an earlier start, else a new one written with
 * mode 0600. `generated` tells the caller to print it, once.
 */
export function resolveApiToken(
  configured: string | undefined,
  dataDir: string,
  fileName = TOKEN_FILE,
): { token: string; generated: boolean; file: string } {
  const file = join(dataDir, fileName);
  if (configured) return { token: configured, generated: false, file };
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 16) return { token: stored, generated: false, file };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString("base64url");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, generated: true, file };
}
