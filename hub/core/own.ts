/**
 * A record's own entry, never one inherited from Object.prototype: ids arrive from MQTT topics, HTTP paths and
 * voice requests, and `people["constructor"]` on a plain object is a function, not "no such person".
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
