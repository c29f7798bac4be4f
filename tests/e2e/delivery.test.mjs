// Durable delivery (queue mode) through the real worker in workerd: Cloudflare Queues and the
// Durable Objects run locally in wrangler dev. Retry delays are shortened (RETRY_MIN_SECONDS,
// RETRY_MAX_SECONDS); the retry count is the shipped default (MAX_RETRIES 32).
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
const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const fixture = readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8");
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A distinct IMS event (a different MediaId per n). */
const imsBody = (n, extra = {}) => {
  const e = JSON.parse(fixture);
  e.MessageBody.MediaId = `media-${n}`;
  return JSON.stringify({ ...e, ...extra });
};

let origin, worker, stateDir;
// respond(entry) decides each delivery: { status, headers }.
let respond = () => ({ status: 204 });
const vars = () => ({
  ORIGIN_URL: origin.url,
  ORIGIN_SECRET: SECRET,
  ALIBABA_IMS_AUTH_KEYS: KEY,
  TENCENT_VOD_SIGN_KEYS: TENCENT_KEY,
  RETRY_MIN_SECONDS: "1",
  RETRY_MAX_SECONDS: "2",
  DELIVERY_TIMEOUT_MS: "3000",
  ADMIN_TOKEN,
  MAX_BODY_BYTES: String(2 * 1024 * 1024),
  SIGNATURE_REUSE_WARN: "10",
});

before(async () => {
  origin = await startOrigin({ secret: SECRET, respond: (entry) => respond(entry) });
  stateDir = mkdtempSync(join(tmpdir(), "mediahook-state-"));
  worker = await startWorker(vars(), { mode: "queue", stateDir });
});
after(async () => {
  await worker?.stop();
  await origin?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function send(body, { timestamp = now(), provider = "alibaba-ims" } = {}) {
  const path = provider === "tencent-vod" ? "/tencent/vod" : "/alibaba/ims";
  const url = worker.url + path;
  const key = provider === "tencent-vod" ? TENCENT_KEY : KEY;
  const signed = sign({
    provider,
    url,
    key,
    body,
    timestamp: provider === "tencent-vod" ? timestamp + 600 : timestamp,
  });
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
  return { status: res.status, json: await res.json(), ms: performance.now() - started };
}

const admin = (path, { method = "GET", token = ADMIN_TOKEN } = {}) =>
  fetch(worker.url + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Successful (2xx-answered) deliveries per webhook-id. */
function delivered() {
  const byId = new Map();
  for (const e of origin.received)
    if (e.answered >= 200 && e.answered < 300)
      byId.set(e.headers["webhook-id"], (byId.get(e.headers["webhook-id"]) ?? 0) + 1);
  return byId;
}

// Record what the origin answered each delivery.
const answering = (fn) => (entry) => {
  const r = fn(entry) ?? { status: 204 };
  entry.answered = r.status ?? 204;
  return r;
};

describe("queue mode", () => {
  test("a callback is answered 200 queued at once and delivered, signed, with webhook-id = the event id", async () => {
    respond = answering(() => ({ status: 204 }));
    const body = imsBody("basic");
    const r = await send(body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.outcome, "queued");
    const expected = { ...parseEvent("alibaba-ims", body), verified_by: "signature" };
    assert.equal(r.json.id, expected.id);
    const got = await until("the delivery", () => origin.received.find((e) => e.headers["webhook-id"] === expected.id));
    assert.equal(got.verifyError, null);
    assert.deepEqual(got.event, expected);
    const health = await (await fetch(`${worker.url}/healthz`)).json();
    assert.equal(health.delivery, "queue");
  });

  test("an origin down for 30 s loses nothing; a 400 dead-letters at once; retries run out into a dead letter", async () => {
    // Outage: every delivery fails with 503 (Retry-After 1) until `down` is cleared. One event
    // is always answered 503 (retries exhausted) and one always 400 (rejected).
    let down = true;
    const doomed = parseEvent("alibaba-ims", imsBody("doomed")).id;
    const refused = parseEvent("alibaba-ims", imsBody("refused")).id;
    let refuse = true;
    respond = answering((e) => {
      const id = e.headers["webhook-id"];
      if (id === doomed) return { status: 503 };
      if (id === refused && refuse) return { status: 400 };
      return down ? { status: 503, headers: { "retry-after": "1" } } : { status: 204 };
    });
    const started = Date.now();
    assert.equal((await send(imsBody("doomed"))).json.outcome, "queued");
    assert.equal((await send(imsBody("refused"))).json.outcome, "queued");
    const ids = [];
    let i = 0;
    while (Date.now() - started < 30_000) {
      const r = await send(imsBody(`outage-${i++}`));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.outcome, "queued");
      ids.push(r.json.id);
      await sleep(500);
    }
    down = false;
    await until("every outage event delivered", () => ids.every((id) => delivered().has(id)), 60_000);
    const counts = delivered();
    const duplicates = ids.reduce((n, id) => n + counts.get(id) - 1, 0);
    console.log(
      `outage of 30 s: ${ids.length} callbacks answered 200 during it, all delivered after; ${duplicates} duplicate deliveries`,
    );
    assert.equal(duplicates, 0);

    // The refused event is a dead letter at once, with the origin's status.
    const list = await (await admin("/admin/dead-letters")).json();
    const refusedLetter = list.items.find((l) => l.id === refused);
    assert.ok(refusedLetter, JSON.stringify(list));
    assert.equal(refusedLetter.reason, "origin_rejected");
    assert.equal(refusedLetter.last_status, 400);
    assert.equal(refusedLetter.attempts, 1);
    assert.equal(refusedLetter.body, undefined, "the list has no bodies");

    // The doomed event dies after 1 + 32 attempts.
    const dead = await until(
      "retries exhausted",
      async () => (await (await admin("/admin/dead-letters")).json()).items.find((l) => l.id === doomed),
      150_000,
    );
    assert.equal(dead.reason, "retries_exhausted");
    assert.equal(dead.attempts, 33);
    assert.equal(dead.last_status, 503);
    assert.equal(origin.received.filter((e) => e.headers["webhook-id"] === doomed).length, 33);
    const attempts = worker.deliveries.filter((d) => d.id === doomed);
    assert.deepEqual(
      attempts.map((d) => d.attempt),
      Array.from({ length: 33 }, (_, k) => k + 1),
    );
    assert.equal(attempts.at(-1).outcome, "dead");

    // The origin is fixed: redeliver one, then all; they leave the list once delivered.
    refuse = false;
    respond = answering(() => ({ status: 204 }));
    const one = await admin(`/admin/dead-letters/${refused}/redeliver`, { method: "POST" });
    assert.equal(one.status, 202);
    await until("the redelivered letter delivered", () => delivered().has(refused));
    await until(
      "the redelivered letter gone from the list",
      async () => !(await (await admin("/admin/dead-letters")).json()).items.some((l) => l.id === refused),
    );
    const all = await (await admin("/admin/dead-letters/redeliver", { method: "POST" })).json();
    assert.ok(all.redelivered >= 1, JSON.stringify(all));
    await until("the doomed event delivered", () => delivered().has(doomed));
    await until(
      "the dead letters emptied",
      async () => (await (await admin("/admin/dead-letters")).json()).items.length === 0,
    );
  });

  test("duplicates: a retry with the same or a new timestamp, 20 identical in parallel → all answered queued, delivered once (the consumer drops the rest); 20 bodies under one signature → all delivered once", async () => {
    respond = answering(() => ({ status: 204 }));
    const body = imsBody("dup");
    const ts = now();
    const logStart = worker.logs.length;
    const first = await send(body, { timestamp: ts });
    assert.equal(first.json.outcome, "queued");
    // The provider is answered after one queue send: its retries are queued too.
    const retries = [await send(body, { timestamp: ts }), await send(body, { timestamp: ts + 1 })];
    assert.deepEqual(
      retries.map((r) => [r.json.outcome, r.json.id]),
      retries.map(() => ["queued", first.json.id]),
    );

    const same = imsBody("parallel-same");
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(same, { timestamp: ts })));
    const outcomes = answers.map((a) => a.json.outcome ?? a.json.error);
    assert.ok(
      outcomes.every((o) => o === "queued"),
      outcomes.join(),
    );
    // No Durable Object request on the provider's path for a small event.
    const callbackLines = () => worker.logs.slice(logStart).filter((l) => l.msg === "callback");
    await until("the callback lines", () => callbackLines().length >= 23, 10_000);
    assert.ok(
      callbackLines().every((l) => l.store_requests === undefined),
      JSON.stringify(callbackLines().filter((l) => l.store_requests)),
    );
    // The consumer logs each dropped copy.
    const dropped = () => worker.deliveries.filter((l) => l.outcome === "duplicate" && l.id === answers[0].json.id);
    await until("the dropped copies logged", () => dropped().length === 19, 20_000);

    // One second, one signature, 20 genuine events.
    const sigTs = now();
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, k) => send(imsBody(`one-sig-${k}`), { timestamp: sigTs })),
    );
    assert.ok(
      many.every((a) => a.status === 200 && a.json.outcome === "queued"),
      JSON.stringify(many.map((a) => a.json)),
    );
    // More than SIGNATURE_REUSE_WARN (10 here) distinct events under one signature: a warning.
    await until("the signature-reuse warning", () => worker.output().includes('"msg":"signature_reuse"'), 10_000);
    const ids = [
      first.json.id,
      answers.find((a) => a.json.outcome === "queued").json.id,
      ...many.map((a) => a.json.id),
    ];
    await until("all delivered", () => ids.every((id) => delivered().has(id)));
    await sleep(2500);
    const counts = delivered();
    assert.deepEqual(
      ids.map((id) => counts.get(id)),
      ids.map(() => 1),
      "each delivered exactly once",
    );
  });

  test("an unknown type and a body that fails its schema are answered 200 and kept as dead letters, then delivered by redeliver", async () => {
    respond = answering(() => ({ status: 204 }));
    const unknown = await send(
      JSON.stringify({
        EventType: "SomethingNew",
        UserId: 1,
        EventTime: "2026-11-23T10:00:00Z",
        MessageBody: { X: 1 },
      }),
    );
    assert.equal(unknown.status, 200);
    assert.deepEqual([unknown.json.outcome, unknown.json.reason], ["dead_lettered", "unknown_event_type"]);
    const invalid = await send(
      JSON.stringify({ EventType: "FileDeleted", FileDeleteEvent: { FileIdSet: "not-a-list" } }),
      { provider: "tencent-vod" },
    );
    assert.equal(invalid.status, 200, JSON.stringify(invalid.json));
    assert.deepEqual([invalid.json.outcome, invalid.json.reason], ["dead_lettered", "invalid_event"]);
    const one = await (await admin(`/admin/dead-letters/${invalid.json.id}`)).json();
    assert.equal(one.reason, "invalid_event");
    assert.match(one.detail, /\$\.FileDeleteEvent/);
    const kept = JSON.parse(one.body);
    assert.equal(kept.data.FileDeleteEvent.FileIdSet, "not-a-list");
    assert.equal(kept.data.Sign, undefined, "Tencent's Sign/T are not kept");
    assert.equal(
      origin.received.some((e) => [unknown.json.id, invalid.json.id].includes(e.headers["webhook-id"])),
      false,
    );
    for (const id of [unknown.json.id, invalid.json.id])
      assert.equal((await admin(`/admin/dead-letters/${id}/redeliver`, { method: "POST" })).status, 202);
    await until("both delivered", () => delivered().has(unknown.json.id) && delivered().has(invalid.json.id));
    const got = origin.received.find((e) => e.headers["webhook-id"] === unknown.json.id);
    assert.equal(got.event.type, "SomethingNew");
    assert.equal(got.verifyError, null);
  });

  test("a 1 MiB event is delivered intact (its body kept in Durable Object storage), also as a redelivered dead letter", async () => {
    const body = imsBody("big", { Padding: "x".repeat(1024 * 1024) });
    const bigId = parseEvent("alibaba-ims", body).id;
    let refuse = true;
    respond = answering((e) => (e.headers["webhook-id"] === bigId && refuse ? { status: 400 } : { status: 204 }));
    const r = await send(body);
    assert.equal(r.json.outcome, "queued", JSON.stringify(r.json));
    const first = await until("the big delivery", () => origin.received.find((e) => e.headers["webhook-id"] === bigId));
    assert.equal(first.event.data.Padding.length, 1024 * 1024);
    assert.deepEqual(first.event, { ...parseEvent("alibaba-ims", body), verified_by: "signature" });
    // Refused once: a dead letter holding the whole event; redelivered, it arrives intact again.
    await until("the big dead letter", async () =>
      (await (await admin("/admin/dead-letters")).json()).items.some((l) => l.id === bigId),
    );
    refuse = false;
    assert.equal((await admin(`/admin/dead-letters/${bigId}/redeliver`, { method: "POST" })).status, 202);
    const again = await until("the redelivery", () =>
      origin.received.find((e) => e.headers["webhook-id"] === bigId && e.answered === 204),
    );
    assert.deepEqual(again.event, { ...parseEvent("alibaba-ims", body), verified_by: "signature" });
  });

  test("admin API: wrong or missing token → 401; the token never appears in the logs", async () => {
    assert.equal((await admin("/admin/dead-letters", { token: null })).status, 401);
    assert.equal((await admin("/admin/dead-letters", { token: `${ADMIN_TOKEN}x` })).status, 401);
    assert.equal((await admin("/admin/dead-letters", { token: "short" })).status, 401);
    assert.equal((await admin("/admin/dead-letters/nope")).status, 404);
    assert.equal((await admin("/admin/dead-letters/nope", { method: "DELETE" })).status, 404);
    assert.ok(!worker.output().includes(ADMIN_TOKEN), "token in the worker's output");
  });

  test("a restart with the same state keeps the duplicate guard and the dead letters", async () => {
    respond = answering(() => ({ status: 204 }));
    const body = imsBody("before-restart");
    const ts = now();
    const first = await send(body, { timestamp: ts });
    assert.equal(first.json.outcome, "queued");
    const kept = await send(JSON.stringify({ EventType: "NotYetKnown", UserId: 2 }));
    assert.equal(kept.json.outcome, "dead_lettered");
    await until("delivered before the restart", () => delivered().get(first.json.id) === 1);
    await worker.stop();
    worker = await startWorker(vars(), { mode: "queue", stateDir });
    // The provider's retry after the restart: queued, and dropped by the consumer.
    assert.equal((await send(body, { timestamp: ts })).json.outcome, "queued");
    await until(
      "the retry dropped as a duplicate",
      () => worker.deliveries.some((l) => l.outcome === "duplicate" && l.id === first.json.id),
      20_000,
    );
    assert.equal(delivered().get(first.json.id), 1, "delivered once across the restart");
    const list = await (await admin("/admin/dead-letters")).json();
    assert.ok(list.items.some((l) => l.id === kept.json.id));
    assert.equal((await admin(`/admin/dead-letters/${kept.json.id}`, { method: "DELETE" })).status, 200);
    assert.ok(!(await (await admin("/admin/dead-letters")).json()).items.some((l) => l.id === kept.json.id));
  });
});
