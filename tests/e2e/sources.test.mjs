// Events the provider vouches for, through the real worker in workerd against the provider API
// stand-ins (tests/support/provider-apis.mjs: every request's signature checked as the provider
// documents it): pull sources (two Tencent VOD applications, an IMS and a VOD MNS queue) on
// the pull loops' Durable Object alarms, and pushed callbacks confirmed through the read APIs.
// The APIs' delays are shortened (redelivery, visibility, long poll), and so is
// CONFIRM_GRACE_SECONDS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { parseEvent, sign } from "../../pkg/node.mjs";
import { startProviderApis } from "../support/provider-apis.mjs";
import { startWorker, until } from "./harness.mjs";

const SECRET = "whsec_dGVzdC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4OTA=";
const IMS_KEY = "TestImsKey1234567";
const TENCENT = { secretId: "AKIDtest", secretKey: "TencentTestSecretKey" };
const ALIBABA = { accessKeyId: "LTAItest", accessKeySecret: "AlibabaTestSecret" };
const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const fixture = (path) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const IMS = JSON.parse(fixture("alibaba-ims/ProduceMediaComplete.json"));
const VOD = JSON.parse(fixture("alibaba-vod/FileUploadComplete.json"));
const TENCENT_EVENT = JSON.parse(fixture("tencent-vod/v3_NewFileUpload.json"));
const now = () => Math.floor(Date.now() / 1000);

const imsBody = (job, status = "Success") =>
  JSON.stringify({ ...IMS, MessageBody: { ...IMS.MessageBody, JobId: job, Status: status } });

function workerVars(apis, origin, extra = {}) {
  return {
    ORIGIN_URL: origin.url,
    ORIGIN_SECRET: SECRET,
    ALIBABA_IMS_AUTH_KEYS: IMS_KEY,
    ADMIN_TOKEN,
    RETRY_MIN_SECONDS: "1",
    RETRY_MAX_SECONDS: "2",
    TENCENT_VOD_API_URL: apis.url,
    TENCENT_CLOUD_SECRET_ID: TENCENT.secretId,
    TENCENT_CLOUD_SECRET_KEY: TENCENT.secretKey,
    ALIBABA_CLOUD_ACCESS_KEY_ID: ALIBABA.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: ALIBABA.accessKeySecret,
    ALIBABA_IMS_API_URL: apis.url,
    ...extra,
  };
}

/** Deliveries the origin took (2xx), per webhook-id. */
function deliveredIds(origin) {
  const byId = new Map();
  for (const e of origin.received) {
    const id = e.headers["webhook-id"];
    byId.set(id, [...(byId.get(id) ?? []), e.event]);
  }
  return byId;
}

async function push(worker, body) {
  const url = `${worker.url}/alibaba/ims`;
  const signed = sign({ provider: "alibaba-ims", url, key: IMS_KEY, body, timestamp: now() });
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
  return { status: res.status, json: await res.json() };
}

const deadLetters = async (worker) =>
  (
    await (
      await fetch(`${worker.url}/admin/dead-letters`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()
  ).items;

/**
 * The provider API stand-ins, an origin and a worker (queue mode) for one describe: started
 * before its tests, stopped after them. `seed(apis)` runs before the worker starts; `vars(apis)`
 * adds to (or replaces) the worker's variables.
 */
function world({ apis: apiOptions = {}, vars = () => ({}), seed, worker: workerOptions = {} } = {}) {
  const w = {};
  before(async () => {
    w.apis = await startProviderApis({ tencent: TENCENT, alibaba: ALIBABA, ...apiOptions });
    w.origin = await startOrigin({ secret: SECRET });
    seed?.(w.apis);
    w.worker = await startWorker(workerVars(w.apis, w.origin, vars(w.apis)), { mode: "queue", ...workerOptions });
  });
  after(async () => {
    await w.worker?.stop();
    await w.origin?.close();
    await w.apis?.close();
  });
  return w;
}

describe("pull sources and confirmation", () => {
  const w = world({
    apis: { redeliverMs: 3_000, visibilityMs: 3_000, longPollMs: 1_000 },
    vars: (apis) => ({
      TENCENT_VOD_PULL_SUB_APP_IDS: "1500001 1500002",
      ALIBABA_MNS_ENDPOINT: apis.url,
      ALIBABA_MNS_QUEUES: "alibaba-ims:ims-events alibaba-vod:vod-events",
      CONFIRM_PROVIDERS: "alibaba-ims",
      CONFIRM_GRACE_SECONDS: "30",
    }),
  });

  test("200 events from four sources: each delivered once and acknowledged once", async () => {
    const { apis, origin, worker } = w;
    const sent = [];
    for (let i = 0; i < 50; i++) {
      for (const app of ["1500001", "1500002"]) {
        const e = { ...TENCENT_EVENT, FileUploadEvent: { ...TENCENT_EVENT.FileUploadEvent, FileId: `f-${app}-${i}` } };
        apis.tencent.add(app, e);
        sent.push(parseEvent("tencent-vod", JSON.stringify(e)).id);
      }
      const ims = JSON.stringify({ ...IMS, MessageBody: { ...IMS.MessageBody, MediaId: `pulled-${i}` } });
      // The IMS queue's messages as JSON, the VOD queue's in base64: both are accepted.
      apis.mns.send("ims-events", ims);
      const vod = JSON.stringify({ ...VOD, VideoId: `video-${i}` });
      apis.mns.send("vod-events", Buffer.from(vod).toString("base64"));
      sent.push(parseEvent("alibaba-ims", ims).id, parseEvent("alibaba-vod", vod).id);
    }
    // The worker's first request starts the loops (the cron does too, every minute).
    await fetch(`${worker.url}/healthz`);
    await until("200 events delivered", () => deliveredIds(origin).size >= 200, 120_000);
    await until(
      "every event acknowledged",
      () => apis.tencent.confirmed.length === 100 && apis.mns.deleted.length === 100,
      30_000,
    );
    const byId = deliveredIds(origin);
    assert.deepEqual([...byId.keys()].sort(), [...new Set(sent)].sort());
    for (const [id, events] of byId) {
      assert.equal(events.length, 1, `${id} delivered once`);
      assert.equal(events[0].verified_by, "provider_api");
    }
    const handles = apis.tencent.confirmed.map((c) => c.handle);
    assert.equal(new Set(handles).size, 100, "each Tencent event confirmed once");
    assert.equal(new Set(apis.mns.deleted.map((d) => d.id)).size, 100, "each message deleted once");
    assert.equal(apis.tencent.waiting("1500001") + apis.tencent.waiting("1500002"), 0);
    assert.equal(apis.refused.length, 0, JSON.stringify(apis.refused.slice(0, 3)));
    const pulls = worker
      .output()
      .split("\n")
      .filter((l) => l.startsWith('{"msg":"pull"'));
    assert.ok(pulls.length > 0);
    for (const line of pulls) {
      const p = JSON.parse(line);
      // Every poll that handed events out had them all accepted and acknowledged.
      assert.equal(p.outcome, "acknowledged", line);
      assert.equal(p.acknowledged, p.events, line);
    }
    const sources = new Set(pulls.map((l) => JSON.parse(l).source));
    assert.deepEqual([...sources].sort(), [
      "alibaba-ims:ims-events",
      "alibaba-vod:vod-events",
      "tencent-vod:1500001",
      "tencent-vod:1500002",
    ]);
  });

  test("the same event pushed and pulled is delivered once", async () => {
    const { apis, origin, worker } = w;
    const body = imsBody("job-twice");
    apis.alibaba.jobs.set("GetMediaProducingJob:job-twice", {
      MediaProducingJob: { JobId: "job-twice", Status: "Success" },
    });
    const pushed = await push(worker, body);
    assert.equal(pushed.status, 200);
    apis.mns.send("ims-events", body);
    await until("the pulled copy deleted", () => apis.mns.deleted.some((d) => d.body === body));
    await until("delivered", () => deliveredIds(origin).has(pushed.json.id));
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(deliveredIds(origin).get(pushed.json.id).length, 1);
  });

  test("a substituted body is an unconfirmed dead letter; the genuine and the late job are delivered", async () => {
    const { apis, origin, worker } = w;
    // The account's job failed; a body claiming success (valid signature) was not Alibaba's.
    apis.alibaba.jobs.set("GetMediaProducingJob:job-failed", {
      MediaProducingJob: { JobId: "job-failed", Status: "Failed" },
    });
    apis.alibaba.jobs.set("GetMediaProducingJob:job-ok", {
      MediaProducingJob: { JobId: "job-ok", Status: "Success", MediaURL: "https://cdn.example.com/ok.mp4" },
    });
    // An API that finds the job only 20 s after the callback.
    const lateAt = Date.now() + 20_000;
    apis.alibaba.jobs.set("GetMediaProducingJob:job-late", () =>
      Date.now() < lateAt ? null : { MediaProducingJob: { JobId: "job-late", Status: "Success" } },
    );
    const substituted = await push(worker, imsBody("job-failed"));
    const genuine = await push(worker, imsBody("job-ok"));
    const late = await push(worker, imsBody("job-late"));
    for (const r of [substituted, genuine, late]) assert.equal(r.json.outcome, "queued");

    await until("the genuine event delivered", () => deliveredIds(origin).has(genuine.json.id), 30_000);
    const [event] = deliveredIds(origin).get(genuine.json.id);
    assert.equal(event.verified_by, "provider_api");
    assert.equal(event.confirmed.api, "GetMediaProducingJob");
    assert.equal(event.confirmed.status, "Success");
    assert.equal(event.confirmed.record.MediaURL, "https://cdn.example.com/ok.mp4");
    assert.match(event.confirmed.read_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await until("the late job delivered", () => deliveredIds(origin).has(late.json.id), 60_000);
    assert.ok(Date.now() >= lateAt);
    const letter = await until(
      "the substituted body kept as unconfirmed",
      async () => (await deadLetters(worker)).find((l) => l.id === substituted.json.id),
      60_000,
    );
    assert.equal(letter.reason, "unconfirmed");
    assert.match(letter.detail, /Failed/);
    assert.ok(!deliveredIds(origin).has(substituted.json.id), "never delivered");
  });
});

describe("confirmation with credentials the API refuses", () => {
  const w = world({
    vars: () => ({
      CONFIRM_PROVIDERS: "alibaba-ims",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "NotTheSecretAlibabaHolds",
      MAX_RETRIES: "2",
    }),
  });

  test("confirm_failed, never a delivery, no secret in any log line", async () => {
    const { apis, origin, worker } = w;
    apis.alibaba.jobs.set("GetMediaProducingJob:job-x", { MediaProducingJob: { JobId: "job-x", Status: "Success" } });
    const pushed = await push(worker, imsBody("job-x"));
    const letter = await until(
      "a confirm_failed dead letter",
      async () => (await deadLetters(worker)).find((l) => l.id === pushed.json.id),
      60_000,
    );
    assert.equal(letter.reason, "confirm_failed");
    assert.equal(origin.received.length, 0, "never delivered");
    const failed = worker.deliveries.filter((d) => d.outcome === "confirm_failed");
    assert.ok(failed.length >= 2, JSON.stringify(worker.deliveries));
    assert.ok(
      apis.refused.every((r) => r.answer.includes("SignatureDoesNotMatch")),
      JSON.stringify(apis.refused),
    );
    for (const secret of ["NotTheSecretAlibabaHolds", ALIBABA.accessKeySecret, TENCENT.secretKey]) {
      assert.ok(!worker.output().includes(secret), "no secret in the worker's output");
    }
  });
});

describe("the queue failing during a pull", () => {
  const w = world({
    apis: { redeliverMs: 3_000, longPollMs: 1_000 },
    seed: (apis) => {
      for (let i = 0; i < 4; i++) {
        apis.tencent.add("1500009", {
          ...TENCENT_EVENT,
          FileUploadEvent: { ...TENCENT_EVENT.FileUploadEvent, FileId: `q-${i}` },
        });
      }
    },
    // The pull loop's queue producer refuses its first 4 sends (tests/support/queue-fault-worker.mjs).
    vars: () => ({ TENCENT_VOD_PULL_SUB_APP_IDS: "1500009", TEST_FAIL_QUEUE_SENDS: "4" }),
    worker: { main: new URL("../support/queue-fault-worker.mjs", import.meta.url).pathname, bindings: true },
  });

  test("nothing is acknowledged; the events come back and are delivered once", async () => {
    const { apis, origin, worker } = w;
    await fetch(`${worker.url}/healthz`);
    await until("4 events delivered", () => deliveredIds(origin).size >= 4, 60_000);
    await until("4 events confirmed", () => apis.tencent.confirmed.length >= 4, 30_000);
    const pulls = worker
      .output()
      .split("\n")
      .filter((l) => l.startsWith('{"msg":"pull"'))
      .map((l) => JSON.parse(l));
    const failed = pulls.find((p) => p.events > 0 && p.acknowledged === 0);
    assert.ok(failed, JSON.stringify(pulls));
    assert.equal(failed.outcome, "partial");
    assert.match(failed.error, /not accepted/);
    await new Promise((r) => setTimeout(r, 4_000));
    assert.equal(apis.tencent.confirmed.length, 4, "each acknowledged once");
    for (const [id, events] of deliveredIds(origin)) assert.equal(events.length, 1, `${id} delivered once`);
    assert.equal(deliveredIds(origin).size, 4);
  });
});
