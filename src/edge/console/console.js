// The operator's console, served by the worker at /admin/ (the Content-Security-Policy allows
// only this file: no inline script, no framework). The token stays in sessionStorage and is
// sent only as a bearer header to this worker's /admin/ API. Everything that came from outside
// (event bodies, types, details, error words) is put on the page as text nodes, never as HTML.

const TOKEN_KEY = "mediahook-admin-token";
const $ = (id) => document.getElementById(id);
const PALETTE = ["#2f6fd1", "#1d9a6c", "#d18f2f", "#8b5cc4", "#c4473a", "#4aa3b5", "#7d8a2e", "#b5487e", "#6b7280"];

/** An element with text children (strings become text nodes) and attributes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

const svgEl = (tag, attrs = {}) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};

const ago = (ms, now) => {
  if (ms === undefined) return "never";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
};

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) },
    cache: "no-store",
    redirect: "error",
  });
  if (res.status === 401) throw new Unauthorized("the worker refused the token");
  const body = await res.json().catch(() => ({}));
  if (!res.ok && res.status !== 404 && res.status !== 207) throw new Error(body.error ?? `HTTP ${res.status}`);
  return { status: res.status, body };
}

// ---- sign-in ----

function showSignIn(message = "") {
  $("console").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message;
  document.documentElement.dataset.state = message ? "refused" : "signed-out";
}

async function open() {
  try {
    await refresh();
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("sign-out").hidden = false;
    document.documentElement.dataset.state = "open";
    await loadLetters(true);
  } catch (e) {
    if (e instanceof Unauthorized) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn("The worker refused this token.");
    } else {
      showSignIn(`The worker could not be read: ${e.message}`);
    }
  }
}

// ---- health and charts ----

let stats = null;

async function refresh() {
  const minutes = $("window").value;
  stats = (await api(`/admin/stats?minutes=${encodeURIComponent(minutes)}`)).body;
  const now = stats.now_ms;
  $("config").textContent =
    `${stats.delivery} mode · providers: ${stats.providers.join(", ") || "none"}` +
    (stats.sources.length ? ` · pull: ${stats.sources.join(", ")}` : "") +
    (stats.confirm.length ? ` · confirmed: ${stats.confirm.join(", ")}` : "");
  renderHealth(now);
  renderCharts(now, Number(minutes));
  renderTotals();
  $("updated").textContent = `read ${new Date(now).toLocaleTimeString()}`;
  const filter = $("filter-provider");
  if (filter.options.length === 1) for (const p of stats.providers) filter.append(el("option", {}, p));
  document.documentElement.dataset.statsAt = String(now);
}

function fact(key) {
  return stats.last[key];
}

function renderHealth(now) {
  const cards = [];
  const windowStart = now - Number($("window").value) * 60_000;
  for (const p of stats.providers) {
    const seen = fact(`provider.${p}.seen`);
    const verified = fact(`provider.${p}.verified`);
    const refused = fact(`provider.${p}.refused`);
    const failed = fact(`provider.${p}.failed`);
    let state = "ok";
    if (!seen || seen.at_ms < windowStart) state = "silent";
    else if (refused && (!verified || refused.at_ms > verified.at_ms)) state = "refusing";
    else if (failed && (!verified || failed.at_ms > verified.at_ms)) state = "failing";
    const words = {
      ok: "callbacks arrive and verify",
      silent: "no callback in the window",
      refusing: "the latest callbacks are refused",
      failing: "the latest callbacks could not be kept",
    };
    cards.push(
      el(
        "div",
        { class: "card", dataset: { provider: p, state } },
        el("h3", {}, p),
        el("p", { class: "state" }, words[state]),
        el("p", {}, `last callback: ${ago(seen?.at_ms, now)}${seen ? ` (${seen.value})` : ""}`),
        el("p", {}, `last verified: ${ago(verified?.at_ms, now)}`),
        refused ? el("p", { class: "refused" }, `last refused: ${ago(refused.at_ms, now)}: ${refused.value}`) : null,
        failed ? el("p", {}, `last not kept: ${ago(failed.at_ms, now)}: ${failed.value}`) : null,
      ),
    );
  }
  const delivered = fact("origin.delivered");
  const originFailed = fact("origin.failed");
  const originState =
    originFailed && (!delivered || originFailed.at_ms > delivered.at_ms) ? "failing" : delivered ? "ok" : "silent";
  cards.push(
    el(
      "div",
      { class: "card", dataset: { provider: "origin", state: originState } },
      el("h3", {}, "origin"),
      el(
        "p",
        { class: "state" },
        { ok: "takes events", failing: "the latest attempt failed", silent: "nothing delivered yet" }[originState],
      ),
      el("p", {}, `last delivered: ${ago(delivered?.at_ms, now)}`),
      originFailed ? el("p", {}, `last failure: ${ago(originFailed.at_ms, now)}: ${originFailed.value}`) : null,
    ),
  );
  for (const source of stats.sources) {
    const polled = fact(`source.${source}.polled`);
    const error = fact(`source.${source}.error`);
    const ok = fact(`source.${source}.ok`);
    const state = !polled ? "silent" : error && (!ok || error.at_ms > ok.at_ms) ? "failing" : "ok";
    cards.push(
      el(
        "div",
        { class: "card", dataset: { provider: source, state } },
        el("h3", {}, `pull ${source}`),
        el(
          "p",
          {},
          `last poll with events or an error: ${ago(polled?.at_ms, now)}${polled ? ` (${polled.value})` : ""}`,
        ),
        error ? el("p", {}, `last error: ${ago(error.at_ms, now)}: ${error.value}`) : null,
      ),
    );
  }
  const confirm = fact("confirm.failed");
  if (stats.confirm.length) {
    cards.push(
      el(
        "div",
        { class: "card", dataset: { provider: "confirm", state: confirm ? "degraded" : "ok" } },
        el("h3", {}, "confirmation"),
        el(
          "p",
          {},
          confirm ? `last lookup problem: ${ago(confirm.at_ms, now)}: ${confirm.value}` : "no lookup problem",
        ),
      ),
    );
  }
  $("health").replaceChildren(...cards);
  const oldest = stats.oldest_waiting_ms;
  $("backlog").textContent =
    stats.waiting > 0
      ? `${stats.waiting} event(s) waiting for a retry; the oldest was accepted ${Math.round(oldest / 1000)} s ago.`
      : "No event is waiting for a retry.";
}

/** Group a series name into a chart's category. */
function category(series, prefix) {
  const rest = series.slice(prefix.length);
  if (prefix === "callbacks.") {
    const [, outcome, code] = rest.split(".");
    return outcome === "rejected" ? `rejected: ${code}` : outcome;
  }
  return rest;
}

function stackedChart(target, now, minutes, prefix) {
  const first = Math.floor(now / 60_000) - minutes + 1;
  const columns = new Map();
  const cats = new Map();
  let total = 0;
  for (const m of stats.minutes) {
    const col = Math.floor(m.at_ms / 60_000) - first;
    if (col < 0 || col >= minutes) continue;
    for (const [series, n] of Object.entries(m.counts)) {
      if (!series.startsWith(prefix)) continue;
      const cat = category(series, prefix);
      if (!cats.has(cat)) cats.set(cat, PALETTE[cats.size % PALETTE.length]);
      const c = columns.get(col) ?? new Map();
      c.set(cat, (c.get(cat) ?? 0) + n);
      columns.set(col, c);
      total += n;
    }
  }
  const max = Math.max(1, ...[...columns.values()].map((c) => [...c.values()].reduce((a, b) => a + b, 0)));
  const svg = svgEl("svg", { viewBox: `0 0 ${minutes} 100`, preserveAspectRatio: "none", role: "img" });
  svg.append(svgEl("line", { x1: 0, y1: 100, x2: minutes, y2: 100, stroke: "#d9dee6", "stroke-width": 0.5 }));
  for (const [col, c] of columns) {
    let y = 100;
    for (const [cat, n] of c) {
      const h = (n / max) * 96;
      y -= h;
      const rect = svgEl("rect", { x: col + 0.1, y, width: 0.8, height: h, fill: cats.get(cat) });
      rect.append(svgEl("title"));
      rect.lastChild.textContent = `${new Date((first + col) * 60_000).toLocaleTimeString()} ${cat}: ${n}`;
      svg.append(rect);
    }
  }
  const legend = el(
    "div",
    { class: "legend" },
    ...[...cats].map(([cat, color]) => {
      const swatch = el("i");
      swatch.style.background = color;
      const count = [...columns.values()].reduce((a, c) => a + (c.get(cat) ?? 0), 0);
      return el("span", { dataset: { category: cat, count: String(count) } }, swatch, `${cat} (${count})`);
    }),
  );
  target.dataset.total = String(total);
  target.replaceChildren(
    svg,
    legend,
    el("p", { class: "muted" }, `${minutes} min ago → now: ${total} in the window, at most ${max} a minute`),
  );
}

function delayChart(target, now, minutes) {
  const first = Math.floor(now / 60_000) - minutes + 1;
  const points = stats.minutes
    .filter((m) => m.delay_p50_ms !== undefined)
    .map((m) => ({ col: Math.floor(m.at_ms / 60_000) - first, p50: m.delay_p50_ms, p99: m.delay_p99_ms }))
    .filter((p) => p.col >= 0 && p.col < minutes);
  const max = Math.max(1, ...points.map((p) => p.p99));
  const svg = svgEl("svg", { viewBox: `0 0 ${minutes} 100`, preserveAspectRatio: "none", role: "img" });
  for (const [key, color] of [
    ["p99", "#c4473a"],
    ["p50", "#2f6fd1"],
  ]) {
    const y = (p) => 100 - (p[key] / max) * 96;
    const d = points.map((p) => `${p.col + 0.5},${y(p)}`).join(" ");
    if (points.length > 1)
      svg.append(
        svgEl("polyline", {
          points: d,
          fill: "none",
          stroke: color,
          "stroke-width": 1,
          "vector-effect": "non-scaling-stroke",
        }),
      );
    // A mark per minute (a lone minute has no line to draw).
    for (const p of points)
      svg.append(svgEl("rect", { x: p.col + 0.1, y: y(p) - 1, width: 0.8, height: 2, fill: color }));
  }
  target.dataset.points = String(points.length);
  const overall =
    stats.delay_p50_ms === undefined
      ? "nothing delivered in the window"
      : `p50 ${stats.delay_p50_ms} ms, p99 ${stats.delay_p99_ms} ms over the window (the largest p99 a minute: ${max} ms)`;
  const key = (name, color) => {
    const swatch = el("i");
    swatch.style.background = color;
    return el("span", {}, swatch, name);
  };
  const legend = el("div", { class: "legend" }, key("p50", "#2f6fd1"), key("p99", "#c4473a"));
  target.replaceChildren(svg, legend, el("p", { class: "muted" }, overall));
}

function renderCharts(now, minutes) {
  stackedChart($("chart-callbacks"), now, minutes, "callbacks.");
  stackedChart($("chart-deliveries"), now, minutes, "deliveries.");
  delayChart($("chart-delay"), now, minutes);
}

function renderTotals() {
  const rows = Object.entries(stats.totals).map(([series, n]) =>
    el("tr", { dataset: { series } }, el("td", {}, series), el("td", {}, String(n))),
  );
  $("totals").tBodies[0].replaceChildren(...rows);
}

// ---- dead letters ----

let cursor = null;

function letterQuery() {
  const q = new URLSearchParams({ limit: "50" });
  for (const [name, id] of [
    ["provider", "filter-provider"],
    ["type", "filter-type"],
    ["reason", "filter-reason"],
  ]) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  if (cursor) q.set("cursor", cursor);
  return q;
}

async function loadLetters(reset) {
  if (reset) cursor = null;
  const { body } = await api(`/admin/dead-letters?${letterQuery()}`);
  const rows = body.items.map(letterRow);
  if (reset) $("letters").tBodies[0].replaceChildren(...rows);
  else $("letters").tBodies[0].append(...rows);
  cursor = body.next ?? null;
  $("more").hidden = !cursor;
  const count = $("letters").tBodies[0].rows.length;
  $("letters-status").textContent = count ? `${count} shown` : "No dead letters match.";
  document.documentElement.dataset.letters = String(count);
}

function letterRow(letter) {
  const pick = el("input", { type: "checkbox", "aria-label": `select ${letter.id}` });
  pick.dataset.id = letter.id;
  const show = el("button", { type: "button", class: "show" }, "Show");
  const again = el("button", { type: "button", class: "redeliver" }, "Redeliver");
  const drop = el("button", { type: "button", class: "delete" }, "Delete");
  show.addEventListener("click", () => showLetter(letter.id));
  again.addEventListener("click", () => redeliver([letter.id]));
  drop.addEventListener("click", () => remove(letter.id));
  return el(
    "tr",
    { dataset: { id: letter.id, state: letter.state, reason: letter.reason } },
    el("td", {}, pick),
    el("td", {}, new Date(letter.died_ms).toLocaleString()),
    el("td", {}, letter.provider),
    el("td", {}, letter.type),
    el("td", {}, letter.reason),
    el("td", { class: "detail" }, letter.detail),
    el("td", { class: "state" }, letter.state),
    el("td", {}, show, " ", again, " ", drop),
  );
}

async function showLetter(id) {
  const { status, body } = await api(`/admin/dead-letters/${encodeURIComponent(id)}`);
  $("letter").hidden = false;
  $("letter-id").textContent = id;
  if (status === 404) {
    $("letter-tree").replaceChildren(el("p", {}, "This letter is gone (delivered or deleted)."));
    return;
  }
  let value;
  try {
    value = JSON.parse(body.body ?? "null");
  } catch {
    // Not JSON: shown as the text it is.
    $("letter-tree").replaceChildren(el("div", { class: "leaf" }, body.body));
    return;
  }
  $("letter-tree").replaceChildren(tree(value, "event", true));
  $("letter").dataset.shown = id;
}

/** A JSON value as nested <details>, every key and value a text node. */
function tree(value, key, open = false) {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const node = el(
      "details",
      {},
      el(
        "summary",
        {},
        el("span", { class: "key" }, key),
        Array.isArray(value) ? ` [${entries.length}]` : ` {${entries.length}}`,
      ),
    );
    node.open = open;
    node.append(...entries.map(([k, v]) => tree(v, k)));
    return node;
  }
  const kind = typeof value === "string" ? "str" : typeof value === "number" ? "num" : "lit";
  return el(
    "div",
    { class: "leaf" },
    el("span", { class: "key" }, key),
    ": ",
    el("span", { class: kind }, typeof value === "string" ? JSON.stringify(value) : String(value)),
  );
}

async function redeliver(ids) {
  const results = [];
  for (const id of ids) {
    const { body } = await api(`/admin/dead-letters/${encodeURIComponent(id)}/redeliver`, { method: "POST" });
    results.push(`${id}: ${body.outcome ?? body.error}`);
  }
  $("letters-status").textContent = results.join("; ");
  await loadLetters(true);
  followProgress();
}

async function remove(id) {
  if (!confirm(`Delete the dead letter ${id}? It cannot be redelivered afterwards.`)) return;
  await api(`/admin/dead-letters/${encodeURIComponent(id)}`, { method: "DELETE" });
  await loadLetters(true);
}

let following = null;
/** Reload the list while letters are being redelivered (they leave, or die again). */
function followProgress() {
  clearInterval(following);
  let rounds = 0;
  following = setInterval(async () => {
    rounds++;
    await loadLetters(true).catch(() => {});
    const busy = [...$("letters").tBodies[0].rows].some((r) => r.dataset.state === "redelivering");
    if (!busy || rounds > 60) clearInterval(following);
  }, 2000);
}

// ---- wiring ----

function start() {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token").value = "";
    open();
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn();
  });
  $("refresh").addEventListener("click", () => refresh().catch((e) => showSignIn(e.message)));
  $("window").addEventListener("change", () => refresh().catch((e) => showSignIn(e.message)));
  for (const id of ["filter-provider", "filter-reason"]) $(id).addEventListener("change", () => loadLetters(true));
  $("filter-type").addEventListener("change", () => loadLetters(true));
  $("more").addEventListener("click", () => loadLetters(false));
  $("redeliver-selected").addEventListener("click", () => {
    const ids = [...document.querySelectorAll("#letters tbody input:checked")].map((c) => c.dataset.id);
    if (ids.length) redeliver(ids);
  });
  $("redeliver-all").addEventListener("click", async () => {
    const { body } = await api("/admin/dead-letters/redeliver", { method: "POST" });
    $("letters-status").textContent = `${body.redelivered} redelivered, ${body.failed} failed`;
    await loadLetters(true);
    followProgress();
  });
  document.documentElement.dataset.ready = "true";
  if (sessionStorage.getItem(TOKEN_KEY)) open();
  else showSignIn();
}

start();
