// End-to-end: the real worker in workerd, a real origin on 127.0.0.1, signed callbacks.
import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { PROVIDER_FACTS } from "../../js/facts.mjs";
import { KNOWN_EVENT_TYPES, parseEvent, sign } from "../../pkg/node.mjs";
import { freePort, startWorker } from "./harness.mjs";

const SECRET = "whsec_dGVzdC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4OTA=";
const KEYS = {
  ims: "TestImsKey1",
  vod: "TestVodKey1",
  live: "TestLiveKey1",
  tencent: "TestTencentKey1",
  mux: "test-mux-secret_1",
  stream: "teststreamsecret0000000000000001",
  volc: "TestVolcKey1",
};
const KEY_OF = {
  "alibaba-ims": KEYS.ims,
  "alibaba-vod": KEYS.vod,
  "alibaba-live": KEYS.live,
  "tencent-vod": KEYS.tencent,
  mux: KEYS.mux,
  "cloudflare-stream": KEYS.stream,
  "volcengine-vod": KEYS.volc,
};
const fixturesDir = new URL("../fixtures/alibaba-ims/", import.meta.url);
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ name: f.replace(/\.json$/, ""), body: readFileSync(new URL(f, fixturesDir), "utf8") }));
const now = () => Math.floor(Date.now() / 1000);
// The core's own normalised JSON of a callback (`parse_event(..).as_json()`), from the packed
// package's wasm: what the worker must forward byte for byte.
const { eventJson: parsedJson } = createRequire(import.meta.url)("../../pkg/wasm-nodejs/mediahook.js");
/** What the origin gets: the event as parsed, byte for byte, with `verified_by` last. */
const eventJson = (...args) => parsedJson(...args).replace(/}$/, ',"verified_by":"signature"}');

let origin, worker, behaviour;
const baseVars = (originUrl) => ({
  ORIGIN_URL: originUrl,
  ORIGIN_SECRET: SECRET,
  ORIGIN_TIMEOUT_MS: "700",
  ALIBABA_IMS_AUTH_KEYS: `${KEYS.ims},OldImsKey0`,
  ALIBABA_VOD_AUTH_KEYS: KEYS.vod,
  ALIBABA_LIVE_AUTH_KEYS: KEYS.live,
  TENCENT_VOD_SIGN_KEYS: KEYS.tencent,
  MUX_WEBHOOK_SECRETS: KEYS.mux,
  CLOUDFLARE_STREAM_WEBHOOK_SECRETS: KEYS.stream,
  VOLCENGINE_VOD_KEYS: KEYS.volc,
});

before(async () => {
  origin = await startOrigin({ secret: SECRET, respond: (entry) => behaviour?.(entry) });
  worker = await startWorker(baseVars(origin.url));
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});

/** Sign for the worker's own URL (no *_CALLBACK_URLS configured) and send. */
async function send(provider, path, body, { key, timestamp, headers = {}, method } = {}) {
  const url = worker.url + path;
  const t = timestamp ?? (provider === "tencent-vod" ? now() + 600 : now());
  const signed = sign({ provider, url, key: key ?? KEY_OF[provider], body, timestamp: t });
  const res = await fetch(url, {
    method: method ?? signed.method,
    headers: { "content-type": "application/json", ...signed.headers, ...headers },
    body: (method ?? signed.method) === "GET" ? undefined : signed.body,
  });
  return {
    status: res.status,
    json: await res.json().catch(() => null),
    headers: res.headers,
    signedBody: signed.body,
  };
}

async function expectRejected(promise, status, code) {
  const before = origin.received.length;
  const r = await promise;
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json?.error, code);
  assert.equal(typeof r.json?.message, "string");
  assert.equal(origin.received.length, before, "nothing reached the origin");
  return r;
}

describe("forwarding", () => {
  test("every IMS fixture is verified, typed and forwarded with a verifiable Standard Webhooks signature", async () => {
    for (const { name, body } of fixtures) {
      const before = origin.received.length;
      const r = await send("alibaba-ims", "/alibaba/ims", body);
      assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.outcome, "forwarded");
      assert.equal(origin.received.length, before + 1, name);
      const got = origin.received.at(-1);
      assert.equal(got.verifyError, null, name);
      const expected = parseEvent("alibaba-ims", body);
      assert.deepEqual(got.event, { ...expected, verified_by: "signature" }, name);
      assert.equal(got.event.type, JSON.parse(body).EventType);
      assert.equal(got.headers["webhook-id"], expected.id);
      assert.equal(got.headers["content-type"], "application/json");
      assert.equal(r.json.id, expected.id);
    }
  });

  test("VOD, Live (GET and POST) and Tencent are forwarded", async () => {
    const vodBody = JSON.stringify({
      EventTime: "2026-11-23T10:00:00Z",
      EventType: "FileUploadComplete",
      VideoId: "v1",
      Status: "success",
    });
    const cases = [
      ["alibaba-vod", "/alibaba/vod", vodBody, "FileUploadComplete"],
      ["alibaba-live", "/alibaba/live?action=publish&app=live.example.com&appname=live&id=s1", "", "publish"],
      ["alibaba-live", "/alibaba/live", JSON.stringify({ action: "publish_done", id: "s2" }), "publish_done"],
      [
        "tencent-vod",
        "/tencent/vod",
        JSON.stringify({ EventType: "NewFileUpload", FileUploadEvent: { FileId: "5285485487985271487" } }),
        "NewFileUpload",
      ],
    ];
    for (const [provider, path, body, type] of cases) {
      const before = origin.received.length;
      const r = await send(provider, path, body);
      assert.equal(r.status, 200, `${provider} ${JSON.stringify(r.json)}`);
      assert.equal(origin.received.length, before + 1);
      const got = origin.received.at(-1);
      assert.equal(got.verifyError, null);
      assert.equal(got.event.provider, provider);
      assert.equal(got.event.type, type);
      if (provider === "tencent-vod") assert.equal(got.event.data.Sign, undefined, "auth fields are not event data");
    }
  });

  test("a signed sample of every known type of every provider is typed and forwarded", async () => {
    const samples = JSON.parse(readFileSync(new URL("../../js/samples.json", import.meta.url), "utf8"));
    // Every provider's route, from the provider table.
    const paths = Object.fromEntries(Object.entries(PROVIDER_FACTS).map(([p, f]) => [p, f.route]));
    // Live's stream callbacks and on-demand recording query are GETs whose query is the event.
    const GET_TYPES = new Set(["publish", "publish_done", "on_demand_record"]);
    // The on-demand recording query expects an answer from the origin.
    behaviour = (entry) =>
      entry.event?.type === "on_demand_record" ? { status: 200, body: '{"NeedRecord":false}' } : undefined;
    let count = 0;
    for (const [provider, bodies] of Object.entries(samples)) {
      assert.deepEqual(Object.keys(bodies).sort(), KNOWN_EVENT_TYPES[provider].toSorted(), provider);
      for (const [type, sample] of Object.entries(bodies)) {
        const get = provider === "alibaba-live" && GET_TYPES.has(type);
        const query = new URLSearchParams(
          Object.entries(sample).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        );
        const path = get ? `${paths[provider]}?${query}` : paths[provider];
        const before = origin.received.length;
        const r = await send(provider, path, get ? "" : JSON.stringify(sample), get ? { method: "GET" } : {});
        assert.equal(r.status, 200, `${provider} ${type}: ${JSON.stringify(r.json)}`);
        assert.equal(origin.received.length, before + 1, `${provider} ${type} reached the origin`);
        const got = origin.received.at(-1);
        assert.equal(got.verifyError, null);
        assert.equal(got.event.provider, provider);
        assert.equal(got.event.type, type, provider);
        count++;
      }
    }
    behaviour = undefined;
    assert.equal(count, Object.values(KNOWN_EVENT_TYPES).flat().length);
  });

  test("the origin receives parse_event's JSON byte for byte, for every provider fixture", async () => {
    const live = JSON.parse(readFileSync(new URL("../../js/samples.json", import.meta.url), "utf8"))["alibaba-live"];
    const cases = [];
    for (const provider of ["alibaba-ims", "alibaba-vod", "tencent-vod"]) {
      const dir = new URL(`../fixtures/${provider}/`, import.meta.url);
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const body = readFileSync(new URL(f, dir), "utf8");
        try {
          JSON.parse(body);
        } catch {
          continue; // the providers' samples with typos are malformed_json, tested elsewhere
        }
        cases.push({ provider, name: f, body });
      }
    }
    for (const [type, sample] of Object.entries(live)) {
      if (!["publish", "publish_done", "on_demand_record"].includes(type)) {
        cases.push({ provider: "alibaba-live", name: type, body: JSON.stringify(sample) });
      }
    }
    // Every provider's route, from the provider table.
    const paths = Object.fromEntries(Object.entries(PROVIDER_FACTS).map(([p, f]) => [p, f.route]));
    for (const [i, { provider, name, body }] of cases.entries()) {
      // A member of its own in front (the sample's bytes otherwise as they are), so that no
      // earlier test's copy makes it a duplicate.
      const unique = `{"E2eCase":${i},${body.slice(body.indexOf("{") + 1)}`;
      const before = origin.received.length;
      const r = await send(provider, paths[provider], unique);
      assert.equal(r.status, 200, `${provider} ${name}: ${JSON.stringify(r.json)}`);
      assert.equal(origin.received.length, before + 1, `${provider} ${name} reached the origin`);
      const expected = eventJson(provider, worker.url + paths[provider], Buffer.from(r.signedBody));
      assert.equal(origin.received.at(-1).body, expected, `${provider} ${name}`);
    }
    assert.ok(cases.length >= 60, `${cases.length} fixtures`);
  });

  test("numbers in unknown fields arrive as sent, 1e400 and deep nesting included, and never crash", async () => {
    const ims = JSON.parse(fixtures.find((f) => f.name === "ProduceMediaComplete").body);
    const numbers = '"Price":12.50,"Big":1.5e3,"Huge":123456789012345678901234567890,"Far":1e400,"Tiny":-0.0e-400';
    for (const [provider, body] of [
      ["alibaba-ims", `${JSON.stringify(ims).slice(0, -1)},${numbers}}`],
      ["tencent-vod", `{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"1",${numbers}},${numbers}}`],
    ]) {
      const r = await send(provider, provider === "tencent-vod" ? "/tencent/vod" : "/alibaba/ims", body);
      assert.equal(r.status, 200, `${provider}: ${JSON.stringify(r.json)}`);
      const got = origin.received.at(-1).body;
      for (const n of ["12.50", "1.5e3", "123456789012345678901234567890", "1e400", "-0.0e-400"]) {
        assert.ok(got.includes(`:${n}`), `${provider} forwards ${n} as sent: ${got}`);
      }
      assert.equal(
        got,
        eventJson(
          provider,
          worker.url + (provider === "tencent-vod" ? "/tencent/vod" : "/alibaba/ims"),
          Buffer.from(r.signedBody),
        ),
      );
    }
    // Nesting around the limit: accepted (and forwarded as parsed) or refused as malformed
    // JSON, never a crash; the next genuine callback is still answered.
    for (const levels of [124, 125, 126, 127, 128]) {
      const deep = `${"[".repeat(levels)}1${"]".repeat(levels)}`;
      const r = await send("alibaba-ims", "/alibaba/ims", `${JSON.stringify(ims).slice(0, -1)},"Deep":${deep}}`);
      assert.ok([200, 400].includes(r.status), `${levels} levels: ${r.status} ${JSON.stringify(r.json)}`);
      if (r.status === 400) assert.equal(r.json.error, "malformed_json");
      else assert.doesNotThrow(() => JSON.parse(origin.received.at(-1).body));
    }
    const r = await send("alibaba-ims", "/alibaba/ims", JSON.stringify({ ...ims, After: "deep" }));
    assert.equal(r.status, 200);
  });

  test("Live's on-demand recording query gets the origin's answer; a bad answer is 502", async () => {
    const path = "/alibaba/live?app=seq_all&domain=qt01.alivecdn.com&stream=ondemand8&vbitrate=2000&codec=h264";
    const answer = { ApiVersion: "1.0", NeedRecord: true, Interval: { Mp4: 300 }, Format: ["mp4"] };
    for (const [reply, status] of [
      [{ status: 200, body: JSON.stringify(answer), headers: { "content-type": "application/json" } }, 200],
      [{ status: 200, body: "not json" }, 502],
      [{ status: 200, body: JSON.stringify({ big: "x".repeat(3000) }) }, 502],
      [{ status: 500 }, 502],
    ]) {
      behaviour = () => reply;
      try {
        const r = await send("alibaba-live", path, "", { method: "GET" });
        assert.equal(r.status, status, JSON.stringify(r.json));
        if (status === 200) assert.deepEqual(r.json, answer);
        else assert.equal(r.json.error, "origin_error");
        const got = origin.received.at(-1);
        assert.equal(got.event.type, "on_demand_record");
        assert.deepEqual(got.event.data, {
          app: "seq_all",
          domain: "qt01.alivecdn.com",
          stream: "ondemand8",
          vbitrate: 2000,
          codec: "h264",
        });
      } finally {
        behaviour = undefined;
      }
    }
  });

  test("a retried callback carries the same id and is delivered once; the old rotated key still works", async () => {
    const body = JSON.stringify({
      ...JSON.parse(fixtures.find((f) => f.name === "ProduceMediaComplete").body),
      Case: "retry",
    });
    const logStart = worker.logs.length;
    const received = origin.received.length;
    const a = await send("alibaba-ims", "/alibaba/ims", body);
    const b = await send("alibaba-ims", "/alibaba/ims", body, { key: "OldImsKey0", timestamp: now() - 5 });
    assert.deepEqual([a.status, a.json.outcome], [200, "forwarded"]);
    assert.deepEqual([b.status, b.json.outcome], [200, "duplicate"]);
    assert.equal(a.json.id, b.json.id);
    assert.equal(origin.received.length, received + 1, "delivered once");
    // Log lines reach wrangler's stdout asynchronously: wait (bounded) for both.
    const lines = () => worker.logs.slice(logStart).filter((l) => l.id === a.json.id);
    for (let i = 0; i < 40 && lines().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      lines().map((l) => [l.outcome, l.key_index]),
      [
        ["forwarded", 0],
        ["duplicate", 1],
      ],
    );
  });
});

describe("rejections never reach the origin", () => {
  const body = JSON.stringify({
    EventType: "ProduceMediaComplete",
    UserId: 1,
    EventTime: "2026-11-23T10:00:00Z",
    MessageBody: {},
  });

  test("signature and time", async () => {
    await expectRejected(send("alibaba-ims", "/alibaba/ims", body, { key: "WrongKey1" }), 401, "signature_mismatch");
    await expectRejected(
      send("alibaba-ims", "/alibaba/ims", body, { timestamp: now() - 301 }),
      401,
      "timestamp_too_old",
    );
    await expectRejected(
      send("alibaba-ims", "/alibaba/ims", body, { timestamp: now() + 400 }),
      401,
      "timestamp_in_future",
    );
    await expectRejected(
      send("tencent-vod", "/tencent/vod", '{"EventType":"NewFileUpload"}', { timestamp: now() - 120 }),
      401,
      "expired",
    );
    const r = await fetch(`${worker.url}/alibaba/ims`, { method: "POST", body });
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error, "missing_signature");
  });

  test("malformed headers and bodies", async () => {
    await expectRejected(
      send("alibaba-ims", "/alibaba/ims", body, { headers: { "X-ICE-TIMESTAMP": "12a" } }),
      400,
      "malformed_timestamp",
    );
    await expectRejected(
      send("alibaba-ims", "/alibaba/ims", body, { headers: { "X-ICE-SIGNATURE": "xyz" } }),
      400,
      "malformed_signature",
    );
    await expectRejected(send("alibaba-ims", "/alibaba/ims", "{not json"), 400, "malformed_json");
    // A verified body that fails its schema is kept as a dead letter, answered 200, not delivered.
    const receivedBefore = origin.received.length;
    const kept = await send("alibaba-ims", "/alibaba/ims", '{"UserId":1}');
    assert.deepEqual([kept.status, kept.json.outcome, kept.json.reason], [200, "dead_lettered", "invalid_event"]);
    assert.equal(origin.received.length, receivedBefore);
    await expectRejected(send("alibaba-ims", "/alibaba/ims", "x".repeat(1024 * 1024 + 1)), 413, "body_too_large");
    // Chunked, with no Content-Length: counted while reading. Sent on its own connection: the
    // worker answers before the upload ends, which leaves that connection unusable for reuse.
    const before = origin.received.length;
    const s = sign({
      provider: "alibaba-ims",
      url: `${worker.url}/alibaba/ims`,
      key: KEYS.ims,
      body: "{}",
      timestamp: now(),
    });
    const r = await new Promise((resolve, reject) => {
      const req = request(`${worker.url}/alibaba/ims`, { method: "POST", headers: s.headers, agent: false }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
      });
      req.on("error", reject);
      (async () => {
        for (let i = 0; i < 5; i++) if (!req.write(Buffer.alloc(300 * 1024, 32))) await once(req, "drain");
        req.end();
      })().catch(() => {});
    });
    assert.equal(r.status, 413);
    assert.equal(r.json.error, "body_too_large");
    assert.equal(origin.received.length, before);
  });

  test("routes and methods", async () => {
    const before = origin.received.length;
    let r = await fetch(`${worker.url}/alibaba/ims`, { method: "GET" });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "POST");
    assert.equal((await r.json()).error, "method_not_allowed");
    r = await fetch(`${worker.url}/alibaba/live`, { method: "PUT", body: "x" });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "GET, POST");
    r = await fetch(`${worker.url}/mux`, { method: "GET" });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "POST");
    r = await fetch(`${worker.url}/nope`, { method: "POST", body: "{}" });
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error, "not_found");
    r = await fetch(`${worker.url}/healthz`);
    assert.deepEqual(await r.json(), {
      ok: true,
      providers: [
        "alibaba-ims",
        "alibaba-vod",
        "alibaba-live",
        "tencent-vod",
        "mux",
        "cloudflare-stream",
        "volcengine-vod",
      ],
      delivery: "direct",
    });
    assert.equal(origin.received.length, before);
  });

  test("log lines carry no key and no body", async () => {
    await send("alibaba-ims", "/alibaba/ims", body, { key: "WrongKey1" });
    const text = worker.output();
    for (const k of [...Object.values(KEYS), "OldImsKey0", SECRET]) assert.ok(!text.includes(k), `log shows ${k}`);
    assert.ok(!text.includes('"MessageBody"'), "log shows a body");
    const line = worker.logs.at(-1);
    assert.equal(line.outcome, "rejected");
    assert.equal(line.code, "signature_mismatch");
    assert.equal(line.status, 401);
    assert.equal(line.provider, "alibaba-ims");
  });
});

describe("origin failures are reported so the provider retries", () => {
  // Not sent before (the guard would answer a duplicate); a failed delivery releases the
  // guard's claim, so the same body is tried afresh each time.
  const body = JSON.stringify({
    ...JSON.parse(fixtures.find((f) => f.name === "SnapshotComplete").body),
    Case: "origin-failures",
  });
  test("origin 500 -> 502, slow origin -> 504, origin down -> 502", async () => {
    try {
      behaviour = () => ({ status: 500 });
      let r = await send("alibaba-ims", "/alibaba/ims", body);
      assert.equal(r.status, 502);
      assert.equal(r.json.error, "origin_error");
      behaviour = () => ({ delayMs: 1500 });
      r = await send("alibaba-ims", "/alibaba/ims", body);
      assert.equal(r.status, 504);
      assert.equal(r.json.error, "origin_timeout");
    } finally {
      behaviour = undefined;
    }
    const down = await startWorker({ ...baseVars(`http://127.0.0.1:${await freePort()}/events`) });
    try {
      const url = `${down.url}/alibaba/ims`;
      const s = sign({ provider: "alibaba-ims", url, key: KEYS.ims, body, timestamp: now() });
      const r = await fetch(url, { method: "POST", headers: s.headers, body: s.body });
      assert.equal(r.status, 502);
      assert.equal((await r.json()).error, "origin_error");
    } finally {
      await down.stop();
    }
  });
});

describe("filters and configuration", () => {
  test("unknown types are answered 200, kept as dead letters, not forwarded; allow-lists; disabled providers; bad config", async () => {
    let before = origin.received.length;
    const unknown = JSON.stringify({
      EventType: "SomethingNew",
      UserId: 1,
      EventTime: "2026-11-23T10:00:00Z",
      MessageBody: {},
    });
    let r = await send("alibaba-ims", "/alibaba/ims", unknown);
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.outcome, r.json.reason], ["dead_lettered", "unknown_event_type"]);
    assert.equal(origin.received.length, before);

    const filtered = await startWorker({
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: SECRET,
      ALIBABA_IMS_AUTH_KEYS: KEYS.ims,
      FORWARD_EVENT_TYPES: "SnapshotComplete",
      FORWARD_UNKNOWN_EVENTS: "true",
    });
    try {
      const post = async (path, b, key = KEYS.ims) => {
        const s = sign({ provider: "alibaba-ims", url: filtered.url + path, key, body: b, timestamp: now() });
        const res = await fetch(filtered.url + path, { method: "POST", headers: s.headers, body: s.body });
        return { status: res.status, json: await res.json() };
      };
      before = origin.received.length;
      r = await post("/alibaba/ims", fixtures.find((f) => f.name === "ProduceMediaComplete").body);
      assert.deepEqual([r.status, r.json.outcome, r.json.reason], [200, "filtered", "event_type_not_allowed"]);
      r = await post("/alibaba/ims", fixtures.find((f) => f.name === "SnapshotComplete").body);
      assert.deepEqual([r.status, r.json.outcome], [200, "forwarded"]);
      assert.equal(origin.received.length, before + 1);
      const t = await fetch(`${filtered.url}/tencent/vod`, { method: "POST", body: "{}" });
      assert.equal(t.status, 404, "a provider without keys is disabled");
    } finally {
      await filtered.stop();
    }

    const broken = await startWorker({
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: "not-a-secret",
      ALIBABA_IMS_AUTH_KEYS: KEYS.ims,
    });
    try {
      const h = await fetch(`${broken.url}/healthz`);
      assert.equal(h.status, 500);
      const j = await h.json();
      assert.equal(j.error, "invalid_config");
      assert.match(j.message, /ORIGIN_SECRET/);
      assert.ok(!j.message.includes("not-a-secret"));
    } finally {
      await broken.stop();
    }
  });
});
