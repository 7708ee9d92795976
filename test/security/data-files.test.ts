// Actors: another user on the machine (the mode bits of what the hub leaves on disk), the hub (real, on a real
// broker, SQLite on disk), a wearable (MQTT) so that the database and its WAL are really written.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectClient, startHub } from "../api/fixture.js";
import { nextTs } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

let previousUmask = 0;
beforeEach(() => {
  // The most careless umask there is: nothing the hub writes may rely on the caller's.
  previousUmask = process.umask(0);
});
afterEach(() => {
  process.umask(previousUmask);
});

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { ".": (statSync(dir).mode & 0o777).toString(8) };
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out[prefix + e.name] = (statSync(p).mode & 0o777).toString(8);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
    }
  };
  walk(dir, "");
  return out;
}

describe("the data folder is the hub's user's alone", () => {
  it("created 0700, the database, its WAL and shared memory 0600, under umask 000", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "calm-modes-")), "data");
    const fx = await startHub({ data_dir: dataDir });
    try {
      const client = await connectClient(fx.broker.url, `${fx.base}-w`);
      await client.publishAsync(`${fx.base}/alice/wearable`, JSON.stringify({ ts: nextTs(), hr: 72 }), {
        qos: 1,
      });
      await waitFor(() => fx.hub.ingest.counters.accepted === 1, { what: "reading taken" });
      await client.endAsync();
      const found = modes(dataDir);
      expect(Object.keys(found)).toEqual(expect.arrayContaining(["calm-hub.sqlite", "calm-hub.sqlite-wal"]));
      expect(found["."]).toBe("700");
      for (const [name, mode] of Object.entries(found)) if (name !== ".") expect(mode, name).toBe("600");
    } finally {
      await fx.stop();
    }
  });

  it("an existing folder readable by others is made private, files included", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "calm-modes-"));
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, "api-token"), "a-token-from-an-older-version\n", { mode: 0o644 });
    mkdirSync(join(dataDir, "node-red"), { mode: 0o755 });
    writeFileSync(join(dataDir, "node-red", "flows_cred.json"), "{}", { mode: 0o644 });
    const fx = await startHub({ data_dir: dataDir });
    try {
      const found = modes(dataDir);
      expect(found).toMatchObject({
        ".": "700",
        "api-token": "600",
        "node-red": "700",
        "node-red/flows_cred.json": "600",
      });
    } finally {
      await fx.stop();
    }
  });

  it("refuses to start on a folder other users can write to, and says how to fix it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "calm-modes-"));
    chmodSync(dataDir, 0o777);
    await expect(startHub({ data_dir: dataDir })).rejects.toThrow(
      new RegExp(`data folder ${dataDir} can be written by other users \\(mode 777\\).*chmod 700`),
    );
    // Nothing was created in it.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
