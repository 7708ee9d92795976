/**
 * The hub's own changes are told apart by context, never by user; still, a token of a resident's account makes
 * the hub's calls look like that person's in HA's logbook and gives the hub their permissions. Returns the
 * `person.*` entity linked to `userId`, if any.
 */
export function findPersonForUser(
  entities: Iterable<{ entity_id: string; attributes: Record<string, unknown> }>,
  userId: string | undefined,
): string | undefined {
  if (!userId) return undefined;
  for (const e of entities)
    if (e.entity_id.startsWith("person.") && e.attributes.user_id === userId) return e.entity_id;
  return undefined;
}

/** Warns once per Home Assistant user when the hub's token belongs to a person in the home. */
export class TokenUserCheck {
  private checked: string | undefined;
  private readonly warn: (person: string) => void;

  constructor(warn: (person: string) => void) {
    this.warn = warn;
  }

  check(
    userId: string | undefined,
    entities: readonly { entity_id: string; attributes: Record<string, unknown> }[],
  ): void {
    // The first snapshot holds every person entity; look once per user, and only once there is one.
    if (userId === undefined || userId === this.checked || entities.length === 0) return;
    this.checked = userId;
    const person = findPersonForUser(entities, userId);
    if (person !== undefined) this.warn(person);
  }
}
