import { describe, expect, it } from "vitest";
import { ADAPTER_FORMATS, adapters, getAdapter } from "../../../devices/adapters/index.js";
import { ctx } from "./helpers.js";

describe("adapter registry", () => {
  it("has one adapter per format, keyed by its own format name", () => {
    expect(Object.keys(adapters).sort()).toEqual([...ADAPTER_FORMATS].sort());
    for (const f of ADAPTER_FORMATS) expect(getAdapter(f)?.format).toBe(f);
  });
  it("unknown formats → undefined (not prototype keys)", () => {
    expect(getAdapter("fitbit")).toBeUndefined();
    expect(getAdapter("toString")).toBeUndefined();
  });
  it("every adapter survives garbage without throwing", () => {
    const junk: (string | Uint8Array)[] = [
      "",
      "null",
      "[]",
      "{}",
      "0",
      '"x"',
      "\u0000",
      new Uint8Array([0xff, 0xfe]),
      "{".repeat(5000),
    ];
    for (const a of Object.values(adapters)) {
      for (const j of junk) {
        const r = a.parse(j, ctx);
        expect(r.ok, `${a.format} on ${String(j).slice(0, 10)}`).toBe(false);
      }
    }
  });
});
