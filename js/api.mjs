// The public JS API over the wasm exports; the same code serves every runtime entry.
// No Node built-ins, no network, synchronous.

/** Thrown by verify/parseEvent/sign; `code` is one of ERROR_CODES. */
export class VerifyError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "VerifyError";
    this.code = code;
  }
}

const encoder = new TextEncoder();

function toBytes(body) {
  if (body == null) return new Uint8Array(0);
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("body must be a string, Uint8Array or ArrayBuffer");
}

// Headers object, Map, array of pairs or plain object -> flat [name, value, ...].
function flatHeaders(headers) {
  const flat = [];
  if (headers == null) return flat;
  const entries =
    typeof headers.entries === "function" && !Array.isArray(headers) ? headers.entries()
    : Array.isArray(headers) ? headers
    : Object.entries(headers);
  for (const [name, value] of entries) {
    if (Array.isArray(value)) for (const v of value) flat.push(String(name), String(v));
    else if (value !== undefined) flat.push(String(name), String(value));
  }
  return flat;
}

function rethrow(e) {
  if (e && typeof e.code === "string") throw new VerifyError(e.code, e.message);
  throw e;
}

export function createApi(wasm) {
  const ERROR_CODES = Object.freeze(wasm.errorCodes());
  const PROVIDERS = ["alibaba-ims", "alibaba-vod", "alibaba-live", "tencent-vod"];
  const KNOWN_EVENT_TYPES = Object.freeze(
    Object.fromEntries(PROVIDERS.map((p) => [p, Object.freeze(wasm.knownEventTypes(p))])));

  /** Whether mediahook knows the event's type (a type guard in TypeScript). */
  function isKnownEvent(event) {
    return KNOWN_EVENT_TYPES[event?.provider]?.includes(event.type) ?? false;
  }

  // The verify exports' arguments, from the documented options.
  function verifyArgs(options) {
    const { provider, url = "", headers, body, keys, toleranceSeconds = 300, now, method = "POST", receivedUrl } =
      options ?? {};
    const keyList = typeof keys === "string" ? [keys] : Array.from(keys ?? []);
    const clock = now ?? Math.floor(Date.now() / 1000);
    return [String(provider), String(url), String(receivedUrl ?? url), String(method),
      flatHeaders(headers), toBytes(body), keyList.map(String), Number(toleranceSeconds), Number(clock)];
  }

  /** Verify a callback and return its normalised event {id, provider, type, time, data}. */
  function verify(options) {
    try {
      return JSON.parse(wasm.verifyRaw(...verifyArgs(options)));
    } catch (e) {
      rethrow(e);
    }
  }

  /** Verify only the signature and time (no parsing): {keyIndex, timestamp}. */
  function verifySignature(options) {
    try {
      const [keyIndex, timestamp] = wasm.verifySignatureRaw(...verifyArgs(options));
      return { keyIndex, timestamp };
    } catch (e) {
      rethrow(e);
    }
  }

  /** Parse a body into the normalised event without verifying it. */
  function parseEvent(provider, body, url = "") {
    try {
      return JSON.parse(wasm.parseEventRaw(String(provider), toBytes(body), String(url)));
    } catch (e) {
      rethrow(e);
    }
  }

  /** What the provider would send: { method, headers, body }. */
  function sign({ provider, url = "", key, body, timestamp }) {
    try {
      const out = wasm.signRaw(String(provider), String(url), String(key), toBytes(body), Number(timestamp));
      return {
        method: out.method,
        headers: Object.fromEntries(out.headers),
        body: new TextDecoder().decode(out.body),
      };
    } catch (e) {
      rethrow(e);
    }
  }

  return { verify, verifySignature, parseEvent, sign, isKnownEvent, VerifyError, ERROR_CODES, KNOWN_EVENT_TYPES };
}
