import { describe, expect, it } from "vitest";
import { createPersonModel } from "../../../devices/wearable-sim/index.js";

describe("wearable simulator: a person guided by the breathing guide", () => {
  it("breathes most of the way toward the guided pace, and at their own rate without a guide", () => {
    let pace: number | undefined;
    const opts = { person: "alice", seed: 3, episodes: [], baseResp: 14 };
    const guided = createPersonModel({ ...opts, guidedPace: () => pace, follows: 0.75 });
    const alone = createPersonModel(opts);
    const t0 = Date.UTC(2026, 0, 1, 12);
    const own = [0, 1, 2, 3].map((i) => alone.next(t0 + i * 5000).resp ?? 0);
    expect(own.every((r) => Math.abs(r - 14) < 2)).toBe(true);
    pace = 6;
    const followed = [0, 1, 2, 3].map((i) => guided.next(t0 + i * 5000).resp ?? 0);
    // 14 → 6 at three quarters of the way: about 8 breaths a minute, never below the pace itself.
    for (const r of followed) expect(r).toBeGreaterThan(6);
    for (const r of followed) expect(r).toBeLessThan(9.5);
  });
});
