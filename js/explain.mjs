// Explaining a verdict, shared by the www/ page and the `mediahook` CLI (no DOM, no Node):
// why a callback failed in plain words, which URL mistake would explain a signature mismatch,
// and the raw pieces both need (header blocks, the callback's own time, a ready curl).

import { ERRORS, PROVIDER_FACTS, PROVIDERS, TENCENT_LIFETIME } from "./facts.mjs";

export { PROVIDERS, TENCENT_LIFETIME };
const byProvider = (pick) =>
  Object.fromEntries(PROVIDERS.map((p) => [p, pick(PROVIDER_FACTS[p])]).filter(([, v]) => v));
/** The timestamp header of each provider that sends one (src/provider.rs, via facts.mjs). */
export const TIMESTAMP_HEADER = byProvider((f) => f.timestampHeader);
/** The gateway's path for each provider's callbacks. */
export const ROUTE = byProvider((f) => f.route);
/** Each error code's reason in plain words (src/error.rs, via facts.mjs). */
export const REASONS = Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.reason]));

/**
 * `Name: value` lines (a copied request line or blank lines are skipped) to pairs. Linear in the
 * text's length (no backtracking pattern over the value: a pasted block cannot freeze the page).
 */
export function parseHeaderBlock(text) {
  const pairs = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH)$/i.test(name))
      continue;
    const value = line.slice(colon + 1);
    pairs.push([name, (/^\s/.test(value) ? value.slice(1) : value).trimEnd()]);
  }
  return pairs;
}

/** Text from a request or a server, safe on a terminal: control characters as `\xNN`. */
export function printable(text) {
  return String(text).replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/**
 * The callback's own send time: its timestamp header, the time inside the signature header (Mux's
 * `t=`, Cloudflare's `time=`), or Tencent's T minus the default lifetime.
 */
export function callbackTime(provider, headers, body, url) {
  const { timeField, signatureHeader } = PROVIDER_FACTS[provider] ?? {};
  if (timeField) {
    const found = headers.find(([n]) => n.toLowerCase() === signatureHeader.toLowerCase());
    const time = found?.[1]
      .split(",")
      .map((part) => part.split("="))
      .find(([name]) => name.trim() === timeField)?.[1];
    return time && /^\d+$/.test(time.trim()) ? Number(time.trim()) : null;
  }
  if (provider === "tencent-vod") {
    let t;
    try {
      t = JSON.parse(body).T;
    } catch {}
    try {
      t ??= new URL(url || "http://x").searchParams.get("t");
    } catch {}
    return t == null || Number.isNaN(Number(t)) ? null : Number(t) - TENCENT_LIFETIME;
  }
  const name = TIMESTAMP_HEADER[provider]?.toLowerCase();
  const found = name && headers.find(([n]) => n.toLowerCase() === name);
  return found && /^\d+$/.test(found[1].trim()) ? Number(found[1].trim()) : null;
}

/** The URLs people configure by mistake instead of the one that was signed. */
export function urlVariants(url) {
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

/**
 * Verify `opts` (the options of `verify`) and explain the verdict:
 * `{ valid: true, event, keyIndex }` or `{ valid: false, code, message, reason, hints }`, where
 * `hints` are sentences such as "This signature would match if the URL were … instead of …".
 */
export function explain(api, opts) {
  try {
    // Verified once; then parsed as `verify` parses (same errors, same event).
    const { keyIndex } = api.verifySignature(opts);
    const event = api.parseEvent(opts.provider, opts.body, opts.receivedUrl ?? opts.url ?? "");
    return { valid: true, event, keyIndex };
  } catch (e) {
    const code = e.code ?? "error";
    const hints = [];
    if (code === "signature_mismatch" && PROVIDER_FACTS[opts.provider]?.urlsVar && opts.url) {
      for (const variant of urlVariants(opts.url)) {
        try {
          api.verifySignature({ ...opts, url: variant, receivedUrl: variant });
          hints.push(`This signature would match if the URL were ${variant} instead of ${opts.url}.`);
        } catch {}
      }
      if (!opts.url.includes("://") && opts.provider !== "alibaba-live")
        hints.push(`${PROVIDER_FACTS[opts.provider].name} signs the full URL, scheme included.`);
    }
    return { valid: false, code, message: e.message, reason: REASONS[code] ?? "", hints };
  }
}

/** A ready-to-paste curl for a signed callback (`sign`'s result) sent to `target`. */
export function curlCommand(signed, target) {
  const q = (v) => `'${v.replace(/'/g, `'\\''`)}'`;
  const parts = [
    `curl -sS -X ${signed.method} ${q(target)}`,
    ...Object.entries(signed.headers).map(([n, v]) => `-H ${q(`${n}: ${v}`)}`),
  ];
  // --data-raw: curl never reads a file for it (`--data-binary @path` would upload that file).
  if (signed.body) parts.push(`-H 'content-type: application/json'`, `--data-raw ${q(signed.body)}`);
  return parts.join(" \\\n  ");
}
