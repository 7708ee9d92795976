import { z } from "zod";
import type { AdapterContext, ParseResult, Sample, WearableAdapter } from "../../hub/core/index.js";

// Temporary minimal native adapter; replaced by the full adapter set.
const NativeSchema = z.object({
  ts: z.union([z.number(), z.string()]),
  id: z.string().optional(),
  hr: z.number().optional(),
  stress: z.number().min(0).max(100).optional(),
});

export const nativeAdapter: WearableAdapter = {
  format: "native",
  parse(payload: Uint8Array | string, ctx: AdapterContext): ParseResult {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8"));
    } catch {
      return { ok: false, reason: "malformed_json", detail: "not JSON" };
    }
    const r = NativeSchema.safeParse(raw);
    if (!r.success) return { ok: false, reason: "invalid_payload", detail: r.error.issues[0]?.message ?? "invalid" };
    const ts = typeof r.data.ts === "number" ? r.data.ts : Date.parse(r.data.ts);
    const s: Sample = { person: ctx.person, measured_at: ts, received_at: ctx.received_at, source: "native", quality: 1 };
    if (r.data.id) s.id = r.data.id;
    if (r.data.hr !== undefined) s.hr = r.data.hr;
    if (r.data.stress !== undefined) s.stress = r.data.stress;
    return { ok: true, samples: [s] };
  },
};
