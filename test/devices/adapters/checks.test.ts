import { describe, expect, it } from "vitest";
import {
  buildSample,
  decodeText,
  MAX_PAYLOAD_BYTES,
  parseJsonPayload,
  parseTimestamp,
  rangeProblem,
} from "../../../devices/adapters/checks.js";
import { ctx } from "./helpers.js";

describe("parseTimestamp", () => {
  const t = Date.UTC(2026, 10, 27, 7, 15, 0);
  it.each([
    [t, t],
    [t / 1000, t],
    [String(t), t],
    [String(t / 1000), t],
    ["2026-11-27T07:15:00Z", t],
    ["2026-11-27T07:15:00.000Z", t],
    ["2026-11-27T08:15:00+01:00", t],
    ["2026-11-27T08:15:00+0100", t],
    ["2026-11-27T08:15:00+01", t],
    ["2026-11-27 08:15:00 +0100", t],
    ["2026-11-27 02:15:00 -0500", t],
    ["2026-11-27T07:15Z", t],
    ["2026-11-27T07:15:00.5Z", t + 500],
    ["2026-11-27T07:15:00,250+00:00", t + 250],
    ["2026-11-27T07:15:00.123456789Z", t + 123],
  ])("%s", (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([
    ["2026-11-27T07:15:00"],
    ["2026-02-30T07:15:00Z"],
    ["2026-13-01T00:00:00Z"],
    ["2026-11-27T24:00:00Z"],
    ["yesterday"],
    [""],
    [0],
    [-5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [true],
  ])("rejects %s", (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });

  it("reads offset-less date-times as UTC only when asked", () => {
    expect(parseTimestamp("2026-10-02T18:55:04.0", { assumeUtc: true })).toBe(
      Date.UTC(2026, 9, 2, 18, 55, 4),
    );
  });
});

describe("payload decoding", () => {
  it("refuses oversize payloads before parsing", () => {
    const big = `{"ts":1,"pad":"${"x".repeat(MAX_PAYLOAD_BYTES)}"}`;
    expect(parseJsonPayload(big)).toMatchObject({ ok: false, reason: "too_large" });
    expect(parseJsonPayload(new TextEncoder().encode(big))).toMatchObject({ ok: false, reason: "too_large" });
  });
  it("counts UTF-8 bytes, not characters", () => {
    const s = "é".repeat(MAX_PAYLOAD_BYTES / 2 + 1); // 2 bytes each
    expect(decodeText(s)).toMatchObject({ ok: false, reason: "too_large" });
  });
  it("refuses invalid UTF-8 as malformed", () => {
    expect(parseJsonPayload(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      reason: "malformed_json",
    });
  });
});

describe("ranges", () => {
  it("accepts the bounds and refuses just outside", () => {
    expect(rangeProblem({ hr: 25, rr: [250, 2500], stress: 100, eda: 0 })).toBeUndefined();
    expect(rangeProblem({ hr: 24.9 })).toMatch(/hr/);
    expect(rangeProblem({ skin_temp: 45.1 })).toMatch(/skin_temp/);
    expect(rangeProblem({ rr: [800, 2501] })).toMatch(/rr\[1\]/);
    expect(rangeProblem({ rr: Array.from({ length: 301 }, () => 800) })).toMatch(/301/);
    expect(rangeProblem({ hr: Number.NaN })).toMatch(/hr/);
  });
  it("buildSample: no measurement, then out of range, defaults quality to 1", () => {
    const meta = { measured_at: 1, source: "x" };
    expect(buildSample(ctx, meta, { rr: [] })).toMatchObject({ ok: false, reason: "no_measurement" });
    expect(buildSample(ctx, meta, { hr: 300 })).toMatchObject({ ok: false, reason: "out_of_range" });
    expect(buildSample(ctx, meta, { hr: 60, rr: [] })).toEqual({
      ok: true,
      value: {
        person: "alex",
        measured_at: 1,
        received_at: ctx.received_at,
        source: "x",
        quality: 1,
        hr: 60,
      },
    });
  });
});
