import { describe, expect, it } from "vitest";
import { LocationSchema, WindDownConfigSchema, WindDownListSchema } from "../../hub/config/index.js";
import { planWindDowns, sunEventOn } from "../../hub/schedule/index.js";
import { berlin, minutesBetween, tromso, windDown } from "./fixtures.js";

function localClock(iso: string): string {
  return iso.slice(11, 16);
}

describe("suncalc sanity", () => {
  it("puts Berlin's late-October sunset near 16:50 CET", () => {
    // An independent NOAA-formula check gives 16:52 for 2026-10-25; allow a few minutes either way.
    const sunset = sunEventOn("2026-10-25", "sunset", berlin);
    if (!sunset.occurs) throw new Error("Berlin has a sunset");
    const local = new Date(sunset.at + 60 * 60_000).toISOString().slice(11, 16);
    expect(local >= "16:45" && local <= "16:56").toBe(true);
  });

  it("puts Berlin's midsummer sunset near 21:33 CEST", () => {
    const [plan] = planWindDowns(windDown({ rooms: ["r"], start: { sun: "sunset" } }), {
      from: "2026-06-21",
      days: 1,
      location: berlin,
    });
    const at = plan?.anchor.at ?? "";
    expect(at.slice(19)).toBe("+02:00");
    expect(localClock(at) >= "21:28" && localClock(at) <= "21:38").toBe(true);
  });
});

describe("sun-relative start in Berlin on a normal day", () => {
  const config = windDown({
    rooms: ["living", "bedroom"],
    start: { sun: "sunset", offset_min: 30, earliest: "18:00", latest: "21:30" },
    duration_min: 45,
  });

  it("starts at sunset plus the offset, one plan per room", () => {
    const plans = planWindDowns(config, { from: "2026-09-15", days: 1, location: berlin });
    expect(plans.map((p) => p.room)).toEqual(["bedroom", "living"]);
    const plan = plans[0];
    if (plan?.anchor.type !== "sun" || plan.anchor.at === null) throw new Error("sun anchor expected");
    expect(plan.anchor.event).toBe("sunset");
    expect(minutesBetween(plan.anchor.at, plan.start)).toBe(30);
    expect(minutesBetween(plan.start, plan.end)).toBe(45);
    expect(plan.start).toMatch(/^2026-09-15T19:\d\d:00\+02:00$/);
    expect(plan.note).toBeNull();
  });

  it("clamps to earliest in autumn and to latest in midsummer, saying so", () => {
    const [autumn] = planWindDowns(config, { from: "2026-11-20", days: 1, location: berlin });
    expect(autumn?.start).toBe("2026-11-20T18:00:00+01:00");
    expect(autumn?.note).toMatch(/^clamped to earliest 18:00 \(sunset \+30 min would be 16:\d\d\)$/);

    const late = windDown({
      rooms: ["r"],
      start: { sun: "sunset", offset_min: 15, latest: "21:30" },
    });
    const [summer] = planWindDowns(late, { from: "2026-06-21", days: 1, location: berlin });
    expect(summer?.start).toBe("2026-06-21T21:30:00+02:00");
    expect(summer?.end).toBe("2026-06-21T22:15:00+02:00");
    expect(summer?.note).toMatch(/^clamped to latest 21:30/);
  });

  it("supports negative offsets and other sun events", () => {
    const [before] = planWindDowns(
      windDown({ rooms: ["r"], start: { sun: "civil_dusk", offset_min: -20 } }),
      {
        from: "2026-09-15",
        days: 1,
        location: berlin,
      },
    );
    const [sunset] = planWindDowns(windDown({ rooms: ["r"], start: { sun: "sunset" } }), {
      from: "2026-09-15",
      days: 1,
      location: berlin,
    });
    if (!before?.anchor.at || !sunset?.anchor.at) throw new Error("anchors expected");
    expect(minutesBetween(sunset.anchor.at, before.anchor.at)).toBeGreaterThan(25);
    expect(minutesBetween(before.anchor.at, before.start)).toBe(-20);
  });
});

describe("DST change days in Europe/Berlin", () => {
  const sun = windDown({ rooms: ["living"], start: { sun: "sunset", offset_min: 30 }, duration_min: 45 });

  it("autumn 2026-10-25: offsets go from +02:00 to +01:00, the sunset jumps an hour earlier on the clock", () => {
    const [sat, sun25, mon] = planWindDowns(sun, { from: "2026-10-24", days: 3, location: berlin });
    expect(sat?.start.slice(19)).toBe("+02:00");
    expect(sun25?.start.slice(19)).toBe("+01:00");
    expect(mon?.start.slice(19)).toBe("+01:00");
    for (const p of [sat, sun25, mon]) expect(minutesBetween(p?.start ?? "", p?.end ?? "")).toBe(45);
    // About 24 h 60 min of wall clock apart, but only a few minutes less than 24 h in real time.
    const real = minutesBetween(sat?.start ?? "", sun25?.start ?? "");
    expect(real).toBeGreaterThan(24 * 60 - 5);
    expect(real).toBeLessThan(24 * 60);
    expect(localClock(sat?.start ?? "") > localClock(sun25?.start ?? "")).toBe(true);
  });

  it("spring 2026-03-29: offsets go from +01:00 to +02:00", () => {
    const [sat, sun29] = planWindDowns(sun, { from: "2026-03-28", days: 2, location: berlin });
    expect(sat?.start.slice(19)).toBe("+01:00");
    expect(sun29?.start.slice(19)).toBe("+02:00");
    expect(sat?.date).toBe("2026-03-28");
    expect(sun29?.date).toBe("2026-03-29");
    const real = minutesBetween(sat?.start ?? "", sun29?.start ?? "");
    expect(real).toBeGreaterThan(24 * 60);
    expect(real).toBeLessThan(24 * 60 + 5);
  });

  it("keeps a bedtime wind-down that spans the autumn change at its real length", () => {
    const config = windDown({ rooms: ["kids"], start: { bedtime: "03:30" }, duration_min: 120 });
    const [plan] = planWindDowns(config, { from: "2026-10-24", days: 1, location: berlin });
    expect(plan?.start).toBe("2026-10-25T02:30:00+02:00");
    expect(plan?.end).toBe("2026-10-25T03:30:00+01:00");
    expect(minutesBetween(plan?.start ?? "", plan?.end ?? "")).toBe(120);
  });

  it("keeps a bedtime wind-down that spans the spring change at its real length", () => {
    const config = windDown({ rooms: ["kids"], start: { bedtime: "03:30" }, duration_min: 120 });
    const [plan] = planWindDowns(config, { from: "2026-03-28", days: 1, location: berlin });
    expect(plan?.start).toBe("2026-03-29T00:30:00+01:00");
    expect(plan?.end).toBe("2026-03-29T03:30:00+02:00");
    expect(minutesBetween(plan?.start ?? "", plan?.end ?? "")).toBe(120);
  });

  it("moves a bedtime that the spring change skips, with a note", () => {
    const config = windDown({ rooms: ["kids"], start: { bedtime: "02:30" }, duration_min: 30 });
    const [plan] = planWindDowns(config, { from: "2026-03-28", days: 1, location: berlin });
    expect(plan?.end).toBe("2026-03-29T03:30:00+02:00");
    expect(plan?.note).toMatch(/bedtime 02:30 does not exist/);
  });
});

describe("polar fallback in Tromsø", () => {
  const config = windDown({
    rooms: ["stue"],
    start: { sun: "sunset", offset_min: -30, earliest: "18:00", latest: "22:00" },
  });

  it("midnight sun in June starts at latest, with a note, no NaN", () => {
    const plans = planWindDowns(config, { from: "2026-06-15", days: 14, location: tromso });
    expect(plans).toHaveLength(14);
    for (const p of plans) {
      expect(p.start).toBe(`${p.date}T22:00:00+02:00`);
      expect(p.end).toBe(`${p.date}T22:45:00+02:00`);
      expect(p.anchor).toMatchObject({ type: "sun", event: "sunset", at: null });
      expect(p.note).toMatch(
        /^polar fallback: no sunset on \d{4}-\d\d-\d\d \(midnight sun\); started at latest 22:00$/,
      );
      expect(JSON.stringify(p)).not.toMatch(/NaN|Invalid/);
    }
  });

  it("polar night in December starts at earliest, with a note, no NaN", () => {
    const plans = planWindDowns(config, { from: "2026-12-10", days: 14, location: tromso });
    expect(plans).toHaveLength(14);
    for (const p of plans) {
      expect(p.start).toBe(`${p.date}T18:00:00+01:00`);
      expect(p.note).toMatch(/\(polar night\); started at earliest 18:00$/);
      expect(JSON.stringify(p)).not.toMatch(/NaN|Invalid/);
    }
  });

  it("uses polar_fallback when the matching clamp is missing", () => {
    const bare = windDown({ rooms: ["stue"], start: { sun: "sunset", polar_fallback: "20:15" } });
    const [june] = planWindDowns(bare, { from: "2026-06-21", days: 1, location: tromso });
    expect(june?.start).toBe("2026-06-21T20:15:00+02:00");
    expect(june?.note).toMatch(/started at polar_fallback 20:15/);
  });

  it("still finds civil dusk in December (the Sun rises above −6° at noon)", () => {
    const dusk = windDown({ rooms: ["stue"], start: { sun: "dusk" } });
    const [dec] = planWindDowns(dusk, { from: "2026-12-21", days: 1, location: tromso });
    expect(dec?.anchor.at).toMatch(/^2026-12-21T1[34]:\d\d:00\+01:00$/);
    expect(dec?.note).toBeNull();
    const night = windDown({ rooms: ["stue"], start: { sun: "astronomical_dusk", latest: "23:00" } });
    const [jun] = planWindDowns(night, { from: "2026-06-21", days: 1, location: tromso });
    expect(jun?.note).toMatch(/the Sun stays above -18° all day/);
    expect(jun?.start).toBe("2026-06-21T23:00:00+02:00");
  });

  it("handles a tropical and a southern home too", () => {
    const sydney = LocationSchema.parse({
      latitude: -33.87,
      longitude: 151.21,
      time_zone: "Australia/Sydney",
    });
    const plans = planWindDowns(windDown({ rooms: ["r"], start: { sun: "sunset" } }), {
      from: "2026-04-04",
      days: 2,
      location: sydney,
    });
    // Sydney leaves daylight saving on 2026-04-05.
    expect(plans.map((p) => p.start.slice(19))).toEqual(["+11:00", "+10:00"]);
  });
});

describe("fixed bedtime", () => {
  it("starts duration_min before the bedtime and ends at it", () => {
    const config = windDown({ rooms: ["bedroom"], start: { bedtime: "22:30" }, duration_min: 40 });
    const [plan] = planWindDowns(config, { from: "2026-09-15", days: 1, location: berlin });
    expect(plan).toMatchObject({
      date: "2026-09-15",
      room: "bedroom",
      anchor: { type: "bedtime", at: "2026-09-15T22:30:00+02:00" },
      start: "2026-09-15T21:50:00+02:00",
      end: "2026-09-15T22:30:00+02:00",
      note: null,
    });
  });

  it("reads a bedtime after midnight as the following night", () => {
    const config = windDown({ rooms: ["bedroom"], start: { bedtime: "00:30" }, duration_min: 60 });
    const [plan] = planWindDowns(config, { from: "2026-09-15", days: 1, location: berlin });
    expect(plan?.date).toBe("2026-09-15");
    expect(plan?.start).toBe("2026-09-15T23:30:00+02:00");
    expect(plan?.end).toBe("2026-09-16T00:30:00+02:00");
  });
});

describe("days, enabled and ordering", () => {
  it("runs only on the listed weekdays and not when disabled", () => {
    const weekdays = windDown({
      rooms: ["a"],
      start: { bedtime: "22:00" },
      days: ["mon", "tue", "wed", "thu", "fri"],
    });
    const plans = planWindDowns(weekdays, { from: "2026-09-14", days: 7, location: berlin });
    expect(plans.map((p) => p.date)).toEqual([
      "2026-09-14",
      "2026-09-15",
      "2026-09-16",
      "2026-09-17",
      "2026-09-18",
    ]);
    const off = windDown({ rooms: ["a"], start: { bedtime: "22:00" }, enabled: false });
    expect(planWindDowns(off, { from: "2026-09-14", days: 7, location: berlin })).toEqual([]);
  });

  it("orders several configs by start time", () => {
    const plans = planWindDowns(
      [
        windDown({ rooms: ["late"], start: { bedtime: "23:30" } }),
        windDown({ rooms: ["early"], start: { bedtime: "20:00" } }),
      ],
      { from: "2026-09-14", days: 2, location: berlin },
    );
    expect(plans.map((p) => `${p.date} ${p.room}`)).toEqual([
      "2026-09-14 early",
      "2026-09-14 late",
      "2026-09-15 early",
      "2026-09-15 late",
    ]);
  });

  it("rejects a bad from date", () => {
    const c = windDown({ rooms: ["a"], start: { bedtime: "22:00" } });
    expect(() => planWindDowns(c, { from: "2026-02-30", days: 1, location: berlin })).toThrow(RangeError);
  });
});

describe("schema", () => {
  it("fills defaults", () => {
    const c = WindDownConfigSchema.parse({ rooms: ["a"], start: { sun: "sunset" } });
    expect(c).toEqual({
      enabled: true,
      rooms: ["a"],
      start: { sun: "sunset", offset_min: 0, polar_fallback: "21:00" },
      duration_min: 45,
      night: { brightness_pct: 10, color_temp_kelvin: 2200 },
      steps: { interval_min: 5 },
    });
  });

  it("rejects unknown keys, bad times, crossed clamps and mixed start kinds", () => {
    const bad = [
      { rooms: ["a"], start: { sun: "sunset" }, colour: "red" },
      { rooms: ["a"], start: { bedtime: "25:00" } },
      { rooms: ["a"], start: { sun: "sunset", earliest: "21:00", latest: "19:00" } },
      { rooms: ["a"], start: { sun: "sunset", bedtime: "22:00" } },
      { rooms: [], start: { bedtime: "22:00" } },
      { rooms: ["a"], start: { sun: "moonrise" } },
      { rooms: ["a"], start: { bedtime: "22:00" }, steps: { count: 3, interval_min: 5 } },
      { rooms: ["a"], start: { bedtime: "22:00" }, days: ["monday"] },
    ];
    for (const input of bad) expect(WindDownConfigSchema.safeParse(input).success).toBe(false);
    // A latest after midnight is later than an evening earliest.
    expect(
      WindDownConfigSchema.safeParse({
        rooms: ["a"],
        start: { sun: "sunset", earliest: "21:00", latest: "00:30" },
      }).success,
    ).toBe(true);
  });

  it("rejects a room planned twice on the same weekday", () => {
    const twice = WindDownListSchema.safeParse([
      { rooms: ["a"], start: { bedtime: "22:00" }, days: ["mon", "tue"] },
      { rooms: ["a"], start: { bedtime: "23:00" }, days: ["tue"] },
    ]);
    expect(twice.success).toBe(false);
    const split = WindDownListSchema.safeParse([
      { rooms: ["a"], start: { bedtime: "22:00" }, days: ["mon", "tue"] },
      { rooms: ["a"], start: { bedtime: "23:00" }, days: ["sat", "sun"] },
    ]);
    expect(split.success).toBe(true);
  });

  it("checks the location", () => {
    expect(LocationSchema.safeParse({ latitude: 91, longitude: 0, time_zone: "UTC" }).success).toBe(false);
    expect(LocationSchema.safeParse({ latitude: 0, longitude: 0, time_zone: "Nowhere/Else" }).success).toBe(
      false,
    );
  });
});
