import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyEnv,
  CONFIG_SCHEMA_FILE,
  configJsonSchema,
  loadConfig,
  parseConfig,
} from "../../hub/config/index.js";
import { ValidationError } from "../../hub/core/index.js";

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error("expected a validation error");
}

describe("config", () => {
  it("fills every default from an empty file", () => {
    const c = parseConfig("");
    expect(c.mqtt.url).toBe("mqtt://127.0.0.1:1883");
    expect(c.mqtt.client_id).toBe("calm-hub");
    expect(c.http.port).toBe(8787);
    expect(c.rules).toEqual([]);
    expect(c.ingest.max_payload_bytes).toBe(65536);
  });

  it("lets the environment override the file, and validates the result", () => {
    const c = parseConfig("mqtt:\n  url: mqtt://file:1883\n", {
      CALM_MQTT_URL: "mqtt://env:1883",
      CALM_HA_URL: "http://ha.local:8123",
      CALM_HA_TOKEN: "abc",
      CALM_DATA_DIR: "/tmp/x",
      CALM_HTTP_PORT: "9999",
      CALM_API_TOKEN: "0123456789abcdef0123",
    });
    expect(c.mqtt.url).toBe("mqtt://env:1883");
    expect(c.home_assistant.url).toBe("http://ha.local:8123");
    expect(c.home_assistant.token).toBe("abc");
    expect(c.data_dir).toBe("/tmp/x");
    expect(c.http.port).toBe(9999);
    expect(issuesOf(() => parseConfig("", { CALM_HTTP_PORT: "not-a-port" }))).toEqual([
      "http.port: Invalid input: expected number, received string (set by CALM_HTTP_PORT)",
    ]);
  });

  it("does not change the parsed file when applying the environment", () => {
    const raw = { mqtt: { url: "mqtt://a" } };
    applyEnv(raw, { CALM_MQTT_URL: "mqtt://b" });
    expect(raw.mqtt.url).toBe("mqtt://a");
  });

  it("reports every problem with its path, typos included", () => {
    const issues = issuesOf(() =>
      parseConfig(`
mqtt:
  urll: mqtt://x
rules:
  - id: ok-rule
    trigger: { type: stress, above: 170 }
    actions: [{ action: scene.turn_on }]
  - id: ok-rule
    trigger: { type: level, to: panic }
    actions: [{ action: "not a service" }]
`),
    );
    expect(issues).toContain("mqtt.urll: unknown key; did you mean url? (line 3)");
    expect(issues.some((i) => i.startsWith("rules[0].trigger.above:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("rules[1].trigger.to:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("rules[1].actions[0].action:"))).toBe(true);
  });

  it("refuses two rules with the same id", () => {
    const rule = "{ id: twin, trigger: { type: stress, above: 70 }, actions: [{ action: scene.turn_on }] }";
    expect(issuesOf(() => parseConfig(`rules: [${rule}, ${rule}]`))).toEqual([
      'rules[1].id: duplicate rule id "twin" (line 1)',
    ]);
  });

  it("says where broken YAML is", () => {
    const issues = issuesOf(() => parseConfig("rules: [\n  - id: x\n"));
    expect(issues[0]).toMatch(/^line \d+: /);
  });

  it("rejects an unknown time zone", () => {
    expect(issuesOf(() => parseConfig("time_zone: Mars/Olympus"))).toEqual([
      'time_zone: unknown time zone "Mars/Olympus" (line 1)',
    ]);
  });

  it("names the key an unknown one was probably meant to be, with its line", () => {
    const issues = issuesOf(() =>
      parseConfig(
        "rules:\n  - id: a\n    trigger: { type: stress, above: 70 }\n    cooldown: 60\n    actions: [{ action: scene.turn_on }]\nrooms:\n  den:\n    ligths: [light.den]\n",
      ),
    );
    expect(issues).toEqual([
      "rules[0].cooldown: unknown key; did you mean cooldown_s? (line 4)",
      "rooms.den.ligths: unknown key; did you mean lights? (line 8)",
    ]);
  });

  it.each([
    ["homeassistant.local:8123", 'missing the scheme: did you mean "http://homeassistant.local:8123"?'],
    ["ftp://ha", '"ftp://" cannot reach Home Assistant; use http://, https://, ws:// or wss://'],
    [
      "http://ha:8123/api/websocket",
      'give Home Assistant\'s base URL without /api/websocket: "http://ha:8123"',
    ],
  ])("refuses the Home Assistant URL %s and shows the fix", (url, fix) => {
    const issues = issuesOf(() => parseConfig(`home_assistant:\n  url: ${url}\n`));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(`home_assistant.url: ${fix}`);
    expect(issues[0]).toMatch(/\(line 2\)$/);
  });

  it.each(["http://homeassistant.local:8123", "https://ha.example.net", "ws://10.0.0.2:8123", "wss://ha"])(
    "accepts the Home Assistant URL %s",
    (url) => {
      expect(parseConfig(`home_assistant:\n  url: ${url}\n`).home_assistant.url).toBe(url);
    },
  );

  it("refuses an empty or comment-only file (a wrong path or a failed copy), naming a file to start from", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calm-config-"));
    for (const text of ["", "# nothing here yet\n"]) {
      writeFileSync(join(dir, "c.yaml"), text);
      await expect(loadConfig(join(dir, "c.yaml"), {})).rejects.toMatchObject({
        message: `${join(dir, "c.yaml")} is empty`,
        issues: [{ message: expect.stringContaining("config/examples/home.yaml") }],
      });
    }
  });

  it("reports a missing file clearly", async () => {
    await expect(loadConfig("/nonexistent/calm.yaml", {})).rejects.toMatchObject({
      issues: [{ message: "file not found" }],
    });
  });

  it("ships example configs that validate as they are", async () => {
    const c = await loadConfig("config/examples/stress-scene.yaml", {});
    expect(c.rules[0]).toMatchObject({
      id: "stress-scene",
      trigger: { type: "stress", above: 70 },
      cooldown_s: 60,
    });
  });

  it("keeps the generated JSON Schema in step with the zod schema (run `npm run schema`)", () => {
    expect(readFileSync(CONFIG_SCHEMA_FILE, "utf8")).toBe(configJsonSchema());
  });
});
