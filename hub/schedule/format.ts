/** Renders wind-down plans for `calm-hub schedule`: JSON for tools, a small aligned table for people. */
import type { WindDownAnchor, WindDownPlan } from "./plan.js";

/** The public JSON shape of one planned wind-down. */
export interface ScheduleEntry {
  date: string;
  room: string;
  anchor: WindDownAnchor;
  start: string;
  end: string;
  note: string | null;
}

export function toScheduleEntry(plan: WindDownPlan): ScheduleEntry {
  return {
    date: plan.date,
    room: plan.room,
    anchor: plan.anchor,
    start: plan.start,
    end: plan.end,
    note: plan.note,
  };
}

/** "18:12" from "2026-10-25T18:12:00+01:00"; the offset is shown once it differs from the row's start. */
function clock(iso: string): string {
  return iso.slice(11, 16);
}

function offset(iso: string): string {
  return iso.slice(19);
}

function anchorText(anchor: WindDownAnchor): string {
  if (anchor.type === "bedtime") return `bedtime ${clock(anchor.at)}`;
  const at = anchor.at === null ? "none" : clock(anchor.at);
  const shift =
    anchor.offset_min === 0 ? "" : ` ${anchor.offset_min > 0 ? "+" : "-"}${Math.abs(anchor.offset_min)}m`;
  return `${anchor.event} ${at}${shift}`;
}

function endText(plan: WindDownPlan): string {
  const nextDay = plan.end.slice(0, 10) !== plan.start.slice(0, 10) ? " +1d" : "";
  const zone = offset(plan.end) !== offset(plan.start) ? ` (${offset(plan.end)})` : "";
  return `${clock(plan.end)}${zone}${nextDay}`;
}

/** Text of `calm-hub schedule`: a JSON list, or a table with times on the home's local clock. */
export function formatSchedule(plans: readonly WindDownPlan[], options: { json: boolean }): string {
  if (options.json) return `${JSON.stringify(plans.map(toScheduleEntry), null, 2)}\n`;
  if (plans.length === 0) return "No wind-downs planned in this range.\n";
  const header = ["DATE", "ROOM", "ANCHOR", "START", "END", "NOTE"];
  const rows = plans.map((p) => [
    p.date,
    p.room,
    anchorText(p.anchor),
    `${clock(p.start)} (${offset(p.start)})`,
    endText(p),
    p.note ?? "",
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => (r[col] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, col) => (col === cells.length - 1 ? c : c.padEnd(widths[col] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
