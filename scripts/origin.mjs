// A small HTTP origin that receives mediahook's forwarded events and verifies their Standard
// Webhooks signature with node:crypto (an implementation independent of mediahook's).
// Used by the demo (`npm run dev`) and as the test origin of the end-to-end tests.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** Verify Standard Webhooks headers; returns an error string or null. */
export function verifyStandardWebhook(secret, headers, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  const id = headers["webhook-id"],
    ts = headers["webhook-timestamp"],
    sigs = headers["webhook-signature"];
  if (!id || !ts || !sigs) return "missing webhook-* headers";
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > 300) return "timestamp outside 5 minutes";
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest();
  for (const sig of sigs.split(" ")) {
    const [version, b64] = sig.split(",");
    const given = Buffer.from(b64 ?? "", "base64");
    if (version === "v1" && given.length === expected.length && timingSafeEqual(given, expected)) return null;
  }
  return "signature mismatch";
}

/**
 * Start an origin on 127.0.0.1. `respond(entry)` may return {status, delayMs, headers, body}.
 * Returns { url, port, received: [{headers, body, event, verifyError}], close() }.
 */
export async function startOrigin({ secret, port = 0, path = "/events", respond, onEvent } = {}) {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (req.method !== "POST" || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      const verifyError = verifyStandardWebhook(secret, req.headers, body);
      let event = null;
      try {
        event = JSON.parse(body.toString("utf8"));
      } catch {}
      const entry = { headers: req.headers, body: body.toString("utf8"), event, verifyError };
      received.push(entry);
      onEvent?.(entry);
      const answer = (await respond?.(entry)) ?? {};
      const { status = verifyError ? 401 : 204, delayMs = 0, headers = {}, body: reply } = answer;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (!res.destroyed) res.writeHead(status, headers).end(reply);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}${path}`,
    port: actual,
    received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(r);
      }),
  };
}
