// Actors: the hub's MQTT link deciding whether to warn (pure, from the address the socket really reached),
// and a real hub on a loopback broker without authentication, which must not cry wolf.
import { describe, expect, it } from "vitest";
import { anonymousBrokerWarning } from "../../hub/mqtt/index.js";
import { startHub } from "../api/fixture.js";
import { captureLog } from "../support/capture-log.js";

describe("a broker without authentication on the network is named at start", () => {
  it("warns for an anonymous connection to a network address, naming the fix", () => {
    for (const remoteAddress of ["192.168.1.10", "10.0.0.2", "fd00::1", "::ffff:192.168.1.10"]) {
      const w = anonymousBrokerWarning({ url: "mqtt://broker.home.arpa", remoteAddress });
      expect(w, remoteAddress).toContain(`at ${remoteAddress} without authentication`);
      expect(w).toContain("mqtt.username");
      expect(w).toContain("docs/mosquitto.conf");
    }
  });

  it("stays quiet on loopback, with a username, or with a client certificate", () => {
    for (const remoteAddress of ["127.0.0.1", "127.0.1.1", "::1", "::ffff:127.0.0.1"])
      expect(
        anonymousBrokerWarning({ url: "mqtt://localhost", remoteAddress }),
        remoteAddress,
      ).toBeUndefined();
    expect(
      anonymousBrokerWarning({ url: "x", username: "calm-hub", remoteAddress: "192.168.1.10" }),
    ).toBeUndefined();
    expect(
      anonymousBrokerWarning({ url: "x", certFile: "/c.pem", remoteAddress: "192.168.1.10" }),
    ).toBeUndefined();
  });

  it("a real hub on a loopback broker connects without that warning", async () => {
    const log = captureLog("info");
    const fx = await startHub({}, { logger: log.logger });
    try {
      expect(log.text()).toContain("MQTT connected");
      expect(log.text()).not.toContain("without authentication");
    } finally {
      await fx.stop();
    }
  });
});
