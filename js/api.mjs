// The public JS API over the wasm exports; the same code serves every runtime entry.
// No Node built-ins, no network, synchronous.
import { DEFAULT_TOLERANCE_SECONDS, PROVIDERS } from "./facts.mjs";

/** Thrown by verify/parseEvent/sign; `code` is one of ERROR_CODES. */
export class VerifyError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "VerifyError";
    this.code = code;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function checkBody(body) {
  if (body == null) return "";
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("body must be a string, Uint8Array or ArrayBuffer");
}

// `name\nvalue\n` for each header the verifier reads (`names`, lower-cased), from a Headers
// object, a Map, an array of pairs or a plain object (Node's `req.headers`). Repeats are kept
// as repeats, which the verifier refuses; a newline cannot forge a line.
function headerLines(headers, names) {
  if (headers == null || names.length === 0) return "";
  let lines = "";
  if (typeof headers.get === "function" && typeof headers.append === "function") {
    // A fetch Headers object joins repeats with ", ", which the verifier refuses the same way.
    for (const name of names) {
      const value = headers.get(name);
      if (value !== null) lines += headerLine(names, name, value);
    }
  } else if (typeof headers.entries === "function" && !Array.isArray(headers)) {
    for (const [name, value] of headers.entries()) lines += headerLine(names, name, value);
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) lines += headerLine(names, name, value);
  } else {
    for (const name in headers) if (Object.hasOwn(headers, name)) lines += headerLine(names, name, headers[name]);
  }
  return lines;
}

// The lines of one header if the verifier reads it (no closure or array per call: this runs
// for every header of every request).
function headerLine(names, name, value) {
  if (value === undefined) return "";
  const lower = String(name).toLowerCase();
  if (!names.includes(lower)) return "";
  if (!Array.isArray(value)) return `${lower}\n${oneLine(value)}\n`;
  let lines = "";
  for (const v of value) lines += `${lower}\n${oneLine(v)}\n`;
  return lines;
}

function oneLine(value) {
  const s = String(value);
  return s.includes("\n") ? s.replaceAll("\n", " ") : s;
}

// Whether `keys` (a string or a list) is exactly `list` (strings compared strictly).
function sameKeys(list, keys) {
  if (typeof keys === "string") return list.length === 1 && list[0] === keys;
  if (!Array.isArray(keys) || keys.length !== list.length) return false;
  for (let i = 0; i < list.length; i++) if (list[i] !== keys[i]) return false;
  return true;
}

function rethrow(e) {
  if (e && typeof e.code === "string") throw new VerifyError(e.code, e.message);
  throw e;
}

export function createApi(wasm) {
  const ERROR_CODES = Object.freeze(wasm.errorCodes());
  const KNOWN_EVENT_TYPES = Object.freeze(
    Object.fromEntries(PROVIDERS.map((p) => [p, Object.freeze(wasm.knownEventTypes(p))])),
  );

  // The request goes into wasm memory with `encodeInto` (no string or array crosses the
  // boundary) and the event JSON comes back with one `decode`: see `ioInput` in src/js.rs.
  const memory = wasm.ioMemory();
  let bytes = new Uint8Array(memory.buffer);
  const view = () => {
    if (bytes.byteLength === 0 || bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
    return bytes;
  };
  let headLength = 0;
  let urlLength = 0;
  let bodyLength = 0;
  // The input buffer from its start, kept while the buffer neither moves nor grows: the head
  // is written into it without a new view per call.
  let inputAt = -1;
  let input = bytes;
  function pack(head, url, body) {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const bodyRoom = typeof body === "string" ? body.length * 3 : body.byteLength;
    const at = wasm.ioInput(head.length * 3 + url.length * 3 + bodyRoom);
    const mem = view();
    if (at !== inputAt || input.buffer !== mem.buffer) {
      inputAt = at;
      input = mem.subarray(at);
    }
    headLength = head === "" ? 0 : encoder.encodeInto(head, input).written;
    urlLength =
      url === "" ? 0 : encoder.encodeInto(url, mem.subarray(at + headLength, at + headLength + url.length * 3)).written;
    const bodyAt = at + headLength + urlLength;
    if (typeof body === "string") bodyLength = body === "" ? 0 : encoder.encodeInto(body, mem.subarray(bodyAt)).written;
    else {
      mem.set(body, bodyAt);
      bodyLength = body.byteLength;
    }
  }
  function output(length) {
    if (length < 0) throw wasm.ioError();
    const at = wasm.ioOutput();
    return decoder.decode(view().subarray(at, at + length));
  }

  /** Whether mediahook knows the event's type (a type guard in TypeScript). */
  function isKnownEvent(event) {
    return KNOWN_EVENT_TYPES[event?.provider]?.includes(event.type) ?? false;
  }

  // Configured verifiers, kept across calls: a server verifies with the same provider, URL and
  // keys every time, so keys are validated and URLs normalised once. A few recent
  // configurations are kept; the oldest is freed when more are used.
  const verifiers = new Map();
  const MAX_VERIFIERS = 16;
  // The last configuration, compared field by field: most servers use one, so the common
  // call builds no cache key.
  let last = null;
  function verifierFor(provider, url, keys, toleranceSeconds) {
    if (
      last !== null &&
      last.provider === provider &&
      last.url === url &&
      last.toleranceSeconds === toleranceSeconds &&
      sameKeys(last.keyList, keys)
    ) {
      return last.verifier;
    }
    const keyList = typeof keys === "string" ? [keys] : Array.from(keys ?? [], String);
    // JSON of the tuple: unambiguous whatever the URL holds (a newline in a URL must not
    // let one configuration reuse another's verifier and keys).
    // The tolerance as text: JSON would write NaN and both infinities alike, as null.
    const cacheKey = JSON.stringify([provider, url, String(toleranceSeconds), keyList]);
    let verifier = verifiers.get(cacheKey);
    if (verifier === undefined) {
      const inner = new wasm.Verifier(provider, url, keyList, toleranceSeconds);
      const readsBody = inner.readsBody();
      verifier = {
        wasm: inner,
        names: inner.headerNames(),
        readsBody,
        // The Alibaba schemes sign the configured URL (or host) when there is one: the
        // request's own URL is then not needed to check the signature.
        signsOwnUrl: readsBody || url === "",
        maxBodyBytes: inner.maxBodyBytes(),
      };
      if (verifiers.size >= MAX_VERIFIERS) {
        const [oldestKey, oldest] = verifiers.entries().next().value;
        verifiers.delete(oldestKey);
        if (last?.verifier === oldest) last = null;
        oldest.wasm.free();
      }
      verifiers.set(cacheKey, verifier);
    }
    last = { provider, url, toleranceSeconds, keyList, verifier };
    return verifier;
  }

  // The body's size in bytes for the limit, without encoding a string unless it could be over
  // (UTF-8 takes at most 3 bytes per UTF-16 unit).
  function bodySize(body, limit) {
    if (typeof body !== "string") return body.byteLength;
    return body.length * 3 <= limit ? body.length : encoder.encode(body).byteLength;
  }

  // The verifier and the packed request, from the documented options. `signatureOnly`: the
  // body is packed only when the signature is read from it (Tencent).
  function verifyCall(options, run, signatureOnly = false) {
    const {
      provider,
      url = "",
      headers,
      body,
      keys,
      toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
      now,
      method = "POST",
      receivedUrl,
    } = options ?? {};
    try {
      const verifier = verifierFor(String(provider), String(url), keys, Number(toleranceSeconds));
      const signedUrl = String(receivedUrl ?? url);
      const bytes = checkBody(body);
      const packed = signatureOnly && !verifier.readsBody ? "" : bytes;
      const packedUrl = signatureOnly && !verifier.signsOwnUrl ? "" : signedUrl;
      pack(`${method}\n${headerLines(headers, verifier.names)}`, packedUrl, packed);
      const size = packed === bytes ? bodyLength : bodySize(bytes, verifier.maxBodyBytes);
      return run(verifier.wasm, Number(now ?? Math.floor(Date.now() / 1000)), signedUrl, bytes, size);
    } catch (e) {
      rethrow(e);
    }
  }

  // The event from the output buffer, with `id` read on first use: hashing the body is a
  // third of the work, and many callers never look at the id. The getter hashes a copy of
  // the body as it was verified (a string is immutable; bytes are copied).
  function event(length, provider, url, body) {
    const { type, time, data } = JSON.parse(output(length));
    // A copy, also of a Node Buffer (whose own slice() is a view of the same memory).
    const kept = typeof body === "string" ? body : Uint8Array.prototype.slice.call(body);
    let id;
    // An own, enumerable accessor: spread, JSON.stringify and structuredClone read it.
    return {
      get id() {
        if (id === undefined) {
          pack("", url, kept);
          id = output(wasm.eventIdIo(provider, urlLength, bodyLength));
        }
        return id;
      },
      provider,
      type,
      time,
      data,
    };
  }

  /** Verify a callback and return its normalised event {id, provider, type, time, data}. */
  function verify(options) {
    return verifyCall(options, (v, now, url, body) =>
      event(v.verifyIo(headLength, urlLength, bodyLength, now), String(options.provider), url, body),
    );
  }

  /** Verify only the signature and time (no parsing): {keyIndex, timestamp}. */
  function verifySignature(options) {
    return verifyCall(
      options,
      (v, now, _url, _body, size) => {
        const verdict = v.verifySignatureIo(headLength, urlLength, bodyLength, size, now);
        if (verdict < 0) throw wasm.ioError();
        return { keyIndex: Math.floor(verdict / 2 ** 40), timestamp: verdict % 2 ** 40 };
      },
      true,
    );
  }

  /** Parse a body into the normalised event without verifying it. */
  function parseEvent(provider, body, url = "") {
    try {
      const bytes = checkBody(body);
      pack("", String(url), bytes);
      return event(wasm.parseEventIo(String(provider), urlLength, bodyLength), String(provider), String(url), bytes);
    } catch (e) {
      rethrow(e);
    }
  }

  /** What the provider would send: { method, headers, body }. */
  function sign({ provider, url = "", key, body, timestamp }) {
    try {
      const bytes = checkBody(body);
      const out = wasm.signRaw(
        String(provider),
        String(url),
        String(key),
        typeof bytes === "string" ? encoder.encode(bytes) : bytes,
        Number(timestamp),
      );
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
