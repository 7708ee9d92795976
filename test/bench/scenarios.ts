import type { ScenarioSpec } from "./harness.js";
import type { SutKind } from "./types.js";

export interface ScenarioFlags {
  quick: boolean;
  full: boolean;
  only?: SutKind[] | undefined;
}

/**
 * Issue 2: 50 people at 100, 1,000 and 5,000 readings/s for 10 s, hub and raw floor (Node-RED too with --full).
 * Issue 8 (--full): 1,000 people at 5,000/s for 60 s; the same with HA holding 2,000 more entities (the hub
 * subscribes to every entity, the floor and the Node-RED flow do not, so that one runs the hub only); and a
 * 10,000/s drop check.
 */
export function buildScenarios(f: ScenarioFlags): ScenarioSpec[] {
  const d = (s: number) => (f.quick ? 1 : s);
  const base: SutKind[] = f.full ? ["hub", "floor", "nodered"] : ["hub", "floor"];
  const list: ScenarioSpec[] = [
    {
      id: "50p@100",
      issue: 2,
      title: "50 people, 100/s",
      people: 50,
      rate: 100,
      durationS: d(10),
      haExtraEntities: 0,
      suts: base,
    },
    {
      id: "50p@1k",
      issue: 2,
      title: "50 people, 1,000/s",
      people: 50,
      rate: 1000,
      durationS: d(10),
      haExtraEntities: 0,
      suts: base,
    },
    {
      id: "50p@5k",
      issue: 2,
      title: "50 people, 5,000/s",
      people: 50,
      rate: 5000,
      durationS: d(10),
      haExtraEntities: 0,
      suts: base,
    },
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
        suts: ["hub", "floor", "nodered"],
      },
      {
        id: "1000p@5k+2k HA",
        issue: 8,
        title: "same, HA with 2,000 more entities",
        people: 1000,
        rate: 5000,
        durationS: d(60),
        haExtraEntities: 2000,
        suts: ["hub"],
      },
      {
        id: "50p@10k",
        issue: 8,
        title: "10,000/s drop check",
        people: 50,
        rate: 10000,
        durationS: d(10),
        haExtraEntities: 0,
        suts: ["hub", "floor", "nodered"],
      },
    );
  }
  const only = f.only;
  if (only?.length)
    for (const s of list)
      s.suts = s.suts.filter((k) => only.includes(k)).concat(only.filter((k) => !s.suts.includes(k)));
  return list.filter((s) => s.suts.length > 0);
}
