// Actors: wearable (MQTT), hub (real rules, episodes, voice, wind-down plan), ha (the simulator's lights and
// speaker), a person at the dashboard in real Chromium far from the home's time zone, on a desktop and a phone.
// What they check is what issue #19 found: the log says the true cause of each decision, once, with its calls
// folded under it; the charts zoom to the data and show episodes and wind-downs; rooms have their names and
// every time one local format; the login page does not claim to connect; the log pages on a phone; docs open.
import { mkdirSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import type { Hub } from "../../hub/hub.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/chromium.js";
import { API_TOKEN, connectWearable, publishReading, startTestHub } from "../support/hub.js";
import { waitFor } from "../support/wait-for.js";

const CHROMIUM_OK = chromiumAvailable();
const AUTH = { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" };

describe.skipIf(!CHROMIUM_OK)("what the hub did, and why: the dashboard's log, charts and words", () => {
  let broker: TestBroker;
  let sim: HaSimulator;
  let hub: Hub;
  let wearable: MqttClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let before: unknown;

  const post = (path: string, body: unknown) =>
    fetch(`${hub.apiUrl}${path}`, { method: "POST", headers: AUTH, body: JSON.stringify(body) });

  beforeAll(async () => {
    broker = await startTestBroker();
    sim = await HaSimulator.start();
    hub = await startTestHub({
      mqttUrl: broker.url,
      base: `${broker.base}why`,
      haUrl: sim.url,
      haToken: sim.token,
      yaml: `
people: { alice: { name: Alice, room: living_room } }
rooms:
  living_room: { name: Living room, lights: [light.living_room, light.hall], media_player: media_player.living_room }
location: { latitude: 52.52, longitude: 13.40, time_zone: Europe/Berlin }
episodes: { soundscape: rain, volume: 0.3 }
wind_down: [{ rooms: [living_room], start: { sun: sunset, offset_min: 30, earliest: "21:00" }, duration_min: 45 }]
rules: [{ id: calm-episode, trigger: { type: level, to: high }, cooldown_s: 0, actions: [{ action: calm.start_episode }] }]
`,
    });
    await waitFor(() => hub.ha.state === "online" && hub.ha.getEntity("light.living_room"), {
      what: "HA entities",
    });
    wearable = await connectWearable(broker.url);
    // Twenty minutes of readings, like a short demo run: a sliver on a fixed 6 h chart.
    const now = Date.now();
    for (let m = 20; m >= 2; m -= 2)
      await publishReading(wearable, hub.config.mqtt.base_topic, "alice", {
        ts: now - m * 60_000,
        stress: 30 + m,
      });
    await waitFor(() => hub.store.samples("alice", 0).length >= 10, { what: "readings stored" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // Far from the home (Berlin): the page shows the browser's local time, in its own format.
    context = await browser.newContext({
      timezoneId: "America/New_York",
      locale: "en-US",
      viewport: { width: 1280, height: 800 },
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await wearable?.endAsync();
    await hub?.stop();
    await sim?.stop();
    await broker?.stop();
  });

  it("the login page waits for a token instead of saying it is connecting", async () => {
    await page.goto(hub.apiUrl);
    await page.locator("#login").waitFor({ state: "visible" });
    const link = (await page.locator("#link").textContent()) ?? "";
    expect(link).not.toContain("Connecting");
    expect(link).toBe("Not signed in");
    await page.fill("#token", API_TOKEN);
    await page.click("#login button[type=submit]");
    await page.locator('[data-person="alice"]').waitFor();
    await page.waitForFunction(() => document.body.dataset.live === "open");
  });

  it("a high reading: one line with the true cause and what it did, its calls folded under it", async () => {
    before = sim.getState("light.living_room")?.attributes.brightness;
    await publishReading(wearable, hub.config.mqtt.base_topic, "alice", { stress: 91 });
    await waitFor(() => hub.episodes.activeEpisodes().length === 1, { what: "episode started" });
    const line = page.locator("#actions > li", { hasText: "→ calm episode in the Living room:" }).first();
    await line.waitFor();
    const summary = (await line.locator("summary").textContent()) ?? "";
    expect(summary).toMatch(
      /Alice's stress was high \(\d+\) → calm episode in the Living room: dimmed 2 lights, rain at 30 %/,
    );
    // Not one sentence per entity, and no stress score blamed for what a rule did not do.
    expect(summary).not.toContain("light.turn_on");
    expect(await line.getAttribute("data-kind")).toBe("reading");
    expect(await line.locator(".calls li").first().isVisible()).toBe(false);
    await line.locator("summary").click();
    const calls = line.locator(".calls li");
    await calls.first().waitFor({ state: "visible" });
    const texts = await calls.allTextContents();
    expect(texts.some((t) => t.includes("light.turn_on on light.living_room: Home Assistant did it"))).toBe(
      true,
    );
    expect(texts.some((t) => t.includes("light.turn_on on light.hall"))).toBe(true);
    expect(texts.some((t) => t.includes("calm.start_episode: the hub did it"))).toBe(true);
    // The room by its name in the episodes card too.
    const episode = page.locator("#episodes li[data-state=active]");
    await episode.waitFor();
    expect(await episode.textContent()).toContain("Alice · Living room");
    expect(await episode.textContent()).not.toContain("living_room");
  });

  it("Stop: the lights given back are logged as the Stop button's doing, and the ended episode says why", async () => {
    const running = hub.episodes.activeEpisodes()[0];
    await page.locator(`button[data-episode-id="${running?.id}"]`).click();
    await waitFor(() => sim.getState("light.living_room")?.attributes.brightness === before, {
      what: "room given back",
    });
    const line = page.locator("#actions > li[data-kind=stop]").first();
    await line.waitFor();
    const summary = (await line.locator("summary").textContent()) ?? "";
    expect(summary).toContain(
      "Stop was pressed on the dashboard → calm episode in the Living room ended: gave back 2 lights",
    );
    expect(summary).not.toContain("stress was high");
    const ended = page.locator("#episodes li.done").first();
    await ended.waitFor();
    expect(await ended.textContent()).toContain("ended: Stop was pressed on the dashboard");
  });

  it("a voice request and a Node-RED flow's call each name themselves", async () => {
    const voice = await post("/api/voice", { text: "help me calm down", person: "alice" });
    expect(voice.status).toBe(200);
    await page
      .locator("#actions > li[data-kind=voice]", {
        hasText: "Alice asked for calm by voice → calm episode in the Living room",
      })
      .waitFor();
    const stop = await post("/api/voice", { text: "stop", person: "alice" });
    expect(stop.status).toBe(200);
    await page
      .locator("#actions > li[data-kind=voice]", { hasText: 'Alice said "stop" by voice → calm episode' })
      .waitFor();
    // What the calm-action node sends: the flow's name and the hub event behind the message.
    const run = await post("/api/actions/run", {
      action: "scene.turn_on",
      target: { entity_id: "scene.calm_{person}" },
      person: "alice",
      cause: { via: "node-red", flow: "Calm: voice requests", why: "voice request (calm) from alice" },
    });
    expect(run.status).toBe(200);
    const line = page.locator("#actions > li[data-kind=node_red]").first();
    await line.waitFor();
    expect(await line.locator("summary").textContent()).toContain(
      'voice request (calm) from alice → Node-RED flow "Calm: voice requests": scene calm_alice',
    );
    // A script without a cause is "the API", never a stress score.
    await post("/api/actions/run", { action: "light.turn_on", target: { entity_id: "light.hall" } });
    const api = page.locator("#actions > li[data-kind=api]").first();
    await api.waitFor();
    expect(await api.locator("summary").textContent()).toContain(
      "a request to the hub's API: turned on 1 light",
    );
  });

  it("every time on the page is the browser's local time in one format; rooms by name", async () => {
    // The wind-down at 21:00 in Berlin (held to its earliest start) is 03:00 PM in New York in winter.
    const item = page.locator("#schedule li").first();
    await item.waitFor();
    const entry = (
      (await (await fetch(`${hub.apiUrl}/api/schedule?days=1`, { headers: AUTH })).json()) as {
        start: string;
      }[]
    )[0];
    const expected = await page.evaluate(
      (iso) => new Date(Date.parse(iso)).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      entry?.start ?? "",
    );
    expect(await item.locator(".time").textContent()).toContain(expected);
    expect(await item.textContent()).toContain("Living room");
    // The hub's note is in the home's 24 h clock; the page says it in its own format.
    const sub = (await item.locator(".sub").textContent()) ?? "";
    expect(sub).toMatch(/^sunset \+30 min would be \d{2}:\d{2} [AP]M; starts at the earliest allowed$/);
    expect(await item.textContent()).not.toMatch(/\b\d{2}:\d{2}\b(?! [AP]M)/);
    const times = await page.locator(".time").allTextContents();
    expect(times.length).toBeGreaterThan(3);
    for (const t of times) {
      expect(t).not.toContain("UTC");
      expect(t, t).toMatch(/^(\w{3} )?\d{2}:\d{2} [AP]M( → (\w{3} )?\d{2}:\d{2} [AP]M)?$/);
    }
  });

  it("the chart zooms to the data and marks episodes; 1 h / 6 h / 24 h / 7 d change the window", async () => {
    const chart = page.locator('[data-person="alice"] svg.chart');
    await page.reload();
    await chart.waitFor();
    await waitFor(async () => Number(await chart.getAttribute("data-points")) > 0, { what: "points" });
    const fit = Number(await chart.getAttribute("data-range-ms"));
    expect(fit).toBeGreaterThan(20 * 60_000);
    expect(fit).toBeLessThan(30 * 60_000);
    // The data fills the chart instead of a sliver at its right edge.
    const left = await chart.evaluate((svg) => {
      const d = svg.querySelector("path.line")?.getAttribute("d") ?? "";
      return Number(/^M([\d.]+)/.exec(d)?.[1] ?? 600);
    });
    expect(left).toBeLessThan(600 * 0.1);
    // The two episodes of the tests above are marked, visibly wide.
    const spans = chart.locator("rect.episode-span");
    expect(await spans.count()).toBeGreaterThanOrEqual(2);
    for (const w of await spans.evaluateAll((els) => els.map((e) => Number(e.getAttribute("width")))))
      expect(w).toBeGreaterThanOrEqual(3);
    for (const [id, ms] of [
      ["1h", 3_600_000],
      ["6h", 6 * 3_600_000],
      ["24h", 24 * 3_600_000],
      ["7d", 168 * 3_600_000],
    ] as const) {
      await page.click(`#range button[data-range="${id}"]`);
      await waitFor(async () => Number(await chart.getAttribute("data-range-ms")) === ms, { what: id });
      expect(await page.locator(`#range button[data-range="${id}"]`).getAttribute("aria-pressed")).toBe(
        "true",
      );
    }
    // A week back: the past evenings' wind-downs are marked on the living room's chart.
    await waitFor(async () => (await chart.locator("rect.winddown-span").count()) >= 3, {
      what: "wind-downs marked",
    });
    expect(await page.locator('[data-person="alice"] .legend .l-winddown').textContent()).toBe("wind-down");
    await page.click('#range button[data-range="fit"]');
    await waitFor(async () => Number(await chart.getAttribute("data-range-ms")) < 30 * 60_000, {
      what: "fit",
    });
  });

  it("on a phone the log pages instead of running on; screenshots at desktop and phone width", async () => {
    // Enough separate decisions for several pages.
    for (let i = 0; i < 12; i++)
      await post("/api/actions/run", {
        action: "light.turn_on",
        target: { entity_id: "light.hall" },
        cause: { via: "script", why: `script run ${i}` },
      });
    mkdirSync("test-results", { recursive: true });
    await page.reload();
    await page.locator("#actions-pager").waitFor({ state: "visible" });
    await page.screenshot({ path: "test-results/dashboard-desktop.png", fullPage: true });
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(hub.apiUrl);
    const pager = phone.locator("#actions-pager");
    await pager.waitFor({ state: "visible" });
    expect(await phone.locator("#actions > li").count()).toBe(8);
    const box = await phone.locator("#actions").boundingBox();
    expect(box?.height ?? 0).toBeLessThan(1200);
    expect(await pager.textContent()).toMatch(/Page 1 of [2-9]/);
    const first = await phone.locator("#actions > li").first().getAttribute("data-decision");
    await pager.locator("button", { hasText: "Older" }).click();
    await pager.locator(".page", { hasText: "Page 2 of" }).waitFor();
    expect(await phone.locator("#actions > li").first().getAttribute("data-decision")).not.toBe(first);
    await pager.locator("button", { hasText: "Newer" }).click();
    await pager.locator(".page", { hasText: "Page 1 of" }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: "test-results/dashboard-phone-log.png", fullPage: true });
    await phone.close();
  });

  it("the API docs open in the browser straight from the dashboard's link", async () => {
    const docs = await context.newPage();
    await docs.goto(`${hub.apiUrl}/`);
    const [opened] = await Promise.all([context.waitForEvent("page"), docs.click("a.docs")]);
    await opened.locator(".swagger-ui .title", { hasText: "Calm Hub API" }).waitFor({ timeout: 15_000 });
    await opened.locator(".opblock-summary-path", { hasText: "/api/decisions" }).first().waitFor();
    await opened.close();
    await docs.close();
  });
});
