import type { ScenarioSpec } from "./harness.js";
import type { SutKind } from "./types.js";

export interface ScenarioFlags {
  quick: boolean;
  full: boolean;
  only?: SutKind[] | undefined;
}

/**
 * Issues 2 and 15: 50 people at 100, 1,000, 5,000 and 10,000 readings/s for 10 s; the hub, the raw floor and
 * Node-RED with the Home Assistant palette (Node-RED with core nodes too with --full).
 * Issue 8 (--full): 1,000 people at 5,000/s for 60 s, and the same with HA holding 2,000 more entities (the
 * hub and the palette subscribe to every entity, the floor and the core-nodes flow do not, so that one runs
 * those two only).
 */
export function buildScenarios(f: ScenarioFlags): ScenarioSpec[] {
  const d = (s: number) => (f.quick ? 1 : s);
  const every: SutKind[] = ["hub", "floor", "nodered", "nodered-ha"];
  const base: SutKind[] = f.full ? every : ["hub", "floor", "nodered-ha"];
  const fifty = (rate: number, title: string, issue: 2 | 15): ScenarioSpec => ({
    id: `50p@${rate >= 1000 ? `${rate / 1000}k` : rate}`,
    issue,
    title,
    people: 50,
    rate,
    durationS: d(10),
    haExtraEntities: 0,
    suts: base,
  });
  const list: ScenarioSpec[] = [
    fifty(100, "50 people, 100/s", 2),
    fifty(1000, "50 people, 1,000/s", 2),
    fifty(5000, "50 people, 5,000/s", 2),
    fifty(10000, "50 people, 10,000/s", 15),
  ];
  if (f.full) {
    list.push(
      {
        id: "1000p@5k",
        issue: 8,
        title: "1,000 people, 5,000/s, 60 s",
        people: 1000,
        rate: 5000,
        durationS: d(60),
        haExtraEntities: 0,
        suts: every,
      },
      {
        id: "1000p@5k+2k HA",
        issue: 8,
        title: "same, HA with 2,000 more entities",
        people: 1000,
        rate: 5000,
        durationS: d(60),
        haExtraEntities: 2000,
        suts: ["hub", "nodered-ha"],
      },
    );
  }
  const only = f.only;
  if (only?.length)
    for (const s of list)
      s.suts = s.suts.filter((k) => only.includes(k)).concat(only.filter((k) => !s.suts.includes(k)));
  return list.filter((s) => s.suts.length > 0);
}
