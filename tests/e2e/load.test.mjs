// Load and faults through the real worker (workerd via wrangler dev) and a real origin:
//  - distinct valid callbacks (2,000 in `npm test`, 10,000 with MEDIAHOOK_LOAD=full, as
//    `npm run test:load` runs it): each reaches the origin exactly once, and the ids match;
//  - an origin failing 10% of events and slow for some: the provider side gets 502/504 for
//    exactly those, 200 only for what the origin accepted, and a retry delivers the rest.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { parseEvent, sign } from "../../pkg/node.mjs";
import { startWorker } from "./harness.mjs";

const SECRET = "whsec_bG9hZC1hbmQtZmF1bHRzLXNlY3JldC0xMjM0NQ==";
const KEY = "LoadTestKey1";
const TIMEOUT_MS = 800;
// 2,000 still keeps 32 requests in flight for a minute's worth of work: enough to show a lost,
// doubled or mismatched delivery; the full size is for `npm run test:load`.
const TOTAL = process.env.MEDIAHOOK_LOAD === "full" ? 10_000 : 2_000;
const CONCURRENCY = 32;
const template = JSON.parse(
  readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8"),
);

let origin,
  worker,
  respond = () => undefined;
before(async () => {
  origin = await startOrigin({ secret: SECRET, respond: (entry) => respond(entry) });
  worker = await startWorker({
    ORIGIN_URL: origin.url,
    ORIGIN_SECRET: SECRET,
    ORIGIN_TIMEOUT_MS: String(TIMEOUT_MS),
    ALIBABA_IMS_AUTH_KEYS: KEY,
  });
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});

/** A distinct ProduceMediaComplete body per n (its MediaId), and the id mediahook derives. */
function callback(tag, n) {
  const body = JSON.stringify({ ...template, MessageBody: { ...template.MessageBody, MediaId: `${tag}-${n}` } });
  return { body, id: parseEvent("alibaba-ims", body).id };
}

async function send(body) {
  const url = `${worker.url}/alibaba/ims`;
  const signed = sign({ provider: "alibaba-ims", url, key: KEY, body, timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed.headers },
    body: signed.body,
  });
  return { status: res.status, json: await res.json() };
}

/** Run `task` over `items` with a fixed number of requests in flight. */
async function pool(items, task) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]);
      }
    }),
  );
  return results;
}

const countBy = (xs) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map());

test(`${TOTAL.toLocaleString("en")} valid callbacks each reach the origin exactly once`, {
  timeout: 600_000,
}, async () => {
  respond = () => undefined;
  const callbacks = Array.from({ length: TOTAL }, (_, n) => callback("load", n));
  assert.equal(new Set(callbacks.map((c) => c.id)).size, TOTAL, "the bodies make distinct ids");
  const before = origin.received.length;
  const started = performance.now();
  const results = await pool(callbacks, (c) => send(c.body));
  const seconds = (performance.now() - started) / 1000;

  const notOk = results.filter((r) => r.status !== 200);
  assert.deepEqual(notOk.slice(0, 3), [], `${notOk.length} callbacks were not forwarded`);
  assert.deepEqual(
    results.map((r) => r.json.id),
    callbacks.map((c) => c.id),
    "each answer names its own event",
  );
  const received = origin.received.slice(before);
  assert.equal(received.length, TOTAL);
  const perId = countBy(received.map((r) => r.headers["webhook-id"]));
  assert.equal(perId.size, TOTAL);
  assert.ok(
    [...perId.values()].every((n) => n === 1),
    "no event reached the origin twice",
  );
  assert.ok(
    callbacks.every((c) => perId.has(c.id)),
    "every event reached the origin",
  );
  assert.ok(received.every((r) => r.verifyError === null && r.event.id === r.headers["webhook-id"]));
  console.log(
    `# ${TOTAL} callbacks in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s, ${CONCURRENCY} in flight)`,
  );
});

test("origin faults: 502 and 504 for exactly the failed events, 200 only when the origin accepted", {
  timeout: 600_000,
}, async () => {
  // The origin's behaviour per event id, decided from a hash so it is fixed but spread out.
  const fate = (id) => {
    const h = createHash("sha256").update(id).digest()[0] / 256;
    return h < 0.1 ? "fail" : h < 0.15 ? "too-slow" : h < 0.3 ? "slow" : "ok";
  };
  const accepted = new Set(); // ids the origin answered 2xx in time
  respond = (entry) => {
    const f = fate(entry.event.id);
    if (f === "ok" || f === "slow") accepted.add(entry.event.id);
    return { fail: { status: 500 }, "too-slow": { delayMs: TIMEOUT_MS + 700 }, slow: { delayMs: 150 }, ok: undefined }[
      f
    ];
  };
  const callbacks = Array.from({ length: 1000 }, (_, n) => callback("fault", n));
  const fates = countBy(callbacks.map((c) => fate(c.id)));
  assert.ok(fates.get("fail") > 50 && fates.get("too-slow") > 20, JSON.stringify([...fates]));

  const results = await pool(callbacks, (c) => send(c.body));
  const expected = {
    fail: [502, "origin_error"],
    "too-slow": [504, "origin_timeout"],
    slow: [200, undefined],
    ok: [200, undefined],
  };
  const wrong = callbacks
    .map((c, i) => ({ id: c.id, fate: fate(c.id), status: results[i].status, code: results[i].json.error }))
    .filter((r) => r.status !== expected[r.fate][0] || r.code !== expected[r.fate][1]);
  assert.deepEqual(wrong, []);
  // Nothing reported delivered that the origin did not accept.
  callbacks.forEach((c, i) => {
    if (results[i].status === 200) assert.ok(accepted.has(c.id), c.id);
  });

  // The provider retries what failed; with the origin healthy again every event is delivered.
  respond = (entry) => {
    accepted.add(entry.event.id);
  };
  const failed = callbacks.filter((_, i) => results[i].status !== 200);
  const retried = await pool(failed, (c) => send(c.body));
  assert.ok(retried.every((r) => r.status === 200));
  assert.ok(
    callbacks.every((c) => accepted.has(c.id)),
    "every event was delivered in the end",
  );
  console.log(`# faults: ${[...fates].map(([k, v]) => `${k} ${v}`).join(", ")}; ${failed.length} retried`);
});
