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
