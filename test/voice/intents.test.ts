import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { VoiceConfigSchema } from "../../hub/config/index.js";
import { MOODS } from "../../hub/core/index.js";
import {
  type IntentKind,
  normalizeSentence,
  speak,
  understand,
  type VoiceOutcome,
} from "../../hub/voice/index.js";

const vocabulary = {
  soundscapes: ["rain", "ocean", "forest", "birdsong", "white noise"],
  rooms: [
    { id: "living_room", names: ["living room", "lounge"] },
    { id: "bedroom", names: ["bedroom"] },
  ],
};
const kind = (text: string, language = "en"): IntentKind => understand(text, language, vocabulary).kind;

describe("understand: calm requests", () => {
  it.each([
    "calm me down",
    "Calm me down!",
    "CALM ME DOWN.",
    "please calm me down",
    "Hey, can you calm me down?",
    "I'm stressed",
    "I’m stressed…",
    "im so stressed out",
    "I am really stressed",
    "I'm anxious",
    "i'm overwhelmed",
    "help me relax",
    "Help me relax, please.",
    "could you help me relax",
    "help me calm down",
    "help me unwind",
    "I need to relax",
    "I need a break",
    "start calm mode",
    "turn on calm mode",
    "I had a rough day",
    "I can't stop worrying",
    "I'm not fine",
    "i'm not okay",
    "I don't feel good",
    "relax",
  ])("%s → calm", (text) => {
    expect(kind(text)).toBe("calm");
  });

  it("finds the room the sentence names, by id words or HA name", () => {
    expect(understand("calm the bedroom down", "en", vocabulary)).toEqual({ kind: "calm", room: "bedroom" });
    expect(understand("help me relax in the lounge", "en", vocabulary)).toEqual({
      kind: "calm",
      room: "living_room",
    });
  });

  it("takes a soundscape along: calm me down with some rain", () => {
    expect(understand("Calm me down with some rain", "en", vocabulary)).toEqual({
      kind: "calm",
      soundscape: "rain",
    });
  });
});

describe("understand: stop", () => {
  it.each([
    "stop",
    "Stop.",
    "STOP!",
    "stop it",
    "stop please",
    "please stop now",
    "stop calm mode",
    "end calm mode",
    "I'm fine",
    "I'm fine now, thanks!",
    "i am fine",
    "I'm OK",
    "I'm okay now",
    "im good",
    "That's enough",
    "thats enough now",
    "that is enough",
    "cancel",
    "give me the room back",
  ])("%s → stop", (text) => {
    expect(kind(text)).toBe("stop");
  });
});

describe("understand: how I feel (mood)", () => {
  it.each([
    ["I feel anxious", "anxious"],
    ["I'm feeling a bit anxious today", "anxious"],
    ["I feel stressed", "stressed"],
    ["i felt really overwhelmed", "stressed"],
    ["I feel better", "good"],
    ["I'm feeling better", "good"],
    ["I feel calm now", "good"],
    ["feeling great", "great"],
    ["im feeling okay", "okay"],
    ["I'm so tired", "tired"],
    ["I feel a bit low", "low"],
    ["i am down", "low"],
    ["Ich fühle mich müde", "tired"],
  ] as const)("%s → mood %s", (text, mood) => {
    expect(understand(text, /ich/i.test(text) ? "de" : "en", vocabulary)).toEqual({ kind: "mood", mood });
  });

  it("keeps a cry for help a request for calm, and loneliness a friend", () => {
    expect(kind("I'm anxious")).toBe("calm");
    expect(kind("I'm so stressed")).toBe("calm");
    expect(kind("I don't feel good")).toBe("calm");
    expect(kind("I feel lonely")).toBe("friend");
    expect(kind("I feel purple")).toBe("unknown");
  });
});

describe("understand: wind-down, soundscapes, friends, help", () => {
  it.each([
    "start the wind-down",
    "Start the wind down",
    "start winding down",
    "wind down",
    "begin my bedtime routine",
  ])("%s → wind_down", (text) => {
    expect(kind(text)).toBe("wind_down");
  });

  it.each([
    ["play rain", "rain"],
    ["Play some rain.", "rain"],
    ["play rain sounds", "rain"],
    ["play the ocean", "ocean"],
    ["Play ocean waves", "ocean"],
    ["play birdsongs", "birdsong"],
    ["play white noise please", "white noise"],
    ["put on some forest sounds", "forest"],
  ])("%s → soundscape %s", (text, name) => {
    expect(understand(text, "en", vocabulary)).toMatchObject({ kind: "soundscape", soundscape: name });
  });

  it("plays in the room the sentence names", () => {
    expect(understand("Play some rain sounds in the bedroom", "en", vocabulary)).toEqual({
      kind: "soundscape",
      soundscape: "rain",
      room: "bedroom",
    });
  });

  it("says which soundscape it does not know", () => {
    expect(understand("play jazz", "en", vocabulary)).toEqual({ kind: "unknown_soundscape", heard: "jazz" });
    expect(understand("play rain", "en", { soundscapes: [] })).toEqual({
      kind: "unknown_soundscape",
      heard: "rain",
    });
  });

  it.each([
    "I feel lonely",
    "I'm so lonely.",
    "i am lonely",
    "call someone",
    "Call a friend",
    "I want to talk to someone",
    "I need someone to talk to",
    "I'm stressed and lonely",
  ])("%s → friend", (text) => {
    expect(kind(text)).toBe("friend");
  });

  it.each(["help", "What can you do?", "what can calm hub do"])("%s → help", (text) => {
    expect(kind(text)).toBe("help");
  });

  it.each([
    "what's the weather",
    "turn off the kitchen lights",
    "I want pizza",
    "",
    "   ",
    "?!",
    "ok",
    "please",
  ])("%j → unknown", (text) => {
    expect(kind(text)).toBe("unknown");
  });
});

describe("understand: German", () => {
  it.each([
    ["Hilf mir zu entspannen", "calm"],
    ["Ich bin gestresst!", "calm"],
    ["beruhige mich", "calm"],
    ["mir geht es nicht gut", "calm"],
    ["Stopp", "stop"],
    ["Mir geht es gut.", "stop"],
    ["das reicht", "stop"],
    ["ich bin einsam", "friend"],
    ["Ruf jemanden an", "friend"],
    ["starte die Abendroutine", "wind_down"],
    ["was kannst du", "help"],
  ] as const)("%s → %s", (text, expected) => {
    expect(kind(text, "de-DE")).toBe(expected);
  });

  it("plays a German soundscape name", () => {
    expect(understand("Spiel Regen", "de", { soundscapes: ["Regen"] })).toMatchObject({
      kind: "soundscape",
      soundscape: "Regen",
    });
  });
});

describe("normalizeSentence", () => {
  it("lowercases, drops punctuation and fillers, expands contractions", () => {
    expect(normalizeSentence("Hey, could you please… CALM me down?!")).toBe("calm me down");
    expect(normalizeSentence("I’m fine, thanks!")).toBe("i am fine");
    expect(normalizeSentence("That's enough")).toBe("that is enough");
  });
});

describe("understand: the breathing guide", () => {
  it.each([
    "help me breathe",
    "Help me breathe, please.",
    "can you help me breathe",
    "breathe with me",
    "guide my breathing",
    "start a breathing exercise",
    "begin the breathing guide",
    "I need to breathe",
    "hilf mir atmen",
  ])("%s → breathe", (text) => {
    expect(kind(text, text.startsWith("hilf") ? "de" : "en")).toBe("breathe");
  });

  it("hears the room, and stopping the guide is a stop, never a start", () => {
    expect(understand("help me breathe in the bedroom", "en", vocabulary)).toEqual({
      kind: "breathe",
      room: "bedroom",
    });
    expect(kind("stop the breathing guide")).toBe("stop");
    expect(kind("stop breathing exercise")).toBe("stop");
    // Relaxing is still a calm episode; only a request to breathe starts the guide.
    expect(kind("help me relax")).toBe("calm");
  });
});

const ALL_OUTCOMES: VoiceOutcome[] = [
  { kind: "calm_started", room: "living room", soundscape: "rain", already: false },
  { kind: "calm_started", room: "living room", already: false },
  { kind: "calm_started", room: "bedroom", already: true },
  { kind: "calm_pending", room: "living room", soundscape: "ocean" },
  { kind: "calm_failed", room: "hall" },
  { kind: "stopped", room: "living room" },
  { kind: "stop_pending" },
  { kind: "nothing_to_stop" },
  { kind: "wind_down_started", room: "bedroom" },
  { kind: "wind_down_pending", room: "bedroom" },
  { kind: "wind_down_unavailable" },
  { kind: "soundscape_playing", room: "bedroom", soundscape: "white_noise" },
  { kind: "soundscape_pending", room: "bedroom", soundscape: "rain" },
  { kind: "soundscape_failed", room: "bedroom", soundscape: "rain" },
  { kind: "unknown_soundscape", heard: "jazz", known: ["rain", "ocean"] },
  { kind: "friend_sent", friend: "Sam" },
  { kind: "friend_pending" },
  ...(
    ["not_set_up", "unknown_person", "quiet_hours", "daily_limit", "asleep", "trigger_off", "failed"] as const
  ).map((reason): VoiceOutcome => ({ kind: "friend_blocked", reason })),
  ...MOODS.map((mood): VoiceOutcome => ({ kind: "mood_recorded", mood, stopped: undefined })),
  { kind: "mood_recorded", mood: "good", stopped: "living room" },
  { kind: "mood_unknown_person" },
  { kind: "help", soundscapes: ["rain", "ocean", "forest"] },
  { kind: "unknown", soundscapes: ["rain"] },
  { kind: "breathe_started", room: "living room", medium: "light", already: false },
  { kind: "breathe_started", room: "living room", medium: "volume", already: false },
  { kind: "breathe_started", room: "living room", medium: "light", already: true },
  { kind: "breathe_pending", room: "living room" },
  ...(["bedroom_at_night", "asleep", "nothing_to_pace", "failed"] as const).map(
    (why): VoiceOutcome => ({ kind: "breathe_failed", room: "bedroom", why }),
  ),
  { kind: "no_room" },
  { kind: "unavailable" },
];

describe("speak", () => {
  it("says what it did and how to undo it", () => {
    expect(speak({ kind: "calm_started", room: "living room", soundscape: "rain", already: false })).toBe(
      "Dimming the living room and playing rain. Say 'stop' when you're ready.",
    );
    expect(speak({ kind: "stopped", room: "living room" })).toMatch(/living room is back/);
  });

  it("lists what it can do when it did not understand", () => {
    const s = speak({ kind: "unknown", soundscapes: ["rain", "ocean", "forest"] });
    expect(s).toMatch(/calm a room/);
    expect(s).toMatch(/rain, ocean or forest/);
    expect(s).toMatch(/wind-down/);
    expect(s).toMatch(/friend/);
    expect(s).toMatch(/'stop'/);
  });

  it.each(["en", "de"])("never contains a number, and stays short (%s)", (language) => {
    for (const outcome of ALL_OUTCOMES) {
      const s = speak(outcome, language);
      expect(s, outcome.kind).not.toMatch(/\d/);
      expect(s.length, outcome.kind).toBeLessThan(200);
      expect(s.trim().length, outcome.kind).toBeGreaterThan(0);
    }
  });
});

/** Every sentence a Home Assistant sentence template can match: `[opt]`, `(a|b)`, `{wildcard}`. */
function expand(template: string, wildcards: Record<string, string>): string[] {
  const m = /\[([^[\]]*)\]|\(([^()]*)\)|\{([a-z_]+)\}/.exec(template);
  if (!m) return [template.replace(/\s+/g, " ").trim()];
  const head = template.slice(0, m.index);
  const tail = template.slice(m.index + m[0].length);
  let options: string[];
  if (m[1] !== undefined) options = ["", ...m[1].split("|")];
  else if (m[2] !== undefined) options = m[2].split("|");
  else options = [wildcards[m[3] ?? ""] ?? "something"];
  return options.flatMap((o) => expand(`${head}${o}${tail}`, wildcards));
}

describe("the shipped Home Assistant package", () => {
  const doc = parse(readFileSync("config/homeassistant/calm_hub_voice.yaml", "utf8")) as {
    automation: {
      triggers: { trigger: string; command: string[] }[];
      actions: Record<string, unknown>[];
    }[];
  };
  const automation = doc.automation[0];
  const commands = automation?.triggers[0]?.command ?? [];
  const defaults = VoiceConfigSchema.parse({});

  it("fires the request event the hub listens to and waits for its response", () => {
    const text = JSON.stringify(automation);
    expect(automation?.triggers[0]?.trigger).toBe("conversation");
    expect(automation?.actions[0]).toMatchObject({
      event: defaults.request_event,
      event_data: { request_id: "{{ context.id }}", text: "{{ trigger.sentence }}" },
    });
    expect(text).toContain(`"event_type":"${defaults.response_event}"`);
    expect(text).toContain("set_conversation_response");
    expect(text).toContain('"timeout":"00:00:04"');
  });

  it("has sentences without punctuation", () => {
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) expect(c, c).not.toMatch(/[.,;:!?¿¡’…"]|(^|\s)'|'(\s|$)/);
  });

  it("every sentence it can match means something to the hub", () => {
    const wildcards = { room: "bedroom", sound: "rain", lead: "honestly i'm" };
    const seen = new Set<string>();
    for (const c of commands) {
      for (const sentence of expand(c, wildcards)) {
        seen.add(sentence);
        expect(kind(sentence), sentence).not.toBe("unknown");
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
