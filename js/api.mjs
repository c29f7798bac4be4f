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
    typeof headers.entries === "function" && !Array.isArray(headers)
      ? headers.entries()
      : Array.isArray(headers)
        ? headers
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
    Object.fromEntries(PROVIDERS.map((p) => [p, Object.freeze(wasm.knownEventTypes(p))])),
  );

  /** Whether mediahook knows the event's type (a type guard in TypeScript). */
  function isKnownEvent(event) {
    return KNOWN_EVENT_TYPES[event?.provider]?.includes(event.type) ?? false;
  }

  // Configured verifiers, kept across calls: a server verifies with the same provider, URL and
  // keys every time, so keys are validated and URLs normalised once. A few recent
  // configurations are kept; the oldest is freed when more are used.
  const verifiers = new Map();
  const MAX_VERIFIERS = 16;
  function verifierFor(provider, url, keyList, toleranceSeconds) {
    // JSON of the tuple: unambiguous whatever the URL holds (a newline in a URL must not
    // let one configuration reuse another's verifier and keys).
    const cacheKey = JSON.stringify([provider, url, toleranceSeconds, keyList]);
    let verifier = verifiers.get(cacheKey);
    if (verifier === undefined) {
      verifier = new wasm.Verifier(provider, url, keyList, toleranceSeconds);
      if (verifiers.size >= MAX_VERIFIERS) {
        const [oldestKey, oldest] = verifiers.entries().next().value;
        verifiers.delete(oldestKey);
        oldest.free();
      }
      verifiers.set(cacheKey, verifier);
    }
    return verifier;
  }

  // The verifier and the request, from the documented options.
  function verifyCall(options, run) {
    const {
      provider,
      url = "",
      headers,
      body,
      keys,
      toleranceSeconds = 300,
      now,
      method = "POST",
      receivedUrl,
    } = options ?? {};
    const keyList = (typeof keys === "string" ? [keys] : Array.from(keys ?? [])).map(String);
    try {
      const verifier = verifierFor(String(provider), String(url), keyList, Number(toleranceSeconds));
      return run(
        verifier,
        String(receivedUrl ?? url),
        String(method),
        flatHeaders(headers),
        toBytes(body),
        Number(now ?? Math.floor(Date.now() / 1000)),
      );
    } catch (e) {
      rethrow(e);
    }
  }

  /** Verify a callback and return its normalised event {id, provider, type, time, data}. */
  function verify(options) {
    return verifyCall(options, (v, ...request) => JSON.parse(v.verify(...request)));
  }

  /** Verify only the signature and time (no parsing): {keyIndex, timestamp}. */
  function verifySignature(options) {
    return verifyCall(options, (v, ...request) => {
      const [keyIndex, timestamp] = v.verifySignature(...request);
      return { keyIndex, timestamp };
    });
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
