import { describe, expect, it } from "vitest";
import {
  addDays,
  formatZoned,
  isTimeZone,
  localDate,
  offsetMinutesAt,
  weekdayOf,
  zonedInstant,
} from "../../hub/schedule/index.js";

describe("calendar dates", () => {
  it("moves whole days across month, year and DST boundaries", () => {
    expect(addDays("2026-10-24", 1)).toBe("2026-10-25");
    expect(addDays("2026-10-25", 1)).toBe("2026-10-26");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
  });

  it("names weekdays", () => {
    expect(weekdayOf("2026-10-25")).toBe("sun");
    expect(weekdayOf("2026-03-30")).toBe("mon");
  });
});

describe("zoned time", () => {
  it("knows the Berlin offsets around both 2026 DST changes", () => {
    expect(offsetMinutesAt(Date.parse("2026-10-25T00:59:00Z"), "Europe/Berlin")).toBe(120);
    expect(offsetMinutesAt(Date.parse("2026-10-25T01:00:00Z"), "Europe/Berlin")).toBe(60);
    expect(offsetMinutesAt(Date.parse("2026-03-29T00:59:00Z"), "Europe/Berlin")).toBe(60);
    expect(offsetMinutesAt(Date.parse("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe(120);
    expect(offsetMinutesAt(Date.parse("2026-07-01T12:00:00Z"), "America/New_York")).toBe(-240);
  });

  it("turns local wall times into instants", () => {
    expect(zonedInstant("2026-10-25", { hour: 18, minute: 12 }, "Europe/Berlin")).toBe(
      Date.parse("2026-10-25T18:12:00+01:00"),
    );
    expect(zonedInstant("2026-10-24", { hour: 18, minute: 12 }, "Europe/Berlin")).toBe(
      Date.parse("2026-10-24T18:12:00+02:00"),
    );
  });

  it("resolves a repeated time to the earlier instant and a skipped time to after the gap", () => {
    expect(zonedInstant("2026-10-25", { hour: 2, minute: 30 }, "Europe/Berlin")).toBe(
      Date.parse("2026-10-25T02:30:00+02:00"),
    );
    expect(zonedInstant("2026-03-29", { hour: 2, minute: 30 }, "Europe/Berlin")).toBe(
      Date.parse("2026-03-29T03:30:00+02:00"),
    );
  });

  it("formats ISO 8601 with the local offset", () => {
    expect(formatZoned(Date.parse("2026-10-25T17:12:00Z"), "Europe/Berlin")).toBe(
      "2026-10-25T18:12:00+01:00",
    );
    expect(formatZoned(Date.parse("2026-06-01T00:00:00Z"), "America/St_Johns")).toBe(
      "2026-05-31T21:30:00-02:30",
    );
    expect(formatZoned(Date.parse("2026-06-01T00:00:00Z"), "UTC")).toBe("2026-06-01T00:00:00+00:00");
  });

  it("finds the local date and checks zone names", () => {
    expect(localDate(Date.parse("2026-10-25T23:30:00Z"), "Europe/Berlin")).toBe("2026-10-26");
    expect(isTimeZone("Europe/Oslo")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
