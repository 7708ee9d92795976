// Fault: Home Assistant refuses the token for a while (the library gives up, the hub's slow retry loop makes a
// new connection once the token is accepted again). The event subscriptions must be made again on that new
// connection, or voice requests and notification taps are silently lost.
// Actors: Assist and the phone (the HA simulator: calm_hub_request, mobile_app_notification_action), hub (a real
// Hub with voice and friends, its real HaLink, a short auth retry), broker (aedes or MQTT_TEST_URL).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { createRootLogger } from "../../hub/core/index.js";
import { SuggestionRecordSchema } from "../../hub/friends/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { waitFor } from "../support/wait-for.js";
import { startWiredHub, type WiredHub } from "../voice/wire.js";

let broker: TestBroker;
let sim: HaSimulator;
const running: WiredHub[] = [];
const PHONE = "notify.mobile_app_alice_phone";

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});
afterEach(async () => {
  for (const w of running.splice(0)) await w.stop();
  sim.clearFaults();
  sim.clearCalls();
});
afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

describe("after Home Assistant refused the token and accepted it again", () => {
  it("still answers voice requests and handles notification taps", async () => {
    const w = await startWiredHub({
      mqttUrl: broker.url,
      base: `${broker.base}auth${Math.random().toString(36).slice(2, 8)}`,
      haUrl: sim.url,
      haToken: sim.token,
      http: false,
      haAuthRetryMs: 300,
      yaml: `
time_zone: Europe/Berlin
people:
  alice: { room: living_room }
friends:
  alice:
    enabled: true
    notify: ${PHONE}
    friends: [{ name: Sam, phone: "+49 30 1234567" }]
    quiet_hours: { after: "00:00", before: "00:00" }
`,
      logger: createRootLogger({ level: process.env.CALM_TEST_LOG ?? "silent" }),
    });
    running.push(w);
    await waitFor(() => w.hub.ha.state === "online", { what: "Home Assistant link" });

    sim.rejectAuth();
    sim.dropConnections();
    await waitFor(() => w.hub.ha.state === "auth_failed", { what: "auth_failed", timeoutMs: 10_000 });
    const attemptsBefore = sim.authAttempts;
    sim.rejectAuth(false);
    // Online again through a new connection made by the retry loop (a new auth attempt).
    await waitFor(() => w.hub.ha.state === "online" && sim.authAttempts > attemptsBefore, {
      what: "Home Assistant link back",
    });

    const answer = await sim.playAssistRequest({
      text: "I feel lonely",
      device_id: "dev_satellite_living_room",
      timeoutMs: 3000,
    });
    expect(answer?.speech).toMatch(/calling Sam/);

    const note = await sim.waitForCall(PHONE);
    const data = note.service_data.data as { tag: string; actions: { action: string }[] };
    const notNow = data.actions[1]?.action ?? "";
    expect(notNow).toMatch(/^CALM_NOT_NOW_/);
    sim.tapNotificationAction({ action: notNow, tag: data.tag });
    const id = notNow.slice("CALM_NOT_NOW_".length);
    await waitFor(
      () => w.hub.store.docs.get("friend", `alice:${id}`, SuggestionRecordSchema)?.outcome === "not_now",
      { what: "the tap recorded as not now" },
    );
  });
});
