// Actors: a web page doing DNS rebinding (requests whose Host is its own name), a caller without the editor's
// login trying to deploy a function node, the resident with the generated login, and a real embedded Node-RED
// listening beyond loopback (0.0.0.0; every request here still goes to 127.0.0.1), wired to a real hub.

import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../hub/core/index.js";
import { EDITOR_PASSWORD_FILE, type EmbeddedNodeRed, startNodeRed } from "../../hub/nodered/index.js";
import { startTestHub, type TestHub } from "../nodered/support.js";

let hub: TestHub;
let nodeRed: EmbeddedNodeRed;
let userDir: string;
let port = "";

beforeAll(async () => {
  hub = await startTestHub();
  userDir = await mkdtemp(join(tmpdir(), "calm-editor-"));
  nodeRed = await startNodeRed({
    port: 0,
    host: "0.0.0.0",
    hubUrl: hub.url,
    apiToken: hub.token,
    userDir,
    logger: silentLogger(),
  });
  port = new URL(nodeRed.url).port;
});
afterAll(async () => {
  await nodeRed?.stop();
  await hub?.stop();
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Node-RED's password grant for its own editor client. */
const tokenRequest = (password: string) =>
  send(
    "POST",
    "/auth/token",
    { host: `127.0.0.1:${port}`, "content-type": "application/json" },
    JSON.stringify({
      client_id: "node-red-admin",
      grant_type: "password",
      scope: "*",
      username: "admin",
      password,
    }),
  );

const evilFlow = JSON.stringify([
  { id: "f1", type: "tab", label: "x" },
  { id: "n1", type: "function", z: "f1", func: "require('child_process').execSync('touch /tmp/pwned')" },
]);

describe("the embedded Node-RED editor", () => {
  it("refuses a foreign Host on the editor, the admin API and the WebSocket", async () => {
    for (const path of ["/", "/flows", "/settings", "/auth/login"]) {
      const res = await send("GET", path, { host: "rebind.evil.example:1880" });
      expect(res.status, path).toBe(403);
      expect(res.body).toContain("CALM_ERR_HOST_NOT_ALLOWED");
    }
    const upgrade = await send("GET", "/comms", {
      host: "rebind.evil.example",
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    }).catch(() => ({ status: 403, body: "" }));
    expect(upgrade.status).toBe(403);
    const deploy = await send(
      "POST",
      "/flows",
      { host: "rebind.evil.example", "content-type": "application/json" },
      evilFlow,
    );
    expect(deploy.status).toBe(403);
  });

  it("beyond loopback it has a login: deploying without credentials is refused", async () => {
    expect(nodeRed.login).toMatchObject({ username: "admin", generated: true });
    const deploy = await send(
      "POST",
      "/flows",
      { host: `localhost:${port}`, "content-type": "application/json", "node-red-deployment-type": "full" },
      evilFlow,
    );
    expect(deploy.status).toBe(401);
    expect((await send("GET", "/flows", { host: `127.0.0.1:${port}` })).status).toBe(401);
    const wrong = await tokenRequest("guess");
    expect(wrong.status).toBe(403);
  });

  it("the generated login is kept 0600 in the user folder and lets the resident in", async () => {
    const login = nodeRed.login;
    if (!login) throw new Error("no login");
    expect(login.passwordFile).toBe(join(userDir, EDITOR_PASSWORD_FILE));
    expect((await stat(login.passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(login.passwordFile, "utf8")).trim();
    const res = await tokenRequest(password);
    expect(res.status).toBe(200);
    const token = (JSON.parse(res.body) as { access_token: string }).access_token;
    const flows = await send("GET", "/flows", {
      host: `127.0.0.1:${port}`,
      authorization: `Bearer ${token}`,
    });
    expect(flows.status).toBe(200);
  });
});
