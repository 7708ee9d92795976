import type { Sample, StressState } from "../core/index.js";

// Placeholder until the fused detector lands: the vendor score decides.
export class StressDetector {
  private readonly states = new Map<string, StressState>();
  update(sample: Sample): StressState | undefined {
    if (sample.stress === undefined) return undefined;
    const prev = this.states.get(sample.person);
    const level = sample.stress >= 70 ? "high" : sample.stress >= 40 ? "elevated" : "calm";
    const next: StressState = {
      person: sample.person,
      level,
      score: sample.stress,
      since: prev && prev.level === level ? prev.since : sample.measured_at,
      at: sample.measured_at,
      reason: "vendor stress score",
      baseline_ready: false,
      actionable: true,
    };
    this.states.set(sample.person, next);
    return next;
  }
  state(person: string): StressState | undefined {
    return this.states.get(person);
  }
  exportState(): unknown {
    return {};
  }
  importState(_: unknown): void {}
}
