// Calm Hub dashboard. Plain browser JavaScript, no build step, nothing loaded from elsewhere.
// Data comes from the hub's API with the bearer token; updates arrive on /api/stream (server-sent events,
// read with fetch so that the token travels in a header, never in a URL).

const TOKEN_KEY = "calm-hub.token";
const HOURS = 6;
const POINTS = 180;
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
  episodes: [],
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

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
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
    "aria-label": `${p.name}'s stress over the last ${HOURS} hours`,
    "data-points": 0,
  });
  const axis = h(
    "div",
    { class: "axis", "aria-hidden": "true" },
    h("span", {}, `${HOURS} h ago`),
    h("span", {}, `${HOURS / 2} h ago`),
    h("span", {}, "now"),
  );
  const legend = h(
    "div",
    { class: "legend", "aria-hidden": "true" },
    h("span", { class: "l-calm" }, "calm"),
    h("span", { class: "l-elevated" }, "elevated"),
    h("span", { class: "l-high" }, "high"),
    h("span", { class: "l-episode" }, "calm episode"),
  );
  const card = h(
    "article",
    { class: "card person", "data-person": p.id },
    h("header", {}, h("h3", {}, p.name), level, score),
    reason,
    svg,
    axis,
    legend,
  );
  return { card, score, level, reason, svg };
}

function upsertPerson(p) {
  let entry = state.people.get(p.id);
  if (!entry) {
    entry = {
      id: p.id,
      name: p.name ?? p.id,
      current: null,
      series: [],
      bucketMs: (HOURS * 3_600_000) / POINTS,
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

function renderChart(entry) {
  const svg = entry.view.svg;
  const now = Date.now();
  const from = now - HOURS * 3_600_000;
  const x = (t) => ((t - from) / (now - from)) * W;
  const y = (v) => H - (Math.max(0, Math.min(100, v)) / 100) * H;
  svg.replaceChildren();
  for (const b of bandRows()) {
    svg.append(
      s("rect", { class: `band-${b.level}`, x: 0, y: y(b.to), width: W, height: y(b.from) - y(b.to) }),
    );
  }
  for (const e of state.episodes) {
    if (e.person !== entry.id) continue;
    const end = e.ended_at ?? now;
    if (end < from) continue;
    const x0 = Math.max(0, x(e.started_at));
    const x1 = x(end);
    svg.append(s("rect", { class: "episode-span", x: x0, y: 0, width: Math.max(1, x1 - x0), height: H }));
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
      const readings = await api(
        `api/people/${encodeURIComponent(p.id)}/readings?hours=${HOURS}&points=${POINTS}`,
      );
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
    }),
  );
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
          `${nameOf(e.person)} · ${e.room}`,
          h("span", { class: "sub" }, `since ${clock(e.started_at)} — ${e.reason}`),
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
        `${nameOf(e.person)} · ${e.room}: ${clock(e.started_at)}–${clock(e.ended_at)} (${e.state})`,
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
  if (i >= 0) state.episodes[i] = e;
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
    const anchor =
      w.anchor.type === "bedtime"
        ? `bedtime ${w.anchor.at.slice(11, 16)}`
        : `${w.anchor.event.replaceAll("_", " ")}${w.anchor.offset_min ? ` ${w.anchor.offset_min > 0 ? "+" : "−"}${Math.abs(w.anchor.offset_min)} min` : ""}`;
    list.append(
      h(
        "li",
        {},
        h("span", { class: "time" }, `${w.start.slice(11, 16)} → ${w.end.slice(11, 16)}`),
        h("span", { class: "grow" }, w.room, h("span", { class: "sub" }, w.note ?? anchor)),
      ),
    );
  }
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

// The summary says what and why; the time is the browser's local time, like every other time on the page.
function actionItem(a) {
  return h(
    "li",
    { "data-result": a.result, "data-key": a.key },
    h("span", { class: "time" }, clock(a.at)),
    h("span", { class: "grow" }, a.summary),
  );
}

async function loadActions() {
  const actions = await api("api/actions?limit=15");
  const list = $("actions");
  list.replaceChildren(...actions.map(actionItem));
  if (actions.length === 0)
    list.append(h("li", { class: "empty" }, "Nothing yet. When a rule acts, it is explained here."));
}

function onAction(a) {
  const list = $("actions");
  // A replayed event (after a reconnect) may already be in the list the refresh loaded.
  if ([...list.children].some((li) => li.dataset.key === a.key)) return;
  list.querySelector(".empty")?.remove();
  list.prepend(actionItem(a));
  while (list.children.length > 30) list.lastElementChild.remove();
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
  else if (name === "episode") mergeEpisode(data);
  else if (name === "control") showControls(data);
}

// The event types the page shows; the stream sends only these.
const LIVE_TYPES = "stress,action,episode,control";

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

// --- start ----------------------------------------------------------------------------------------

async function refresh() {
  await Promise.all([
    loadControls(),
    loadPeople(),
    loadEpisodes(),
    loadSchedule(),
    loadRules(),
    loadActions(),
    loadHealth(),
  ]);
}

async function start() {
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
