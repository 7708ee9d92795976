// Mood check-ins, end to end.
// Actors: hub (a real Hub: episodes, the action runner, its store and its HaLink, with mood check-ins wired as
// hub.ts wires them), phone (the HA simulator's notify.mobile_app_alice_phone and tapNotificationAction),
// Assist (the simulator playing the shipped voice automation), broker (aedes or MQTT_TEST_URL). A SkewClock puts
// the hub a second before the evening check-in while sockets keep real time.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HaSimulator } from "../../devices/ha-sim/index.js";
import { matchSentence } from "../../devices/ha-sim/sentence-matcher.js";
import { localDate, parseTime, zonedInstant } from "../../hub/core/index.js";
import { CHECK_IN_SCOPE, CheckInRecordSchema } from "../../hub/mood/index.js";
import { understand } from "../../hub/voice/index.js";
import { startTestBroker, type TestBroker } from "../support/broker.js";
import { type CapturedLog, captureLog } from "../support/capture-log.js";
import { API_TOKEN } from "../support/hub.js";
import { SkewClock } from "../support/skew-clock.js";
import { waitFor } from "../support/wait-for.js";
import { startWiredHub, type WiredHub } from "../voice/wire.js";

let broker: TestBroker;
let sim: HaSimulator;
const running: WiredHub[] = [];
let log: CapturedLog;
const MIN = 60_000;
const PHONE = "notify.mobile_app_alice_phone";
const TZ = "Europe/Berlin";
const SATELLITE = "dev_satellite_living_room";

beforeAll(async () => {
  broker = await startTestBroker();
  sim = await HaSimulator.start();
});

afterEach(async () => {
  for (const w of running.splice(0)) await w.stop();
  sim.changeByHand("light.living_room", {
    state: "on",
    attributes: { brightness: 200, color_temp_kelvin: 3000 },
  });
  sim.clearCalls();
});

afterAll(async () => {
  await sim?.stop();
  await broker?.stop();
});

function berlin(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: TZ,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
}

/** A hub whose only opted-in person is alice; her phone comes from the friends section. */
async function wired(mood: string, clock?: SkewClock): Promise<WiredHub> {
  log = captureLog("info");
  const w = await startWiredHub({
    mqttUrl: broker.url,
    base: `${broker.base}m${Math.random().toString(36).slice(2, 8)}`,
    haUrl: sim.url,
    haToken: sim.token,
    ...(clock ? { clock } : {}),
    yaml: `
time_zone: ${TZ}
people:
  alice: { room: living_room }
  bob: { room: bedroom }
friends:
  alice:
    notify: ${PHONE}
mood:
  people:
    alice: {}
  after_episode_delay_min: 0
${mood}
`,
    logger: log.logger,
  });
  running.push(w);
  await waitFor(() => w.hub.ha.state === "online", { what: "Home Assistant link" });
  return w;
}

const phoneCalls = () => sim.calls.filter((c) => `${c.domain}.${c.service}` === PHONE);

/** A calm episode for alice that she then stops: the check-in's trigger. */
async function episodeEnds(w: WiredHub): Promise<void> {
  const r = await w.hub.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
  expect(r.ok).toBe(true);
  await w.hub.episodes.stopEpisode({ person: "alice" }, "stopped");
}

function heldBack(reason: string): boolean {
  return log
    .lines()
    .some((l) => l.component === "mood" && l.msg === "check-in held back" && l.reason === reason);
}

type Shown = {
  title: string;
  message: string;
  data: { tag: string; actions: { action: string; title: string }[] };
};

describe("mood check-ins on the phone", () => {
  it("asks after an episode ends, with mood buttons; a tap records the mood", async () => {
    const w = await wired("  quiet_hours: { after: '00:00', before: '00:00' }");
    await episodeEnds(w);
    const call = await sim.waitForCall(PHONE);
    const shown = call.service_data as unknown as Shown;
    expect(shown.title).toBe("How do you feel?");
    expect(shown.message).toMatch(/calm moment is over/);
    expect(shown.data.actions.map((a) => a.title)).toEqual(["Good", "Okay", "Stressed"]);
    expect(shown.data.tag).toMatch(/^calm-mood-/);
    expect(call.error).toBeUndefined();
    // Through the action runner: an entry in the action log, with the check-in as its cause.
    const entry = await waitFor(
      () => w.hub.store.actions.recent(20).find((e) => e.rule_id === "mood" && e.result === "ok"),
      { what: "the check-in in the action log" },
    );
    expect(entry.trigger.cause?.kind).toBe("check_in");

    const stressed = shown.data.actions[2]?.action ?? "";
    sim.tapNotificationAction({ action: stressed, tag: shown.data.tag });
    const told = await waitFor(() => w.hub.mood.moods("alice")[0], { what: "the tapped mood" });
    expect(told).toMatchObject({ person: "alice", mood: "stressed", source: "notification" });
    const [checkIn] = w.hub.mood.checkIns("alice");
    expect(checkIn).toMatchObject({ kind: "after_episode", outcome: "answered", mood: "stressed" });

    // The same tap again (a repeated event) adds nothing, nor does a tap for a check-in the hub never sent; a
    // different answer afterwards is a new mood. Events arrive in order: once it is there, the others were seen.
    sim.tapNotificationAction({ action: stressed, tag: shown.data.tag });
    sim.tapNotificationAction({ action: "CALM_MOOD_GOOD_NOSUCHID", tag: "calm-mood-NOSUCHID" });
    sim.tapNotificationAction({ action: shown.data.actions[0]?.action ?? "", tag: shown.data.tag });
    await waitFor(() => w.hub.mood.moods("alice")[0]?.mood === "good", { what: "the changed answer" });
    expect(w.hub.mood.moods("alice").map((m) => m.mood)).toEqual(["good", "stressed"]);

    // Bob did not opt in: his episode's end asks nobody, while alice's next one is asked about.
    await w.hub.episodes.startEpisode({ person: "bob", room: "bedroom", reason: "test" });
    await w.hub.episodes.stopEpisode({ person: "bob" }, "stopped");
    await episodeEnds(w);
    await waitFor(() => phoneCalls().length === 2, { what: "alice's second check-in" });
    expect(sim.calls.filter((c) => c.domain === "notify")).toHaveLength(2);
    expect(log.lines().filter((l) => l.component === "mood" && l.person === "bob")).toEqual([]);
  });

  it("holds the check-in back in quiet hours", async () => {
    const now = Date.now();
    const w = await wired(
      `  quiet_hours: { after: "${berlin(now - 60 * MIN)}", before: "${berlin(now + 120 * MIN)}" }\n  evening_at: null`,
    );
    await episodeEnds(w);
    await waitFor(() => heldBack("quiet_hours"), { what: "held back for quiet hours" });
    expect(phoneCalls()).toHaveLength(0);
    expect(w.hub.mood.checkIns("alice")).toEqual([]);
  });

  it("never sends more than the daily limit", async () => {
    const w = await wired("  quiet_hours: { after: '00:00', before: '00:00' }\n  max_per_day: 1");
    await episodeEnds(w);
    await sim.waitForCall(PHONE);
    await episodeEnds(w);
    await waitFor(() => heldBack("daily_limit"), { what: "held back by the daily limit" });
    expect(phoneCalls()).toHaveLength(1);
  });

  it("sends nothing while guests are over (the runner's mode policy), and does not count it", async () => {
    const w = await wired("  quiet_hours: { after: '00:00', before: '00:00' }\n  max_per_day: 1");
    w.hub.controls.setMode("guests", "test");
    await episodeEnds(w);
    const held = await waitFor(() => w.hub.mood.checkIns("alice").find((c) => c.outcome === "held"), {
      what: "a held check-in",
    });
    expect(held.detail).toMatch(/guests/);
    expect(phoneCalls()).toHaveLength(0);
    // Held is not sent: after the guests leave, today's one check-in can still go out.
    w.hub.controls.setMode("normal", "test");
    await episodeEnds(w);
    await sim.waitForCall(PHONE);
  });

  it("asks once in the evening at the configured local time", async () => {
    // The evening time is a few minutes ahead; the hub's clock starts two seconds before it.
    const evening = berlin(Date.now() + 10 * MIN);
    const clock = new SkewClock();
    const time = parseTime(evening);
    if (!time) throw new Error("no time");
    let due = zonedInstant(localDate(Date.now(), TZ), time, TZ);
    if (due < Date.now()) due = zonedInstant(localDate(Date.now() + 86_400_000, TZ), time, TZ);
    clock.offsetMs = due - Date.now() - 2_000;
    const w = await wired(
      `  evening_at: "${evening}"\n  quiet_hours: { after: '00:00', before: '00:00' }`,
      clock,
    );
    expect(phoneCalls()).toHaveLength(0);
    const call = await sim.waitForCall(PHONE, 6_000);
    expect((call.service_data as unknown as Shown).message).toMatch(/how was today/);
    const docs = w.hub.store.docs.list(CHECK_IN_SCOPE, CheckInRecordSchema, { person: "alice" });
    expect(docs.map((d) => d.value.kind)).toEqual(["evening"]);
  });
});

describe("moods by voice", () => {
  it("routes the mood sentences to the hub through the shipped custom sentences", () => {
    const doc = parse(readFileSync("config/homeassistant/calm_hub_voice.yaml", "utf8")) as {
      automation: { triggers: { command: string[] }[] }[];
    };
    const commands = doc.automation[0]?.triggers[0]?.command ?? [];
    for (const [text, mood] of [
      ["I feel anxious", "anxious"],
      ["I'm feeling better", "good"],
      ["I feel stressed", "stressed"],
      ["I'm so tired", "tired"],
      ["I feel a bit low", "low"],
    ] as const) {
      // The simulator's matcher is Assist's template matching: the sentence reaches the hub at all.
      expect(
        commands.some((c) => matchSentence(c, text)),
        text,
      ).toBe(true);
      expect(understand(text, "en")).toEqual({ kind: "mood", mood });
    }
  });

  it("'I feel anxious' records the mood and says how to ask for calm; 'I'm feeling better' also ends calm", async () => {
    const w = await wired("");
    await waitFor(() => w.voice.vocabulary().rooms?.some((r) => r.id === "living_room"), {
      what: "registries",
    });
    const anxious = await sim.playAssistRequest({ text: "I feel anxious", device_id: SATELLITE });
    expect(String(anxious?.speech)).toMatch(/noted that you feel anxious.*help me relax/);
    expect(w.hub.mood.moods("alice")[0]).toMatchObject({ mood: "anxious", source: "voice" });
    expect(w.hub.episodes.activeEpisodes()).toEqual([]);

    await w.hub.episodes.startEpisode({ person: "alice", room: "living_room", reason: "test" });
    const better = await sim.playAssistRequest({ text: "I'm feeling better", device_id: SATELLITE });
    expect(String(better?.speech)).toMatch(/Glad to hear it.*Living room is back/i);
    expect(w.hub.mood.moods("alice")[0]).toMatchObject({ mood: "good", source: "voice" });
    expect(w.hub.episodes.activeEpisodes()).toEqual([]);
    // The log says a mood was recorded, never which.
    const moodLines = log.lines().filter((l) => l.component === "mood");
    expect(moodLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(moodLines)).not.toMatch(/anxious|"good"/);
  });
});

describe("the mood API", () => {
  it("records and lists moods, and explains a wrong one", async () => {
    const w = await wired("");
    const api = w.hub.api;
    if (!api) throw new Error("no API");
    const headers = { authorization: `Bearer ${API_TOKEN}` };
    const post = (id: string, body: unknown) =>
      api.inject({ method: "POST", url: `/api/people/${id}/mood`, headers, payload: body as object });

    const ok = await post("alice", { mood: "tired", note: "long day" });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ person: "alice", mood: "tired", source: "api", note: "long day" });

    const wrong = await post("alice", { mood: "purple" });
    expect(wrong.statusCode).toBe(400);
    const body = wrong.json() as { code: string; issues: { path: string; message: string }[] };
    expect(body.code).toBe("CALM_ERR_BAD_REQUEST");
    expect(body.issues[0]?.message).toBe("mood is one of great, good, okay, tired, anxious, stressed, low");
    expect((await post("alice", { mood: "good", extra: 1 })).statusCode).toBe(400);
    expect((await post("nobody", { mood: "good" })).statusCode).toBe(404);

    await post("alice", { mood: "great", source: "dashboard" });
    const list = await api.inject({ method: "GET", url: "/api/people/alice/moods", headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { mood: string; source: string }[]).map((m) => [m.mood, m.source])).toEqual([
      ["great", "dashboard"],
      ["tired", "api"],
    ]);
  });
});
