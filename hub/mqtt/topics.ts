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

/**
 * The topic level that the filter's first `+` stands for: the person in `home/calm/+/wearable`, whatever the
 * depth of the base topic. Undefined when the filter has no `+` or does not match.
 */
export function wildcardLevel(filter: string, topic: string): string | undefined {
  if (!topicMatches(filter, topic)) return undefined;
  const i = filter.split("/").indexOf("+");
  return i < 0 ? undefined : topic.split("/")[i];
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
