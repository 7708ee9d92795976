// Calm Hub dashboard. Plain browser JavaScript, no build step, nothing loaded from elsewhere.
// Data comes from the hub's API with the bearer token; updates arrive on /api/stream (server-sent events,
// read with fetch so that the token travels in a header, never in a URL).

const TOKEN_KEY = "calm-hub.token";
const RANGE_KEY = "calm-hub.range";
// "Fit" zooms to the data the hub has (a demo's few minutes fill the chart); the others are fixed windows.
const RANGES = [
  { id: "fit", label: "Fit", hours: null },
  { id: "1h", label: "1 h", hours: 1 },
  { id: "6h", label: "6 h", hours: 6 },
  { id: "24h", label: "24 h", hours: 24 },
  { id: "7d", label: "7 d", hours: 168 },
];
const POINTS = 180;
const MAX_HOURS = 168;
const MIN_HOURS = 0.05;
const PER_PAGE = 8;
const END_WORDS = {
  calm: "calm again",
  max_duration: "reached its time limit",
  stopped: "stopped",
  left_home: "left home",
  replaced: "replaced",
  expired: "ran out while the hub was stopped",
};
// The detector's thresholds; replaced by the hub's own (`bands` in the readings) once loaded.
let bands = { elevated: 40, high: 60 };
const bandRows = () => [
  { level: "calm", from: 0, to: bands.elevated },
  { level: "elevated", from: bands.elevated, to: bands.high },
  { level: "high", from: bands.high, to: 100 },
];
const LEVEL_WORDS = { calm: "Calm", elevated: "Elevated", high: "High" };
const SVG_NS = "http://www.w3.org/2000/svg";
const W = 600;
const H = 150;

const $ = (id) => document.getElementById(id);

const state = {
  token: localStorage.getItem(TOKEN_KEY) ?? "",
  people: new Map(),
  rooms: new Map(),
  episodes: [],
  windDowns: [],
  range: RANGES.some((r) => r.id === localStorage.getItem(RANGE_KEY))
    ? localStorage.getItem(RANGE_KEY)
    : "fit",
  actionPage: 1,
  actionReload: undefined,
  live: undefined,
  timers: [],
};

// --- tiny DOM helpers: text only, never HTML from data -------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) el.append(c);
  return el;
}

function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// One time format for the whole page: the browser's local time, its own 12/24 h convention; a weekday in front
// when it is not today.
function clock(ms) {
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString()
    ? time
    : `${d.toLocaleDateString([], { weekday: "short" })} ${time}`;
}

function roomName(id) {
  return state.rooms.get(id) ?? id.replaceAll("_", " ");
}

// --- API ------------------------------------------------------------------------------------------

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (res.status === 401) throw new Unauthorized("token not accepted");
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(body?.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

// --- sign in --------------------------------------------------------------------------------------

function showLogin(message) {
  stopLive();
  $("link").dataset.state = "unknown";
  $("link").textContent = "Not signed in";
  $("app").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message ?? "";
  $("token").focus();
}

function forgetToken(message) {
  localStorage.removeItem(TOKEN_KEY);
  state.token = "";
  showLogin(message);
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  state.token = token;
  try {
    await api("api/controls");
  } catch (err) {
    state.token = "";
    $("login-error").textContent =
      err instanceof Unauthorized
        ? "That token was not accepted. Check it and try again."
        : `Cannot reach the hub: ${err.message}`;
    return;
  }
  localStorage.setItem(TOKEN_KEY, token);
  $("token").value = "";
  $("login").hidden = true;
  await start();
});

$("logout").addEventListener("click", () => forgetToken("Token forgotten on this browser."));

// --- people and charts ----------------------------------------------------------------------------

function personCard(p) {
  const score = h("span", { class: "score", "data-role": "score" }, "–");
  const level = h("span", { class: "level", "data-role": "level" }, "No data yet");
  const reason = h("p", { class: "reason", "data-role": "reason" });
  const svg = s("svg", {
    class: "chart",
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": `${p.name}'s stress`,
    "data-points": 0,
  });
  const axis = h("div", { class: "axis", "aria-hidden": "true" });
  const legend = h(
    "div",
    { class: "legend", "aria-hidden": "true" },
    h("span", { class: "l-calm" }, "calm"),
    h("span", { class: "l-elevated" }, "elevated"),
    h("span", { class: "l-high" }, "high"),
    h("span", { class: "l-episode" }, "calm episode"),
    h("span", { class: "l-winddown" }, "wind-down"),
  );
  const card = h(
    "article",
    { class: "card person", "data-person": p.id },
    h("header", {}, h("h3", {}, p.name), level, score),
    reason,
    svg,
    axis,
    legend,
    moodControl(p),
  );
  return { card, score, level, reason, svg, axis };
}

/** The moods a person can tell from the dashboard: a few, the rest by voice or the API. */
const DASHBOARD_MOODS = [
  ["great", "Great"],
  ["good", "Good"],
  ["okay", "Okay"],
  ["tired", "Tired"],
  ["anxious", "Anxious"],
  ["stressed", "Stressed"],
  ["low", "Low"],
];

/** "How do you feel?": one tap records a mood for this person (POST api/people/<id>/mood). */
function moodControl(p) {
  const note = h("span", { class: "mood-note", role: "status", "aria-live": "polite" });
  const buttons = DASHBOARD_MOODS.map(([mood, title]) => {
    const b = h("button", { type: "button", class: "quiet", "data-mood": mood }, title);
    b.addEventListener("click", async () => {
      for (const other of buttons) other.disabled = true;
      try {
        const saved = await api(`api/people/${encodeURIComponent(p.id)}/mood`, {
          method: "POST",
          body: { mood, source: "dashboard" },
        });
        note.textContent = `Noted: ${title.toLowerCase()} at ${clock(saved.at)}.`;
      } catch (err) {
        if (err instanceof Unauthorized) forgetToken("The hub no longer accepts this token.");
        note.textContent = `Not saved: ${err.message}`;
      } finally {
        for (const other of buttons) other.disabled = false;
      }
    });
    return b;
  });
  return h(
    "div",
    { class: "mood", role: "group", "aria-label": `How does ${p.name} feel?` },
    h("span", { class: "mood-label" }, "How do you feel?"),
    ...buttons,
    note,
  );
}

function upsertPerson(p) {
  let entry = state.people.get(p.id);
  if (!entry) {
    entry = {
      id: p.id,
      name: p.name ?? p.id,
      current: null,
      series: [],
      room: null,
      rangeMs: 6 * 3_600_000,
      bucketMs: (6 * 3_600_000) / POINTS,
      view: null,
    };
    entry.view = personCard(entry);
    state.people.set(p.id, entry);
    const list = $("people");
    list.querySelector(".empty")?.remove();
    list.append(entry.view.card);
  }
  if (p.state) entry.current = p.state;
  return entry;
}

function renderPerson(entry) {
  const { score, level, reason } = entry.view;
  const cur = entry.current;
  if (cur) {
    score.textContent = String(Math.round(cur.score));
    level.textContent = LEVEL_WORDS[cur.level] ?? cur.level;
    level.dataset.level = cur.level;
    reason.textContent = `${cur.reason} · since ${clock(cur.since)}`;
  }
  renderChart(entry);
}

/** The window shown: the chosen range, or for "Fit" from the first point held to now (growing with live data). */
function chartRange(entry, now) {
  if (state.range !== "fit") return entry.rangeMs;
  const first = entry.series[0]?.t;
  const span = first === undefined ? entry.rangeMs : Math.max(entry.rangeMs, (now - first) * 1.05);
  return Math.min(MAX_HOURS * 3_600_000, Math.max(MIN_HOURS * 3_600_000, span));
}

function renderChart(entry) {
  const svg = entry.view.svg;
  const now = Date.now();
  const rangeMs = chartRange(entry, now);
  const from = now - rangeMs;
  const x = (t) => ((t - from) / (now - from)) * W;
  const y = (v) => H - (Math.max(0, Math.min(100, v)) / 100) * H;
  svg.replaceChildren();
  for (const b of bandRows()) {
    svg.append(
      s("rect", { class: `band-${b.level}`, x: 0, y: y(b.to), width: W, height: y(b.from) - y(b.to) }),
    );
  }
  for (const w of state.windDowns) {
    if (entry.room && w.room !== entry.room) continue;
    const start = Date.parse(w.start);
    const end = Math.min(Date.parse(w.end), now);
    if (end < from || start > now) continue;
    const x0 = Math.max(0, x(start));
    const width = Math.max(2, x(end) - x0);
    svg.append(s("rect", { class: "winddown-span", x: x0, y: 0, width, height: H, "data-room": w.room }));
    svg.append(s("rect", { class: "winddown-bar", x: x0, y: H - 6, width, height: 6 }));
  }
  for (const e of state.episodes) {
    if (e.person !== entry.id) continue;
    const end = e.ended_at ?? now;
    if (end < from) continue;
    const x0 = Math.max(0, x(e.started_at));
    const x1 = x(end);
    // Wide enough to see even when the episode is short against the range.
    const width = Math.max(3, x1 - x0);
    svg.append(s("rect", { class: "episode-span", x: x0, y: 0, width, height: H, "data-episode": e.id }));
    svg.append(s("rect", { class: "episode-bar", x: x0, y: 0, width, height: 6 }));
    if (e.started_at >= from)
      svg.append(s("line", { class: "episode-start", x1: x0, x2: x0, y1: 0, y2: H, "data-episode": e.id }));
    if (e.ended_at !== undefined)
      svg.append(s("line", { class: "episode-end", x1: x1, x2: x1, y1: 0, y2: H, "data-episode": e.id }));
  }
  const pts = entry.series.filter((p) => p.t >= from);
  entry.series = pts;
  const gap = Math.max(3 * entry.bucketMs, 10 * 60_000);
  let d = "";
  let prev;
  for (const p of pts) {
    d += `${prev === undefined || p.t - prev > gap ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.score).toFixed(1)}`;
    prev = p.t;
  }
  if (d) svg.append(s("path", { class: "line", d, "vector-effect": "non-scaling-stroke" }));
  const last = pts[pts.length - 1];
  if (last) svg.append(s("circle", { class: "dot", cx: x(last.t), cy: y(last.score), r: 4 }));
  svg.setAttribute("data-points", String(pts.length));
  svg.setAttribute("data-last-score", last ? String(Math.round(last.score)) : "");
  svg.setAttribute("data-range-ms", String(Math.round(rangeMs)));
  svg.setAttribute("aria-label", `${entry.name}'s stress from ${clock(from)} to now`);
  entry.view.axis.replaceChildren(
    h("span", {}, clock(from)),
    h("span", {}, clock(from + rangeMs / 2)),
    h("span", {}, "now"),
  );
}

async function loadPeople() {
  const people = await api("api/people");
  if (people.length === 0) {
    $("people").replaceChildren(
      h("p", { class: "card empty" }, "No one yet. Readings on calm/<person>/wearable appear here."),
    );
  }
  await Promise.all(
    people.map(async (p) => {
      const entry = upsertPerson(p);
      await loadReadings(entry);
    }),
  );
}

const hasValue = (r) => (r.score ?? r.vendor_stress) !== null && (r.score ?? r.vendor_stress) !== undefined;

/** For "Fit": narrow down where the person's data starts (a week, then that span), so the window hugs it. */
async function fitHours(path) {
  let hours = MAX_HOURS;
  for (let i = 0; i < 2; i++) {
    const probe = await api(`${path}?hours=${hours}&points=360`);
    const first = probe.points.find(hasValue);
    if (!first) return i === 0 ? 6 : hours;
    hours = Math.min(MAX_HOURS, Math.max(MIN_HOURS, ((Date.now() - first.t) * 1.05) / 3_600_000));
  }
  return hours;
}

async function loadReadings(entry) {
  const id = encodeURIComponent(entry.id);
  const path = `api/people/${id}/readings`;
  const choice = RANGES.find((r) => r.id === state.range) ?? RANGES[0];
  const [hours, personState] = await Promise.all([
    choice.hours ?? fitHours(path),
    api(`api/people/${id}/state`).catch(() => null),
  ]);
  if (personState) entry.room = personState.room;
  const readings = await api(`${path}?hours=${hours}&points=${POINTS}`);
  entry.rangeMs = hours * 3_600_000;
  entry.bucketMs = readings.bucket_ms;
  if (readings.bands) bands = readings.bands;
  const history = [];
  for (const r of readings.points) {
    const v = r.score ?? r.vendor_stress;
    if (v !== null && v !== undefined) history.push({ t: r.t + readings.bucket_ms / 2, score: v });
  }
  // Live points that arrived while the history loaded stay.
  const lastHistory = history.length ? history[history.length - 1].t : 0;
  entry.series = [...history, ...entry.series.filter((q) => q.t > lastHistory)];
  renderPerson(entry);
}

function renderRangeControl() {
  const group = $("range");
  group.replaceChildren(
    h("span", { class: "range-label" }, "Charts"),
    ...RANGES.map((r) => {
      const b = h(
        "button",
        { type: "button", class: "chip", "data-range": r.id, "aria-pressed": String(r.id === state.range) },
        r.label,
      );
      b.addEventListener("click", () => chooseRange(r.id));
      return b;
    }),
  );
}

async function chooseRange(id) {
  state.range = id;
  localStorage.setItem(RANGE_KEY, id);
  renderRangeControl();
  try {
    await Promise.all([...state.people.values()].map((entry) => loadReadings(entry)));
  } catch (err) {
    if (err instanceof Unauthorized) return forgetToken("The token is no longer accepted.");
  }
}

function onStress(ev) {
  const entry = upsertPerson({ id: ev.person, name: ev.person });
  entry.current = { ...ev };
  entry.series.push({ t: ev.at, score: ev.score });
  entry.series.sort((a, b) => a.t - b.t);
  renderPerson(entry);
}

// --- episodes -------------------------------------------------------------------------------------

function nameOf(person) {
  return state.people.get(person)?.name ?? person;
}

// "breathing guide: 7.5 → 6 breaths/min": the guide's own paces, never a reading.
function breathingWords(b) {
  if (!b) return "";
  const bpm = (n) => String(Math.round(n * 100) / 100);
  if (b.state === "stopped") return `breathing guide stopped${b.why ? `: ${b.why}` : ""}`;
  const follow = b.following === false ? " · slowing gently" : "";
  return `breathing guide: ${bpm(b.from_bpm)} → ${bpm(b.pace_bpm)} breaths/min (toward ${bpm(b.target_bpm)})${follow}`;
}

function renderEpisodes() {
  const list = $("episodes");
  const running = state.episodes.filter((e) => e.ended_at === undefined);
  const recent = state.episodes.filter((e) => e.ended_at !== undefined).slice(0, 3);
  list.replaceChildren();
  if (running.length === 0) list.append(h("li", { class: "empty" }, "No calm episode running."));
  for (const e of running) {
    const button = h("button", { type: "button", "data-episode-id": e.id }, "Stop");
    button.addEventListener("click", () => stopEpisode(e, button));
    list.append(
      h(
        "li",
        { "data-episode": e.id, "data-state": e.state },
        h(
          "span",
          { class: "grow" },
          `${nameOf(e.person)} · ${roomName(e.room)}`,
          h("span", { class: "sub" }, `since ${clock(e.started_at)} — ${e.reason}`),
          ...(e.breathing ? [h("span", { class: "sub breathing" }, breathingWords(e.breathing))] : []),
        ),
        button,
      ),
    );
  }
  for (const e of recent) {
    list.append(
      h(
        "li",
        { class: "done", "data-episode": e.id, "data-state": e.state },
        h(
          "span",
          { class: "grow" },
          `${nameOf(e.person)} · ${roomName(e.room)}`,
          h(
            "span",
            { class: "sub" },
            `${clock(e.started_at)}–${clock(e.ended_at)} · ended: ${e.ended_why ?? END_WORDS[e.end_reason] ?? e.state}`,
          ),
        ),
      ),
    );
  }
  for (const entry of state.people.values()) renderChart(entry);
}

async function stopEpisode(e, button) {
  button.disabled = true;
  button.textContent = "Stopping…";
  try {
    const res = await api(`api/episodes/${encodeURIComponent(e.id)}/stop`, { method: "POST" });
    if (res.episode) mergeEpisode(res.episode);
    else await loadEpisodes();
  } catch (err) {
    if (err instanceof Unauthorized) return forgetToken("The token is no longer accepted.");
    button.disabled = false;
    button.textContent = "Stop";
    button.title = err.message;
    await loadEpisodes();
  }
}

function mergeEpisode(e) {
  const i = state.episodes.findIndex((x) => x.id === e.id);
  // Episode events do not carry the guide; it comes with its own events.
  if (i >= 0) state.episodes[i] = { breathing: state.episodes[i].breathing, ...e };
  else state.episodes.unshift(e);
  renderEpisodes();
}

async function loadEpisodes() {
  state.episodes = await api("api/episodes");
  renderEpisodes();
}

// --- schedule, rules, actions, controls -----------------------------------------------------------

async function loadSchedule() {
  const list = $("schedule");
  let entries;
  try {
    entries = await api("api/schedule?days=1");
  } catch (err) {
    if (err instanceof Unauthorized) throw err;
    list.replaceChildren(
      h(
        "li",
        { class: "empty" },
        err.status === 409
          ? "The home's location is not known yet, so no wind-down is planned."
          : err.message,
      ),
    );
    return;
  }
  list.replaceChildren();
  if (entries.length === 0) list.append(h("li", { class: "empty" }, "No wind-down tonight."));
  for (const w of entries) {
    const anchor = anchorWords(w);
    list.append(
      h(
        "li",
        { "data-room": w.room },
        h("span", { class: "time" }, `${clock(Date.parse(w.start))} → ${clock(Date.parse(w.end))}`),
        h("span", { class: "grow" }, roomName(w.room), h("span", { class: "sub" }, anchor)),
      ),
    );
  }
}

/**
 * What the wind-down's start is tied to, with its times in the page's format. The hub's own note (written for the
 * terminal, in the home's clock) is used only for the rare cases this does not cover (polar days, DST gaps).
 */
function anchorWords(w) {
  if (w.anchor.type === "bedtime") return w.note ?? `bedtime ${clock(Date.parse(w.anchor.at))}`;
  const offset = w.anchor.offset_min
    ? ` ${w.anchor.offset_min > 0 ? "+" : "−"}${Math.abs(w.anchor.offset_min)} min`
    : "";
  const sun = `${w.anchor.event.replaceAll("_", " ")}${offset}`;
  if (!w.anchor.at) return w.note ?? sun;
  const plain = clock(Date.parse(w.anchor.at) + w.anchor.offset_min * 60_000);
  if (w.note?.startsWith("clamped to earliest"))
    return `${sun} would be ${plain}; starts at the earliest allowed`;
  if (w.note?.startsWith("clamped to latest"))
    return `${sun} would be ${plain}; starts at the latest allowed`;
  return w.note ?? `${sun}, ${plain}`;
}

/** The past week's and tonight's wind-downs, to mark them on the charts. */
async function loadWindDowns() {
  const from = new Date(Date.now() - 7 * 86_400_000);
  const day = `${from.getFullYear()}-${String(from.getMonth() + 1).padStart(2, "0")}-${String(from.getDate()).padStart(2, "0")}`;
  try {
    state.windDowns = await api(`api/schedule?from=${day}&days=9`);
  } catch (err) {
    if (err instanceof Unauthorized) throw err;
    state.windDowns = [];
  }
  for (const entry of state.people.values()) renderChart(entry);
}

async function loadRooms() {
  const rooms = await api("api/rooms");
  state.rooms = new Map(rooms.map((r) => [r.id, r.name]));
}

async function loadRules() {
  const rules = await api("api/rules");
  const list = $("rules");
  list.replaceChildren();
  if (rules.length === 0) list.append(h("li", { class: "empty" }, "No rules yet."));
  for (const entry of rules) {
    const rule = entry.rule;
    const input = h("input", {
      type: "checkbox",
      role: "switch",
      "data-rule": rule.id,
      checked: rule.enabled,
    });
    input.addEventListener("change", async () => {
      input.disabled = true;
      try {
        await api(`api/rules/${encodeURIComponent(rule.id)}`, {
          method: "PUT",
          body: { ...rule, enabled: input.checked },
        });
        rule.enabled = input.checked;
      } catch (err) {
        if (err instanceof Unauthorized) return forgetToken("The token is no longer accepted.");
        input.checked = rule.enabled;
        input.title = err.message;
      } finally {
        input.disabled = false;
      }
    });
    list.append(
      h(
        "li",
        {},
        h(
          "label",
          { class: "switch grow" },
          input,
          h("span", { class: "track", "aria-hidden": "true" }),
          h("span", {}, rule.id, h("span", { class: "sub" }, rule.description ?? "")),
        ),
      ),
    );
  }
}

/** What a recipe does, in a few words: "lights 25 %, 2200 K · rain · breathing guide · no friend nudge". */
function recipeWords(r) {
  const light =
    r.light === "unchanged"
      ? "lights left as they are"
      : [
          r.light.brightness_pct === undefined ? "the usual dim" : `lights ${r.light.brightness_pct} %`,
          r.light.color_temp_kelvin === undefined ? "" : `${r.light.color_temp_kelvin} K`,
        ]
          .filter(Boolean)
          .join(", ");
  return [
    light,
    r.soundscape === null ? "no sound" : r.soundscape.replaceAll("_", " "),
    r.breathing_pacer ? "breathing guide" : "",
    r.friend_nudge ? "" : "no friend nudge",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The recipes and, per person, how many episodes used each and how soon they were calm (GET api/recipes). */
async function loadRecipes() {
  const recipes = await api("api/recipes");
  const list = $("recipes");
  list.replaceChildren();
  for (const r of recipes) {
    const runs = r.people.map(
      (p) =>
        `${nameOf(p.person)}: ${p.runs} run${p.runs === 1 ? "" : "s"}${
          p.mean_minutes_to_calm === null
            ? ""
            : `, calm in ${Math.round(p.mean_minutes_to_calm)} min on average`
        }`,
    );
    list.append(
      h(
        "li",
        { "data-recipe": r.id },
        h(
          "span",
          { class: "grow" },
          r.title,
          h("span", { class: "sub" }, recipeWords(r.recipe)),
          h("span", { class: "sub" }, runs.length ? runs.join("; ") : "not used yet"),
        ),
        h("span", { class: "sub" }, r.source === "config" ? "config file" : "added in the API"),
      ),
    );
  }
}

// One line per decision: why, and what it did; its calls fold out beneath. Times are the browser's local time,
// like every other time on the page.
function decisionItem(g) {
  const open = state.openDecisions?.has(g.id);
  const details = h(
    "details",
    { open },
    h("summary", {}, h("span", { class: "time" }, clock(g.at)), h("span", { class: "what" }, g.summary)),
    h(
      "ol",
      { class: "calls" },
      ...g.calls.map((c) =>
        h(
          "li",
          { "data-result": c.result },
          h("span", { class: "time" }, clock(c.at)),
          h("span", {}, c.text),
        ),
      ),
    ),
  );
  details.addEventListener("toggle", () => {
    state.openDecisions ??= new Set();
    if (details.open) state.openDecisions.add(g.id);
    else state.openDecisions.delete(g.id);
  });
  return h("li", { "data-result": g.result, "data-kind": g.kind, "data-decision": g.id }, details);
}

async function loadActions() {
  let res = await api(`api/decisions?page=${state.actionPage}&per_page=${PER_PAGE}`);
  if (state.actionPage > res.pages) {
    state.actionPage = res.pages;
    res = await api(`api/decisions?page=${state.actionPage}&per_page=${PER_PAGE}`);
  }
  const list = $("actions");
  list.replaceChildren(...res.groups.map(decisionItem));
  if (res.groups.length === 0)
    list.append(h("li", { class: "empty" }, "Nothing yet. When the hub acts, it is explained here."));
  const newer = h("button", { type: "button", class: "quiet", disabled: res.page <= 1 }, "← Newer");
  const older = h("button", { type: "button", class: "quiet", disabled: res.page >= res.pages }, "Older →");
  newer.addEventListener("click", () => turnPage(-1));
  older.addEventListener("click", () => turnPage(1));
  $("actions-pager").replaceChildren(
    newer,
    h("span", { class: "page" }, `Page ${res.page} of ${res.pages}`),
    older,
  );
  $("actions-pager").hidden = res.pages <= 1;
}

async function turnPage(step) {
  state.actionPage = Math.max(1, state.actionPage + step);
  try {
    await loadActions();
  } catch (err) {
    if (err instanceof Unauthorized) forgetToken("The token is no longer accepted.");
  }
}

// A decision's calls arrive one by one: reload its page once they have settled, not once per call.
function onAction() {
  clearTimeout(state.actionReload);
  state.actionReload = setTimeout(() => {
    if (state.actionPage === 1) void loadActions().catch(() => {});
  }, 250);
}

function showControls(c) {
  $("paused").checked = c.paused;
  $("mode").value = c.mode;
  $("paused-note").hidden = !c.paused;
}

async function loadControls() {
  showControls(await api("api/controls"));
}

async function putControls(change) {
  try {
    showControls(await api("api/controls", { method: "PUT", body: change }));
  } catch (err) {
    if (err instanceof Unauthorized) return forgetToken("The token is no longer accepted.");
    await loadControls();
  }
}

$("paused").addEventListener("change", () => putControls({ paused: $("paused").checked }));
$("mode").addEventListener("change", () => putControls({ mode: $("mode").value }));

async function loadHealth() {
  const link = $("link");
  try {
    const res = await fetch("api/health");
    const hh = await res.json();
    const words = [];
    if (hh.mqtt !== "online") words.push(`MQTT ${hh.mqtt}`);
    if (hh.home_assistant !== "online") words.push(`Home Assistant ${hh.home_assistant}`);
    link.dataset.state = hh.status;
    link.textContent = words.length ? words.join(" · ") : "All connected";
  } catch {
    link.dataset.state = "unknown";
    link.textContent = "Hub not reachable";
  }
}

// --- live stream ----------------------------------------------------------------------------------

function stopLive() {
  state.live?.abort();
  state.live = undefined;
  for (const t of state.timers) clearInterval(t);
  state.timers = [];
}

function handleEvent(name, data) {
  if (name === "stress") onStress(data);
  else if (name === "action") onAction(data);
  else if (name === "episode") {
    mergeEpisode(data);
    if (data.state === "ended") void loadRecipes().catch(() => {});
  } else if (name === "control") showControls(data);
  else if (name === "breathing") onBreathing(data);
}

function onBreathing(b) {
  const e = state.episodes.find((x) => x.id === b.episode_id);
  if (!e) return;
  e.breathing = {
    ...(e.breathing ?? {}),
    ...b,
    state: b.phase === "stopped" ? "stopped" : "running",
    why: b.why ?? null,
  };
  renderEpisodes();
}

// The event types the page shows; the stream sends only these.
const LIVE_TYPES = "stress,action,episode,control,breathing";

async function runLive(controller) {
  // The id of the last event seen: after a reconnect the hub first sends what was missed in between.
  let lastId;
  while (!controller.signal.aborted) {
    try {
      const headers = { authorization: `Bearer ${state.token}`, accept: "text/event-stream" };
      if (lastId !== undefined) headers["last-event-id"] = lastId;
      const res = await fetch(`api/stream?types=${LIVE_TYPES}`, { headers, signal: controller.signal });
      if (res.status === 401) return forgetToken("The token is no longer accepted.");
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      document.body.dataset.live = "open";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf("\n\n");
          let name = "message";
          let data = "";
          for (const line of frame.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("id:")) lastId = line.slice(3).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }
          if (data) handleEvent(name, JSON.parse(data));
        }
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      console.warn("live stream interrupted:", err.message);
    }
    document.body.dataset.live = "closed";
    // Reconnect after a pause, then refresh what may have been missed.
    await new Promise((r) => setTimeout(r, 3000));
    if (!controller.signal.aborted) await refresh().catch(() => {});
  }
}

// --- insights -------------------------------------------------------------------------------------

const WEEKDAY_SHORT = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

async function loadInsights() {
  const people = await api("api/people");
  const blocks = await Promise.all(
    people.map(async (p) =>
      insightBlock(p, await api(`api/people/${encodeURIComponent(p.id)}/insights?days=7`)),
    ),
  );
  $("insights").replaceChildren(...blocks);
}

function insightBlock(p, ins) {
  return h(
    "article",
    { class: "insight", "data-insight-person": p.id, "aria-label": `${p.name}'s week` },
    h("h3", {}, `${p.name}: ${ins.from} – ${ins.to}`),
    h("p", {}, ins.week.words),
    heatmap(ins),
    h("p", { class: "note" }, ins.busiest.words),
    recipeBars(ins.recipes),
    h("ul", { class: "relations" }, ...ins.relations.map(relationItem)),
  );
}

/** Days down, hours across: the darker, the more of that hour was high stress. */
function heatmap(ins) {
  const cell = 12;
  const left = 34;
  const top = 14;
  const svg = s("svg", {
    class: "heatmap",
    viewBox: `0 0 ${left + 24 * cell} ${top + 7 * cell}`,
    role: "img",
    "aria-label": `High stress by weekday and hour, ${ins.from} to ${ins.to}`,
  });
  for (const hr of [0, 6, 12, 18]) {
    const t = s("text", { x: left + hr * cell, y: 10, class: "axis" });
    t.textContent = String(hr).padStart(2, "0");
    svg.append(t);
  }
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  days.forEach((d, row) => {
    const t = s("text", { x: 0, y: top + row * cell + 9, class: "axis" });
    t.textContent = WEEKDAY_SHORT[d];
    svg.append(t);
  });
  for (const c of ins.heatmap) {
    const row = days.indexOf(c.weekday);
    const rect = s("rect", {
      x: left + c.hour * cell,
      y: top + row * cell,
      width: cell - 1,
      height: cell - 1,
      class: c.high_share === null ? "cell empty" : "cell",
      "data-share": c.high_share ?? "",
      ...(c.high_share === null ? {} : { "fill-opacity": (0.12 + 0.88 * c.high_share).toFixed(2) }),
    });
    const title = s("title", {});
    title.textContent =
      c.high_share === null
        ? `${WEEKDAY_SHORT[c.weekday]} ${c.hour}:00 – no readings`
        : `${WEEKDAY_SHORT[c.weekday]} ${c.hour}:00 – high ${Math.round(c.high_share * 100)} % of the time`;
    rect.append(title);
    svg.append(rect);
  }
  return svg;
}

/** One bar per recipe: its mean minutes to calm (shorter is better). */
function recipeBars(recipes) {
  if (recipes.length === 0) return h("p", { class: "note" }, "No calm recipes have run yet.");
  const rowH = 18;
  const width = 300;
  const max = Math.max(1, ...recipes.map((r) => r.mean_minutes_to_calm ?? 0));
  const svg = s("svg", {
    class: "bars",
    viewBox: `0 0 ${width} ${recipes.length * rowH}`,
    role: "img",
    "aria-label": "Minutes until calm, by calm recipe",
  });
  recipes.forEach((r, i) => {
    const label = s("text", { x: 0, y: i * rowH + 12, class: "axis" });
    label.textContent = r.title;
    const w = r.mean_minutes_to_calm === null ? 0 : (r.mean_minutes_to_calm / max) * (width - 170);
    const bar = s("rect", {
      x: 120,
      y: i * rowH + 3,
      width: Math.max(1, w),
      height: rowH - 6,
      class: "bar",
      "data-recipe": r.recipe_id,
    });
    const title = s("title", {});
    const words =
      r.mean_minutes_to_calm === null
        ? "never calm within its run"
        : `calm in ${r.mean_minutes_to_calm} min on average`;
    title.textContent = `${r.title}: ${words}, ${r.runs} runs`;
    bar.append(title);
    const value = s("text", { x: 124 + w, y: i * rowH + 12, class: "axis" });
    value.textContent =
      r.mean_minutes_to_calm === null ? `– (${r.runs})` : `${r.mean_minutes_to_calm} min (${r.runs})`;
    svg.append(label, bar, value);
  });
  return svg;
}

function relationItem(rel) {
  const li = h(
    "li",
    { class: rel.holds ? "holds" : "thin", "data-relation": rel.id },
    h("strong", {}, `${rel.title}: `),
    rel.words,
  );
  if (rel.holds) li.append(scatter(rel));
  return li;
}

function scatter(rel) {
  const w = 160;
  const hgt = 90;
  const xs = rel.points.map((p) => p[0]);
  const ys = rel.points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const svg = s("svg", {
    class: "scatter",
    viewBox: `0 0 ${w} ${hgt}`,
    role: "img",
    "aria-label": `${rel.title}: ${rel.days} days`,
  });
  for (const [x, y] of rel.points)
    svg.append(
      s("circle", {
        cx: 6 + ((x - x0) / (x1 - x0 || 1)) * (w - 12),
        cy: hgt - 6 - ((y - y0) / (y1 - y0 || 1)) * (hgt - 12),
        r: 2.5,
        class: "dot",
      }),
    );
  return svg;
}

// --- start ----------------------------------------------------------------------------------------

async function refresh() {
  await loadRooms();
  await Promise.all([
    loadControls(),
    loadPeople(),
    loadEpisodes(),
    loadSchedule(),
    loadWindDowns(),
    loadRules(),
    loadRecipes(),
    loadActions(),
    loadHealth(),
    loadInsights(),
  ]);
}

async function start() {
  $("link").textContent = "Connecting…";
  renderRangeControl();
  $("app").hidden = false;
  $("logout").hidden = false;
  try {
    await refresh();
  } catch (err) {
    if (err instanceof Unauthorized) return forgetToken("The token is no longer accepted. Paste it again.");
    $("link").textContent = `Could not load: ${err.message}`;
  }
  stopLive();
  const controller = new AbortController();
  state.live = controller;
  void runLive(controller);
  // Time moves even without readings: redraw charts and re-check the links now and then.
  state.timers.push(
    setInterval(() => {
      for (const entry of state.people.values()) renderChart(entry);
    }, 60_000),
    setInterval(loadHealth, 30_000),
  );
}

if (state.token) void start();
else showLogin();
