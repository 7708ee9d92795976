import { describe, expect, it } from "vitest";
import { bleHrmAdapter, decodeHeartRateMeasurement, hexToBytes } from "../../../devices/adapters/ble-hrm.js";
import { bytes, ctx, fixture, one, RECEIVED_AT, rejected } from "./helpers.js";

const parse = (p: unknown): ReturnType<typeof bleHrmAdapter.parse> =>
  bleHrmAdapter.parse(typeof p === "string" ? p : JSON.stringify(p), ctx);

// Hand-computed: RR raw 0x0319 = 793 /1024 s = 774.4140625 ms; 0x030f = 783 → 764.6484375 ms.
const RR_793 = 774.4140625;
const RR_783 = 764.6484375;

describe("0x2A37 decoding", () => {
  it("8-bit HR with two RR intervals (Polar H10 notification)", () => {
    // flags 0x10: uint8 HR, no contact support, no energy, RR present
    const r = decodeHeartRateMeasurement(new Uint8Array([0x10, 88, 0x19, 0x03, 0x0f, 0x03]));
    expect(r).toEqual({ ok: true, value: { hr: 88, rr: [RR_793, RR_783], contact: undefined } });
  });

  it("16-bit HR, contact supported but lost, energy expended skipped, one RR", () => {
    // flags 0x1d = 0x01 (uint16) | 0x04 (contact supported) | 0x08 (energy) | 0x10 (RR); bit1 clear
    // HR 0x0048 = 72; energy 0x012c = 300 kJ; RR 0x0400 = 1024 → 1000 ms
    const r = decodeHeartRateMeasurement(new Uint8Array([0x1d, 0x48, 0x00, 0x2c, 0x01, 0x00, 0x04]));
    expect(r).toEqual({ ok: true, value: { hr: 72, rr: [1000], contact: false, energyExpended: 300 } });
  });

  it("16-bit HR above 255 is read little-endian", () => {
    // flags 0x01, HR 0x0101 = 257 (decodes; the range check refuses it later)
    expect(decodeHeartRateMeasurement(new Uint8Array([0x01, 0x01, 0x01]))).toMatchObject({
      ok: true,
      value: { hr: 257, rr: [] },
    });
  });

  it.each([
    ["too short", [0x10]],
    ["truncated 16-bit HR", [0x01, 0x48]],
    ["truncated energy", [0x08, 0x48, 0x2c]],
    ["odd RR bytes", [0x10, 0x48, 0x00]],
    ["trailing bytes without RR flag", [0x00, 0x48, 0x00]],
  ])("%s → invalid_payload", (_n, b) => {
    expect(decodeHeartRateMeasurement(new Uint8Array(b))).toMatchObject({
      ok: false,
      reason: "invalid_payload",
    });
  });

  it("hex strings with separators and 0x prefixes", () => {
    expect(hexToBytes("10 4B 2a 03")).toEqual(new Uint8Array([0x10, 0x4b, 0x2a, 0x03]));
    expect(hexToBytes("10:4b:2a:03")).toEqual(new Uint8Array([0x10, 0x4b, 0x2a, 0x03]));
    expect(hexToBytes("0x10 0x4b")).toEqual(new Uint8Array([0x10, 0x4b]));
    expect(hexToBytes("104b2a03")).toEqual(new Uint8Array([0x10, 0x4b, 0x2a, 0x03]));
    expect(hexToBytes("104")).toBeUndefined();
    expect(hexToBytes("zz")).toBeUndefined();
  });
});

describe("ble-hrm adapter", () => {
  it("fixture: hex in JSON with a timestamp", () => {
    const s = one(bleHrmAdapter.parse(bytes(fixture("ble-hrm", "polar-h10.json")), ctx));
    expect(s).toEqual({
      person: "alex",
      measured_at: Date.UTC(2026, 9, 2, 19, 15, 3, 120),
      received_at: RECEIVED_AT,
      source: "ble-hrm",
      quality: 1,
      hr: 88,
      rr: [RR_793, RR_783],
    });
  });

  it("the brief's example {hex: '10 4b 2a 03'}: HR 75, RR 0x032a = 810/1024 s", () => {
    const s = one(parse({ hex: "10 4b 2a 03" }));
    expect(s.hr).toBe(75);
    expect(s.rr?.[0]).toBeCloseTo(791.015625, 9);
    expect(s.measured_at).toBe(RECEIVED_AT);
  });

  it("bare hex, as raw bytes or as a JSON string", () => {
    expect(one(bleHrmAdapter.parse(bytes("10581903"), ctx)).rr).toEqual([RR_793]);
    expect(one(parse('"10 58 19 03"')).hr).toBe(88);
  });

  it("decimal byte array", () => {
    expect(one(parse({ bytes: [16, 88, 25, 3, 15, 3] })).rr).toEqual([RR_793, RR_783]);
  });

  it("lowers quality when contact is supported but not detected", () => {
    // flags 0x14 = RR | contact supported, bit1 clear → no contact
    expect(one(parse({ hex: "14 48 00 04" })).quality).toBe(0.2);
    // flags 0x16 = RR | contact supported | detected
    expect(one(parse({ hex: "16 48 00 04" })).quality).toBe(1);
  });

  it("decoded JSON: rr in ms, rr_1024 in 1/1024 s, bridge aliases", () => {
    const ts = "2026-10-02T19:15:03.120Z";
    expect(one(parse({ ts, hr: 88, rr: [774, 765] }))).toMatchObject({ hr: 88, rr: [774, 765] });
    expect(one(parse({ ts, rr_1024: [793, 783] })).rr).toEqual([RR_793, RR_783]);
    const alias = one(parse({ source: "polar_h10", ts, hr_bpm: 88, rr_ms: [774, 765], contact: true }));
    expect(alias).toMatchObject({ source: "polar_h10", hr: 88, rr: [774, 765], quality: 1 });
    expect(one(parse({ hr: 88, contact: false })).quality).toBe(0.2);
  });

  it.each([
    ["neither JSON nor hex", "hello", "malformed_json"],
    ["odd hex digits", "10581", "malformed_json"],
    ["broken JSON", '{"hex": ', "malformed_json"],
    ["JSON string, not hex", '"hello"', "invalid_payload"],
    ["hex and bytes", { hex: "10 48", bytes: [16, 72] }, "invalid_payload"],
    ["bad hex field", { hex: "xx" }, "invalid_payload"],
    ["byte > 255", { bytes: [16, 300] }, "invalid_payload"],
    ["truncated", { hex: "01 48" }, "invalid_payload"],
    ["rr and rr_1024", { rr: [800], rr_1024: [800] }, "invalid_payload"],
    ["hr and hr_bpm disagree", { hr: 80, hr_bpm: 81 }, "invalid_payload"],
    ["bad ts", { ts: "soon", hr: 70 }, "invalid_payload"],
    ["nothing", { ts: 1795000000000 }, "no_measurement"],
    ["HR 0 (no contact)", { hex: "06 00" }, "out_of_range"],
    ["RR at 250 ms is fine, below is not", { hex: "10 48 00 01 ff 00" }, "out_of_range"],
    ["too large", `{"hex":"${"10 ".repeat(2000)}"}`, "too_large"],
  ])("%s → reason", (_n, p, reason) => {
    rejected(parse(p), reason);
  });
});
