import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The calm-hub package folder (where package.json, config/ and flows/ live), found the same way from the
 * TypeScript sources and from the build in dist/.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "calm-hub") {
          cached = dir;
          return dir;
        }
      } catch {
        // Not ours; keep looking up.
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the calm-hub package folder");
    dir = up;
  }
}
