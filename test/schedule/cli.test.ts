import { describe, expect, it } from "vitest";
import { HubError } from "../../hub/core/errors.js";
import {
  formatSchedule,
  parseScheduleArgs,
  planWindDowns,
  SCHEDULE_USAGE,
} from "../../hub/schedule/index.js";
import { berlin, tromso, windDown } from "./fixtures.js";

function usageError(argv: string[]): string {
  try {
    parseScheduleArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe("CALM_ERR_USAGE");
    return (err as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("parseScheduleArgs", () => {
  it("reads every option, in both --name value and --name=value form", () => {
    expect(
      parseScheduleArgs([
        "--config",
        "calm.yaml",
        "--from=2026-10-24",
        "--days",
        "3",
        "--lat",
        "52.52",
        "--lon=-0.12",
        "--tz",
        "Europe/Berlin",
        "--json",
      ]),
    ).toEqual({
      help: false,
      config: "calm.yaml",
      from: "2026-10-24",
      days: 3,
      location: { latitude: 52.52, longitude: -0.12, time_zone: "Europe/Berlin" },
      json: true,
    });
  });

  it("defaults from, days, location and json", () => {
    expect(parseScheduleArgs(["--config", "c.yaml"])).toEqual({
      help: false,
      config: "c.yaml",
      from: undefined,
      days: 7,
      location: undefined,
      json: false,
    });
    const reordered = parseScheduleArgs([
      "--config",
      "c.yaml",
      "--lon",
      "-0.12",
      "--lat",
      "51.5",
      "--tz",
      "UTC",
    ]);
    expect(reordered.help === false && reordered.location).toEqual({
      latitude: 51.5,
      longitude: -0.12,
      time_zone: "UTC",
    });
  });

  it("answers --help", () => {
    expect(parseScheduleArgs(["--help"])).toEqual({ help: true });
    expect(SCHEDULE_USAGE).toMatch(/--config FILE/);
  });

  it("explains what is wrong", () => {
    expect(usageError([])).toMatch(/--config FILE is required/);
    expect(usageError(["--config"])).toMatch(/--config needs a value/);
    expect(usageError(["--config", "--json"])).toMatch(/--config needs a value/);
    expect(usageError(["--config", "c", "--from", "2026-02-30"])).toMatch(/--from needs a calendar date/);
    expect(usageError(["--config", "c", "--from", "25.10.2026"])).toMatch(/--from needs a calendar date/);
    expect(usageError(["--config", "c", "--days", "0"])).toMatch(/--days needs a number from 1 to 366/);
    expect(usageError(["--config", "c", "--days", "2.5"])).toMatch(/--days needs a whole number/);
    expect(usageError(["--config", "c", "--days", "seven"])).toMatch(/"seven"/);
    expect(usageError(["--config", "c", "--lat", "52"])).toMatch(/--lat, --lon and --tz go together/);
    expect(usageError(["--config", "c", "--lat", "95", "--lon", "0", "--tz", "UTC"])).toMatch(
      /--lat needs a number/,
    );
    expect(usageError(["--config", "c", "--lat", "5", "--lon", "0", "--tz", "Berlin"])).toMatch(
      /IANA time zone/,
    );
    expect(usageError(["--config", "c", "--verbose"])).toMatch(/unknown option --verbose/);
    expect(usageError(["--config", "c", "extra"])).toMatch(/unexpected argument "extra"/);
    expect(usageError(["--config", "a", "--config", "b"])).toMatch(/--config given twice/);
  });
});

describe("formatSchedule", () => {
  const plans = [
    ...planWindDowns(
      windDown({ rooms: ["living"], start: { sun: "sunset", offset_min: 30, earliest: "18:00" } }),
      {
        from: "2026-10-24",
        days: 2,
        location: berlin,
      },
    ),
    ...planWindDowns(windDown({ rooms: ["stue"], start: { sun: "sunset", latest: "22:00" } }), {
      from: "2026-06-21",
      days: 1,
      location: tromso,
    }),
  ];

  it("prints JSON entries with exactly date, room, anchor, start, end and note", () => {
    const parsed = JSON.parse(formatSchedule(plans, { json: true })) as Record<string, unknown>[];
    expect(parsed).toHaveLength(3);
    for (const entry of parsed)
      expect(Object.keys(entry)).toEqual(["date", "room", "anchor", "start", "end", "note"]);
    expect(parsed[1]).toMatchObject({ date: "2026-10-25", start: "2026-10-25T18:00:00+01:00" });
    expect(parsed[2]).toMatchObject({ anchor: { at: null }, start: "2026-06-21T22:00:00+02:00" });
  });

  it("prints an aligned table for people", () => {
    const text = formatSchedule(plans, { json: false });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^DATE\s+ROOM\s+ANCHOR\s+START\s+END\s+NOTE$/);
    const col = (line: string | undefined) => line?.indexOf("START");
    const startCol = col(lines[0]);
    for (const line of lines.slice(1))
      expect(line.slice(startCol, (startCol ?? 0) + 5)).toMatch(/^\d\d:\d\d$/);
    expect(lines[2]).toMatch(/18:00 \(\+01:00\)/);
    expect(lines[2]).toMatch(/clamped to earliest 18:00/);
    expect(lines[3]).toMatch(/sunset none/);
    expect(formatSchedule([], { json: false })).toBe("No wind-downs planned in this range.\n");
    expect(formatSchedule([], { json: true })).toBe("[]\n");
  });
});
