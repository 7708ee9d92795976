// How home-assistant-js-websocket rejects, and what each shape proves about whether Home Assistant got the call.
import { ERR_CONNECTION_LOST } from "home-assistant-js-websocket";
import { describe, expect, it } from "vitest";
import { notConnected, toHaError } from "../../hub/ha/index.js";

describe("toHaError: sent or not", () => {
  it("a bare ERR_CONNECTION_LOST (send while disconnected, queued message dropped) was not sent", () => {
    const err = toHaError(ERR_CONNECTION_LOST);
    expect(err.notSent).toBe(true);
    expect(err.maybeSent).toBe(false);
  });

  it("the result envelope of a call in flight when the socket closed may have been run", () => {
    const err = toHaError({
      id: 7,
      type: "result",
      success: false,
      error: { code: ERR_CONNECTION_LOST, message: "Connection lost" },
    });
    expect(err.notSent).toBe(false);
    expect(err.maybeSent).toBe(true);
  });

  it("HaLink's own refusal while not connected was not sent; HA's own error was received", () => {
    expect(notConnected("offline").notSent).toBe(true);
    const ha = toHaError({ code: "service_not_found", message: "Service light.nope not found" });
    expect([ha.notSent, ha.maybeSent, ha.haCode]).toEqual([false, false, "service_not_found"]);
  });
});
