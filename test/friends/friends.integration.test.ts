// Actors: wearable (MQTT client publishing a vendor stress score), broker (aedes or MQTT_TEST_URL), hub (a real
// Hub with the friend suggester wired to hub.events, its store and its HaLink), phone (the HA simulator's
// notify.mobile_app_alice_phone and tapNotificationAction). A SkewClock lets "twenty minutes of high stress"
// pass in milliseconds while sockets keep real time.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { SuggestionRecordSchema } from "../../hub/friends/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { connectWearable, publishReading } from "../support/hub.js";
import { SkewClock } from "../support/skew-clock.js";
import { waitFor } from "../support/wait-for.js";
import { startWiredHub, type WiredHub } from "../voice/wire.js";

let broker: TestBroker;
let sim: HaSimulator;
let wearable: MqttClient;
const running: WiredHub[] = [];
/** The log of the hub a test started: the suggester says there why it held a suggestion back. */
let log: CapturedLog;
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
  log = captureLog("info");
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
    logger: log.logger,
  });
  running.push(w);
  await waitFor(() => w.hub.ha.state === "online", { what: "Home Assistant link" });
  return w;
}

const phoneCalls = () => sim.calls.filter((c) => `${c.domain}.${c.service}` === PHONE);

/** Publishes a reading of alice's and resolves once the detector has it. The suggester listens to the same
 * "stress" event and was subscribed first, and it writes a suggestion's record before calling Home Assistant:
 * once this resolves, whatever it decided about this reading is in its history or in its log. */
async function reading(w: WiredHub, ts: number, stress: number): Promise<void> {
  let seen = false;
  const see = (state: { person: string }): void => {
    if (state.person === "alice") seen = true;
  };
  w.hub.events.on("stress", see);
  try {
    await publishReading(wearable, w.hub.config.mqtt.base_topic, "alice", { ts, stress });
    await waitFor(() => seen, { what: `reading ${stress} through the detector` });
  } finally {
    w.hub.events.off("stress", see);
  }
}

/** Stress 90 now, then again `minutes` later: "high for `minutes`". */
async function highFor(w: WiredHub, clock: SkewClock, minutes: number): Promise<void> {
  // The hub must see the first reading before time jumps, or it would arrive stale.
  await reading(w, clock.now(), 90);
  clock.advance(minutes * MIN);
  await reading(w, clock.now(), 92);
}

/** Whether the suggester held back a stress-triggered suggestion for this reason. */
function heldBack(reason: string): boolean {
  return log
    .lines()
    .some(
      (l) =>
        l.component === "friends" &&
        l.msg === "friend suggestion held back" &&
        l.trigger === "high_stress" &&
        l.reason === reason,
    );
}

describe("maybe call a friend, end to end", () => {
  it("suggests a friend on the phone after sustained high stress, with no health numbers", async () => {
    const clock = new SkewClock();
    const w = await wired("    quiet_hours: { after: '00:00', before: '00:00' }", clock);
    await highFor(w, clock, 5);
    // Five minutes is not yet "a while": nothing recorded, so nothing sent or on its way.
    expect(w.friends.history("alice")).toEqual([]);
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
    // Through the action runner: one log entry, without the friend's number.
    const entry = await waitFor(
      () => w.hub.store.actions.recent(10).find((e) => e.rule_id === "friends" && e.result === "ok"),
      { what: "the suggestion in the action log" },
    );
    expect(entry.call).toMatchObject({ domain: "notify", data: { message: "Want to call Sam?" } });
    expect(JSON.stringify(entry)).not.toContain("1234567");
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
    expect(heldBack("quiet_hours")).toBe(true);
    expect(w.friends.history("alice")).toEqual([]);
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
      await reading(w, clock.now(), 93);
    }
    expect(heldBack("daily_limit")).toBe(true);
    expect(w.friends.history("alice")).toHaveLength(1);
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
    await reading(w, clock.now(), 94);
    expect(heldBack("not_now_cooldown")).toBe(true);
    expect(w.friends.history("alice")).toHaveLength(1);
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
