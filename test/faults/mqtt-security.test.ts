// MQTT username/password and TLS, against a real aedes broker: its authenticate hook checks credentials, and a
// node:tls server with a CA and certificates generated here by openssl sits in front of it.
// Actors: broker (aedes, plain and behind TLS), hub (Hub.start, as `calm-hub start` runs it), a wearable.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../devices/broker/index.js";
import { silentLogger } from "../../hub/core/index.js";
import { Hub } from "../../hub/hub.js";
import { requirePeerInCi } from "../support/broker.js";
import { startTestHub, tempDir, testConfig } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const USER = "calm-hub";
const PASSWORD = "correct horse battery staple";

let broker: EmbeddedBroker;
const hubs: Hub[] = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker();
  broker.aedes.authenticate = (_client, username, password, done) => {
    const ok = username === USER && password?.toString() === PASSWORD;
    if (ok) done(null, true);
    else done(Object.assign(new Error("bad credentials"), { returnCode: 4 }), false);
  };
});
afterAll(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  await broker?.stop();
});

async function hubWith(mqttUrl: string, patch: (c: Hub["config"]["mqtt"]) => void): Promise<Hub> {
  const base = `sec${Math.random().toString(36).slice(2, 8)}`;
  const config = testConfig({ mqttUrl, base });
  patch(config.mqtt);
  const hub = new Hub({ config, logger: silentLogger(), http: false });
  await hub.start();
  hubs.push(hub);
  return hub;
}

describe("MQTT username and password", () => {
  it("refuses to start with a wrong password, with an error that says so, and quickly", async () => {
    const startedAt = Date.now();
    await expect(
      hubWith(broker.url, (m) => {
        m.username = USER;
        m.password = "wrong";
      }),
    ).rejects.toThrow(/refused: bad username or password/);
    // Not the generic "cannot reach the broker" after the 15 s connect timeout.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it("starts with the right one and receives readings", async () => {
    const hub = await hubWith(broker.url, (m) => {
      m.username = USER;
      m.password = PASSWORD;
    });
    expect(hub.mqtt.state).toBe("online");
    const bridge = await mqtt.connectAsync(broker.url, { username: USER, password: PASSWORD });
    await bridge.publishAsync(
      `${hub.config.mqtt.base_topic}/alice/wearable`,
      JSON.stringify({ ts: Date.now(), hr: 70 }),
      { qos: 1 },
    );
    await waitFor(() => hub.ingest.counters.accepted === 1, { what: "reading over an authenticated link" });
    await bridge.endAsync();
  });

  it("the hub's own test helper still works without credentials on an open broker", async () => {
    const open = await startEmbeddedBroker();
    const hub = await startTestHub({ mqttUrl: open.url, base: "open", http: false });
    expect(hub.mqtt.state).toBe("online");
    await hub.stop();
    await open.stop();
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface Pki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  otherCa: string;
}

/** A throw-away CA, a server certificate for 127.0.0.1, a client certificate, and an unrelated CA. */
function makePki(): Pki {
  const dir = tempDir("calm-pki-");
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=Calm Test CA",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
  );
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=Other CA",
    "-keyout",
    p("other.key"),
    "-out",
    p("other.pem"),
  );
  writeFileSync(p("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    p("server.key"),
    "-out",
    p("server.csr"),
  );
  ssl(
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    p("server.ext"),
    "-out",
    p("server.pem"),
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=calm-hub",
    "-keyout",
    p("client.key"),
    "-out",
    p("client.csr"),
  );
  ssl(
    "x509",
    "-req",
    "-in",
    p("client.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    p("client.pem"),
  );
  return {
    dir,
    ca: p("ca.pem"),
    serverCert: p("server.pem"),
    serverKey: p("server.key"),
    clientCert: p("client.pem"),
    clientKey: p("client.key"),
    otherCa: p("other.pem"),
  };
}

async function tlsFront(pki: Pki, requireClientCert: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.ca),
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
    },
    (socket) => broker.aedes.handle(socket),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const tls = requirePeerInCi(haveOpenssl(), "openssl") ? describe : describe.skip;

tls("MQTT over TLS (mqtts://) with a CA generated by openssl", () => {
  let pki: Pki;
  const servers: Server[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(async () => {
    for (const h of hubs.splice(0)) await h.stop();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  });
  const creds = (m: Hub["config"]["mqtt"]): void => {
    m.username = USER;
    m.password = PASSWORD;
  };

  it("connects with ca_file and refuses a server its CA did not sign", async () => {
    const front = await tlsFront(pki, false);
    servers.push(front.server);
    const hub = await hubWith(front.url, (m) => {
      creds(m);
      m.ca_file = pki.ca;
    });
    expect(hub.mqtt.state).toBe("online");
    await expect(
      hubWith(front.url, (m) => {
        creds(m);
        m.ca_file = pki.otherCa;
      }),
    ).rejects.toThrow(/TLS failed: .*certificate/i);
  });

  it("presents a client certificate when the broker requires one", async () => {
    const front = await tlsFront(pki, true);
    servers.push(front.server);
    const hub = await hubWith(front.url, (m) => {
      creds(m);
      m.ca_file = pki.ca;
      m.cert_file = pki.clientCert;
      m.key_file = pki.clientKey;
    });
    expect(hub.mqtt.state).toBe("online");
    await expect(
      hubWith(front.url, (m) => {
        creds(m);
        m.ca_file = pki.ca;
      }),
    ).rejects.toThrow(/TLS failed|cannot reach/);
  });
});
