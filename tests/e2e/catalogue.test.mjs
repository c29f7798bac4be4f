// The bad-request catalogue: every entry is sent to the real worker (workerd via wrangler dev)
// with a real origin behind it. Each gets its documented status and code, nothing reaches the
// origin, no entry gets a 5xx, and the worker still forwards a valid callback after all of them.
// Entries rejected by the HTTP layer in front of the worker (before any worker code runs) are
// marked `http` and must still be a 4xx.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { sign } from "../../pkg/node.mjs";
import { rawRequest } from "../support/raw-http.mjs";
import { startWorker } from "./harness.mjs";

const SECRET = "whsec_Y2F0YWxvZ3VlLW9yaWdpbi1zZWNyZXQtMTIzNDU=";
const KEYS = {
  "alibaba-ims": "CatalogueIms1",
  "alibaba-vod": "CatalogueVod1",
  "alibaba-live": "CatalogueLive1",
  "tencent-vod": "CatalogueTencent1",
};
const PATHS = {
  "alibaba-ims": "/alibaba/ims",
  "alibaba-vod": "/alibaba/vod",
  "alibaba-live": "/alibaba/live",
  "tencent-vod": "/tencent/vod",
};
const IMS_BODY = readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8");
const TENCENT_BODY = JSON.stringify({
  EventType: "NewFileUpload",
  FileUploadEvent: { FileId: "5285890784246869930", MediaBasicInfo: { Name: "a.mp4" } },
});
const now = () => Math.floor(Date.now() / 1000);
const MiB = 1024 * 1024;

let origin, worker;
before(async () => {
  origin = await startOrigin({ secret: SECRET });
  worker = await startWorker({
    ORIGIN_URL: origin.url,
    ORIGIN_SECRET: SECRET,
    ALIBABA_IMS_AUTH_KEYS: KEYS["alibaba-ims"],
    ALIBABA_VOD_AUTH_KEYS: KEYS["alibaba-vod"],
    ALIBABA_LIVE_AUTH_KEYS: KEYS["alibaba-live"],
    TENCENT_VOD_SIGN_KEYS: KEYS["tencent-vod"],
  });
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});

/** A correctly signed request (as raw-http wants it), then `change` applied to its headers. */
function signed(
  provider,
  body,
  { timestamp, key = KEYS[provider], signPath, query = "", change = (h) => h, method } = {},
) {
  const path = PATHS[provider] + query;
  const t = timestamp ?? (provider === "tencent-vod" ? now() + 600 : now());
  const s = sign({ provider, url: worker.url + (signPath ?? path), key, body, timestamp: t });
  const headers = change([["Content-Type", "application/json"], ...Object.entries(s.headers)]);
  return { method: method ?? s.method, path, headers, body: Buffer.from(s.body) };
}
const ims = (body, opts) => signed("alibaba-ims", body, opts);
const setHeader = (name, value) => (h) => [...h.filter(([n]) => n.toLowerCase() !== name.toLowerCase()), [name, value]];
const dropHeader = (name) => (h) => h.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const repeatHeader = (name) => (h) => [...h, ...h.filter(([n]) => n.toLowerCase() === name.toLowerCase())];
const sigOf = (h) => h.find(([n]) => n === "X-ICE-SIGNATURE")[1];
/** Tencent body with Sign/T, then fields replaced or removed (undefined). */
function tencent(fields, { rawBody } = {}) {
  const s = sign({ provider: "tencent-vod", key: KEYS["tencent-vod"], body: TENCENT_BODY, timestamp: now() + 600 });
  const body = rawBody ?? JSON.stringify({ ...JSON.parse(s.body), ...fields });
  return {
    method: "POST",
    path: "/tencent/vod",
    headers: [["Content-Type", "application/json"]],
    body: Buffer.from(body),
  };
}
function chunked(req, total) {
  const piece = Buffer.alloc(64 * 1024, "a");
  const parts = [];
  for (let sent = 0; sent < total; sent += piece.length)
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
  parts.push(Buffer.from("0\r\n\r\n"));
  return {
    ...req,
    headers: [...req.headers, ["Transfer-Encoding", "chunked"]],
    body: Buffer.concat(parts),
    contentLength: false,
  };
}

// [name, () => request, status, code]; code "http": refused by the HTTP layer before the worker
// (any 4xx); "runtime": workerd's own answer before the worker runs (exactly that status).
const CATALOGUE = [
  // Signature and timestamp headers
  [
    "signature header missing",
    () => ims(IMS_BODY, { change: dropHeader("X-ICE-SIGNATURE") }),
    401,
    "missing_signature",
  ],
  [
    "timestamp header missing",
    () => ims(IMS_BODY, { change: dropHeader("X-ICE-TIMESTAMP") }),
    401,
    "missing_timestamp",
  ],
  ["no signing headers at all", () => ims(IMS_BODY, { change: (h) => h.slice(0, 1) }), 401, "missing_signature"],
  [
    "signature header sent twice",
    () => ims(IMS_BODY, { change: repeatHeader("X-ICE-SIGNATURE") }),
    400,
    "malformed_signature",
  ],
  [
    "timestamp header sent twice",
    () => ims(IMS_BODY, { change: repeatHeader("X-ICE-TIMESTAMP") }),
    400,
    "malformed_timestamp",
  ],
  ["signature empty", () => ims(IMS_BODY, { change: setHeader("X-ICE-SIGNATURE", "") }), 400, "malformed_signature"],
  [
    "signature 31 hex digits",
    () => ims(IMS_BODY, { change: (h) => setHeader("X-ICE-SIGNATURE", sigOf(h).slice(1))(h) }),
    400,
    "malformed_signature",
  ],
  [
    "signature 33 hex digits",
    () => ims(IMS_BODY, { change: (h) => setHeader("X-ICE-SIGNATURE", `${sigOf(h)}0`)(h) }),
    400,
    "malformed_signature",
  ],
  [
    "signature not hex",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-SIGNATURE", "z".repeat(32)) }),
    400,
    "malformed_signature",
  ],
  [
    "signature with Unicode",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-SIGNATURE", "é".repeat(16)) }),
    400,
    "malformed_signature",
  ],
  ["signature by another key", () => ims(IMS_BODY, { key: "NotTheKey9" }), 401, "signature_mismatch"],
  ["signature for another path", () => ims(IMS_BODY, { signPath: "/alibaba/vod" }), 401, "signature_mismatch"],
  [
    "signature of a VOD callback sent to IMS",
    () => ({ ...signed("alibaba-vod", IMS_BODY), path: "/alibaba/ims" }),
    401,
    "missing_signature",
  ],
  [
    "timestamp not a number",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", "yesterday") }),
    400,
    "malformed_timestamp",
  ],
  [
    "timestamp negative",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", "-1519375990") }),
    400,
    "malformed_timestamp",
  ],
  [
    "timestamp overflowing 64 bits",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", "99999999999999999999999") }),
    400,
    "malformed_timestamp",
  ],
  [
    "timestamp with a fraction",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", "1519375990.5") }),
    400,
    "malformed_timestamp",
  ],
  [
    "timestamp in Arabic-Indic digits",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", "١٥١٩٣٧٥٩٩٠") }),
    400,
    "malformed_timestamp",
  ],
  [
    "timestamp with a control character",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-TIMESTAMP", Buffer.from("15193\x0175990")) }),
    400,
    "http",
  ],
  ["timestamp 301 s old (edge + 1)", () => ims(IMS_BODY, { timestamp: now() - 305 }), 401, "timestamp_too_old"],
  ["timestamp 301 s ahead (edge + 1)", () => ims(IMS_BODY, { timestamp: now() + 305 }), 401, "timestamp_in_future"],
  ["timestamp 0", () => ims(IMS_BODY, { timestamp: 0 }), 401, "timestamp_too_old"],
  ["timestamp in milliseconds", () => ims(IMS_BODY, { timestamp: now() * 1000 }), 401, "timestamp_in_future"],
  // Tencent body credentials
  ["Tencent Sign missing", () => tencent({ Sign: undefined }), 401, "missing_signature"],
  ["Tencent T missing", () => tencent({ T: undefined }), 401, "missing_timestamp"],
  [
    "Tencent T as a float",
    () =>
      tencent(
        {},
        {
          rawBody: tencent({})
            .body.toString()
            .replace(/"T":(\d+)/, '"T":$1.5'),
        },
      ),
    400,
    "malformed_timestamp",
  ],
  [
    "Tencent T in exponent form",
    () =>
      tencent(
        {},
        {
          rawBody: tencent({})
            .body.toString()
            .replace(/"T":(\d)(\d+)/, (_, a, b) => `"T":${a}.${b}e${b.length}`),
        },
      ),
    400,
    "malformed_timestamp",
  ],
  ["Tencent T negative", () => tencent({ T: -5 }), 400, "malformed_timestamp"],
  ["Tencent Sign a number", () => tencent({ Sign: 12345 }), 400, "malformed_signature"],
  [
    "Tencent Sign sent twice in the body",
    () =>
      tencent(
        {},
        { rawBody: `{"Sign":"${"0".repeat(32)}",${JSON.stringify(JSON.parse(tencent({}).body.toString())).slice(1)}` },
      ),
    400,
    "malformed_json",
  ],
  [
    "Tencent signed with an expired T",
    () => signed("tencent-vod", TENCENT_BODY, { timestamp: now() - 65 }),
    401,
    "expired",
  ],
  [
    "Tencent T too far ahead",
    () => signed("tencent-vod", TENCENT_BODY, { timestamp: now() + 3600 }),
    401,
    "timestamp_in_future",
  ],
  // Live
  [
    "Live signed for another host",
    () => ({
      ...signed("alibaba-live", "", { query: "?action=publish&app=a&appname=a&id=s" }),
      headers: Object.entries(
        sign({
          provider: "alibaba-live",
          url: "other.example.com",
          key: KEYS["alibaba-live"],
          body: "",
          timestamp: now(),
        }).headers,
      ),
    }),
    401,
    "signature_mismatch",
  ],
  // Methods
  ["GET on a POST-only route", () => ({ method: "GET", path: "/alibaba/ims" }), 405, "method_not_allowed"],
  ["PUT", () => ({ ...ims(IMS_BODY), method: "PUT" }), 405, "method_not_allowed"],
  ["DELETE", () => ({ method: "DELETE", path: "/tencent/vod" }), 405, "method_not_allowed"],
  ["PATCH", () => ({ ...signed("alibaba-vod", "{}"), method: "PATCH" }), 405, "method_not_allowed"],
  ["OPTIONS", () => ({ method: "OPTIONS", path: "/alibaba/ims" }), 405, "method_not_allowed"],
  ["HEAD", () => ({ method: "HEAD", path: "/alibaba/ims" }), 405, null],
  [
    "POST to /healthz",
    () => ({ method: "POST", path: "/healthz", body: Buffer.from("{}") }),
    405,
    "method_not_allowed",
  ],
  ["WebDAV method", () => ({ ...ims(IMS_BODY), method: "PROPFIND" }), 405, "method_not_allowed"],
  // workerd refuses methods it does not know with 501 before any worker code runs (RFC 9110 15.6.2).
  ["made-up method", () => ({ ...ims(IMS_BODY), method: "FROB" }), 501, "runtime"],
  // Routes
  ["unknown route", () => ({ ...ims(IMS_BODY), path: "/alibaba/oss" }), 404, "not_found"],
  ["trailing slash", () => ({ ...ims(IMS_BODY), path: "/alibaba/ims/" }), 404, "not_found"],
  ["upper-case route", () => ({ ...ims(IMS_BODY), path: "/ALIBABA/IMS" }), 404, "not_found"],
  ["root", () => ({ method: "GET", path: "/" }), 404, "not_found"],
  ["encoded NUL in the path", () => ({ ...ims(IMS_BODY), path: "/alibaba/ims%00" }), 404, "not_found"],
  ["Unicode in the path", () => ({ ...ims(IMS_BODY), path: Buffer.from("/alibaba/ïms") }), 404, "not_found"],
  ["dot segments", () => ({ ...ims(IMS_BODY), path: "/alibaba/x/../../healthz/../alibaba/oss" }), 404, "not_found"],
  // URLs: the signed URL is the one received, so any change to it is a mismatch
  ["query added after signing", () => ({ ...ims(IMS_BODY), path: "/alibaba/ims?x=1" }), 401, "signature_mismatch"],
  [
    "control characters in the query",
    () => ({ ...ims(IMS_BODY), path: "/alibaba/ims?a=%00%0a%0d" }),
    401,
    "signature_mismatch",
  ],
  [
    "Unicode in the query",
    () => ({ ...ims(IMS_BODY), path: "/alibaba/ims?name=%E5%AA%92%E4%BD%93" }),
    401,
    "signature_mismatch",
  ],
  // Bodies
  ["not JSON", () => ims("this is not json"), 400, "malformed_json"],
  ["truncated JSON", () => ims(IMS_BODY.slice(0, IMS_BODY.length / 2)), 400, "malformed_json"],
  ["empty body", () => ims(""), 400, "malformed_json"],
  [
    "invalid UTF-8 in JSON",
    () => ({
      ...ims("x"),
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      headers: ims(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])).headers,
    }),
    400,
    "malformed_json",
  ],
  ["JSON nested 10,000 deep", () => ims("[".repeat(10000) + "]".repeat(10000)), 400, "malformed_json"],
  // Verified bodies that fail their schema are kept as dead letters (200, not delivered): the
  // provider signed them, so refusing them would lose them. A number beyond f64 is valid JSON,
  // kept as sent (it used to be refused, or to crash the worker once typed).
  ["number beyond f64 in an invalid event", () => ims(`{"EventType":"X","N":1e400}`), 200, null],
  ["JSON array, not an object", () => ims("[1,2,3]"), 200, null],
  ["JSON string, not an object", () => ims('"ProduceMediaComplete"'), 200, null],
  ["no EventType", () => ims(JSON.stringify({ MessageBody: {} })), 200, null],
  [
    "known type missing a required field",
    () => ims(JSON.stringify({ ...JSON.parse(IMS_BODY), MessageBody: {} })),
    200,
    null,
  ],
  [
    "known type with an impossible field type",
    () => {
      // (An object where a string is documented is kept as sent: providers do that.)
      const b = JSON.parse(IMS_BODY);
      b.UserId = { nested: true };
      return ims(JSON.stringify(b));
    },
    200,
    null,
  ],
  ["1 MiB + 1 byte with Content-Length", () => ims("x".repeat(MiB + 1)), 413, "body_too_large"],
  ["2 MiB chunked", () => chunked(ims(IMS_BODY, { change: (h) => h }), 2 * MiB), 413, "body_too_large"],
  // Content types (never trusted: the body decides)
  [
    "form-encoded body",
    () =>
      ims("EventType=ProduceMediaComplete", { change: setHeader("Content-Type", "application/x-www-form-urlencoded") }),
    400,
    "malformed_json",
  ],
  [
    "multipart body",
    () =>
      ims('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', {
        change: setHeader("Content-Type", "multipart/form-data; boundary=b"),
      }),
    400,
    "malformed_json",
  ],
  [
    "XML body",
    () => ims("<EventType>ProduceMediaComplete</EventType>", { change: setHeader("Content-Type", "text/xml") }),
    400,
    "malformed_json",
  ],
  // Huge and odd headers
  [
    "signature header of 8 KB",
    () => ims(IMS_BODY, { change: setHeader("X-ICE-SIGNATURE", "a".repeat(8192)) }),
    400,
    "malformed_signature",
  ],
  [
    "headers of 200 KB in all",
    () =>
      ims(IMS_BODY, {
        change: (h) => [...h, ...Array.from({ length: 100 }, (_, i) => [`X-Pad-${i}`, "p".repeat(2048)])],
      }),
    431,
    "http",
  ],
  [
    "200 extra headers, signature wrong",
    () =>
      ims(IMS_BODY, {
        key: "WrongKey1",
        change: (h) => [...h, ...Array.from({ length: 200 }, (_, i) => [`X-Extra-${i}`, "v"])],
      }),
    401,
    "signature_mismatch",
  ],
  ["header name with a space", () => ims(IMS_BODY, { change: (h) => [...h, ["Bad Name", "v"]] }), 400, "http"],
];

describe("bad-request catalogue", () => {
  test(`${CATALOGUE.length} bad requests: documented status and code, nothing forwarded, never 5xx`, async () => {
    assert.ok(CATALOGUE.length >= 40);
    const failures = [];
    for (const [name, make, status, code] of CATALOGUE) {
      if (process.env.CATALOGUE_DEBUG) console.error("catalogue:", name, new Date().toISOString());
      const before = origin.received.length;
      let res;
      try {
        res = await rawRequest(worker.url, make());
      } catch (e) {
        failures.push(`${name}: ${e.message}`);
        continue;
      }
      const text = res.body.toString("utf8");
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {}
      const problems = [];
      if (res.status >= 500 && code !== "runtime") problems.push(`answered ${res.status}`);
      if (code === "runtime") {
        if (res.status !== status || json)
          problems.push(`expected the runtime's own ${status}, got ${res.status} ${text.slice(0, 100)}`);
      } else if (code === "http") {
        if (!(res.status >= 400 && res.status < 500))
          problems.push(`expected a 4xx from the HTTP layer, got ${res.status}`);
      } else {
        if (res.status !== status) problems.push(`status ${res.status}, expected ${status}`);
        if (code && json?.error !== code) problems.push(`code ${json?.error}, expected ${code}: ${text.slice(0, 200)}`);
        if (status === 200 && json?.outcome !== "dead_lettered")
          problems.push(`outcome ${json?.outcome}, expected dead_lettered`);
        if (status === 405 && !res.headers.allow) problems.push("405 without Allow");
      }
      if (origin.received.length !== before) problems.push("it reached the origin");
      if (problems.length) failures.push(`${name}: ${problems.join("; ")}`);
    }
    assert.deepEqual(failures, []);
  });

  test("the worker still forwards a valid callback of every provider after the catalogue", async () => {
    const cases = [
      ims(IMS_BODY),
      signed(
        "alibaba-vod",
        JSON.stringify({
          EventTime: "2026-11-23T10:00:00Z",
          EventType: "FileUploadComplete",
          VideoId: "v1",
          Status: "success",
        }),
      ),
      signed("alibaba-live", "", { query: "?action=publish&app=a&appname=a&id=s&ip=127.0.0.1&node=n" }),
      signed("tencent-vod", TENCENT_BODY),
    ];
    for (const req of cases) {
      const before = origin.received.length;
      const res = await rawRequest(worker.url, req);
      assert.equal(res.status, 200, `${req.path}: ${res.body}`);
      assert.equal(origin.received.length, before + 1);
      assert.equal(origin.received.at(-1).verifyError, null);
    }
  });

  test("no key or secret appears in the worker's output", () => {
    const out = worker.output();
    for (const secret of [...Object.values(KEYS), SECRET])
      assert.ok(!out.includes(secret), "a key or secret was logged");
  });
});

describe("bad configuration", () => {
  const BAD = [
    ["a key with Unicode", { ALIBABA_IMS_AUTH_KEYS: "ключ123" }, "ALIBABA_IMS_AUTH_KEYS"],
    ["a key with a control character", { TENCENT_VOD_SIGN_KEYS: "abc\u0007def" }, "TENCENT_VOD_SIGN_KEYS"],
    ["a key of 33 characters", { ALIBABA_VOD_AUTH_KEYS: "k".repeat(33) }, "ALIBABA_VOD_AUTH_KEYS"],
    ["a secret that is not whsec_", { ORIGIN_SECRET: "hunter2hunter2hunter2" }, "ORIGIN_SECRET"],
    ["an origin that is not http(s)", { ORIGIN_URL: "ftp://127.0.0.1/x" }, "ORIGIN_URL"],
    ["a negative tolerance", { TOLERANCE_SECONDS: "-1" }, "TOLERANCE_SECONDS"],
  ];
  test("each answers 500 invalid_config naming the variable, never its value, and forwards nothing", async () => {
    // One worker per configuration; 500 (not 4xx) so the provider keeps retrying until it is fixed.
    const base = { ORIGIN_URL: origin.url, ORIGIN_SECRET: SECRET, ALIBABA_IMS_AUTH_KEYS: KEYS["alibaba-ims"] };
    for (const [name, vars, variable] of BAD) {
      const w = await startWorker({ ...base, ...vars });
      try {
        const before = origin.received.length;
        for (const req of [{ method: "GET", path: "/healthz" }, ims(IMS_BODY)]) {
          const res = await rawRequest(w.url, { ...req, headers: req.headers?.map(([n, v]) => [n, v]) });
          const json = JSON.parse(res.body.toString());
          assert.equal(res.status, 500, name);
          assert.equal(json.error, "invalid_config", name);
          assert.match(json.message, new RegExp(variable), name);
          for (const value of Object.values(vars))
            assert.ok(!res.body.toString().includes(value), `${name}: value shown`);
        }
        assert.equal(origin.received.length, before, name);
      } finally {
        await w.stop();
      }
    }
  });
});
