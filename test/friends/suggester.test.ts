import { EventEmitter } from "node:events";
import type { HassEvent } from "home-assistant-js-websocket";
import { afterEach, describe, expect, it } from "vitest";
import { ActionRunner, type PolicyState } from "../../hub/actions/index.js";
import { FriendsConfigSchema } from "../../hub/config/index.js";
import { FakeClock, type StressState, silentLogger } from "../../hub/core/index.js";
import type { EpisodeView } from "../../hub/episodes/index.js";
import {
  createFriendSuggester,
  type FriendSuggester,
  SuggestionRecordSchema,
} from "../../hub/friends/index.js";
import type { HubEvents } from "../../hub/hub.js";
import type { PlannedAction } from "../../hub/rules/index.js";
import { Store } from "../../hub/store/index.js";

/** Home Assistant as the suggester and its action runner see it: records notify calls, lets the test fire events. */
class FakeHa {
  state = "online" as const;
  onState(): () => void {
    return () => undefined;
  }
  calls: { service: string; data: Record<string, unknown> }[] = [];
  failNext = false;
  private handlers = new Map<string, Set<(e: HassEvent) => void>>();
  onEvent(type: string, handler: (e: HassEvent) => void): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(handler);
    this.handlers.set(type, set);
    return () => set.delete(handler);
  }
  async callService(domain: string, service: string, data: Record<string, unknown> = {}) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("Home Assistant is offline");
    }
    this.calls.push({ service: `${domain}.${service}`, data });
    return { context_id: "c" };
  }
  fire(type: string, data: Record<string, unknown>): void {
    const event = { event_type: type, data, origin: "REMOTE", time_fired: "", context: { id: "x" } };
    for (const h of this.handlers.get(type) ?? []) h(event as unknown as HassEvent);
  }
}

const MIN = 60_000;
// 2026-01-15 12:00 in Berlin.
const NOON = Date.UTC(2026, 0, 15, 11, 0);
const config = FriendsConfigSchema.parse({
  alice: {
    enabled: true,
    notify: "notify.mobile_app_alice_phone",
    friends: [
      { name: "Sam", phone: "+49 30 1234567" },
      { name: "Kim", phone: "+49 30 7654321" },
    ],
    quiet_hours: { after: "22:00", before: "07:00" },
    max_per_day: 3,
    min_gap_min: 60,
    snooze_min: 30,
    not_now_cooldown_h: 12,
    triggers: { high_for_min: 20, episodes_per_day: 2 },
  },
  bob: { enabled: false },
});

const running: FriendSuggester[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function setup(start = NOON, controls: PolicyState = { paused: false, mode: "normal" }) {
  const clock = new FakeClock(start);
  const ha = new FakeHa();
  const store = new Store(":memory:");
  store.open();
  const events = new EventEmitter<HubEvents>();
  let n = 0;
  // The real runner: the notification has its action log entry, TTL and key like every call to HA.
  const runner = new ActionRunner({ store, ha, clock, logger: silentLogger(), policy: () => controls });
  runner.start();
  const run = (actions: PlannedAction[]) => runner.run(actions);
  const suggester = createFriendSuggester({
    ha,
    run,
    store: store.docs,
    clock,
    logger: silentLogger(),
    config,
    timeZone: () => "Europe/Berlin",
    events,
    newId: () => `S${++n}ID`,
  });
  suggester.start();
  running.push(suggester);
  const stress = (
    person: string,
    level: StressState["level"],
    highSinceMinAgo: number,
    actionable = true,
  ) => {
    const now = clock.now();
    const state: StressState = {
      person,
      level,
      score: level === "high" ? 85 : 20,
      since: now - highSinceMinAgo * MIN,
      at: now,
      reason: "test",
      baseline_ready: true,
      actionable,
    };
    events.emit("stress", state, undefined);
  };
  // The runner sends once the store has committed its claim (next turn of the event loop).
  const flush = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { clock, ha, store, events, suggester, stress, flush, run };
}

describe("FriendSuggester", () => {
  it("with guests over or while paused the hub offers no friend on its own; asked by voice, it does", async () => {
    const controls: PolicyState = { paused: false, mode: "guests" };
    const t = setup(NOON, controls);
    t.stress("alice", "high", 21);
    await t.flush();
    expect(t.ha.calls).toHaveLength(0);
    const held = t.suggester.history("alice")[0];
    expect(held).toMatchObject({ outcome: "failed", detail: expect.stringMatching(/guests/) });
    expect(t.store.actions.recent(5)[0]).toMatchObject({ rule_id: "friends", result: "refused" });

    controls.paused = true;
    expect(await t.suggester.suggest("alice", "voice")).toMatchObject({ ok: true });
    expect(t.ha.calls).toHaveLength(1);
  });

  it("suggests after stress has been high for longer than high_for_min, once", async () => {
    const t = setup();
    t.stress("alice", "high", 5);
    await t.flush();
    expect(t.ha.calls).toHaveLength(0);
    t.stress("alice", "high", 21);
    t.stress("alice", "high", 21);
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    const call = t.ha.calls[0];
    expect(call?.service).toBe("notify.mobile_app_alice_phone");
    expect(call?.data).toMatchObject({ message: "Want to call Sam?", data: { tag: "calm-friend-S1ID" } });
    expect(JSON.stringify(call?.data)).not.toMatch(/85|score|stress/);
    expect(t.store.docs.get("friend", "alice:S1ID", SuggestionRecordSchema)).toMatchObject({
      friend: "Sam",
      trigger: "high_stress",
      outcome: "sent",
      day: "2026-01-15",
    });
  });

  it("ignores people who did not opt in, exercise, and elevated stress", async () => {
    const t = setup();
    t.stress("bob", "high", 60);
    t.stress("carol", "high", 60);
    t.stress("alice", "high", 60, false);
    t.stress("alice", "elevated", 60);
    await t.flush();
    expect(t.ha.calls).toHaveLength(0);
  });

  it("snooze asks again after snooze_min with the same friend", async () => {
    const t = setup();
    t.stress("alice", "high", 30);
    await t.flush();
    t.ha.fire("mobile_app_notification_action", { action: "CALM_SNOOZE_S1ID", tag: "calm-friend-S1ID" });
    expect(t.store.docs.get("friend", "alice:S1ID", SuggestionRecordSchema)).toMatchObject({
      outcome: "snoozed",
      retry_at: NOON + 30 * MIN,
    });
    t.clock.advance(29 * MIN);
    t.stress("alice", "high", 60);
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    t.clock.advance(1 * MIN);
    await t.flush();
    expect(t.ha.calls).toHaveLength(2);
    expect(t.ha.calls[1]?.data).toMatchObject({ message: "Want to call Sam?" });
    expect(t.store.docs.get("friend", "alice:S2ID", SuggestionRecordSchema)).toMatchObject({
      trigger: "snooze",
      retry_of: "S1ID",
    });
  });

  it("a snooze that falls into quiet hours is not repeated", async () => {
    const t = setup(Date.UTC(2026, 0, 15, 20, 45)); // 21:45 Berlin
    t.stress("alice", "high", 30);
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    t.ha.fire("mobile_app_notification_action", { action: "CALM_SNOOZE_S1ID" });
    t.clock.advance(30 * MIN);
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    expect(t.store.docs.get("friend", "alice:S1ID", SuggestionRecordSchema)?.retry_result).toBe(
      "quiet_hours",
    );
  });

  it("'Not now' stops unprompted suggestions for the cooldown; 'Call' is logged; rotation moves on", async () => {
    const t = setup(Date.UTC(2026, 0, 15, 6, 30)); // 07:30 Berlin
    t.stress("alice", "high", 30);
    await t.flush();
    t.ha.fire("mobile_app_notification_action", { action: "CALM_NOT_NOW_S1ID" });
    expect(t.store.docs.get("friend", "alice:S1ID", SuggestionRecordSchema)?.outcome).toBe("not_now");
    t.clock.advance(11 * 60 * MIN);
    t.stress("alice", "high", 30);
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    // Past the cooldown (and into the evening, before quiet hours): the next friend.
    t.clock.advance(61 * MIN);
    t.stress("alice", "high", 30);
    await t.flush();
    expect(t.ha.calls).toHaveLength(2);
    expect(t.ha.calls[1]?.data).toMatchObject({ message: "Want to call Kim?" });
    t.ha.fire("mobile_app_notification_action", { action: "CALM_CALL_S2ID" });
    t.ha.fire("mobile_app_notification_cleared", { tag: "calm-friend-S2ID" });
    expect(t.store.docs.get("friend", "alice:S2ID", SuggestionRecordSchema)?.outcome).toBe("called");
  });

  it("counts today's episodes and suggests when episodes_per_day is reached", async () => {
    const t = setup();
    const episode = (id: string): EpisodeView => ({
      id,
      person: "alice",
      room: "living_room",
      started_at: t.clock.now(),
      ended_at: null,
      state: "active",
      reason: "stress high",
      end_reason: null,
      soundscape: null,
      overridden: [],
    });
    t.events.emit("episode", episode("e1"), "started");
    t.events.emit("episode", episode("e1"), "updated");
    await t.flush();
    expect(t.ha.calls).toHaveLength(0);
    t.events.emit("episode", episode("e2"), "started");
    await t.flush();
    expect(t.ha.calls).toHaveLength(1);
    expect(t.store.docs.get("friend", "alice:S1ID", SuggestionRecordSchema)?.trigger).toBe("episodes");
  });

  it("never goes above the daily limit, and a failed send does not count", async () => {
    const t = setup(Date.UTC(2026, 0, 15, 6, 30)); // 07:30 Berlin
    t.ha.failNext = true;
    expect(await t.suggester.suggest("alice", "voice")).toEqual({ ok: false, reason: "failed" });
    for (let i = 0; i < 3; i++) expect((await t.suggester.suggest("alice", "voice")).ok).toBe(true);
    expect(await t.suggester.suggest("alice", "voice")).toEqual({ ok: false, reason: "daily_limit" });
    t.clock.advance(5 * 60 * MIN);
    t.stress("alice", "high", 60);
    await t.flush();
    expect(t.ha.calls).toHaveLength(3);
    expect(t.suggester.history("alice").map((r) => r.outcome)).toEqual(["failed", "sent", "sent", "sent"]);
  });

  it("keeps its records under the person, so export and delete cover them", async () => {
    const t = setup();
    await t.suggester.suggest("alice", "voice");
    const exported = t.store.exportPerson("alice").documents as { scope: string; key: string }[];
    expect(exported.map((d) => `${d.scope}/${d.key}`)).toContain("friend/alice:S1ID");
    expect(JSON.stringify(exported)).not.toContain("1234567");
    expect(t.store.deletePerson("alice").documents).toBeGreaterThanOrEqual(1);
    expect(t.suggester.history("alice")).toEqual([]);
  });

  it("re-arms a snooze after a restart", async () => {
    const t = setup();
    await t.suggester.suggest("alice", "voice");
    t.ha.fire("mobile_app_notification_action", { action: "CALM_SNOOZE_S1ID" });
    await t.suggester.stop();
    const again = createFriendSuggester({
      ha: t.ha,
      run: t.run,
      store: t.store.docs,
      clock: t.clock,
      logger: silentLogger(),
      config,
      timeZone: () => "Europe/Berlin",
      newId: () => "R1ID",
    });
    again.start();
    running.push(again);
    t.clock.advance(30 * MIN);
    await t.flush();
    expect(t.ha.calls).toHaveLength(2);
    expect(t.store.docs.get("friend", "alice:R1ID", SuggestionRecordSchema)?.retry_of).toBe("S1ID");
  });
});
