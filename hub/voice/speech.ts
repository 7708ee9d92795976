import type { Mood } from "../core/index.js";
import { voiceLanguage } from "./intents.js";

/**
 * What the hub did (or is doing) about a request, in words the speech builder can turn into a sentence.
 * Rooms, soundscapes and friends are display names; nothing here carries a measurement.
 */
export type VoiceOutcome =
  | { kind: "calm_started"; room: string; soundscape?: string | undefined; already: boolean }
  | { kind: "calm_pending"; room: string; soundscape?: string | undefined }
  | { kind: "calm_failed"; room: string }
  | { kind: "stopped"; room: string }
  | { kind: "stop_pending" }
  | { kind: "breathe_started"; room: string; medium: "light" | "volume"; already: boolean }
  | { kind: "breathe_pending"; room: string }
  | { kind: "breathe_failed"; room: string; why: BreathingRefusalSpoken }
  | { kind: "nothing_to_stop" }
  | { kind: "wind_down_started"; room: string }
  | { kind: "wind_down_pending"; room: string }
  | { kind: "wind_down_unavailable" }
  | { kind: "soundscape_playing"; room: string; soundscape: string }
  | { kind: "soundscape_pending"; room: string; soundscape: string }
  | { kind: "soundscape_failed"; room: string; soundscape: string }
  | { kind: "unknown_soundscape"; heard: string; known: readonly string[] }
  | { kind: "friend_sent"; friend: string }
  | { kind: "friend_pending" }
  | { kind: "friend_blocked"; reason: FriendBlockSpoken }
  | { kind: "mood_recorded"; mood: Mood; stopped: string | undefined }
  | { kind: "mood_unknown_person" }
  | { kind: "help"; soundscapes: readonly string[] }
  | { kind: "unknown"; soundscapes: readonly string[] }
  | { kind: "no_room" }
  | { kind: "unavailable" };

/** Why the breathing guide did not start, as far as speech cares. */
export type BreathingRefusalSpoken = "bedroom_at_night" | "asleep" | "nothing_to_pace" | "failed";

/** Why a friend suggestion was not sent, as far as speech cares. */
export type FriendBlockSpoken =
  | "not_set_up"
  | "unknown_person"
  | "quiet_hours"
  | "daily_limit"
  | "asleep"
  | "trigger_off"
  | "failed";

/** "living_room" → "living room". */
export function spokenName(id: string): string {
  return id.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim();
}

function list(items: readonly string[], and: string): string {
  const names = items.map(spokenName);
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} ${and} ${names.at(-1)}`;
}

function en(o: VoiceOutcome): string {
  const sayStop = "Say 'stop' when you're ready.";
  switch (o.kind) {
    case "calm_started":
      if (o.already) return `The ${o.room} is already calm. ${sayStop}`;
      return o.soundscape
        ? `Dimming the ${o.room} and playing ${spokenName(o.soundscape)}. ${sayStop}`
        : `Dimming the ${o.room}. ${sayStop}`;
    case "calm_pending":
      return o.soundscape
        ? `Okay, dimming the ${o.room} and starting ${spokenName(o.soundscape)} now. ${sayStop}`
        : `Okay, dimming the ${o.room} now. ${sayStop}`;
    case "calm_failed":
      return `Sorry, I couldn't calm the ${o.room} just now. Let's take a slow breath together instead.`;
    case "stopped":
      return `Okay. The ${o.room} is back to how you had it.`;
    case "stop_pending":
      return "Okay, giving the room back to you now.";
    case "breathe_started":
      if (o.already) return `The breathing guide is already on in the ${o.room}. ${sayStop}`;
      return o.medium === "light"
        ? `Breathe with the light in the ${o.room}: in as it brightens, out as it dims. ${sayStop}`
        : `Breathe with the sound in the ${o.room}: in as it swells, out as it fades. ${sayStop}`;
    case "breathe_pending":
      return `Okay, starting the breathing guide in the ${o.room}. ${sayStop}`;
    case "breathe_failed":
      switch (o.why) {
        case "bedroom_at_night":
          return "I won't change the bedroom at night. Breathe in slowly, and let the breath out even slower.";
        case "asleep":
          return "Someone here is asleep, so I'll leave the room as it is. Breathe in slowly, and out even slower.";
        case "nothing_to_pace":
          return `There's no light on in the ${o.room} to breathe with. Breathe in slowly, and out even slower.`;
        case "failed":
          return "Sorry, I couldn't start the breathing guide. Breathe in slowly, and out even slower.";
      }
      return "Breathe in slowly, and out even slower.";
    case "nothing_to_stop":
      return "Nothing to stop. No calm is running right now.";
    case "wind_down_started":
      return `Starting the wind-down in the ${o.room}. Say 'stop' to end it.`;
    case "wind_down_pending":
      return `Okay, starting the wind-down in the ${o.room}. Say 'stop' to end it.`;
    case "wind_down_unavailable":
      return "The wind-down isn't set up yet. I can calm the room instead: say 'help me relax'.";
    case "soundscape_playing":
      return `Playing ${spokenName(o.soundscape)} in the ${o.room}. Say 'stop' to end it.`;
    case "soundscape_pending":
      return `Okay, starting ${spokenName(o.soundscape)} in the ${o.room}. Say 'stop' to end it.`;
    case "soundscape_failed":
      return `Sorry, I couldn't play ${spokenName(o.soundscape)} in the ${o.room} right now.`;
    case "unknown_soundscape":
      return o.known.length
        ? `I don't have ${o.heard} yet. I can play ${list(o.known, "or")}.`
        : `I don't have ${o.heard} yet.`;
    case "friend_sent":
      return `I've sent a note to your phone about calling ${o.friend}. Tap it when you're ready.`;
    case "friend_pending":
      return "Okay, I'm sending a friend's number to your phone.";
    case "friend_blocked":
      switch (o.reason) {
        case "not_set_up":
          return "Friend suggestions aren't switched on for you yet. They can be turned on in the hub's settings.";
        case "unknown_person":
          return "I'm not sure who's asking, so I can't pick a friend. Try from your own phone.";
        case "quiet_hours":
          return "It's quiet hours, so I won't suggest a call now. I can play something calm: say 'play rain'.";
        case "daily_limit":
          return "I've already suggested a call today. Your friends will be glad to hear from you whenever you're ready.";
        case "asleep":
          return "It's sleep time, so I'll hold off on calls. I can play something calm instead.";
        case "trigger_off":
          return "Suggesting a friend by voice is switched off for you.";
        case "failed":
          return "Sorry, I couldn't reach your phone just now.";
      }
      return "Sorry, I can't suggest a friend right now.";
    case "mood_recorded": {
      const back = o.stopped ? ` The ${o.stopped} is back to how you had it.` : "";
      switch (o.mood) {
        case "great":
          return `Lovely to hear. I've noted that you feel great.${back}`;
        case "good":
        case "okay":
          return `Glad to hear it. I've noted how you feel.${back}`;
        case "tired":
          return "Thanks for telling me, I've noted it. Go gently. Say 'start the wind down' if you'd like the evening to get quieter.";
        case "anxious":
        case "stressed":
          return `Thanks for telling me, I've noted that you feel ${o.mood}. If you'd like some calm, say 'help me relax'.`;
        case "low":
          return "Thanks for telling me, I've noted it. Say 'help me relax' for some calm, or 'call a friend' if you'd like to reach out.";
      }
      return "Thanks for telling me. I've noted how you feel.";
    }
    case "mood_unknown_person":
      return "I'm not sure who's speaking, so I can't note how you feel. Try from your own phone or the dashboard.";
    case "help":
    case "unknown": {
      const sounds = o.soundscapes.length ? `, play ${list(o.soundscapes.slice(0, 3), "or")}` : "";
      const lead = o.kind === "unknown" ? "Sorry, I didn't get that. " : "";
      return `${lead}I can calm a room${sounds}, guide your breathing, start the wind-down, or suggest calling a friend. Try 'help me relax', or 'stop' to end it.`;
    }
    case "no_room":
      return "I'm not sure which room you're in. Try 'play rain in the living room'.";
    case "unavailable":
      return "Sorry, I can't reach the lights right now. Let's take a slow breath together.";
  }
}

/** Moods the German answer greets as good news. */
const MOOD_LIFTS: Readonly<Record<Mood, boolean>> = {
  great: true,
  good: true,
  okay: true,
  tired: false,
  anxious: false,
  stressed: false,
  low: false,
};

function de(o: VoiceOutcome): string {
  const sayStop = "Sag 'stopp', wenn du so weit bist.";
  switch (o.kind) {
    case "calm_started":
      if (o.already) return `Im Raum ${o.room} ist es schon ruhig. ${sayStop}`;
      return o.soundscape
        ? `Ich dimme ${o.room} und spiele ${spokenName(o.soundscape)}. ${sayStop}`
        : `Ich dimme ${o.room}. ${sayStop}`;
    case "calm_pending":
      return `Okay, ich dimme ${o.room}. ${sayStop}`;
    case "calm_failed":
      return `Das hat gerade nicht geklappt. Lass uns zusammen langsam durchatmen.`;
    case "stopped":
      return `Okay. ${o.room} ist wieder so, wie du es hattest.`;
    case "stop_pending":
      return "Okay, du bekommst den Raum zurück.";
    case "breathe_started":
    case "breathe_pending":
      return o.kind === "breathe_started" && o.medium === "volume"
        ? `Atme mit dem Klang in ${o.room}: ein, wenn er anschwillt, aus, wenn er leiser wird. ${sayStop}`
        : `Atme mit dem Licht in ${o.room}: ein, wenn es heller wird, aus, wenn es dunkler wird. ${sayStop}`;
    case "breathe_failed":
      return o.why === "bedroom_at_night" || o.why === "asleep"
        ? "Jetzt ist Ruhezeit, deshalb lasse ich den Raum, wie er ist. Atme langsam ein und noch langsamer aus."
        : "Die Atemführung ließ sich gerade nicht starten. Atme langsam ein und noch langsamer aus.";
    case "nothing_to_stop":
      return "Es läuft gerade nichts, das ich beenden könnte.";
    case "wind_down_started":
    case "wind_down_pending":
      return `Ich starte die Abendruhe in ${o.room}. Sag 'stopp', um sie zu beenden.`;
    case "wind_down_unavailable":
      return "Die Abendruhe ist noch nicht eingerichtet. Sag 'hilf mir zu entspannen', dann beruhige ich den Raum.";
    case "soundscape_playing":
    case "soundscape_pending":
      return `Ich spiele ${spokenName(o.soundscape)} in ${o.room}. Sag 'stopp', um es zu beenden.`;
    case "soundscape_failed":
      return `Ich kann ${spokenName(o.soundscape)} gerade nicht abspielen.`;
    case "unknown_soundscape":
      return o.known.length
        ? `${o.heard} kenne ich noch nicht. Ich kann ${list(o.known, "oder")} spielen.`
        : `${o.heard} kenne ich noch nicht.`;
    case "friend_sent":
      return `Ich habe dir eine Nachricht geschickt: Magst du ${o.friend} anrufen? Tipp sie an, wenn du so weit bist.`;
    case "friend_pending":
      return "Okay, ich schicke dir eine Nachricht aufs Handy.";
    case "friend_blocked":
      return o.reason === "quiet_hours" || o.reason === "asleep"
        ? "Es ist Ruhezeit, deshalb schlage ich jetzt keinen Anruf vor. Ich kann etwas Ruhiges spielen."
        : o.reason === "daily_limit"
          ? "Ich habe heute schon einen Anruf vorgeschlagen. Deine Freunde freuen sich, wann immer du so weit bist."
          : "Freunde-Vorschläge sind für dich noch nicht eingerichtet.";
    case "mood_recorded": {
      const back = o.stopped ? ` ${o.stopped} ist wieder so, wie du es hattest.` : "";
      return MOOD_LIFTS[o.mood]
        ? `Schön zu hören. Ich habe es mir notiert.${back}`
        : "Danke, dass du es mir sagst. Ich habe es mir notiert. Sag 'hilf mir zu entspannen', wenn du etwas Ruhe möchtest.";
    }
    case "mood_unknown_person":
      return "Ich weiß nicht, wer spricht, deshalb kann ich es nicht notieren. Versuch es über dein Handy oder das Dashboard.";
    case "help":
    case "unknown": {
      const sounds = o.soundscapes.length ? `, ${list(o.soundscapes.slice(0, 3), "oder")} spielen` : "";
      const lead = o.kind === "unknown" ? "Das habe ich nicht verstanden. " : "";
      return `${lead}Ich kann einen Raum beruhigen${sounds}, die Abendruhe starten oder vorschlagen, einen Freund anzurufen. Sag zum Beispiel 'hilf mir zu entspannen' oder 'stopp'.`;
    }
    case "no_room":
      return "Ich weiß nicht, in welchem Raum du bist. Sag zum Beispiel 'spiel Regen im Wohnzimmer'.";
    case "unavailable":
      return "Ich erreiche das Licht gerade nicht. Lass uns zusammen langsam durchatmen.";
  }
}

/** The sentence Assist speaks. Short, says what happened and how to undo it, never a number. */
export function speak(outcome: VoiceOutcome, language = "en"): string {
  // Only names (rooms, soundscapes, friends) are filled in: no reading, score or level ever reaches speech.
  return voiceLanguage(language) === "de" ? de(outcome) : en(outcome);
}
