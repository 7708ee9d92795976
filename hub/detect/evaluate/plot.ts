import type { Recording } from "./recording.js";
import { DETECTORS, type DetectorName, type EvaluationReport, type Series } from "./run.js";

const COLOURS: Record<DetectorName, string> = {
  detector: "#c0392b",
  long_baseline: "#8e44ad",
  hr_z: "#2471a3",
  hr_100: "#7f8c8d",
};
const LANE = 9;
const LABEL_W = 48;
const WIDTH = 1100;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Runs of true as [first index, last index]. */
function runs(xs: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < xs.length; i++) {
    if (!xs[i]) continue;
    const last = out.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * One row per subject: the labelled tasks as grey bands and, below, one lane per detector where it says
 * "high", with a tick where "high" switches on. Seconds from each recording's start on a shared scale, so a
 * detector that latches shows as one long bar and one that catches onsets as bars starting on each band.
 */
export function renderPlot(
  report: EvaluationReport,
  recordings: readonly { r: Recording; series: Series }[],
): string {
  const names = Object.keys(DETECTORS) as DetectorName[];
  const rowH = LANE * names.length + 14;
  const longest = Math.max(1, ...recordings.map(({ r }) => (r.t.at(-1) ?? 0) - (r.t[0] ?? 0) + 1));
  const sx = (WIDTH - LABEL_W - 10) / longest;
  const legendH = 18 * names.length + 10;
  const height = legendH + rowH * recordings.length + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  names.forEach((n, k) => {
    const o = report.detectors[n].overall;
    const delay = o.median_delay_s === null ? "-" : `${Math.round(o.median_delay_s)} s`;
    const text = `${DETECTORS[n]}: new switch-ons ${o.new_onsets}/${o.tasks_total}, median delay ${delay}, ${o.false_episodes_per_rest_h.toFixed(2)} false/rest h, ${Math.round(o.rest_high_share * 100)} % of rest high`;
    const y = 14 + 18 * k;
    out.push(
      `<rect x="8" y="${y - 8}" width="14" height="8" fill="${COLOURS[n]}"/>`,
      `<text x="28" y="${y}">${esc(text)}</text>`,
    );
  });
  recordings.forEach(({ r, series }, row) => {
    const y0 = legendH + row * rowH;
    const t0 = r.t[0] ?? 0;
    const x = (i: number): number => LABEL_W + ((r.t[i] ?? t0) - t0) * sx;
    out.push(`<text x="4" y="${y0 + rowH / 2 + 3}">${esc(r.subject)}</text>`);
    for (const [a, b] of runs(r.label.map((l) => l === 1))) {
      out.push(
        `<rect x="${x(a).toFixed(1)}" y="${y0}" width="${(x(b) - x(a) + sx).toFixed(1)}" height="${rowH - 4}" fill="#e5e5e5"/>`,
      );
    }
    names.forEach((n, k) => {
      const y = y0 + 2 + k * LANE;
      for (const [a, b] of runs(series[n])) {
        out.push(
          `<rect x="${x(a).toFixed(1)}" y="${y}" width="${Math.max(1, x(b) - x(a) + sx).toFixed(1)}" height="${LANE - 3}" fill="${COLOURS[n]}"/>`,
          `<rect x="${x(a).toFixed(1)}" y="${y - 1}" width="1.5" height="${LANE - 1}" fill="black"/>`,
        );
      }
    });
  });
  const yAxis = legendH + rowH * recordings.length + 14;
  for (let m = 0; m * 60 <= longest; m += 10) {
    const xm = LABEL_W + m * 60 * sx;
    out.push(`<text x="${xm.toFixed(1)}" y="${yAxis}" text-anchor="middle">${m} min</text>`);
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
