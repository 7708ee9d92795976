// `rm -rf node_modules dist && npm ci` then `npx calm-hub`: the bin tsc wrote must be executable.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/hub.js";

describe("the build", () => {
  it("makes the calm-hub bin executable after tsc wrote it without the execute bit", () => {
    const root = tempDir("calm-build-");
    mkdirSync(join(root, "dist/hub"), { recursive: true });
    const bin = join(root, "dist/hub/bin.js");
    writeFileSync(bin, '#!/usr/bin/env node\nprocess.stdout.write("ran");\n');
    chmodSync(bin, 0o644); // what tsc leaves after a clean build
    writeFileSync(join(root, "package.json"), JSON.stringify({ bin: { "calm-hub": "dist/hub/bin.js" } }));
    expect(spawnSync(bin).error).toMatchObject({ code: "EACCES" });

    const post = spawnSync(process.execPath, ["scripts/postbuild.mjs", root], { encoding: "utf8" });
    expect(post.stderr).toBe("");
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(spawnSync(bin, { encoding: "utf8" }).stdout).toBe("ran");
  });

  it("runs that step in npm run build, which npm ci runs through prepare", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json && node scripts\/postbuild\.mjs$/);
    expect(pkg.scripts.prepare).toBe("npm run build");
  });
});
