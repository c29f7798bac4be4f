// The IMS signature and time check a JS user would write without mediahook (js-md5, since
// WebCrypto has no MD5). Shared by the Node pipelines (b) and (c) and the plain-JS worker, so
// every JS baseline runs the same check.
import jsMd5 from "js-md5";

const md5 = jsMd5.md5 ?? jsMd5;

/** Compare two equal-length hex strings without an early exit. */
function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** (b) without the parse: the bare IMS signature and timestamp check. Throws on failure. */
export function jsVerifySignature({ url, headers, keys, now, toleranceSeconds = 300 }) {
  const sig = headers["x-ice-signature"],
    ts = headers["x-ice-timestamp"];
  if (typeof sig !== "string" || typeof ts !== "string") throw new Error("missing_signature");
  if (!/^[0-9a-fA-F]{32}$/.test(sig)) throw new Error("malformed_signature");
  if (!/^\d{1,12}$/.test(ts)) throw new Error("malformed_timestamp");
  const given = sig.toLowerCase();
  let keyIndex = -1;
  for (let i = 0; i < keys.length; i++) if (constantTimeEqual(md5(`${url}|${ts}|${keys[i]}`), given)) keyIndex = i;
  if (keyIndex < 0) throw new Error("signature_mismatch");
  if (Math.abs(now - Number(ts)) > toleranceSeconds) throw new Error("timestamp_too_old");
  return keyIndex;
}

/** The same check for ApsaraVideo VOD (X-VOD-* headers, same `URL|ts|key` digest). */
export function jsVerifyVodSignature({ headers, ...rest }) {
  return jsVerifySignature({
    ...rest,
    headers: { "x-ice-signature": headers["x-vod-signature"], "x-ice-timestamp": headers["x-vod-timestamp"] },
  });
}

/**
 * Tencent VOD: `Sign` and `T` are fields of the JSON body, so the body is parsed first;
 * Sign = md5hex(key + T), T the expiry time. Returns the parsed body. Throws on failure.
 */
export function jsVerifyTencentAndParse({ body, keys, now, skewSeconds = 60, maxLifetimeSeconds = 600 }) {
  const event = JSON.parse(body);
  const { Sign: sign, T: t } = event;
  if (typeof sign !== "string" || t === undefined) throw new Error("missing_signature");
  if (!/^[0-9a-fA-F]{32}$/.test(sign)) throw new Error("malformed_signature");
  const tText = String(t);
  if (!/^\d{1,12}$/.test(tText)) throw new Error("malformed_timestamp");
  const given = sign.toLowerCase();
  let keyIndex = -1;
  for (let i = 0; i < keys.length; i++) if (constantTimeEqual(md5(`${keys[i]}${tText}`), given)) keyIndex = i;
  if (keyIndex < 0) throw new Error("signature_mismatch");
  const expiry = Number(tText);
  if (now > expiry + skewSeconds) throw new Error("expired");
  if (expiry - now > maxLifetimeSeconds + skewSeconds) throw new Error("timestamp_in_future");
  return event;
}
