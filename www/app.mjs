// The mediahook page: verify and sign callbacks with the same wasm core as the worker and the
// npm package. Nothing typed here leaves the page: there is no fetch, no storage, no analytics.
import init, * as wasm from "./wasm/mediahook.js";
import { createApi } from "./wasm/api.mjs";
import { callbackTime, curlCommand, explain, parseHeaderBlock, ROUTE, TENCENT_LIFETIME } from "./wasm/explain.mjs";
import { DEFAULT_TOLERANCE_SECONDS, PROVIDER_FACTS, PROVIDERS } from "./wasm/facts.mjs";

await init({ module_or_path: new URL("./wasm/mediahook_bg.wasm", import.meta.url) });
const api = createApi(wasm);
const $ = (sel, root = document) => root.querySelector(sel);
const nowSeconds = () => Math.floor(Date.now() / 1000);

// The provider lists come from the provider table (src/provider.rs, via facts.mjs).
for (const select of document.querySelectorAll("select[name=provider]")) {
  for (const id of PROVIDERS) {
    const { name, signatureHeader } = PROVIDER_FACTS[id];
    const option = document.createElement("option");
    option.value = id;
    option.textContent = `${name} (${signatureHeader ? signatureHeader.replace(/SIGNATURE$/, "*") : "Sign, T"})`;
    select.append(option);
  }
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
    toleranceSeconds: Number(f.tolerance.value || DEFAULT_TOLERANCE_SECONDS),
    now,
    method,
  };
}

function runVerify() {
  const opts = verifyForm();
  const out = $("#verify-result");
  out.replaceChildren();
  const verdict = explain(api, opts);
  if (verdict.valid) {
    const { event, keyIndex } = verdict;
    const box = el(
      "div",
      { class: "verdict valid", "data-verdict": "valid" },
      el("h2", {}, "✓ Valid"),
      el(
        "ul",
        {},
        el("li", {}, `Signature matches key ${keyIndex + 1} of ${opts.keys.length}.`),
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
    return;
  }
  const hints = el("ul", {}, el("li", {}, verdict.message));
  for (const hint of verdict.hints) hints.append(el("li", { "data-hint": "" }, hint));
  out.append(
    el(
      "div",
      { class: "verdict invalid", "data-verdict": "invalid" },
      el("h2", {}, "✗ Invalid: ", el("code", { class: "code", "data-code": "" }, verdict.code)),
      el("p", { "data-reason": "" }, verdict.reason),
      hints,
    ),
  );
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
    const headerBlock = Object.entries(s.headers)
      .map(([n, v]) => `${n}: ${v}`)
      .join("\n");
    out.append(
      el("div", { class: "verdict valid" }, el("h2", {}, `Signed for ${provider} at ${timestamp}`)),
      el("h3", {}, provider === "tencent-vod" ? "Body (Sign and T added)" : "Headers"),
      el("pre", { "data-signed": "" }, provider === "tencent-vod" ? s.body : headerBlock),
      el("h3", {}, "curl"),
      el("pre", { "data-curl": "" }, curlCommand(s, target)),
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
  const { name, urlsVar } = PROVIDER_FACTS[provider];
  $("[data-url-label]").textContent =
    provider === "alibaba-live"
      ? "Host (or callback URL) of the Live callback"
      : !urlsVar
        ? `URL the callback arrived at (optional: ${name} signs no URL)`
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
