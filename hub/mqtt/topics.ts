/** MQTT topic filter matching (`+` one level, `#` the rest), as brokers do it. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === "#") return true;
    if (i >= t.length) return false;
    if (part !== "+" && part !== t[i]) return false;
  }
  return f.length === t.length;
}

export function stateTopic(base: string, person: string): string {
  return `${base}/${person}/state`;
}

export function statusTopic(base: string): string {
  return `${base}/hub/status`;
}

export function nativeTopicFilter(base: string): string {
  return `${base}/+/wearable`;
}
