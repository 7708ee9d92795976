// The dashboard's "Your week" panel in a real browser: the heatmap of high stress, a bar per calm recipe,
// and a scatter plot only for a relation that holds; too little data is said in words.
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoHistory } from "../../hub/insights/index.js";
import { type HubFixture, startHub, TOKEN } from "../api/fixture.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/chromium.js";

describe.skipIf(!chromiumAvailable())("insights panel in a real browser", () => {
  let f: HubFixture;
  let browser: Browser;

  beforeAll(async () => {
    f = await startHub({ time_zone: "UTC" });
    const now = Date.now();
    const h = demoHistory("alice", now, "UTC", 28, 1);
    for (const x of h.hours) f.hub.store.docs.put("stress_hour", `alice:${x.at}`, x, now, x.at);
    for (const d of h.days)
      f.hub.store.docs.put("activity_day", `alice:${d.day}`, d, now, Date.parse(`${d.day}T12:00:00Z`));
    for (const [i, [id, title, m]] of (
      [
        ["rain", "Rain and dim lights", 5],
        ["rain", "Rain and dim lights", 7],
        ["quiet", "Dim and quiet", 14],
      ] as const
    ).entries())
      f.hub.store.docs.put(
        "outcome",
        `alice:e${i}`,
        {
          person: "alice",
          episode_id: `e${i}`,
          recipe_id: id,
          recipe_title: title,
          started_at: now - (i + 1) * 3_600_000,
          minutes_to_calm: m,
          auc_15min: 300,
          stopped_by_person: false,
        },
        now,
        now - (i + 1) * 3_600_000,
      );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it("draws the week, the recipes and the relations that hold", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(f.hub.apiUrl);
    await page.fill("#token", TOKEN);
    await page.click("#login button[type=submit]");
    const alice = page.locator('[data-insight-person="alice"]');
    await alice.waitFor();
    const cells = alice.locator("svg.heatmap rect.cell");
    expect(await cells.count()).toBe(7 * 24);
    expect(await alice.locator("svg.heatmap rect.cell:not(.empty)").count()).toBeGreaterThan(50);
    expect(await alice.locator("svg.heatmap").getAttribute("aria-label")).toMatch(
      /High stress by weekday and hour/,
    );
    // Recipes: the quicker one first, with its minutes and runs.
    const bars = alice.locator("svg.bars rect.bar");
    expect(await bars.count()).toBe(2);
    expect(await bars.first().getAttribute("data-recipe")).toBe("rain");
    expect(await alice.locator("svg.bars").textContent()).toContain("6 min (2)");
    // Sleep holds in the made-up weeks: words and a scatter plot; mood has no data: words only.
    const sleep = alice.locator('[data-relation="sleep_next_day"]');
    expect(await sleep.getAttribute("class")).toBe("holds");
    expect(await sleep.locator("svg.scatter circle").count()).toBe(28);
    const mood = alice.locator('[data-relation="mood_same_day"]');
    expect(await mood.textContent()).toContain("Not enough data yet: 0 of 14 days");
    expect(await mood.locator("svg").count()).toBe(0);
    // Bob has nothing yet, and the page says so.
    const bob = page.locator('[data-insight-person="bob"]');
    expect(await bob.textContent()).toContain("No stress readings this week yet.");
    expect(await bob.textContent()).toContain("No calm recipes have run yet.");
    expect(errors).toEqual([]);
    await page.close();
  });
});
