// Actors: wearable (MQTT), hub (real episodes and rules), ha (the simulator's lights and speaker), a person at
// the dashboard in real Chromium. The path a user takes: stress rises, the room eases, they press Stop.
import { mkdirSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/chromium.js";
import { API_TOKEN, connectWearable, publishReading, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const CHROMIUM_OK = chromiumAvailable();

describe.skipIf(!CHROMIUM_OK)("dashboard with a running hub and the Home Assistant simulator", () => {
  let broker: TestBroker;
  let sim: HaSimulator;
  let hub: Hub;
  let wearable: MqttClient;
  let browser: Browser;

  beforeAll(async () => {
    broker = await startTestBroker();
    sim = await HaSimulator.start();
    hub = await startTestHub({
      mqttUrl: broker.url,
      base: `${broker.base}dash`,
      haUrl: sim.url,
      haToken: sim.token,
      yaml: `
people: { alice: { name: Alice, room: living_room } }
rooms: { living_room: { name: Living room, lights: [light.living_room], media_player: media_player.living_room } }
rules: [{ id: calm-episode, trigger: { type: level, to: high }, cooldown_s: 0, actions: [{ action: calm.start_episode }] }]
`,
    });
    await waitFor(() => hub.ha.state === "online" && hub.ha.getEntity("light.living_room"), {
      what: "HA entities",
    });
    wearable = await connectWearable(broker.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await wearable?.endAsync();
    await hub?.stop();
    await sim?.stop();
    await broker?.stop();
  });

  it("shows the reading, the episode it started, and gives the room back when Stop is pressed", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    await page.goto(hub.apiUrl);
    await page.fill("#token", API_TOKEN);
    await page.click("#login button[type=submit]");
    await page.locator('[data-person="alice"]').waitFor();
    await page.waitForFunction(() => document.body.dataset.live === "open"); // the live stream is connected

    await publishReading(wearable, hub.config.mqtt.base_topic, "alice", { stress: 91 });
    await page.waitForFunction(
      () =>
        document.querySelector('[data-person="alice"] svg.chart')?.getAttribute("data-last-score") === "91",
    );
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness !== 200, {
      what: "room eased",
    });
    const episode = hub.episodes.activeEpisodes()[0];
    expect(episode).toMatchObject({ person: "alice", room: "living_room" });

    const stop = page.locator(`button[data-episode-id="${episode?.id}"]`);
    await stop.waitFor();
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/dashboard-phone.png", fullPage: true });
    await stop.click();
    await waitFor(() => hub.episodes.activeEpisodes().length === 0, { what: "episode stopped" });
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === 200, {
      what: "room given back",
    });
    await stop.waitFor({ state: "detached" });
    await page.locator("#actions > li", { hasText: "calm.start_episode" }).first().waitFor();
    await page.close();
  }, 60_000);

  it("shows the breathing guide's pace with its episode, live, and Stop ends both", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(hub.apiUrl);
    await page.fill("#token", API_TOKEN);
    await page.click("#login button[type=submit]");
    await page.waitForFunction(() => document.body.dataset.live === "open");
    await publishReading(wearable, hub.config.mqtt.base_topic, "alice", { resp: 8, stress: 20 });

    const res = await fetch(`${hub.apiUrl}/api/people/alice/breathe`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const guide = page.locator("#episodes .breathing");
    await guide.waitFor();
    expect(await guide.textContent()).toBe("breathing guide: 8 → 8 breaths/min (toward 6)");
    const episode = hub.episodes.activeEpisodes()[0];
    await page.locator(`button[data-episode-id="${episode?.id}"]`).click();
    await waitFor(() => hub.episodes.activeEpisodes().length === 0, { what: "episode stopped" });
    expect(hub.breathing.paceOf("alice")).toBeUndefined();
    await page.close();
  }, 60_000);
});
