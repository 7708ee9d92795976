/** Nobody home when every `person.*` entity says so; unknown (no person entities) counts as home. */
export function anyoneHome(entities: Iterable<{ entity_id: string; state: string }>): boolean {
  let people = 0;
  for (const e of entities) {
    if (!e.entity_id.startsWith("person.")) continue;
    if (e.state === "home") return true;
    people++;
  }
  return people === 0;
}
