// A second's readings are written in slices over several turns of the event loop (so that a burst never
// holds readings back), yet none is lost, a person's batch stays one chunk, stop writes what is queued, and a
// deleted person's queued readings are never written.

import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import type { Sample } from "../../hub/core/index.js";
import { SampleWriter, STORE_FILE, Store } from "../../hub/store/index.js";
import { tempDir } from "../support/hub.js";

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function readings(people: number, each: number): Sample[] {
  const out: Sample[] = [];
  for (let c = 0; c < each; c++)
    for (let i = 0; i < people; i++)
      out.push({
        person: `p${i}`,
        measured_at: T0 + c,
        received_at: T0 + c,
        source: "native",
        quality: 1,
        id: `p${i}-${c}`,
        hr: 70,
      });
  return out;
}

function open(): { store: Store; dir: string } {
  const dir = tempDir();
  const store = new Store(dir);
  store.open();
  opened.push(store);
  return { store, dir };
}

const chunks = (dir: string) =>
  new DatabaseSync(join(dir, STORE_FILE)).prepare("SELECT person, count FROM sample_chunks").all() as {
    person: string;
    count: number;
  }[];

describe("SampleWriter", () => {
  it("writes a large batch over several turns, one chunk per person, losing none", async () => {
    const { store, dir } = open();
    const writer = new SampleWriter(store.samples, (err) => {
      throw err;
    });
    writer.write(readings(50, 100)); // 5,000 readings: more than one slice
    expect(chunks(dir)).toHaveLength(0); // nothing written in the caller's turn
    await new Promise((r) => setImmediate(r));
    const afterOne = chunks(dir).length;
    expect(afterOne).toBeGreaterThan(0);
    expect(afterOne).toBeLessThan(50); // a slice, not the whole batch, per turn
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const rows = chunks(dir);
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.count === 100)).toBe(true);
    expect(store.samples.list("p7", 0)).toHaveLength(100);
  });

  it("drain writes everything queued at once (the hub's stop)", () => {
    const { store } = open();
    const writer = new SampleWriter(store.samples, (err) => {
      throw err;
    });
    writer.write(readings(30, 100));
    writer.drain();
    expect(store.samples.list("p29", 0)).toHaveLength(100);
  });

  it("forget drops a person's queued readings and keeps everyone else's", () => {
    const { store } = open();
    const writer = new SampleWriter(store.samples, (err) => {
      throw err;
    });
    writer.write(readings(30, 100));
    writer.forget("p3");
    writer.drain();
    expect(store.samples.list("p3", 0)).toHaveLength(0);
    expect(store.samples.list("p4", 0)).toHaveLength(100);
  });

  it("a slice that cannot be written is reported with its size, and the next slices still go in", () => {
    const { store } = open();
    const failures: number[] = [];
    let calls = 0;
    const writer = new SampleWriter(
      {
        add: (list) => {
          calls++;
          if (calls === 1) throw new Error("disk full");
          store.samples.add(list);
        },
      },
      (_err, count) => failures.push(count),
    );
    writer.write(readings(50, 100));
    writer.drain();
    expect(failures).toHaveLength(1);
    const lost = failures[0] ?? 0;
    expect(lost).toBeGreaterThan(0);
    const stored = Array.from({ length: 50 }, (_, i) => store.samples.list(`p${i}`, 0).length);
    expect(stored.filter((n) => n === 100).length).toBe(50 - lost / 100);
  });
});
