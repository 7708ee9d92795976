import { isLoopback } from "../core/index.js";

/**
 * A broker that takes anonymous clients on a network address lets anyone on that network publish readings
 * in anyone's name or read everyone's stress state. On loopback only local processes can, which is the
 * embedded broker's and a same-host Mosquitto's normal set-up.
 */
export function anonymousBrokerWarning(link: {
  url: string;
  username?: string | undefined;
  certFile?: string | undefined;
  remoteAddress: string | undefined;
}): string | undefined {
  if (link.username !== undefined || link.certFile !== undefined) return undefined;
  if (link.remoteAddress === undefined || isLoopback(link.remoteAddress)) return undefined;
  return (
    `connected to the MQTT broker at ${link.remoteAddress} without authentication: anyone on the network may ` +
    "publish readings or read stress states. Set mqtt.username and mqtt.password (or a client certificate) and " +
    "give the broker per-person ACLs (docs/mosquitto.conf)"
  );
}
