/** Read-mostly routes behind the dashboard: a person's state and readings, episodes, schedule, controls. */
import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Location, WindDownConfig } from "../config/index.js";
import { type ControlState, ControlStateSchema, type HubControls, HubModeSchema } from "../controls/index.js";
import {
  type CauseOrigin,
  displayName,
  HubError,
  type Sample,
  StressLevelSchema,
  type StressState,
  StressStateSchema,
} from "../core/index.js";
import type { StressHistory } from "../history/index.js";
import {
  DEFAULT_SCHEDULE_DAYS,
  isDate,
  localDate,
  planWindDowns,
  toScheduleEntry,
} from "../schedule/index.js";
import type { ActionLogEntry } from "../store/index.js";
import { ErrorBodySchema } from "./schemas.js";
import { DecisionGroupSchema, groupActions } from "./words.js";

/** A calm episode as the dashboard shows it; the episodes component provides these. */
export interface EpisodeView {
  id: string;
  person: string;
  room: string;
  /** Epoch ms. */
  started_at: number;
  /** Epoch ms; absent while the episode runs. */
  ended_at?: number | undefined;
  /** e.g. "active", "ended", "stopped". */
  state: string;
  /** Why it started, in words. */
  reason: string;
  /** How it ended: calm, max_duration, stopped, left_home … */
  end_reason?: string | null | undefined;
  /** Why it ended, in words. */
  ended_why?: string | undefined;
  breathing?: BreathingStatusView | undefined;
}

/** The core's episode (ended_at null while it runs) as the API shows it (absent while it runs). */
export function toEpisodeView<E extends { ended_at: number | null; overridden: readonly string[] }>(
  e: E,
): Omit<E, "ended_at" | "overridden"> & { ended_at?: number; overridden: string[] } {
  const { ended_at, overridden, ...rest } = e;
  // A copy of the list: a view may be serialized later, when the manager's list has grown.
  return { ...rest, ...(ended_at === null ? {} : { ended_at }), overridden: [...overridden] };
}

/** What the dashboard needs from the episodes component (optional: without it no episodes are shown). */
export interface EpisodeSource {
  listEpisodes(): EpisodeView[];
  /** Stops a running episode; false when there is no such running episode. `by`: who, for the action log. */
  stopEpisode(id: string, by?: CauseOrigin): Promise<boolean>;
  /** Change notifications, for the live stream and the Home Assistant binary sensor. */
  onEpisode?(listener: (episode: EpisodeView) => void): () => void;
}

/** The breathing guide of an episode, as the dashboard shows it ("breathing guide: 7.5 → 6 breaths/min"). */
export const BreathingStatusSchema = z.object({
  person: z.string(),
  room: z.string(),
  episode_id: z.string(),
  state: z.enum(["running", "stopped"]),
  medium: z.enum(["light", "volume"]).describe("What carries the pace: a light's brightness or the volume"),
  from_bpm: z.number().describe("The guide's first pace, breaths per minute"),
  pace_bpm: z.number().describe("The guide's pace now"),
  target_bpm: z.number().describe("The pace it slows toward"),
  following: z
    .boolean()
    .nullable()
    .describe("Whether the person's breathing (or heart rate) follows; null while nothing says"),
  started_at: z.number(),
  stopped_at: z.number().nullable(),
  why: z.string().nullable().describe("Why it stopped, in words"),
});
export type BreathingStatusView = z.infer<typeof BreathingStatusSchema>;

export const EpisodeViewSchema = z.object({
  id: z.string(),
  person: z.string(),
  room: z.string(),
  started_at: z.number().describe("Epoch ms"),
  ended_at: z.number().optional().describe("Epoch ms; absent while running"),
  state: z.string(),
  reason: z.string(),
  end_reason: z
    .string()
    .nullable()
    .optional()
    .describe("calm, max_duration, stopped, left_home, replaced, expired"),
  ended_why: z.string().optional().describe("Why it ended, in words"),
  breathing: BreathingStatusSchema.optional().describe("The breathing guide, when the episode has one"),
});

export function isRunning(e: EpisodeView): boolean {
  return e.ended_at === undefined;
}

export interface ViewDeps {
  now(): number;
  people(): { id: string; name: string; state: StressState | null }[];
  room?(person: string): string | undefined;
  history: StressHistory;
  /** Raw readings from the store, oldest first. */
  samples(person: string, since: number, limit: number): Sample[];
  /** A getter, so the episodes component may be attached after the API is built. */
  episodes(): EpisodeSource | undefined;
  controls: HubControls;
  windDowns(): readonly WindDownConfig[];
  location(): Location | undefined;
  /** Scores at which the detector enters "elevated" and "high", for the chart's bands. */
  bands(): { elevated: number; high: number };
  /** The action log, newest first (the decisions view groups it). */
  actions?(limit: number): ActionLogEntry[];
  /** Configured rooms with their names, so pages show "Living room", not `living_room`. */
  rooms?(): { id: string; name: string }[];
  /** Called after an episode was stopped through the API (live stream, Home Assistant). */
  episodeChanged?(episode: EpisodeView): void;
}

const IdParams = z.object({ id: z.string().min(1).max(64) });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

export const PersonStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  room: z.string().nullable(),
  state: StressStateSchema.nullable(),
  active_episode: EpisodeViewSchema.nullable(),
  paused: z.boolean().describe("Automation is paused for the whole home."),
});

export const ReadingPointSchema = z.object({
  t: z.number().describe("Start of the time bucket, epoch ms"),
  score: z.number().nullable().describe("Mean stress score (0-100) the hub estimated in the bucket"),
  max: z.number().nullable().describe("Highest stress score in the bucket"),
  level: StressLevelSchema.nullable().describe("Highest stress level in the bucket"),
  hr: z.number().nullable().describe("Mean heart rate of the raw readings, bpm"),
  vendor_stress: z.number().nullable().describe("Mean of the wearable's own stress score"),
  readings: z.number().int().describe("Raw readings in the bucket"),
});

export const ReadingsSchema = z.object({
  person: z.string(),
  from: z.number(),
  to: z.number(),
  bucket_ms: z.number(),
  points: z.array(ReadingPointSchema).describe("Buckets with data, oldest first; empty buckets are left out"),
  bands: z
    .object({ elevated: z.number(), high: z.number() })
    .describe("Scores at which the detector enters elevated and high"),
});

export const ScheduleEntrySchema = z.object({
  date: z.string(),
  room: z.string(),
  anchor: z.union([
    z.object({
      type: z.literal("sun"),
      event: z.string(),
      offset_min: z.number(),
      at: z.string().nullable(),
    }),
    z.object({ type: z.literal("bedtime"), at: z.string() }),
  ]),
  start: z.string(),
  end: z.string(),
  note: z.string().nullable(),
});

const MAX_SAMPLES = 50_000;
/** How far back the decisions view reads the action log: enough pages for a week of a busy home. */
const DECISION_WINDOW = 2_000;

export const DecisionPageSchema = z.object({
  groups: z.array(DecisionGroupSchema),
  page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int().describe("Decisions in the window read (the newest 2000 calls)"),
  pages: z.number().int(),
});

export const RoomSchema = z.object({ id: z.string(), name: z.string() });

export const viewRoutes: FastifyPluginAsync<ViewDeps> = async (app, deps) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const person = (id: string): { id: string; name: string; state: StressState | null } => {
    const p = deps.people().find((x) => x.id === id);
    if (p) return p;
    if (deps.history.people().includes(id)) return { id, name: id, state: null };
    throw new HubError("CALM_ERR_NOT_FOUND", `no person "${id}"`);
  };

  r.get(
    "/api/people/:id/state",
    {
      schema: {
        tags: ["people"],
        description: "A person's current stress estimate and running episode.",
        params: IdParams,
        response: { 200: PersonStateSchema, ...errors },
      },
    },
    async (req) => {
      const p = person(req.params.id);
      const active =
        deps
          .episodes()
          ?.listEpisodes()
          .find((e) => e.person === p.id && isRunning(e)) ?? null;
      return {
        id: p.id,
        name: p.name,
        room: deps.room?.(p.id) ?? null,
        state: p.state,
        active_episode: active,
        paused: deps.controls.paused,
      };
    },
  );

  r.get(
    "/api/people/:id/readings",
    {
      schema: {
        tags: ["people"],
        description: "Stress scores and heart rate over the last hours, in equal time buckets for a chart.",
        params: IdParams,
        querystring: z.object({
          hours: z.coerce.number().min(0.05).max(168).default(6),
          points: z.coerce.number().int().min(2).max(1440).default(120),
        }),
        response: { 200: ReadingsSchema, ...errors },
      },
    },
    async (req) => {
      const p = person(req.params.id);
      const n = req.query.points;
      const width = (req.query.hours * 3_600_000) / n;
      // Buckets on multiples of their width since the epoch, so a refresh keeps the same boundaries.
      const to = Math.ceil(deps.now() / width) * width;
      const from = to - n * width;
      const stress = deps.history.series(p.id, from, to, n);
      const raw = Array.from({ length: n }, () => ({ hr: 0, hrN: 0, vs: 0, vsN: 0, n: 0 }));
      for (const s of deps.samples(p.id, from, MAX_SAMPLES)) {
        if (s.measured_at >= to) continue;
        const slot = raw[Math.min(n - 1, Math.floor((s.measured_at - from) / width))];
        if (!slot) continue;
        slot.n++;
        if (s.hr !== undefined) {
          slot.hr += s.hr;
          slot.hrN++;
        }
        if (s.stress !== undefined) {
          slot.vs += s.stress;
          slot.vsN++;
        }
      }
      const points = [];
      for (let i = 0; i < n; i++) {
        const st = stress[i];
        const rw = raw[i];
        if (!st && (!rw || rw.n === 0)) continue;
        points.push({
          t: Math.round(from + i * width),
          score: st ? round1(st.mean) : null,
          max: st ? round1(st.max) : null,
          level: st ? st.level : null,
          hr: rw && rw.hrN > 0 ? round1(rw.hr / rw.hrN) : null,
          vendor_stress: rw && rw.vsN > 0 ? round1(rw.vs / rw.vsN) : null,
          readings: rw?.n ?? 0,
        });
      }
      return {
        person: p.id,
        from: Math.round(from),
        to: Math.round(to),
        bucket_ms: Math.round(width),
        points,
        bands: deps.bands(),
      };
    },
  );

  r.get(
    "/api/episodes",
    {
      schema: {
        tags: ["episodes"],
        description: "Calm episodes, running ones first, then the most recent.",
        querystring: z.object({
          active: z
            .enum(["true", "false"])
            .optional()
            .describe("Only running (true) or only finished (false)"),
        }),
        response: { 200: z.array(EpisodeViewSchema), ...errors },
      },
    },
    async (req) => {
      const all = deps.episodes()?.listEpisodes() ?? [];
      const filtered =
        req.query.active === undefined
          ? all
          : all.filter((e) => isRunning(e) === (req.query.active === "true"));
      return [...filtered].sort(
        (a, b) => Number(isRunning(b)) - Number(isRunning(a)) || b.started_at - a.started_at,
      );
    },
  );

  r.post(
    "/api/episodes/:id/stop",
    {
      schema: {
        tags: ["episodes"],
        description: "Stops a running calm episode (the dashboard's Stop button).",
        params: IdParams,
        response: {
          200: z.object({ stopped: z.literal(true), episode: EpisodeViewSchema.nullable() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const source = deps.episodes();
      const by = { kind: "stop" as const, why: "Stop was pressed on the dashboard" };
      if (!source || !(await source.stopEpisode(req.params.id, by))) {
        throw new HubError("CALM_ERR_NOT_FOUND", `no running episode "${req.params.id}"`);
      }
      const episode = source.listEpisodes().find((e) => e.id === req.params.id) ?? null;
      if (episode) deps.episodeChanged?.(episode);
      return { stopped: true as const, episode };
    },
  );

  r.get(
    "/api/schedule",
    {
      schema: {
        tags: ["schedule"],
        description: "Planned evening wind-downs: the same JSON as `calm-hub schedule --json`.",
        querystring: z.object({
          from: z
            .string()
            .refine(isDate, "expected a calendar date YYYY-MM-DD")
            .optional()
            .describe("First evening; default today in the home's time zone"),
          days: z.coerce.number().int().min(1).max(366).default(DEFAULT_SCHEDULE_DAYS),
        }),
        response: { 200: z.array(ScheduleEntrySchema), ...errors },
      },
    },
    async (req) => {
      const location = deps.location();
      if (!location) {
        throw new HubError(
          "CALM_ERR_NO_LOCATION",
          "the home's location is unknown: set it in the configuration or connect Home Assistant",
        );
      }
      const from = req.query.from ?? localDate(deps.now(), location.time_zone);
      return planWindDowns(deps.windDowns(), { from, days: req.query.days, location }).map(toScheduleEntry);
    },
  );

  r.get(
    "/api/decisions",
    {
      schema: {
        tags: ["actions"],
        description:
          "The action log by decision, newest first: each with its true cause (a reading, a voice request, the Stop button, the wind-down, a Node-RED flow, the API), a one-line summary and its calls.",
        querystring: z.object({
          page: z.coerce.number().int().min(1).default(1),
          per_page: z.coerce.number().int().min(1).max(100).default(8),
        }),
        response: { 200: DecisionPageSchema, ...errors },
      },
    },
    async (req) => {
      const names = new Map(deps.people().map((p) => [p.id, p.name]));
      const groups = groupActions(deps.actions?.(DECISION_WINDOW) ?? [], (id) =>
        displayName(id, names.get(id)),
      );
      const { page, per_page } = req.query;
      return {
        groups: groups.slice((page - 1) * per_page, page * per_page),
        page,
        per_page,
        total: groups.length,
        pages: Math.max(1, Math.ceil(groups.length / per_page)),
      };
    },
  );

  r.get(
    "/api/rooms",
    {
      schema: {
        tags: ["hub"],
        description: "The configured rooms and their names.",
        response: { 200: z.array(RoomSchema), ...errors },
      },
    },
    async () => deps.rooms?.() ?? [],
  );

  r.get(
    "/api/controls",
    {
      schema: {
        tags: ["hub"],
        description: "Pause switch and mode (also Home Assistant entities).",
        response: { 200: ControlStateSchema, ...errors },
      },
    },
    async (): Promise<ControlState> => deps.controls.state,
  );

  r.put(
    "/api/controls",
    {
      schema: {
        tags: ["hub"],
        description: "Pauses or resumes all automation, or sets the mode.",
        body: z.strictObject({ paused: z.boolean().optional(), mode: HubModeSchema.optional() }),
        response: { 200: ControlStateSchema, ...errors },
      },
    },
    async (req): Promise<ControlState> => deps.controls.update(req.body, "api"),
  );
};

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
