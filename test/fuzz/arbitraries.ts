import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

/** One seed payload per ingest format (the adapters' own fixtures), for mutation. */
export const SEEDS: Record<string, string> = {
  native: fixture("native/full.json"),
  "ble-hrm": fixture("ble-hrm/polar-h10.json"),
  "health-auto-export": fixture("health-auto-export/batch.json"),
  "sleep-as-android": fixture("sleep-as-android/alarm.json"),
  garmin: fixture("garmin/stress-values.json"),
  "ha-entity": fixture("ha-entity/wear-os-heart-rate.json"),
};

function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/devices/${name}`, import.meta.url)), "utf8");
}

const encoder = new TextEncoder();

/** Values that break naive numeric code: NaN/Infinity spelled as strings, huge exponents, wrong types. */
export const nastyScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "0x1F",
    "",
    " ",
    "null",
    "9".repeat(400),
    "١٢٣",
    "2999-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2019-06-01T12:00:00+02:00",
    "2026-02-31T10:00:00Z",
    "\u0000",
    "\ud800",
    "🫀💓",
    true,
    false,
    null,
    0,
    -1,
    -0,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_VALUE,
    1e308,
    32503680000000,
    946684800,
  ),
  fc.double(),
  fc.integer(),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.array(fc.double(), { maxLength: 5 }),
  fc.constant({}),
);

/** Structures: deep nesting, huge arrays. */
export const nastyStructure: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 50, max: 2000 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
  fc.integer({ min: 301, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => 700 + (i % 300))),
  fc.jsonValue({ maxDepth: 6 }),
);

/** A seed payload with one field (at any depth) replaced by something nasty. */
export function mutatedSeed(format: string): fc.Arbitrary<string> {
  const seed = JSON.parse(SEEDS[format] ?? "{}") as unknown;
  const paths = jsonPaths(seed);
  return fc
    .tuple(fc.constantFrom(...paths), fc.oneof(nastyScalar, nastyStructure), fc.boolean())
    .map(([path, value, remove]) => {
      const copy = structuredClone(seed);
      setPath(copy, path, remove && path.length > 0 ? undefined : value);
      // JSON.stringify writes NaN/Infinity as null; "1e999" in the text really is an out-of-range number.
      return JSON.stringify(copy).replaceAll('"1e999"', "1e999");
    });
}

/** Anything a broken or hostile bridge might send, as bytes. */
export function badPayload(format: string): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedSeed(format).map((s) => encoder.encode(s)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => encoder.encode(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: SEEDS[format]
        ? fc
            .nat({ max: (SEEDS[format] ?? "").length })
            .map((n) => encoder.encode((SEEDS[format] ?? "").slice(0, n)))
        : fc.constant(new Uint8Array()),
    },
    { weight: 1, arbitrary: nastyStructure.map((v) => encoder.encode(JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constant(encoder.encode(`{"ts":1,"hr":70,"pad":"${"x".repeat(70_000)}"}`)) },
  );
}

type Path = (string | number)[];

function jsonPaths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) jsonPaths(x, [...prefix, i], out);
  } else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) jsonPaths(x, [...prefix, k], out);
  return out;
}

function setPath(root: unknown, path: Path, value: unknown): void {
  if (path.length === 0) return;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Person names and topic levels, ASCII and not. */
export const personName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("alice", "bob", "Zoë", "ørjan", "李雷", "🙂", "a".repeat(40), "-x", "x y", "ALICE", ""),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
);
