import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { AdapterContext, ParseResult, Sample } from "../../../hub/core/sample.js";
import { SampleSchema } from "../../../hub/core/sample.js";

export const RECEIVED_AT = Date.UTC(2026, 10, 27, 7, 20, 0);
export const ctx: AdapterContext = { person: "alex", topic: "calm/alex/wearable", received_at: RECEIVED_AT };

export function fixture(format: string, name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../fixtures/devices/${format}/${name}`, import.meta.url)),
    "utf8",
  );
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Asserts success, validates every sample against the core schema, returns them. */
export function ok(r: ParseResult): Sample[] {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  for (const s of r.samples) SampleSchema.parse(s);
  return r.samples;
}

export function one(r: ParseResult): Sample {
  const s = ok(r);
  expect(s).toHaveLength(1);
  return s[0] as Sample;
}

export function rejected(r: ParseResult, reason: string): string {
  if (r.ok) throw new Error(`expected ${reason}, got ok: ${JSON.stringify(r.samples)}`);
  expect(r.reason).toBe(reason);
  expect(r.detail.length).toBeGreaterThan(0);
  return r.detail;
}
