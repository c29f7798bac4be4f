// The npm package as a user gets it: `npm pack ./pkg`, installed into an empty project.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { installPackedPackage } from "../support/pack.mjs";

const root = resolve(import.meta.dirname, "../..");
let project, esm, cjs;

before(async () => {
  project = installPackedPackage();
  // Resolved by name through the package's exports map, as a user's code would.
  esm = await import(
    createRequire(join(project, "x.js"))
      .resolve("mediahook")
      .replace(/node\.cjs$/, "node.mjs")
  );
  cjs = createRequire(join(project, "index.js"))("mediahook");
});
after(() => rmSync(project, { recursive: true, force: true }));

const IMS_URL = "https://www.example.com/your/callback";

test("ESM and CommonJS give the same API", () => {
  for (const m of [esm, cjs]) {
    assert.deepEqual(
      Object.keys(m)
        .filter((k) => k !== "default")
        .sort(),
      [
        "ERROR_CODES",
        "KNOWN_EVENT_TYPES",
        "VerifyError",
        "isKnownEvent",
        "parseEvent",
        "sign",
        "verify",
        "verifySignature",
      ],
    );
  }
  assert.ok(cjs.ERROR_CODES.includes("signature_mismatch"));
  assert.equal(new Set(cjs.ERROR_CODES).size, cjs.ERROR_CODES.length);
});

test("the provider-notes vectors, through sign and verify", () => {
  const { sign, verify } = esm;
  assert.equal(
    sign({ provider: "alibaba-ims", url: IMS_URL, key: "test123", body: "{}", timestamp: 1519375990 }).headers[
      "X-ICE-SIGNATURE"
    ],
    "c72b60894140fa98920f1279219b7ed4",
  );
  assert.equal(
    sign({ provider: "alibaba-vod", url: IMS_URL, key: "Test123", body: "{}", timestamp: 1519375990 }).headers[
      "X-VOD-SIGNATURE"
    ],
    "c587b80d2d0ede300e8967937da7219b",
  );
  assert.equal(
    sign({ provider: "alibaba-live", url: "learn.aliyundoc.com", key: "yourkey", body: "", timestamp: 1519375990 })
      .headers["ALI-LIVE-SIGNATURE"],
    "9e226fc2c250be266e3657e156f68c12",
  );
  const t = sign({
    provider: "tencent-vod",
    key: "Test123",
    body: '{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285485487985271487"}}',
    timestamp: 1519376590,
  });
  assert.equal(JSON.parse(t.body).Sign, "3eb51b374d429806a087e17684c371df");
  const ev = verify({ provider: "tencent-vod", body: t.body, keys: ["Test123"], now: 1519376000 });
  assert.equal(ev.type, "NewFileUpload");
  assert.equal(ev.provider, "tencent-vod");
  assert.equal(ev.data.FileUploadEvent.FileId, "5285485487985271487");
});

test("every IMS fixture verifies with a Headers object, a plain object and bytes", () => {
  const dir = join(root, "tests/fixtures/alibaba-ims");
  for (const f of readdirSync(dir)) {
    const body = readFileSync(join(dir, f), "utf8");
    const s = esm.sign({ provider: "alibaba-ims", url: IMS_URL, key: "NewKey1", body, timestamp: 1700000000 });
    const lower = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v]));
    for (const headers of [new Headers(s.headers), lower]) {
      const ev = cjs.verify({
        provider: "alibaba-ims",
        url: IMS_URL,
        headers,
        body: new TextEncoder().encode(body),
        keys: ["NewKey1", "OldKey1"],
        now: 1700000100,
      });
      assert.equal(ev.type, JSON.parse(body).EventType, f);
      assert.match(ev.id, /^mh_[0-9a-f]{32}$/);
      assert.deepEqual(ev, esm.parseEvent("alibaba-ims", body), f);
    }
  }
});

test("verifySignature checks signature and time without parsing", () => {
  const body = "not json at all";
  const s = esm.sign({ provider: "alibaba-ims", url: IMS_URL, key: "NewKey1", body, timestamp: 1700000000 });
  for (const m of [esm, cjs]) {
    const base = { provider: "alibaba-ims", url: IMS_URL, headers: s.headers, body, now: 1700000100 };
    assert.deepEqual(m.verifySignature({ ...base, keys: ["OtherKey2", "NewKey1"] }), {
      keyIndex: 1,
      timestamp: 1700000000,
    });
    assert.throws(
      () => m.verifySignature({ ...base, keys: ["OtherKey2"] }),
      (e) => e instanceof m.VerifyError && e.code === "signature_mismatch",
    );
    assert.throws(
      () => m.verifySignature({ ...base, keys: ["NewKey1"], now: 1700000301 }),
      (e) => e.code === "timestamp_too_old",
    );
    assert.throws(
      () => m.verify({ ...base, keys: ["NewKey1"] }),
      (e) => e.code === "malformed_json",
    );
    // The Alibaba schemes sign no byte of the body: it is not encoded, but its size is still
    // checked against the limit (1 MiB), in UTF-8 bytes.
    const sized = (b) => {
      try {
        return m.verifySignature({ ...base, keys: ["NewKey1"], body: b }).keyIndex;
      } catch (e) {
        return e.code;
      }
    };
    assert.equal(sized("x".repeat(1024 * 1024)), 0);
    assert.equal(sized("x".repeat(1024 * 1024 + 1)), "body_too_large");
    assert.equal(sized("é".repeat(512 * 1024)), 0, "2 bytes each: exactly at the limit");
    assert.equal(sized("é".repeat(512 * 1024 + 1)), "body_too_large");
    assert.equal(sized(new Uint8Array(1024 * 1024 + 1)), "body_too_large");
  }
});

test("isKnownEvent and KNOWN_EVENT_TYPES", () => {
  assert.equal(esm.KNOWN_EVENT_TYPES["alibaba-ims"].length, 30);
  assert.equal(esm.KNOWN_EVENT_TYPES["alibaba-vod"].length, 22);
  // The 36 Tencent types, four of them also under the name without the SDK's "Event" suffix.
  assert.equal(esm.KNOWN_EVENT_TYPES["tencent-vod"].length, 40);
  assert.ok(esm.KNOWN_EVENT_TYPES["tencent-vod"].includes("TranscodeComplete"));
  const known = esm.parseEvent(
    "alibaba-ims",
    readFileSync(join(root, "tests/fixtures/alibaba-ims/SnapshotComplete.json")),
  );
  assert.equal(esm.isKnownEvent(known), true);
  const unknown = cjs.parseEvent(
    "alibaba-ims",
    '{"EventType":"Future","UserId":1,"EventTime":"t","MessageBody":{"a":1}}',
  );
  assert.equal(cjs.isKnownEvent(unknown), false);
  assert.deepEqual(unknown.data.MessageBody, { a: 1 });
});

test("64-bit IDs reach JS exact, as strings that survive JSON.stringify", () => {
  const body =
    '{"EventType":"RegisterMediaComplete","UserId":18446744073709551615,"EventTime":"2022-06-23T13:11:33Z","MessageBody":{"Status":"Success","MediaId":"m1"}}';
  for (const m of [esm, cjs]) {
    const ev = m.parseEvent("alibaba-ims", body);
    assert.equal(ev.data.UserId, "18446744073709551615");
    assert.equal(JSON.parse(JSON.stringify(ev)).data.UserId, "18446744073709551615");
    assert.equal(BigInt(ev.data.UserId), 2n ** 64n - 1n);
  }
});

test("errors are VerifyError with stable codes", () => {
  const body = '{"EventType":"ProduceMediaComplete"}';
  const s = esm.sign({ provider: "alibaba-ims", url: IMS_URL, key: "Key1", body, timestamp: 1700000000 });
  const base = { provider: "alibaba-ims", url: IMS_URL, headers: s.headers, body, keys: ["Key1"], now: 1700000000 };
  const cases = [
    [{ keys: ["Other1"] }, "signature_mismatch"],
    [{ now: 1700000301 }, "timestamp_too_old"],
    [{ now: 1699999699 }, "timestamp_in_future"],
    [{ headers: {} }, "missing_signature"],
    [{ headers: { "x-ice-signature": "zz", "x-ice-timestamp": "1" } }, "malformed_signature"],
    [{ keys: [] }, "no_keys"],
    [{ keys: ["bad key"] }, "invalid_key"],
    [{ provider: "aws" }, "unsupported_provider"],
    [{ method: "GET" }, "method_not_allowed"],
  ];
  for (const [override, code] of cases) {
    for (const m of [esm, cjs]) {
      assert.throws(
        () => m.verify({ ...base, ...override }),
        (e) => e instanceof m.VerifyError && e.code === code && !e.message.includes("Key1"),
        code,
      );
    }
  }
  const more = [
    [{ headers: { "X-ICE-SIGNATURE": s.headers["X-ICE-SIGNATURE"] } }, "missing_timestamp"],
    [{ headers: { ...s.headers, "X-ICE-TIMESTAMP": "-5" } }, "malformed_timestamp"],
    [{ body: "x".repeat(1024 * 1024 + 1) }, "body_too_large"],
  ];
  for (const [override, code] of more) {
    assert.throws(
      () => cjs.verify({ ...base, ...override }),
      (e) => e.code === code,
      code,
    );
  }
  const t = esm.sign({
    provider: "tencent-vod",
    key: "Key1",
    body: '{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}',
    timestamp: 1700000000,
  });
  assert.throws(
    () => esm.verify({ provider: "tencent-vod", body: t.body, keys: ["Key1"], now: 1700000061 }),
    (e) => e.code === "expired",
  );
  assert.throws(
    () => esm.sign({ provider: "alibaba-ims", url: IMS_URL, key: "Key1", body: "{}", timestamp: -1 }),
    (e) => e.code === "invalid_config",
  );
  assert.throws(
    () => esm.sign({ provider: "alibaba-ims", url: IMS_URL, key: "bad key", body: "{}", timestamp: 1 }),
    (e) => e.code === "invalid_key",
  );
  assert.throws(
    () => esm.parseEvent("alibaba-ims", "{oops"),
    (e) => e.code === "malformed_json",
  );
  assert.throws(
    () => esm.parseEvent("alibaba-ims", "[]"),
    (e) => e.code === "invalid_event",
  );
});

test("TypeScript: the declared API type-checks, and a wrong field access does not", () => {
  const tsc = join(root, "node_modules/.bin/tsc");
  const opts = [
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--lib",
    "es2022,dom",
  ];
  writeFileSync(
    join(project, "ok.mts"),
    `import { verify, isKnownEvent, VerifyError, type AnyMediaEvent } from "mediahook";
const e: AnyMediaEvent = verify({ provider: "alibaba-ims", url: "u", headers: {}, body: "", keys: ["k"] });
const t: string = e.type; const id: string = e.id;
if (isKnownEvent(e) && e.provider === "alibaba-ims" && e.type === "FileUploadComplete") {
  const size: number = e.data.MessageBody.Size; const user: string = e.data.UserId;
  const notify: unknown = e.data.MessageBody.UserData?.json;
}
if (isKnownEvent(e) && e.provider === "tencent-vod" && e.type === "NewFileUpload" && "FileUploadEvent" in e.data) {
  const fileId: string | undefined = e.data.FileUploadEvent.FileId;
}
if (isKnownEvent(e) && e.provider === "tencent-vod" && e.type === "TranscodeComplete" && "TranscodeCompleteEvent" in e.data) {
  const url: string | undefined = e.data.TranscodeCompleteEvent.PlayInfoSet?.[0]?.Url;
}
if (isKnownEvent(e) && e.provider === "alibaba-vod" && e.type === "RestoreMediaComplete") {
  const until: string | undefined = e.data.RestoreExpiration;
}
try { verify({ provider: "tencent-vod", body: new Uint8Array(), keys: "k" }); } catch (x) { if (x instanceof VerifyError) { const c: string = x.code; } }
`,
  );
  execFileSync(tsc, [...opts, join(project, "ok.mts")], { cwd: project });
  writeFileSync(
    join(project, "bad.mts"),
    `import { verify, isKnownEvent } from "mediahook";
const e = verify({ provider: "alibaba-ims", body: "", keys: ["k"] });
const n: number = e.notAField;
verify({ provider: "aws-s3", body: "", keys: [] });
if (isKnownEvent(e) && e.provider === "alibaba-ims" && e.type === "FileUploadComplete") {
  const wrongType: string = e.data.MessageBody.Size;
  const missing = e.data.MessageBody.NoSuchField;
}
`,
  );
  assert.throws(
    () => execFileSync(tsc, [...opts, join(project, "bad.mts")], { cwd: project, stdio: "pipe" }),
    (e) => {
      const out = String(e.stdout);
      return (
        out.includes("notAField") &&
        out.includes("aws-s3") &&
        out.includes("NoSuchField") &&
        /Type 'number' is not assignable to type 'string'/.test(out)
      );
    },
  );
});

test("security review L2: a URL with newlines never reuses another configuration's verifier", () => {
  // A fresh process, so the verifier cache starts empty: config B (keys keyA, 300, keyB) first,
  // then config A, whose URL holds newlines that spelled B's cache key before the fix.
  const script = `
    import { verifySignature } from "mediahook";
    import { createHash } from "node:crypto";
    const md5 = (s) => createHash("md5").update(s).digest("hex");
    const ts = 1700000000, good = "https://a.example/cb";
    const headers = { "X-ICE-TIMESTAMP": String(ts), "X-ICE-SIGNATURE": md5(good + "|" + ts + "|keyA") };
    const run = (opts) => { try { verifySignature({ provider: "alibaba-ims", now: ts, headers, body: "{}", ...opts }); return "ACCEPT"; } catch (e) { return e.code; } };
    console.log(JSON.stringify([run({ url: good, keys: ["keyA", "300", "keyB"] }), run({ url: good + "\\n300\\nkeyA", keys: ["keyB"] })]));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), ["ACCEPT", "signature_mismatch"]);
});
