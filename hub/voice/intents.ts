import { z } from "zod";
import { type Mood, MoodSchema } from "../core/index.js";

/** What a sentence asks for. Pure data; the service decides who and where. */
export const IntentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("calm"), room: z.string().optional(), soundscape: z.string().optional() }),
  z.object({ kind: z.literal("stop"), room: z.string().optional() }),
  z.object({ kind: z.literal("breathe"), room: z.string().optional() }),
  z.object({ kind: z.literal("wind_down"), room: z.string().optional() }),
  z.object({ kind: z.literal("soundscape"), soundscape: z.string(), room: z.string().optional() }),
  z.object({ kind: z.literal("unknown_soundscape"), heard: z.string() }),
  z.object({ kind: z.literal("friend") }),
  z.object({ kind: z.literal("mood"), mood: MoodSchema }),
  z.object({ kind: z.literal("help") }),
  z.object({ kind: z.literal("unknown") }),
]);
export type Intent = z.infer<typeof IntentSchema>;
export type IntentKind = Intent["kind"];

/** Words the matcher may find in a sentence: the configured soundscapes and the rooms' spoken names. */
export interface Vocabulary {
  soundscapes?: readonly string[];
  /** Room id → names a person may say ("living room", "lounge"). */
  rooms?: readonly { id: string; names: readonly string[] }[];
}

type Lang = "en" | "de";

interface Patterns {
  contractions: [RegExp, string][];
  leadingFiller: RegExp;
  trailingFiller: RegExp;
  /** "not fine", "not okay": a request for calm, never a stop. */
  notFine: RegExp;
  friend: RegExp[];
  stop: RegExp[];
  windDown: RegExp[];
  play: RegExp;
  calm: RegExp[];
  /** A breathing guide, before the calm patterns (which also hear "breathe"). */
  breathe: RegExp[];
  help: RegExp[];
  /** "I feel …": the sentence's lead-in, then the words of each mood. */
  mood: { lead: RegExp; words: Record<Mood, string> };
  roomPrefix: string;
}

const EN: Patterns = {
  contractions: [
    [/\bi'm\b/g, "i am"],
    [/\bim\b/g, "i am"],
    [/\bi've\b/g, "i have"],
    [/\bi'd\b/g, "i would"],
    [/\bthat's\b/g, "that is"],
    [/\bthats\b/g, "that is"],
    [/\bit's\b/g, "it is"],
    [/\bwhat's\b/g, "what is"],
    [/\blet's\b/g, "let us"],
    [/\bcan't\b/g, "cannot"],
    [/\bdon't\b/g, "do not"],
    [/\bdont\b/g, "do not"],
    [/\bwon't\b/g, "will not"],
    [/\bwe're\b/g, "we are"],
    [/\bwanna\b/g, "want to"],
    [/\bgonna\b/g, "going to"],
    [/'/g, ""],
  ],
  leadingFiller:
    /^(?:(?:hey|hi|so|um|uh|please|calm hub|hub|assistant|can you|could you|would you|will you|kindly)\s+)+/,
  trailingFiller: /(?:\s+(?:please|thanks|thank you|calm hub|for me))+$/,
  notFine:
    /\b(?:not|never|cannot) (?:feel )?(?:ok|okay|fine|good|alright|all right|cope|calm down|relax|sleep)\b|\bdo not feel (?:ok|okay|fine|good|well|right)\b/,
  friend: [
    /\b(?:lonely|so alone|all alone|isolated)\b/,
    /\bcall (?:someone|somebody|anyone|a friend|my friend|my friends|a mate|a buddy)\b/,
    /\b(?:talk|speak) to (?:someone|somebody|anyone|a friend|a person)\b/,
    /\b(?:need|want) (?:some )?(?:company|a friend|someone to talk to|somebody to talk to)\b/,
    /\bmiss (?:my )?(?:friends|people|everyone)\b/,
  ],
  stop: [
    /^(?:stop|cancel|end|enough|finish|quit|halt)(?: (?:it|this|that|now|for now|calm|calm mode|the calm|calming|the episode|the music|the sound|the sounds|the soundscape|everything|all of it|right now))*$/,
    /\b(?:stop|end|cancel|turn off|switch off) (?:the )?(?:calm|calming|calm mode|episode|relaxation|soundscape|breathing)\b/,
    /^that is (?:enough|it|fine|ok|okay|good|plenty)(?: now| for now)*$/,
    /^(?:i am|we are|i feel|feeling|i am feeling) (?:fine|ok|okay|good|alright|all right|better|much better|calm|calmer|relaxed|done)(?: now| again| already)*$/,
    /^(?:all )?(?:good|better|fine)(?: now)?$/,
    /^i am good(?: now)?$/,
    /\bback to normal\b/,
    /\b(?:give|put) (?:me )?(?:the |my )?(?:room|lights|lights and sound) back\b/,
  ],
  windDown: [
    /\bwind(?:ing)? ?down\b/,
    /\bwinddown\b/,
    /\b(?:bedtime|evening|night|sleep) routine\b/,
    /\bget(?:ting)? (?:me )?ready for (?:bed|sleep)\b/,
  ],
  play: /^(?:play|put on|start|turn on|i want|i would like)(?: to hear)?(?: me)?(?: some| the| a| an)? (.+)$/,
  calm: [
    /\bcalm (?:me |us |it |things |everything )?down\b/,
    /\b(?:help|let) (?:me|us) (?:to )?(?:relax|calm|unwind|breathe|chill|de ?stress|settle)/,
    /\b(?:stressed|stressing|anxious|anxiety|overwhelmed|panicking|panicky|panic|tense|nervous|worried|worrying|on edge|frazzled|wound up|freaking out|burned out|burnt out|upset|agitated|restless)\b/,
    /\bi (?:need|want) (?:to )?(?:relax|calm|unwind|chill|a break|some calm|a moment|some quiet|quiet)\b/,
    /\b(?:calm|relax|quiet|chill)(?: ing)? mode\b/,
    /\b(?:relax|relaxing|unwind|breathe|destress|de stress|calm|calmer|soothe)\b/,
    /\b(?:rough|bad|hard|long|stressful) day\b/,
  ],
  breathe: [
    /\b(?:help|let) (?:me|us) (?:to )?breathe\b/,
    /\bbreathe with me\b/,
    /\b(?:guide|pace|slow) (?:my|our) breathing\b/,
    /\bbreathing (?:guide|exercise|pacer|coach)\b/,
    /\b(?:i need to|i want to) (?:slow down my breathing|breathe slowly|breathe)\b/,
  ],
  help: [
    /^(?:help|what can you do|what do you do|how does this work|what can i say|options)$/,
    /\bwhat can (?:you|calm hub|the hub|the calm hub) do\b/,
  ],
  mood: {
    // "I'm stressed" asks for calm and "I'm fine" for the room back; only "I feel …" and "I'm feeling …" tell
    // a mood, and "I'm …" for the moods no other request claims (tired, low, great).
    lead: /^(?:i (?:feel|felt)|i am feeling|feeling|i have been feeling|i am(?=(?: \S+)* (?:tired|exhausted|sleepy|drained|worn out|low|down|sad|blue|unhappy|miserable|great|wonderful|happy)\b))(?: (?:so|really|very|a bit|a little|quite|pretty|kind of|kinda|rather|super|much|a lot|bit))* (.+?)(?: (?:now|today|tonight|again|right now|at the moment|thanks))*$/,
    words: {
      great: "great|wonderful|amazing|fantastic|happy|excellent|awesome",
      good: "good|better|well|calm|calmer|relaxed|alright|all right|rested",
      okay: "okay|ok|fine|so so|meh|not bad|not too bad",
      tired: "tired|exhausted|sleepy|drained|worn out|knackered",
      anxious: "anxious|nervous|worried|uneasy|on edge|tense|panicky|scared|afraid",
      stressed: "stressed|stressed out|overwhelmed|frazzled|under pressure|wound up",
      low: "low|down|sad|blue|unhappy|depressed|miserable",
    },
  },
  roomPrefix: "(?:in|for|the|in the|of the|to the)",
};

const DE: Patterns = {
  contractions: [
    [/\bgeht's\b/g, "geht es"],
    [/\bgehts\b/g, "geht es"],
    [/\bhör\b/g, "hör"],
    [/'/g, ""],
  ],
  leadingFiller: /^(?:(?:hey|hallo|bitte|kannst du|könntest du|würdest du|hub|also)\s+)+/,
  trailingFiller: /(?:\s+(?:bitte|danke|für mich))+$/,
  notFine:
    /\b(?:nicht|kein) (?:gut|ok|okay|in ordnung|so gut)\b|\bgeht (?:es )?mir (?:nicht|schlecht|mies)\b|\bmir geht es (?:nicht|schlecht|mies)\b/,
  friend: [
    /\beinsam\b/,
    /\b(?:allein|alleine)\b/,
    /\b(?:ruf|rufe) (?:jemanden|jemand|einen freund|eine freundin) an\b/,
    /\b(?:jemanden|jemand|einen freund|eine freundin) anrufen\b/,
    /\bmit jemandem (?:reden|sprechen)\b/,
  ],
  stop: [
    /^(?:stopp|stop|halt|stoppen|aufhören|hör auf|schluss|genug|ende|abbrechen|beenden)(?: (?:jetzt|bitte|das|damit|es|alles|die ruhe|den ruhemodus))*$/,
    /\b(?:ruhemodus|ruhe|entspannung|atemübung|atemführung) (?:beenden|aus|stoppen)\b/,
    /^das reicht(?: jetzt)?$/,
    /^(?:mir geht es|es geht mir|mir gehts|ich bin|ich fühle mich) (?:wieder )?(?:gut|besser|ok|okay|ruhig|ruhiger|entspannt|in ordnung)(?: jetzt| wieder)*$/,
    /^(?:alles )?(?:gut|ok|okay)(?: jetzt)?$/,
  ],
  windDown: [
    /\b(?:abendroutine|abendruhe|schlafroutine|runterfahren|herunterfahren|wind ?down)\b/,
    /\bbereit fürs bett\b/,
  ],
  play: /^(?:spiel|spiele|spiel mal|mach|starte)(?: mir)?(?: etwas| ein bisschen| den| die| das| einen| eine)? (.+?)(?: ab| an)?$/,
  calm: [
    /\bberuhig/,
    /\b(?:gestresst|stress|ängstlich|angst|panik|nervös|überfordert|angespannt|unruhig|besorgt|aufgeregt)\b/,
    /\bentspann/,
    /\b(?:ruhe|ruhemodus|durchatmen|atmen)\b/,
    /\b(?:schwerer|schlechter|harter|langer|stressiger) tag\b/,
  ],
  breathe: [
    /\bhilf (?:mir|uns) (?:beim |zu )?atmen\b/,
    /\batme mit mir\b/,
    /\b(?:atemübung|atemführung|atemtrainer)\b/,
  ],
  help: [/^(?:hilfe|was kannst du|was kannst du alles|was kann ich sagen)$/, /\bwas kannst du\b/],
  mood: {
    lead: /^(?:ich fühle mich|ich fühl mich)(?: (?:so|sehr|ziemlich|etwas|ein bisschen|total|richtig|wieder))* (.+?)(?: (?:jetzt|heute|gerade|wieder))*$/,
    words: {
      great: "super|großartig|glücklich|toll|wunderbar",
      good: "gut|besser|ruhig|ruhiger|entspannt|wohl",
      okay: "okay|ok|in ordnung|ganz gut|so lala",
      tired: "müde|erschöpft|kaputt|ausgelaugt",
      anxious: "ängstlich|nervös|unruhig|besorgt|angespannt",
      stressed: "gestresst|überfordert|unter druck",
      low: "traurig|niedergeschlagen|schlecht|mies|down|bedrückt",
    },
  },
  roomPrefix: "(?:im|in|in der|in dem|für|das|den|die)",
};

function langOf(language: string | undefined): Lang {
  return (language ?? "en").toLowerCase().startsWith("de") ? "de" : "en";
}

/** Lowercase words without punctuation: "I'm STRESSED!!" → "i am stressed". */
export function normalizeSentence(text: string, language = "en"): string {
  const p = langOf(language) === "de" ? DE : EN;
  let s = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const [re, to] of p.contractions) s = s.replace(re, to);
  s = s.replace(/\s+/g, " ").trim();
  // Fillers come off only when something is left: "please" alone stays "please".
  const lead = s.replace(p.leadingFiller, "");
  if (lead) s = lead;
  const trail = s.replace(p.trailingFiller, "");
  if (trail) s = trail;
  return s.trim();
}

function words(s: string): string {
  return s
    .toLowerCase()
    .replace(/[_-]+/g, " ")
    .replace(/[^\p{L}\p{N}\s]+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The room named in the sentence, longest name first so "living room" beats "room". */
function findRoom(s: string, vocabulary: Vocabulary): string | undefined {
  const names: { id: string; name: string }[] = [];
  for (const room of vocabulary.rooms ?? []) {
    for (const n of [room.id, ...room.names]) {
      const w = words(n);
      if (w) names.push({ id: room.id, name: w });
    }
  }
  names.sort((a, b) => b.name.length - a.name.length);
  for (const { id, name } of names) if (new RegExp(`(?:^| )${escapeRegExp(name)}(?: |$)`).test(s)) return id;
  return undefined;
}

/** A configured soundscape the phrase names, tolerating "sounds", plurals and filler words around it. */
function findSoundscape(phrase: string, soundscapes: readonly string[]): string | undefined {
  const sorted = [...soundscapes].sort((a, b) => words(b).length - words(a).length);
  for (const name of sorted) {
    const w = words(name);
    if (!w) continue;
    const stem = w.replace(/s$/, "");
    if (new RegExp(`(?:^| )(?:${escapeRegExp(w)}|${escapeRegExp(stem)}s?)(?: |$)`).test(phrase)) return name;
  }
  return undefined;
}

const SOUND_WORDS =
  /\b(?:sounds?|noise|soundscape|music|ambience|ambient|please|now|in the \S+(?: \S+)?|im \S+|in \S+)\b/g;

/** The mood "I feel …" tells, when the rest of the sentence is one of a mood's words. */
function moodOf(s: string, p: Patterns): Mood | undefined {
  const rest = p.mood.lead.exec(s)?.[1];
  if (!rest) return undefined;
  for (const [mood, words] of Object.entries(p.mood.words) as [Mood, string][])
    if (new RegExp(`^(?:${words})$`).test(rest)) return mood;
  return undefined;
}

/**
 * What a spoken or typed sentence asks for. Pure: no clock, no I/O. Case, punctuation and common fillers
 * ("hey", "please", "can you") do not matter; English and German are understood, other languages fall back
 * to English.
 */
export function understand(text: string, language = "en", vocabulary: Vocabulary = {}): Intent {
  const lang = langOf(language);
  const p = lang === "de" ? DE : EN;
  const s = normalizeSentence(text, language);
  if (!s) return { kind: "unknown" };
  const room = findRoom(s, vocabulary);
  const withRoom = <T extends Intent>(intent: T): T => (room ? { ...intent, room } : intent);
  const soundscapes = vocabulary.soundscapes ?? [];

  if (p.friend.some((re) => re.test(s))) return { kind: "friend" };
  if (p.notFine.test(s)) return withRoom({ kind: "calm" });
  const mood = moodOf(s, p);
  if (mood) return { kind: "mood", mood };
  if (p.stop.some((re) => re.test(s))) return withRoom({ kind: "stop" });
  if (p.windDown.some((re) => re.test(s))) return withRoom({ kind: "wind_down" });

  const play = p.play.exec(s);
  if (play?.[1]) {
    const found = findSoundscape(play[1], soundscapes);
    if (found) return withRoom({ kind: "soundscape", soundscape: found });
    // "put on calm mode", "start relaxing" are requests for calm, not for a sound.
    if (!p.calm.some((re) => re.test(s)) && /^(?:play|spiel|spiele)\b/.test(s)) {
      const heard = play[1].replace(SOUND_WORDS, " ").replace(/\s+/g, " ").trim();
      return { kind: "unknown_soundscape", heard: heard || play[1] };
    }
  }
  if (p.breathe.some((re) => re.test(s))) return withRoom({ kind: "breathe" });
  if (p.help.some((re) => re.test(s))) return { kind: "help" };
  if (p.calm.some((re) => re.test(s))) {
    // "calm me down with some rain": the episode brings that soundscape.
    const sound = / (?:with|mit) /.test(s) ? findSoundscape(s, soundscapes) : undefined;
    return withRoom(sound ? { kind: "calm", soundscape: sound } : { kind: "calm" });
  }
  return { kind: "unknown" };
}

export { langOf as voiceLanguage };
