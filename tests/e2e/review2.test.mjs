// The second security review's worker findings, each reproduced against the real worker in
// workerd as the review did: M1 (a valid number or deep nesting crashed the worker; see also
// worker.test.mjs), M2 (a quote-dense event too large for a queue message once escaped), L3
// (dead letters without a cap), L4 (an invalid Tencent twin pre-claimed a genuine event).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { parseEvent, sign } from "../../pkg/node.mjs";
import { startWorker, until } from "./harness.mjs";

const SECRET = "whsec_dGVzdC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4OTA=";
const KEY = "TestImsKey1";
const TENCENT_KEY = "TestTencentKey1";
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8"),
);
const now = () => Math.floor(Date.now() / 1000);

let origin, worker, stateDir;
before(async () => {
  origin = await startOrigin({ secret: SECRET });
  stateDir = mkdtempSync(join(tmpdir(), "mediahook-review2-"));
  worker = await startWorker(
    {
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: SECRET,
      ALIBABA_IMS_AUTH_KEYS: KEY,
      TENCENT_VOD_SIGN_KEYS: TENCENT_KEY,
      DEAD_LETTER_MAX_COUNT: "5",
      MAX_BODY_BYTES: String(2 * 1024 * 1024),
    },
    { mode: "queue", stateDir },
  );
});
after(async () => {
  await worker?.stop();
  await origin?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function send(body, provider = "alibaba-ims") {
  const path = provider === "tencent-vod" ? "/tencent/vod" : "/alibaba/ims";
  const url = worker.url + path;
  const tencent = provider === "tencent-vod";
  const signed = sign({
    provider,
    url,
    key: tencent ? TENCENT_KEY : KEY,
    body,
    timestamp: tencent ? now() + 600 : now(),
  });
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
  return { status: res.status, json: await res.json() };
}

describe("review 2, through the worker in workerd", () => {
  test("M2: a genuine 90 KiB event dense in quotes is queued (by reference) and delivered intact", async () => {
    const tags = Array.from({ length: 18_000 }, (_, i) => String(i % 100));
    const body = JSON.stringify({ ...fixture, MessageBody: { ...fixture.MessageBody, MediaId: "m2", Tags: tags } });
    assert.ok(body.length > 85_000 && body.length < 96 * 1024, `${body.length}`);
    const r = await send(body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.outcome, "queued");
    const got = await until("the delivery", () => origin.received.find((e) => e.headers["webhook-id"] === r.json.id));
    assert.deepEqual(got.event, { ...parseEvent("alibaba-ims", body), verified_by: "signature" });
    assert.equal(worker.logs.filter((l) => l.code === "queue_unavailable").length, 0);
  });

  test("M1: a callback of 1e400 and 126 levels of nesting is delivered, and the isolate keeps serving", async () => {
    const deep = `${"[".repeat(124)}1${"]".repeat(124)}`;
    const body = `${JSON.stringify({ ...fixture, MessageBody: { ...fixture.MessageBody, MediaId: "m1" } }).slice(0, -1)},"N":1e400,"D":${deep}}`;
    const r = await send(body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const got = await until("the delivery", () => origin.received.find((e) => e.headers["webhook-id"] === r.json.id));
    assert.ok(got.body.includes('"N":1e400') && got.body.includes(deep));
    const next = await send(
      JSON.stringify({ ...fixture, MessageBody: { ...fixture.MessageBody, MediaId: "m1-after" } }),
    );
    assert.equal(next.status, 200);
  });

  test("L4: an invalid Tencent twin kept as a dead letter does not make the genuine event a duplicate", async () => {
    const genuine = JSON.stringify({ EventType: "FileDeleted", FileDeleteEvent: { FileIdSet: ["5285890784"] } });
    const twin = '{"EventType":"FileDeleted","EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["5285890784"]}}';
    const first = await send(twin, "tencent-vod");
    assert.equal(first.json.outcome, "dead_lettered", JSON.stringify(first.json));
    const second = await send(genuine, "tencent-vod");
    assert.equal(second.json.outcome, "queued", JSON.stringify(second.json));
    assert.notEqual(first.json.id, second.json.id);
    await until("the genuine delivery", () => origin.received.some((e) => e.headers["webhook-id"] === second.json.id));
  });

  test("L3: past DEAD_LETTER_MAX_COUNT per provider new letters are refused with 503 and logged; near it, warned", async () => {
    const unknown = (n) => JSON.stringify({ EventType: "Flood", UserId: 1, EventTime: "2026-11-29T10:00:00Z", N: n });
    const answers = [];
    // The Tencent twin above is the Tencent provider's letter: the IMS cap (5) is its own.
    for (let n = 0; n < 7; n++) answers.push(await send(unknown(n)));
    assert.deepEqual(
      answers.map((a) => `${a.status} ${a.json.outcome ?? a.json.error}`),
      [...Array(5).fill("200 dead_lettered"), "503 storage_unavailable", "503 storage_unavailable"],
    );
    const refused = await until("both refusals in the log", () => {
      const lines = worker.logs.filter((l) => l.code === "storage_unavailable");
      return lines.length === 2 && lines;
    });
    assert.ok(
      refused.every((l) => /dead letters of alibaba-ims are full/.test(l.error)),
      JSON.stringify(refused),
    );
    const out = worker.output();
    assert.match(out, /\{"msg":"dead_letters","provider":"alibaba-ims","stored":true,"letters":4,/);
    assert.match(out, /\{"msg":"dead_letters","provider":"alibaba-ims","stored":false,"letters":6,/);

    // A Tencent dead letter is still kept: the cap is per provider.
    const tencent = await send(JSON.stringify({ EventType: "Flood", N: 1 }), "tencent-vod");
    assert.equal(tencent.json.outcome, "dead_lettered", JSON.stringify(tencent.json));
  });
});
