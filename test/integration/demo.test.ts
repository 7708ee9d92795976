// The newcomer's path: `calm-hub demo` as a real child process, watched from its terminal output.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGTERM");
  child = undefined;
});

describe("calm-hub demo", () => {
  it("shows a decision and the room easing within 30 seconds, then stops cleanly on SIGTERM", async () => {
    let out = "";
    child = spawn(process.execPath, ["--import", "tsx", "hub/cli.ts", "demo"], {
      env: {
        ...process.env,
        CALM_HTTP_PORT: "0",
        CALM_NODE_RED_PORT: "0",
        CALM_DATA_DIR: tempDir("calm-demo-"),
        CALM_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    await waitFor(() => /Node-RED editor +http:\/\/127\.0\.0\.1:\d+\//.test(out), {
      timeoutMs: 30_000,
      what: "the demo's addresses",
    });
    expect(out).toMatch(/Dashboard +http:\/\/127\.0\.0\.1:\d+\//);
    await waitFor(() => /alice +rule calm-episode: stress \d+ \(high\) → calm\.start_episode/.test(out), {
      // The demo's wearable turns stressed about 10 s in; the slack is for a loaded CI machine.
      timeoutMs: 45_000,
      what: "a decision line",
    });
    await waitFor(() => /alice +✓ light\.turn_on: done/.test(out), {
      timeoutMs: 5_000,
      what: "the light easing",
    });
    expect(out).toMatch(/calm episode started in living_room/);
    // The simulator plays an Assist request; the answer and the friend nudge show up.
    await waitFor(() => /voice +"I feel lonely" \(living room\) → "/.test(out), {
      timeoutMs: 40_000,
      what: "the voice request",
    });
    expect(out).not.toMatch(/phone .*\d{2,}/); // no health numbers on a lock screen

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    child = undefined;
  }, 90_000);
});
