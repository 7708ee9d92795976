// Node-RED (optional, most of the install) and the demo's broker load only when asked for: a plain `start`
// never pulls them in, the demo does. The web server (fastify and its plugins) loads when the API starts, after
// MQTT and Home Assistant, so that it does not delay the hub's first action.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

function loadedBy(module: string): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(root, "test/support/loaded-packages.mjs"), join(root, module)],
    { cwd: root, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
}

describe("what loads with which command", () => {
  it("the CLI and the hub load neither Node-RED nor aedes, nor the web server before it starts", () => {
    expect(loadedBy("hub/cli.ts")).toEqual({ "node-red": 0, aedes: 0, fastify: 0 });
    expect(loadedBy("hub/hub.ts")).toEqual({ "node-red": 0, aedes: 0, fastify: 0 });
  });

  it("building the API loads the web server", () => {
    expect(loadedBy("hub/api/app.ts").fastify).toBeGreaterThan(0);
  });

  it("the demo brings its embedded broker", () => {
    expect(loadedBy("hub/demo.ts").aedes).toBeGreaterThan(0);
  });

  it("the editor loads Node-RED only when it starts", () => {
    expect(loadedBy("hub/nodered/index.ts")["node-red"]).toBe(0);
  });
});
