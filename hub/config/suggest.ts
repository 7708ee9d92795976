/** Edit distance with adjacent swaps (optimal string alignment): "cooldwon" is one step from "cooldown". */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] ?? Math.max(a.length, b.length);
}

/**
 * The known word a typo most likely meant: the closest within a third of its length (at least 2 edits), or
 * one the typo is a prefix or stem of ("cooldown" → "cooldown_s"). Undefined when nothing is close enough.
 */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === w) return candidate;
    const stem = Math.min(w.length, c.length) >= 3 && (c.startsWith(w) || w.startsWith(c));
    const score = stem ? 0.5 : distance(w, c);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(w.length / 3)) ? best : undefined;
}

type JsonSchema = { [key: string]: unknown };

function isSchema(v: unknown): v is JsonSchema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The schema itself and every branch of its unions and intersections, with local $refs followed. */
function branches(node: unknown, root: JsonSchema, depth = 0): JsonSchema[] {
  if (!isSchema(node) || depth > 20) return [];
  const ref = node.$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) target = isSchema(target) ? target[part] : undefined;
    return branches(target, root, depth + 1);
  }
  const out = [node];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = node[key];
    if (Array.isArray(list)) for (const b of list) out.push(...branches(b, root, depth + 1));
  }
  return out;
}

/**
 * The keys a JSON Schema allows in the mapping at `path` (the config file's own structure, arrays by index,
 * records by any key): what an unknown key is compared with.
 */
export function keysAt(root: JsonSchema, path: readonly PropertyKey[]): string[] {
  let nodes = branches(root, root);
  for (const segment of path) {
    const next: JsonSchema[] = [];
    for (const n of nodes) {
      if (typeof segment === "number") next.push(...branches(n.items, root));
      else {
        const props = n.properties;
        const child = isSchema(props) ? props[String(segment)] : undefined;
        next.push(...branches(child ?? n.additionalProperties, root));
      }
    }
    nodes = next;
  }
  const keys = new Set<string>();
  for (const n of nodes) if (isSchema(n.properties)) for (const k of Object.keys(n.properties)) keys.add(k);
  return [...keys];
}
