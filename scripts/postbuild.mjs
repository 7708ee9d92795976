// tsc writes every file with the default mode, so after a clean build (`rm -rf dist && npm ci`) the `calm-hub`
// bin has no execute bit and `npx calm-hub` fails with "Permission denied". npm sets the bit only when it
// links an installed package, not for the package's own checkout.
import { chmodSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));
const bins = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const file = resolve(root, bin);
  // Adds execute wherever read is allowed (0644 → 0755, 0600 → 0700): never widens who may read it.
  const mode = statSync(file).mode & 0o777;
  chmodSync(file, mode | ((mode & 0o444) >> 2));
}
