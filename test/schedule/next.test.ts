import { describe, expect, it } from "vitest";
import { nextWindDown } from "../../hub/schedule/index.js";
import { berlin, windDown } from "./fixtures.js";

describe("nextWindDown", () => {
  const daily = windDown({ rooms: ["living"], start: { bedtime: "22:30" }, duration_min: 30 });

  it("finds this evening's wind-down in the afternoon", () => {
    const plan = nextWindDown(daily, berlin, Date.parse("2026-09-15T15:00:00+02:00"));
    expect(plan?.start).toBe("2026-09-15T22:00:00+02:00");
  });

  it("returns the one in progress", () => {
    const plan = nextWindDown(daily, berlin, Date.parse("2026-09-15T22:10:00+02:00"));
    expect(plan?.date).toBe("2026-09-15");
  });

  it("moves to tomorrow once tonight's has ended", () => {
    const plan = nextWindDown(daily, berlin, Date.parse("2026-09-15T22:30:00+02:00"));
    expect(plan?.date).toBe("2026-09-16");
  });

  it("finds a wind-down that started yesterday evening and runs past midnight", () => {
    const late = windDown({ rooms: ["r"], start: { bedtime: "00:30" }, duration_min: 60 });
    const plan = nextWindDown(late, berlin, Date.parse("2026-09-16T00:10:00+02:00"));
    expect(plan?.date).toBe("2026-09-15");
    expect(plan?.end).toBe("2026-09-16T00:30:00+02:00");
  });

  it("skips to the next listed weekday, and gives undefined when nothing runs", () => {
    const weekend = windDown({ rooms: ["r"], start: { bedtime: "23:00" }, days: ["sat"] });
    expect(nextWindDown(weekend, berlin, Date.parse("2026-09-14T12:00:00+02:00"))?.date).toBe("2026-09-19");
    const off = windDown({ rooms: ["r"], start: { bedtime: "23:00" }, enabled: false });
    expect(nextWindDown([off], berlin, Date.parse("2026-09-14T12:00:00+02:00"))).toBeUndefined();
  });

  it("picks the earliest start among several configs", () => {
    const early = windDown({ rooms: ["kids"], start: { bedtime: "20:00" } });
    const plan = nextWindDown([daily, early], berlin, Date.parse("2026-09-15T12:00:00+02:00"));
    expect(plan?.room).toBe("kids");
  });
});
