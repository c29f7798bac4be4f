// The mediahook page: verify and sign callbacks with the same wasm core as the worker and the
// npm package. Nothing typed here leaves the page: there is no fetch, no storage, no analytics.
import init, * as wasm from "./wasm/mediahook.js";
import { createApi } from "./wasm/api.mjs";

await init({ module_or_path: new URL("./wasm/mediahook_bg.wasm", import.meta.url) });
const api = createApi(wasm);
const $ = (sel, root = document) => root.querySelector(sel);
const nowSeconds = () => Math.floor(Date.now() / 1000);

const TIMESTAMP_HEADER = {
  "alibaba-ims": "X-ICE-TIMESTAMP",
  "alibaba-vod": "X-VOD-TIMESTAMP",
  "alibaba-live": "ALI-LIVE-TIMESTAMP",
};
const ROUTE = {
  "alibaba-ims": "/alibaba/ims",
  "alibaba-vod": "/alibaba/vod",
  "alibaba-live": "/alibaba/live",
  "tencent-vod": "/tencent/vod",
};
const TENCENT_LIFETIME = 600;

const REASONS = {
  missing_signature: "The signature is not there. Check the header names (any case) or, for Tencent, the Sign field.",
  missing_timestamp: "The timestamp is not there.",
  malformed_signature: "The signature is not 32 hexadecimal characters, or was sent twice.",
  malformed_timestamp: "The timestamp is not a plain number of UNIX seconds, or was sent twice.",
  signature_mismatch: "No key, with this URL, reproduces the signature.",
  timestamp_too_old: "The signature is right, but the callback is older than the tolerance.",
  timestamp_in_future: "The signature is right, but its time is too far in the future: check clocks.",
  expired: "The signature is right, but its expiry time T has passed.",
  no_keys: "Enter at least one key.",
  invalid_key: "Keys are 1 to 32 ASCII letters and digits.",
  body_too_large: "The body is larger than 1 MiB.",
  malformed_json: "The body is not valid JSON.",
  invalid_event: "The signature is right, but the body is not a valid event of its type.",
  invalid_url: "The URL has no host.",
};

/** `Name: value` lines (a copied request line or blank lines are skipped) to pairs. */
export function parseHeaderBlock(text) {
  const pairs = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s?(.*?)\s*$/.exec(line);
    if (m && !/^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH)$/i.test(m[1])) pairs.push([m[1], m[2]]);
  }
  return pairs;
}

/** The callback's own send time: its timestamp header, or Tencent's T minus the default lifetime. */
function callbackTime(provider, headers, body, url) {
  if (provider === "tencent-vod") {
    let t;
    try {
      t = JSON.parse(body).T;
    } catch {}
    t ??= new URL(url || "http://x").searchParams.get("t");
    return t == null || Number.isNaN(Number(t)) ? null : Number(t) - TENCENT_LIFETIME;
  }
  const name = TIMESTAMP_HEADER[provider].toLowerCase();
  const found = headers.find(([n]) => n.toLowerCase() === name);
  return found && /^\d+$/.test(found[1].trim()) ? Number(found[1].trim()) : null;
}

/** The URLs people configure by mistake instead of the one that was signed. */
function urlVariants(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const out = new Set();
  const swap = new URL(u);
  swap.protocol = u.protocol === "https:" ? "http:" : "https:";
  out.add(swap.href);
  const slash = new URL(u);
  slash.pathname = u.pathname.endsWith("/") ? u.pathname.slice(0, -1) || "/" : `${u.pathname}/`;
  out.add(slash.href);
  if (u.search) {
    const q = new URL(u);
    q.search = "";
    out.add(q.href);
  }
  if (u.port) {
    const p = new URL(u);
    p.port = "";
    out.add(p.href);
  } else out.add(`${u.protocol}//${u.hostname}:${u.protocol === "https:" ? 443 : 80}${u.pathname}${u.search}`);
  // new URL() adds a trailing slash to a bare origin; the signed string is byte for byte.
  if (url.endsWith("/") === false && u.pathname === "/") out.add(`${url}/`);
  out.delete(url);
  return [...out];
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** A readable tree of the event. */
function tree(value) {
  if (value === null || typeof value !== "object") {
    return el("span", { class: typeof value === "string" ? "s" : "v" }, JSON.stringify(value));
  }
  const ul = el("ul", { class: "tree" });
  for (const [k, v] of Object.entries(value)) {
    const li = el("li");
    if (v !== null && typeof v === "object" && Object.keys(v).length) {
      const d = el("details", { open: "" }, el("summary", {}, el("span", { class: "k" }, k)));
      d.append(tree(v));
      li.append(d);
    } else {
      li.append(el("span", { class: "k" }, k), ": ", tree(v));
    }
    ul.append(li);
  }
  return ul;
}

function verifyForm() {
  const f = $("#verify-form").elements;
  const provider = f.provider.value;
  const headers = parseHeaderBlock(f.headers.value);
  const body = f.body.value;
  const keys = f.keys.value
    .split(/\r?\n/)
    .map((k) => k.trim())
    .filter(Boolean);
  const url = f.url.value.trim();
  let now = f.now.value === "" ? nowSeconds() : Number(f.now.value);
  if (f.ownTime.checked) now = callbackTime(provider, headers, body, url) ?? now;
  const method = provider === "alibaba-live" && body.trim() === "" ? "GET" : "POST";
  return {
    provider,
    url,
    receivedUrl: url,
    headers,
    body,
    keys,
    toleranceSeconds: Number(f.tolerance.value || 300),
    now,
    method,
  };
}

function runVerify() {
  const opts = verifyForm();
  const out = $("#verify-result");
  out.replaceChildren();
  try {
    const event = api.verify(opts);
    const index = opts.keys.findIndex((k) => {
      try {
        api.verify({ ...opts, keys: [k] });
        return true;
      } catch {
        return false;
      }
    });
    const box = el(
      "div",
      { class: "verdict valid", "data-verdict": "valid" },
      el("h2", {}, "✓ Valid"),
      el(
        "ul",
        {},
        el("li", {}, `Signature matches key ${index + 1} of ${opts.keys.length}.`),
        el(
          "li",
          {},
          "Event type ",
          el("code", { "data-event-type": "" }, event.type),
          api.isKnownEvent(event) ? "" : " (not a type mediahook knows: shown as sent)",
        ),
        el("li", {}, `id ${event.id}`, event.time ? `, happened ${event.time}` : ""),
      ),
    );
    out.append(box, tree(event.data));
  } catch (e) {
    const code = e.code ?? "error";
    const hints = el("ul", {}, el("li", {}, e.message));
    if (code === "signature_mismatch" && opts.provider !== "tencent-vod" && opts.url) {
      for (const variant of urlVariants(opts.url)) {
        try {
          api.verify({ ...opts, url: variant, receivedUrl: variant });
          hints.append(
            el(
              "li",
              { "data-hint": "" },
              `This signature would match if the URL were ${variant} instead of ${opts.url}.`,
            ),
          );
        } catch {}
      }
      if (!opts.url.includes("://") && opts.provider !== "alibaba-live")
        hints.append(el("li", {}, "Alibaba IMS and VOD sign the full URL, scheme included."));
    }
    out.append(
      el(
        "div",
        { class: "verdict invalid", "data-verdict": "invalid" },
        el("h2", {}, "✗ Invalid: ", el("code", { class: "code", "data-code": "" }, code)),
        el("p", { "data-reason": "" }, REASONS[code] ?? ""),
        hints,
      ),
    );
  }
}

function runSign() {
  const f = $("#sign-form").elements;
  const out = $("#sign-result");
  out.replaceChildren();
  const provider = f.provider.value;
  const timestamp =
    f.timestamp.value === ""
      ? nowSeconds() + (provider === "tencent-vod" ? TENCENT_LIFETIME : 0)
      : Number(f.timestamp.value);
  try {
    const s = api.sign({ provider, url: f.url.value.trim(), key: f.key.value.trim(), body: f.body.value, timestamp });
    const target =
      f.target.value.trim() ||
      (f.url.value.includes("://") ? f.url.value.trim() : `http://127.0.0.1:8787${ROUTE[provider]}`);
    const q = (v) => `'${v.replace(/'/g, `'\\''`)}'`;
    const curl = [
      `curl -sS -X ${s.method} ${q(target)}`,
      ...Object.entries(s.headers).map(([n, v]) => `-H ${q(`${n}: ${v}`)}`),
    ];
    if (s.body) curl.push(`-H 'content-type: application/json'`, `--data-binary ${q(s.body)}`);
    const headerBlock = Object.entries(s.headers)
      .map(([n, v]) => `${n}: ${v}`)
      .join("\n");
    out.append(
      el("div", { class: "verdict valid" }, el("h2", {}, `Signed for ${provider} at ${timestamp}`)),
      el("h3", {}, provider === "tencent-vod" ? "Body (Sign and T added)" : "Headers"),
      el("pre", { "data-signed": "" }, provider === "tencent-vod" ? s.body : headerBlock),
      el("h3", {}, "curl"),
      el("pre", { "data-curl": "" }, curl.join(" \\\n  ")),
      el("button", { type: "button", "data-to-verify": "" }, "Verify this in the Verify tab"),
    );
    $("[data-to-verify]", out).addEventListener("click", () => {
      const v = $("#verify-form").elements;
      v.provider.value = provider;
      v.url.value = f.url.value.trim();
      v.headers.value = headerBlock;
      v.body.value = s.body;
      v.keys.value = f.key.value.trim();
      v.now.value = String(provider === "tencent-vod" ? timestamp - TENCENT_LIFETIME : timestamp);
      v.ownTime.checked = false;
      selectTab("verify");
      runVerify();
    });
  } catch (e) {
    out.append(
      el(
        "div",
        { class: "verdict invalid" },
        el("h2", {}, "✗ ", el("code", { class: "code", "data-code": "" }, e.code ?? "error")),
        el("p", {}, e.message),
      ),
    );
  }
}

function selectTab(name) {
  for (const t of ["verify", "sign"]) {
    const on = t === name;
    $(`#tab-${t}`).setAttribute("aria-selected", String(on));
    $(`#tab-${t}`).tabIndex = on ? 0 : -1;
    $(`#panel-${t}`).hidden = !on;
  }
  $(`#tab-${name}`).focus();
}

function providerLabels() {
  const provider = $("#verify-form").elements.provider.value;
  $("[data-url-label]").textContent =
    provider === "alibaba-live"
      ? "Host (or callback URL) of the Live callback"
      : provider === "tencent-vod"
        ? "URL the callback arrived at (optional: Tencent signs no URL)"
        : "Callback URL configured at the provider";
}

$("#verify-form").addEventListener("submit", (e) => {
  e.preventDefault();
  runVerify();
});
$("#sign-form").addEventListener("submit", (e) => {
  e.preventDefault();
  runSign();
});
$("#verify-form").elements.provider.addEventListener("change", providerLabels);
$("#sign-form").elements.provider.addEventListener("change", () => {
  const f = $("#sign-form").elements;
  if (!f.url.value || f.url.value.startsWith("http://127.0.0.1:8787/"))
    f.url.value = `http://127.0.0.1:8787${ROUTE[f.provider.value]}`;
});
for (const t of ["verify", "sign"]) $(`#tab-${t}`).addEventListener("click", () => selectTab(t));
$("nav").addEventListener("keydown", (e) => {
  if (e.key === "ArrowRight" || e.key === "ArrowLeft")
    selectTab($("#tab-verify").getAttribute("aria-selected") === "true" ? "sign" : "verify");
});
$("#verify-form").elements.now.placeholder = "now";
document.documentElement.dataset.ready = "true";
