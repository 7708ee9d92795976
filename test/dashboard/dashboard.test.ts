import { mkdirSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH, connectClient, type HubFixture, startHub, TOKEN } from "../api/fixture.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/chromium.js";
import { waitFor } from "../support/wait-for.js";

const CHROMIUM_OK = chromiumAvailable();

describe.skipIf(!CHROMIUM_OK)("dashboard in a real browser", () => {
  let f: HubFixture;
  let wearable: MqttClient;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  async function reading(person: string, ts: number, stress: number, hr?: number): Promise<void> {
    await wearable.publishAsync(
      `${f.base}/${person}/wearable`,
      JSON.stringify({ ts, stress, ...(hr ? { hr } : {}) }),
      { qos: 1 },
    );
  }

  beforeAll(async () => {
    f = await startHub();
    wearable = await connectClient(f.broker.url, `wearable_${f.base}`);
    // An afternoon of readings: Alice's stress climbs, then eases after a calm episode; Bob stays calm.
    const now = Date.now();
    for (let m = 300; m >= 2; m -= 4) {
      const t = now - m * 60_000;
      const alice = 25 + 50 * Math.exp(-(((m - 110) / 45) ** 2)) + 6 * Math.sin(m / 9);
      await reading("alice", t, Math.round(alice), 70 + Math.round(alice / 3));
      await reading("bob", t, Math.round(18 + 8 * Math.sin(m / 15)));
    }
    const done = await f.episodes.start(
      "alice",
      "Living room",
      "stress stayed high for 10 minutes",
      now - 140 * 60_000,
    );
    await f.episodes.stopEpisode(done.id, now - 95 * 60_000);
    // Two entries in the action log, as the action runner writes them.
    for (const [i, result] of (["ok", "ok"] as const).entries()) {
      const at = now - (140 - i * 45) * 60_000;
      const entry = {
        key: `k${i}`,
        at,
        rule_id: "evening-calm",
        person: "alice",
        trigger: { score: 74, level: "high", at },
        call: {
          domain: i === 0 ? "scene" : "media_player",
          service: i === 0 ? "turn_on" : "play_media",
          target: { entity_id: i === 0 ? "scene.calm_alice" : "media_player.living_room" },
        },
      };
      f.hub.store.actions.claim(entry);
      f.hub.store.actions.finish(entry.key, result, "", 120);
    }
    await f.episodes.start("alice", "Living room", "stress reached 72", now - 20 * 60_000);
    await f.hub.api?.inject({
      method: "PUT",
      url: "/api/rules/evening-calm",
      headers: AUTH,
      payload: {
        id: "evening-calm",
        description: "Dim the living room when stress turns high",
        trigger: { type: "level", to: "high" },
        actions: [{ action: "scene.turn_on", target: { entity_id: "scene.calm_{person}" } }],
      },
    });
    // One earlier episode under "rain and dim lights", as the outcome recorder stores it.
    f.hub.store.docs.put(
      "outcome",
      "alice:past-rain",
      {
        person: "alice",
        episode_id: "past-rain",
        recipe_id: "dim_rain",
        recipe_title: "rain and dim lights",
        started_at: now - 200 * 60_000,
        stress_at_start: 78,
        minutes_to_calm: 6,
        auc_15min: 520,
        window_complete: true,
        overridden: false,
        stopped_by_person: false,
        end_reason: "calm",
        comparison: null,
        auc_vs_comparison: null,
      },
      now - 200 * 60_000,
    );
    await waitFor(() => f.hub.store.samples.list("alice", 0).length > 50, { what: "readings stored" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      // A refused token (401) and the unknown location (409) are expected answers, not page errors.
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await wearable?.endAsync();
    await f?.stop();
  });

  it("asks for the token once, refuses a wrong one, and shows the people", async () => {
    await page.goto(f.hub.apiUrl);
    await page.locator("#login").waitFor({ state: "visible" });
    expect(await page.locator("#app").isHidden()).toBe(true);
    await page.fill("#token", "wrong-token-wrong-token");
    await page.click("#login button[type=submit]");
    await page.locator("#login-error", { hasText: "not accepted" }).waitFor();
    await page.fill("#token", TOKEN);
    await page.click("#login button[type=submit]");
    await page.locator("#app").waitFor({ state: "visible" });
    await page.locator('[data-person="alice"] h3', { hasText: "Alice" }).waitFor();
    await page.locator('[data-person="bob"] h3', { hasText: "Bob" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("calm-hub.token"))).toBe(TOKEN);
    // The chart has the history, the bands and the episode markers.
    const chart = page.locator('[data-person="alice"] svg.chart');
    await waitFor(async () => Number(await chart.getAttribute("data-points")) > 30, {
      what: "history in the chart",
    });
    expect(await chart.locator("rect.band-high").count()).toBe(1);
    expect(await chart.locator("line.episode-start").count()).toBe(2);
    expect(await chart.locator("line.episode-end").count()).toBe(1);
    // Remembered: a reload goes straight to the dashboard.
    await page.reload();
    await page.locator('[data-person="alice"]').waitFor();
    expect(await page.locator("#login").isHidden()).toBe(true);
  });

  it("updates the chart live when a reading arrives over MQTT", async () => {
    await page.waitForFunction(() => document.body.dataset.live === "open");
    const chart = page.locator('[data-person="alice"] svg.chart');
    const before = Number(await chart.getAttribute("data-points"));
    // Below every rule's threshold, so the action log stays as the next test expects it.
    await reading("alice", Date.now(), 62);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-person="alice"] svg.chart')?.getAttribute("data-last-score") === "62",
    );
    expect(Number(await chart.getAttribute("data-points"))).toBe(before + 1);
    expect(await page.locator('[data-person="alice"] [data-role="score"]').textContent()).toBe("62");
    const level = f.hub.detector.state("alice")?.level ?? "";
    expect(await page.locator('[data-person="alice"] [data-role="level"]').textContent()).toBe(
      level.charAt(0).toUpperCase() + level.slice(1),
    );
  });

  it("shows today's rules, wind-down and action log, and toggles a rule", async () => {
    await page.locator("#schedule li", { hasText: "location is not known" }).waitFor();
    const toggle = page.locator('input[data-rule="evening-calm"]');
    expect(await toggle.isChecked()).toBe(true);
    await page.locator("label", { has: toggle }).click();
    await waitFor(() => f.hub.rules.get("evening-calm")?.rule.enabled === false, { what: "rule disabled" });
    await page.locator("label", { has: toggle }).click();
    await waitFor(() => f.hub.rules.get("evening-calm")?.rule.enabled === true, { what: "rule enabled" });
    await page
      .locator("#actions > li", {
        hasText: "Alice's stress was high (74) → rule evening-calm: scene calm_alice",
      })
      .waitFor();
    expect(await page.locator("#actions > li").count()).toBe(2);
  });

  it("lists the recipes with each person's runs and time to calm", async () => {
    const rain = page.locator('#recipes li[data-recipe="dim_rain"]');
    await rain.waitFor();
    expect(await rain.textContent()).toMatch(/rain and dim lights[\s\S]*lights 25 %, 2200 K · rain/);
    expect(await rain.textContent()).toMatch(/Alice: 1 run, calm in 6 min on average/);
    expect(await page.locator('#recipes li[data-recipe="ocean_breathe"]').textContent()).toMatch(
      /breathing guide · no friend nudge[\s\S]*not used yet/,
    );
  });

  it("stops a running episode with its Stop button", async () => {
    const running = f.episodes.listEpisodes().find((e) => e.ended_at === undefined);
    expect(running).toBeDefined();
    const button = page.locator(`button[data-episode-id="${running?.id}"]`);
    await button.waitFor();
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
    await button.click();
    await waitFor(() => f.episodes.listEpisodes().every((e) => e.ended_at !== undefined), {
      what: "episode stopped",
    });
    await button.waitFor({ state: "detached" });
    await page.locator("#episodes li", { hasText: "No calm episode running." }).waitFor();
    // Both episodes now have an end marker (a line has no area, so "attached", not "visible").
    await page.locator('[data-person="alice"] line.episode-end').nth(1).waitFor({ state: "attached" });
  });

  it("pauses automation from the page, and follows a pause from Home Assistant", async () => {
    await page.locator("label", { has: page.locator("#paused") }).click();
    await waitFor(() => f.hub.controls.paused, { what: "paused" });
    await page.locator("#paused-note").waitFor({ state: "visible" });
    f.hub.controls.setPaused(false, "home_assistant");
    await page.locator("#paused-note").waitFor({ state: "hidden" });
    expect(await page.locator("#paused").isChecked()).toBe(false);
  });

  it("records how a person feels with one tap", async () => {
    const card = page.locator('[data-person="bob"]');
    await card.locator('button[data-mood="tired"]').click();
    await card.locator(".mood-note", { hasText: "Noted: tired" }).waitFor();
    expect(f.hub.mood.moods("bob")[0]).toMatchObject({ person: "bob", mood: "tired", source: "dashboard" });
    expect(f.hub.mood.moods("alice")).toEqual([]);
  });

  it("fits a phone screen and never loads anything from elsewhere", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.addInitScript((t) => localStorage.setItem("calm-hub.token", t), TOKEN);
    await phone.goto(f.hub.apiUrl);
    await phone.locator('[data-person="alice"] svg.chart').waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync("test-results", { recursive: true });
    await phone.screenshot({ path: "test-results/dashboard-phone.png", fullPage: true });
    await phone.close();
    const origin = new URL(f.hub.apiUrl).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:"))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("shows action times in the page's local time, and says the hub did its own calm.* actions", async () => {
    // A real calm.start_episode through the action runner, as a rule would run it.
    const at = Date.now();
    const [outcome] = await f.hub.runner.run([
      {
        key: `local-${at}`,
        rule_id: "calm-episode",
        person: "bob",
        domain: "calm",
        service: "start_episode",
        created_at: at,
        not_after: at + 60_000,
        trigger: { score: 81, level: "high", at },
      },
    ]);
    expect(outcome?.result).toBe("ok");
    // A browser far from UTC: every time on the page is its local time, the action log's too.
    const context = await browser.newContext({ timezoneId: "America/New_York", locale: "en-US" });
    const ny = await context.newPage();
    await ny.addInitScript((t) => localStorage.setItem("calm-hub.token", t), TOKEN);
    await ny.goto(f.hub.apiUrl);
    const item = ny.locator("#actions > li", { hasText: "calm.start_episode" });
    await item.waitFor();
    const text = (await item.textContent()) ?? "";
    const entry = f.hub.store.actions.recent(10).find((e) => e.key === `local-${at}`);
    const local = await ny.evaluate(
      (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      entry?.at ?? at,
    );
    const utc = new Date(entry?.at ?? at).toISOString().slice(11, 16);
    expect(local).not.toContain(utc);
    expect(text.startsWith(local), text).toBe(true);
    expect(text).not.toContain("UTC");
    // The episode it started shows its time the same way.
    await ny.locator("#episodes li", { hasText: `since ${local}` }).waitFor();
    expect(text).toContain("the hub did it");
    expect(text).not.toContain("Home Assistant");
    // Calls that went to Home Assistant still say so.
    expect(await ny.locator("#actions > li", { hasText: "scene.turn_on" }).textContent()).toContain(
      "Home Assistant did it",
    );
    await context.close();
    await f.hub.episodes.stopEpisode({ person: "bob" });
  });
});
