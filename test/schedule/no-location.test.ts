// Home Assistant's location arrives a moment after start: the wind-down waits for it quietly, and warns only
// when it is still missing after a minute (it used to warn on every start, the demo's first line included).
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../hub/core/index.js";
import { WindDownRunner } from "../../hub/schedule/index.js";
import { captureLog } from "../support/capture-log.js";
import { berlin, MINUTE, windDown } from "./fixtures.js";

function runner(location: () => typeof berlin | undefined) {
  const clock = new FakeClock(Date.UTC(2026, 5, 21, 12));
  const log = captureLog("info");
  const r = new WindDownRunner({
    windDowns: [windDown({ rooms: ["living"], start: { sun: "sunset" } })],
    roomLights: () => ["light.living"],
    clock,
    logger: log.logger,
    location,
    getEntity: () => undefined,
    run: async () => [],
    roomBusy: () => false,
    anyoneHome: () => true,
    loadProgress: () => undefined,
    saveProgress: () => {},
    playSoundscape: async () => undefined,
    onEvent: () => {},
  });
  const warnings = () => log.lines().filter((l) => String(l.msg).startsWith("no location"));
  return { r, clock, warnings };
}

describe("wind-down without a location", () => {
  it("says nothing while Home Assistant's location may still come, then warns once", async () => {
    const { r, clock, warnings } = runner(() => undefined);
    r.start();
    await r.tick();
    clock.advance(30_000);
    await r.tick();
    expect(warnings()).toEqual([]);
    clock.advance(MINUTE);
    await r.tick();
    clock.advance(MINUTE);
    await r.tick();
    expect(warnings()).toHaveLength(1);
    r.stop();
  });

  it("never warns when the location arrives within the grace", async () => {
    let location: typeof berlin | undefined;
    const { r, clock, warnings } = runner(() => location);
    r.start();
    await r.tick();
    clock.advance(20_000);
    location = berlin;
    clock.advance(5 * MINUTE);
    await r.tick();
    expect(warnings()).toEqual([]);
    r.stop();
  });
});
