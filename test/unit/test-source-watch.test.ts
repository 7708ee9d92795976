// What `calm-hub test-source` says, judged by the hub's own ingest, on a fake clock.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../hub/config/index.js";
import { FakeClock } from "../../hub/core/index.js";
import { describeValues, SourceWatch, type WatchedSource } from "../../hub/test-source/index.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const hint = (s: WatchedSource): string => `check ${s.name}`;
const config = parseConfig(
  "people:\n  alice:\n    sources:\n      - { format: ble-hrm, topic: esphome/polar-h10/hrm }\n  bob: {}\n",
  {},
);

describe("SourceWatch", () => {
  it("counts accepted readings per source and says how long ago the last one came", () => {
    const clock = new FakeClock();
    const watch = new SourceWatch({ config, clock });
    const [e] = watch.onMqtt("esphome/polar-h10/hrm", bytes('{"hex":"164b3b034003"}'));
    expect(e).toMatchObject({
      kind: "reading",
      person: "alice",
      source: "esphome/polar-h10/hrm",
      fresh: true,
    });
    if (e?.kind === "reading") expect(describeValues(e.sample)).toBe("hr 75 bpm, rr 808 813 ms");
    clock.advance(2_000);
    expect(watch.summary(hint)).toEqual([
      "alice: 1 reading from esphome/polar-h10/hrm, last 2 s ago",
      "bob: nothing yet — check calm/bob/wearable",
    ]);
    expect(watch.allHeardFrom()).toBe(false);
  });

  it("gives the refusal reason from ingest, and marks old and retained readings", () => {
    const clock = new FakeClock();
    const watch = new SourceWatch({ config, clock, person: "bob" });
    const future = JSON.stringify({ ts: clock.now() + 3_600_000, hr: 70 });
    expect(watch.onMqtt("calm/bob/wearable", bytes(future))).toMatchObject([
      { kind: "refused", person: "bob", reason: "future", detail: "measured in the future" },
    ]);
    const old = clock.now() - 3_600_000;
    const [e] = watch.onMqtt("calm/bob/wearable", bytes(JSON.stringify({ ts: old, hr: 70 })), true);
    expect(e).toMatchObject({ kind: "reading", fresh: false });
    expect(e?.kind === "reading" && e.note).toMatch(/retained/);
    // Alice is not watched: her readings are judged but not shown.
    expect(watch.onMqtt("esphome/polar-h10/hrm", bytes('{"hex":"164b3b034003"}'))).toEqual([]);
    expect(watch.summary(hint)).toEqual([
      "bob: 1 reading from calm/bob/wearable, last 0 s ago (1 refused, last: future)",
    ]);
    expect(watch.allHeardFrom()).toBe(true);
  });

  it("without a config it listens on the native topic and says so when nothing came", () => {
    const watch = new SourceWatch({ config: parseConfig("", {}), clock: new FakeClock() });
    expect(watch.filters()).toEqual(["calm/+/wearable"]);
    expect(watch.summary(hint)).toEqual(["nothing arrived on calm/+/wearable"]);
  });
});
