import { ulid } from "./context-id.js";
import { matchSentence } from "./sentence-matcher.js";
import type { HaContext } from "./types.js";

export interface ConversationInput {
  text: string;
  language: string;
  conversation_id: string | null;
  device_id: string | null;
  agent_id: string | null;
  context: HaContext;
}

export interface SentenceListener {
  commands: string[];
  onMatch: (sentence: string, slots: Record<string, string>, input: ConversationInput) => void;
}

/** A stand-in for Assist's default agent that only knows sentence triggers. Every matching trigger fires,
 * and the reply is the default "Done" because a WebSocket trigger cannot set a response. */
export class ConversationAgent {
  private readonly listeners = new Set<SentenceListener>();

  register(listener: SentenceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  process(input: ConversationInput): Record<string, unknown> {
    let matched = false;
    for (const listener of [...this.listeners]) {
      for (const command of listener.commands) {
        const match = matchSentence(command, input.text);
        if (match) {
          matched = true;
          listener.onMatch(input.text, match.slots, input);
          break;
        }
      }
    }
    const speech = matched ? "Done" : "Sorry, I couldn't understand that";
    return {
      response: {
        response_type: matched ? "action_done" : "error",
        language: input.language,
        speech: { plain: { speech, extra_data: null } },
        card: {},
        data: matched ? { targets: [], success: [], failed: [] } : { code: "no_intent_match" },
      },
      conversation_id: input.conversation_id ?? ulid(),
      continue_conversation: false,
    };
  }
}
