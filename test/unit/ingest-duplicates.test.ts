// Duplicate readings (a lost acknowledgement, a bridge resending) are refused; the memory for spotting them is
// a fixed number of recent readings per person, so it stays flat however long the hub runs.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../hub/core/index.js";
import { testIngest } from "../support/ingest.js";

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);

const reading = (person: string, n: number, body: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ ts: NOW - 100_000 + n * 10, id: `${person}-${n}`, hr: 70, ...body }));

describe("duplicate readings", () => {
  it("refuses a repeated id or, without one, a repeated source and time; per person", () => {
    const clock = new FakeClock(NOW);
    const i = testIngest(clock);
    expect(i.handle("calm/alice/wearable", reading("alice", 1))).toHaveLength(1);
    expect(i.handle("calm/alice/wearable", reading("alice", 1))).toHaveLength(0);
    expect(i.handle("calm/bob/wearable", reading("alice", 1))).toHaveLength(1); // bob's, not alice's
    const noId = Buffer.from(JSON.stringify({ ts: NOW - 5_000, hr: 71 }));
    expect(i.handle("calm/alice/wearable", noId)).toHaveLength(1);
    expect(i.handle("calm/alice/wearable", noId)).toHaveLength(0);
    expect(i.counters.rejected.duplicate).toBe(2);
  });

  it("remembers the last 256 readings of each person, no more", () => {
    const clock = new FakeClock(NOW);
    const i = testIngest(clock);
    for (let n = 0; n < 1_000; n++) i.handle("calm/alice/wearable", reading("alice", n));
    // The 256 most recent are still known...
    for (let n = 744; n < 1_000; n++)
      expect(i.handle("calm/alice/wearable", reading("alice", n))).toHaveLength(0);
    // ...the one before them has been forgotten (and, taken again, becomes the newest).
    expect(i.handle("calm/alice/wearable", reading("alice", 743))).toHaveLength(1);
    expect(i.counters.accepted).toBe(1_001);
  });

  it("forgets a person's readings once they are older than max age plus the future tolerance", () => {
    const clock = new FakeClock(NOW);
    const i = testIngest(clock);
    i.handle("calm/alice/wearable", reading("alice", 1));
    clock.advance(329_000);
    i.handle("calm/alice/wearable", reading("alice", 2));
    expect(i.handle("calm/alice/wearable", reading("alice", 1))).toHaveLength(0); // 329 s: still known
    clock.advance(2_000);
    i.handle("calm/alice/wearable", reading("alice", 3)); // evicts what is older than 330 s
    expect(i.handle("calm/alice/wearable", reading("alice", 1))).toHaveLength(1);
    expect(i.handle("calm/alice/wearable", reading("alice", 2))).toHaveLength(0);
  });
});
