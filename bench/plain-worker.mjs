// The equivalent plain-JS worker for the load benchmark: what a user would write without
// mediahook for IMS callbacks. js-md5 + JSON.parse, the same checks and answers, and the same
// Standard Webhooks forwarding (HMAC-SHA256 with WebCrypto) with a timeout, and the same one
// JSON log line per request as mediahook's worker (logging is part of the cost compared).
// With PLAIN_MODE=queue it sends the event to the same kind of local queue (env.EVENTS) and
// answers `queued`, like mediahook's queue mode; its consumer forwards each message.
import jsMd5 from "js-md5";
import { jsVerifySignature } from "./js-signature.mjs";

const md5 = jsMd5.md5 ?? jsMd5;
const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const STATUS = {
  missing_signature: 401,
  malformed_signature: 400,
  malformed_timestamp: 400,
  signature_mismatch: 401,
  timestamp_too_old: 401,
};

let hmacKey;
async function originKey(secret) {
  hmacKey ??= await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return hmacKey;
}

/** POST one event to the origin, Standard Webhooks signed; the origin's status. */
async function forward(env, id, body) {
  const now = Math.floor(Date.now() / 1000);
  const mac = await crypto.subtle.sign(
    "HMAC",
    await originKey(env.ORIGIN_SECRET),
    new TextEncoder().encode(`${id}.${now}.${body}`),
  );
  const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
  const res = await fetch(env.ORIGIN_URL, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(Number(env.ORIGIN_TIMEOUT_MS ?? 2000)),
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(now),
      "webhook-signature": `v1,${signature}`,
    },
  });
  return res.status;
}

export default {
  async queue(batch, env) {
    await Promise.all(
      batch.messages.map(async (m) => {
        try {
          const status = await forward(env, m.body.id, m.body.body);
          console.log(JSON.stringify({ msg: "delivery", id: m.body.id, attempt: 1, status, outcome: "delivered" }));
          if (status >= 200 && status < 300) m.ack();
          else m.retry({ delaySeconds: 10 });
        } catch {
          m.retry({ delaySeconds: 10 });
        }
      }),
    );
  },
  async fetch(request, env) {
    const started = Date.now();
    const log = { msg: "callback", provider: null, type: null, id: null, outcome: "", code: null };
    const response = await handle(request, env, log);
    console.log(
      JSON.stringify({
        ...log,
        status: response.status,
        origin_status: log.origin_status ?? null,
        key_index: log.key_index ?? null,
        duration_ms: Date.now() - started,
        ...(log.body_bytes === undefined ? {} : { body_bytes: log.body_bytes }),
      }),
    );
    return response;
  },
};

async function handle(request, env, log) {
  {
    const url = new URL(request.url);
    if (url.pathname !== "/alibaba/ims") {
      log.outcome = "not_found";
      return json(404, { error: "not_found" });
    }
    log.provider = "alibaba-ims";
    if (request.method !== "POST") {
      log.outcome = "method_not_allowed";
      return json(405, { error: "method_not_allowed" });
    }
    try {
      log.key_index = jsVerifySignature({
        url: request.url,
        headers: {
          "x-ice-signature": request.headers.get("x-ice-signature"),
          "x-ice-timestamp": request.headers.get("x-ice-timestamp"),
        },
        keys: env.ALIBABA_IMS_AUTH_KEYS.split(","),
        now: Date.now() / 1000,
      });
    } catch (e) {
      log.outcome = "rejected";
      log.code = e.message;
      return json(STATUS[e.message] ?? 400, { error: e.message });
    }
    const text = await request.text();
    log.body_bytes = text.length;
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      log.outcome = "rejected";
      log.code = "malformed_json";
      return json(400, { error: "malformed_json" });
    }
    const id = `js_${md5(text)}`;
    log.type = event.EventType;
    log.id = id;
    const body = JSON.stringify({ id, provider: "alibaba-ims", type: event.EventType, data: event });
    if (env.PLAIN_MODE === "queue") {
      try {
        await env.EVENTS.send({ id, provider: "alibaba-ims", type: event.EventType, body, accepted_ms: Date.now() });
      } catch {
        log.outcome = "queue_failed";
        return json(503, { error: "queue_unavailable" });
      }
      log.outcome = "queued";
      return json(200, { code: 0, id, outcome: "queued" });
    }
    try {
      log.origin_status = await forward(env, id, body);
      if (log.origin_status < 200 || log.origin_status >= 300) {
        log.outcome = "origin_failed";
        return json(502, { error: "origin_error" });
      }
    } catch {
      log.outcome = "origin_timeout";
      return json(504, { error: "origin_timeout" });
    }
    log.outcome = "forwarded";
    return json(200, { outcome: "forwarded", id });
  }
}
