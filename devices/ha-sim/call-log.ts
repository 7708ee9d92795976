import type { HaContext } from "./types.js";

/** One `call_service` as the simulator saw it. */
export interface RecordedCall {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  target: Record<string, unknown> | undefined;
  return_response: boolean;
  context: HaContext;
  /** The context id, repeated for convenient assertions. */
  contextId: string;
  time: number;
  /** Entities the call resolved to. */
  entityIds: string[];
  /** What each entity actually received after unsupported parameters were filtered. */
  applied: Record<string, Record<string, unknown>>;
  /** Set when the call failed, with the error sent to the client. */
  error?: { code: string; message: string };
}

export type CallMatcher = string | ((call: RecordedCall) => boolean);

function toPredicate(match: CallMatcher): (call: RecordedCall) => boolean {
  if (typeof match !== "string") return match;
  return (call) => `${call.domain}.${call.service}` === match;
}

/** Every service call, plus a way to wait for one. */
export class CallLog {
  private readonly recorded: RecordedCall[] = [];
  private readonly waiters = new Set<(call: RecordedCall) => void>();

  record(call: RecordedCall): void {
    this.recorded.push(call);
    for (const waiter of [...this.waiters]) waiter(call);
  }

  get all(): readonly RecordedCall[] {
    return this.recorded;
  }

  clear(): void {
    this.recorded.length = 0;
  }

  /** Resolves with the first matching call, looking at calls already made before waiting for new ones. */
  waitFor(match: CallMatcher, timeoutMs: number): Promise<RecordedCall> {
    const predicate = toPredicate(match);
    const earlier = this.recorded.find(predicate);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter = (call: RecordedCall): void => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const label = typeof match === "string" ? match : "a matching call";
        reject(new Error(`HaSimulator: no call to ${label} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
