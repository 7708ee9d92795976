// Actors: wearable (MQTT client publishing a vendor stress score), broker (aedes or MQTT_TEST_URL), hub (a real
// Hub with the friend suggester wired to hub.events, its store and its HaLink), phone (the HA simulator's
// notify.mobile_app_alice_phone and tapNotificationAction). A SkewClock lets "twenty minutes of high stress"
// pass in milliseconds while sockets keep real time.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { createRootLogger } from "../../hub/core/index.js";
import { SuggestionRecordSchema } from "../../hub/friends/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { connectWearable, publishReading } from "../support/hub.js";
import { SkewClock } from "../support/skew-clock.js";
import { sleep, waitFor } from "../support/wait-for.js";
import { startWiredHub, type WiredHub } from "../voice/wire.js";

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
const running: WiredHub[] = [];
const MIN = 60_000;
const PHONE = "notify.mobile_app_alice_phone";

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
  wearable = await connectWearable(broker.url);
});

afterEach(async () => {
  for (const w of running.splice(0)) await w.stop();
  sim.clearCalls();
});

afterAll(async () => {
  await wearable?.endAsync();
  await sim?.stop();
  await broker?.stop();
});

function berlin(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Berlin",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
}

async function wired(friends: string, clock: SkewClock): Promise<WiredHub> {
  const w = await startWiredHub({
    mqttUrl: broker.url,
    base: `${broker.base}f${Math.random().toString(36).slice(2, 8)}`,
    haUrl: sim.url,
    haToken: sim.token,
    clock,
    http: false,
    yaml: `
time_zone: Europe/Berlin
people:
  alice: { room: living_room }
friends:
  alice:
    enabled: true
    notify: ${PHONE}
    friends: [{ name: Sam, phone: "+49 30 1234567" }, { name: Kim, phone: "+49 30 7654321" }]
    triggers: { high_for_min: 20, episodes_per_day: null }
${friends}
`,
    logger: createRootLogger({ level: process.env.CALM_TEST_LOG ?? "silent" }),
  });
  running.push(w);
  await waitFor(() => w.hub.ha.state === "online", { what: "Home Assistant link" });
  return w;
}

const phoneCalls = () => sim.calls.filter((c) => `${c.domain}.${c.service}` === PHONE);

/** Stress 90 now, then again `minutes` later: "high for `minutes`". */
async function highFor(w: WiredHub, clock: SkewClock, minutes: number): Promise<void> {
  const base = w.hub.config.mqtt.base_topic;
  let seen = 0;
  const count = (): void => {
    seen++;
  };
  w.hub.events.on("stress", count);
  try {
    await publishReading(wearable, base, "alice", { ts: clock.now(), stress: 90 });
    // The hub must see the first reading before time jumps, or it would arrive stale.
    await waitFor(() => seen >= 1, { what: "first reading through the detector" });
    clock.advance(minutes * MIN);
    await publishReading(wearable, base, "alice", { ts: clock.now(), stress: 92 });
    await waitFor(() => seen >= 2, { what: "both readings through the detector" });
  } finally {
    w.hub.events.off("stress", count);
  }
}

describe("maybe call a friend, end to end", () => {
  it("suggests a friend on the phone after sustained high stress, with no health numbers", async () => {
    const clock = new SkewClock();
    const w = await wired("    quiet_hours: { after: '00:00', before: '00:00' }", clock);
    await highFor(w, clock, 5);
    await sleep(200);
    expect(phoneCalls()).toHaveLength(0);

    clock.advance(16 * MIN);
    await publishReading(wearable, w.hub.config.mqtt.base_topic, "alice", { ts: clock.now(), stress: 95 });
    const call = await sim.waitForCall(PHONE);
    expect(call.service_data.message).toBe("Want to call Sam?");
    const data = call.service_data.data as { tag: string; actions: { action: string; title: string }[] };
    // What a person reads (the tag and action ids are random hex, which may happen to contain "95").
    const shown = [call.service_data.title, call.service_data.message, ...data.actions.map((a) => a.title)];
    expect(shown.join(" ")).not.toMatch(/9[025]|stress|score/i);
    expect(data.actions.map((a) => a.title)).toEqual(["Call Sam", "Not now", "Snooze"]);
    expect(data.actions[0]).toMatchObject({ uri: "tel:+49301234567" });
    expect(call.error).toBeUndefined();
  });

  it("stays quiet during quiet hours", async () => {
    const clock = new SkewClock();
    const now = Date.now();
    const w = await wired(
      `    quiet_hours: { after: "${berlin(now - 60 * MIN)}", before: "${berlin(now + 120 * MIN)}" }`,
      clock,
    );
    await highFor(w, clock, 30);
    await sleep(300);
    expect(phoneCalls()).toHaveLength(0);
    expect(await w.friends.suggest("alice", "voice")).toEqual({ ok: false, reason: "quiet_hours" });
    expect(phoneCalls()).toHaveLength(0);
  });

  it("never sends more than the daily limit", async () => {
    const clock = new SkewClock();
    const w = await wired(
      "    quiet_hours: { after: '00:00', before: '00:00' }\n    max_per_day: 1\n    min_gap_min: 1",
      clock,
    );
    await highFor(w, clock, 25);
    await waitFor(() => phoneCalls().length === 1, { what: "first suggestion" });
    for (let i = 0; i < 3; i++) {
      clock.advance(5 * MIN);
      await publishReading(wearable, w.hub.config.mqtt.base_topic, "alice", { ts: clock.now(), stress: 93 });
    }
    await sleep(300);
    expect(phoneCalls()).toHaveLength(1);
    expect(await w.friends.suggest("alice", "voice")).toEqual({ ok: false, reason: "daily_limit" });
  });

  it("a tapped 'Not now' starts the cooldown", async () => {
    const clock = new SkewClock();
    const w = await wired(
      "    quiet_hours: { after: '00:00', before: '00:00' }\n    max_per_day: 5\n    min_gap_min: 1\n    not_now_cooldown_h: 6",
      clock,
    );
    await highFor(w, clock, 25);
    const call = await sim.waitForCall(PHONE);
    const data = call.service_data.data as { tag: string; actions: { action: string }[] };
    const notNow = data.actions[1]?.action ?? "";
    expect(notNow).toMatch(/^CALM_NOT_NOW_/);

    sim.tapNotificationAction({ action: notNow, tag: data.tag });
    const id = notNow.slice("CALM_NOT_NOW_".length);
    const record = await waitFor(
      () => {
        const r = w.hub.store.docs.get("friend", `alice:${id}`, SuggestionRecordSchema);
        return r?.outcome === "not_now" ? r : undefined;
      },
      { what: "not now recorded" },
    );
    expect(record.friend).toBe("Sam");

    clock.advance(2 * 60 * MIN);
    await publishReading(wearable, w.hub.config.mqtt.base_topic, "alice", { ts: clock.now(), stress: 94 });
    await sleep(300);
    expect(phoneCalls()).toHaveLength(1);

    clock.advance(5 * 60 * MIN);
    await publishReading(wearable, w.hub.config.mqtt.base_topic, "alice", { ts: clock.now(), stress: 94 });
    await waitFor(() => phoneCalls().length === 2, { what: "suggestion after the cooldown" });
    expect(phoneCalls()[1]?.service_data.message).toBe("Want to call Kim?");
    // The record is the person's: export carries it, delete removes it.
    const exported = JSON.stringify(w.hub.store.exportPerson("alice"));
    expect(exported).toContain(`alice:${id}`);
    expect(exported).not.toContain("1234567");
  });
});
