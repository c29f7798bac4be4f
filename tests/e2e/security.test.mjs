// The security review's worker findings (issue 12), each reproduced against the real worker in
// workerd: M1 redirects, L4 callback URL lists, L5 ORIGIN_URL, L6 unsigned uploads, I7, I8.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { sign } from "../../pkg/node.mjs";
import { freePort, startWorker } from "./harness.mjs";

const SECRET = "whsec_dGVzdC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4OTA=";
const KEY = "TestImsKey1";
const TENCENT_KEY = "TestTencentKey1";
const body = readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8");
const now = () => Math.floor(Date.now() / 1000);

// An origin that logs every request: /redirect answers 302 to /landing, /redirect307 answers
// 307 to another host name, /landing and /elsewhere answer 200 to any method.
const seen = [];
let origin, originPort;
before(async () => {
  originPort = await freePort();
  origin = createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      seen.push({
        method: req.method,
        url: req.url,
        bytes: b.length,
        signed: Boolean(req.headers["webhook-signature"]),
      });
      if (req.url === "/redirect") return res.writeHead(302, { location: "/landing" }).end();
      if (req.url === "/redirect307")
        return res.writeHead(307, { location: `http://localhost:${originPort}/elsewhere` }).end();
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise((r) => origin.listen(originPort, "127.0.0.1", r));
});
after(
  () =>
    new Promise((r) => {
      origin.closeAllConnections();
      origin.close(r);
    }),
);

const vars = (extra) => ({
  ORIGIN_SECRET: SECRET,
  ORIGIN_TIMEOUT_MS: "1500",
  ALIBABA_IMS_AUTH_KEYS: KEY,
  DELIVERY_MODE: "direct",
  ...extra,
});

async function postSigned(
  worker,
  { signedUrl, provider = "alibaba-ims", path = "/alibaba/ims", payload = body, key = KEY } = {},
) {
  const url = worker.url + path;
  const ts = provider === "tencent-vod" ? now() + 600 : now();
  const signed = sign({ provider, url: signedUrl ?? url, key, body: payload, timestamp: ts });
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
  return { status: res.status, json: await res.json() };
}

async function withWorker(extra, fn) {
  const worker = await startWorker(vars(extra));
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("M1: origin redirects are never followed", () => {
  for (const [path, status] of [
    ["/redirect", 302],
    ["/redirect307", 307],
  ]) {
    test(`an origin answering ${status} is a failed delivery, and nothing goes to the redirect's target`, async () => {
      await withWorker({ ORIGIN_URL: `http://127.0.0.1:${originPort}${path}` }, async (worker) => {
        seen.length = 0;
        const r = await postSigned(worker);
        await settle();
        assert.equal(r.status, 502, JSON.stringify(r.json));
        assert.equal(r.json.error, "origin_error");
        assert.match(r.json.message, new RegExp(`answered ${status}, a redirect`));
        assert.deepEqual(
          seen.map((s) => `${s.method} ${s.url}`),
          [`POST ${path}`],
          "only the configured URL was asked",
        );
        const line = worker.logs.at(-1);
        assert.equal(line.outcome, "origin_failed");
        assert.equal(line.origin_status, status);
      });
    });
  }
});

describe("worker configuration and input", () => {
  test("L5: an ORIGIN_URL that is not a URL is invalid_config at /healthz and on callbacks", async () => {
    await withWorker({ ORIGIN_URL: "http://exa mple.com/events" }, async (worker) => {
      const h = await fetch(`${worker.url}/healthz`);
      assert.equal(h.status, 500);
      const hj = await h.json();
      assert.equal(hj.error, "invalid_config");
      assert.match(hj.message, /ORIGIN_URL/);
      const r = await postSigned(worker);
      assert.equal(r.status, 500);
      assert.equal(r.json.error, "invalid_config");
    });
  });

  test("L4: a callback URL with a comma is configurable (whitespace list and JSON array); a comma list is refused", async () => {
    const withComma = "https://hooks.example.com/alibaba/ims?fields=a,b";
    for (const list of [
      `${withComma} https://other.example.com/cb`,
      JSON.stringify(["https://other.example.com/cb", withComma]),
    ]) {
      await withWorker(
        { ORIGIN_URL: `http://127.0.0.1:${originPort}/landing`, ALIBABA_IMS_CALLBACK_URLS: list },
        async (worker) => {
          const r = await postSigned(worker, { signedUrl: withComma });
          assert.equal(r.status, 200, JSON.stringify(r.json));
          assert.equal(r.json.outcome, "forwarded");
        },
      );
    }
    await withWorker(
      {
        ORIGIN_URL: `http://127.0.0.1:${originPort}/landing`,
        ALIBABA_IMS_CALLBACK_URLS: "https://a.example.com/cb,https://b.example.com/cb",
      },
      async (worker) => {
        const h = await (await fetch(`${worker.url}/healthz`)).json();
        assert.equal(h.error, "invalid_config");
        assert.match(h.message, /ALIBABA_IMS_CALLBACK_URLS.*comma-separated/);
      },
    );
  });

  test("L6, I7, I8: unsigned uploads are refused before the body is read; long types are clipped; runtime errors stay in the log", async () => {
    const closed = await freePort();
    await withWorker(
      {
        ORIGIN_URL: `http://127.0.0.1:${closed}/events`,
        TENCENT_VOD_SIGN_KEYS: TENCENT_KEY,
        MUX_WEBHOOK_SECRETS: "mux-secret-for-l6",
        VOLCENGINE_VOD_KEYS: "VolcKeyForL6",
        FORWARD_UNKNOWN_EVENTS: "true",
      },
      async (worker) => {
        const upload = async (path, headers = {}) => {
          const chunk = new Uint8Array(1 << 20);
          let pulled = 0;
          const stream = new ReadableStream({
            pull(c) {
              if (pulled++ < 40) c.enqueue(chunk);
              else c.close();
            },
          });
          const started = Date.now();
          const res = await fetch(worker.url + path, { method: "POST", body: stream, duplex: "half", headers }).catch(
            (e) => ({ status: 0, text: async () => String(e) }),
          );
          const text = await res.text().catch((e) => String(e));
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {}
          return { status: res.status, json, text, pulled: pulled - 1, ms: Date.now() - started };
        };
        // Alibaba: no signature headers → 401 from the headers alone: the worker reads nothing
        // (its log line's duration is the header check; the runtime may still drain the upload).
        const ims = await upload("/alibaba/ims");
        assert.equal(ims.status, 401, JSON.stringify(ims));
        assert.equal(ims.json.error, "missing_signature");
        await settle();
        const imsLine = worker.logs.findLast((l) => l.provider === "alibaba-ims");
        assert.equal(imsLine.code, "missing_signature");
        assert.equal(imsLine.body_bytes, undefined, "the IMS body was never read");
        // The body-signing schemes need the body for the signature, but not to see that there
        // is none: refused from the headers alone too.
        for (const [provider, path] of [
          ["mux", "/mux"],
          ["volcengine-vod", "/volcengine/vod"],
        ]) {
          const r = await upload(path);
          assert.equal(r.status, 401, JSON.stringify(r));
          assert.equal(r.json.error, "missing_signature", provider);
          await settle();
          const line = worker.logs.findLast((l) => l.provider === provider);
          assert.equal(line.body_bytes, undefined, `the ${provider} body was never read`);
        }
        // Tencent signs in the body: read up to the limit, then drained only up to the 4 MiB cap
        // (40 MiB before the fix). The worker's own log line says where it stopped; what reaches
        // this client is up to wrangler's local proxy, which sometimes loses the body of an
        // answer given while the upload is still coming.
        const tencent = await upload("/tencent/vod");
        await settle();
        const tencentLine = worker.logs.findLast((l) => l.provider === "tencent-vod");
        assert.deepEqual([tencentLine.status, tencentLine.code], [413, "body_too_large"], JSON.stringify(tencent));
        assert.ok(
          tencentLine.body_bytes > 1024 * 1024 && tencentLine.body_bytes <= 5 * 1024 * 1024,
          `the worker read ${tencentLine.body_bytes} bytes`,
        );
        if (tencent.json) assert.equal(tencent.json.error, "body_too_large");
        console.log(
          `unsigned 40 MiB uploads: IMS refused in ${imsLine.duration_ms} ms of worker time without reading the body, Tencent after reading ${tencentLine.body_bytes} bytes (client saw ${tencent.status})`,
        );

        // I8: the origin is unreachable: a fixed message to the caller, the runtime's words in the log.
        const r = await postSigned(worker);
        assert.equal(r.status, 502);
        assert.equal(r.json.message, "the origin did not accept the event: it could not be reached");
        await settle();
        const line = worker.logs.at(-1);
        assert.equal(line.outcome, "origin_failed");
        assert.equal(typeof line.error, "string");

        // I7: a verified event of a 10,000-character type is logged with the type clipped.
        const longType = "X".repeat(10_000);
        const t = await postSigned(worker, {
          provider: "tencent-vod",
          path: "/tencent/vod",
          key: TENCENT_KEY,
          payload: JSON.stringify({ EventType: longType }),
        });
        assert.equal(t.status, 502, JSON.stringify(t.json));
        await settle();
        const typeLogged = worker.logs.at(-1).type;
        assert.ok(
          typeLogged.length <= 130 && typeLogged.startsWith("XXXX"),
          `logged type of ${typeLogged.length} characters`,
        );
      },
    );
  });
});
