// Queue mode under load through the real worker (workerd via wrangler dev, local Queues and
// Durable Objects): 1,000 distinct callbacks (5,000 with MEDIAHOOK_LOAD=full, as `npm run
// test:load` runs it) while the origin fails 10% of its answers at
// random. Every callback is answered 200 at once, every event is delivered, none is lost, and
// duplicate deliveries are counted (target 0). Provider-facing latency is printed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { sign } from "../../pkg/node.mjs";
import { startWorker } from "./harness.mjs";

const SECRET = "whsec_bG9hZC1hbmQtZmF1bHRzLXNlY3JldC0xMjM0NQ==";
const KEY = "LoadTestKey1";
// 1,000 makes about 100 failed deliveries to retry and every guard shard busy: enough to show
// a lost or doubled event; the full size is for `npm run test:load`.
const TOTAL = process.env.MEDIAHOOK_LOAD === "full" ? 5_000 : 1_000;
const CONCURRENCY = 32;
const template = JSON.parse(
  readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8"),
);

let origin, worker;
const answered = new Map(); // webhook-id → 2xx answers given
let failures = 0;
before(async () => {
  origin = await startOrigin({
    secret: SECRET,
    respond: ({ headers }) => {
      if (Math.random() < 0.1) {
        failures++;
        return { status: 503 };
      }
      const id = headers["webhook-id"];
      answered.set(id, (answered.get(id) ?? 0) + 1);
      return { status: 204 };
    },
  });
  worker = await startWorker(
    {
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: SECRET,
      ALIBABA_IMS_AUTH_KEYS: KEY,
      RETRY_MIN_SECONDS: "1",
      RETRY_MAX_SECONDS: "2",
    },
    { mode: "queue" },
  );
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

test(`${TOTAL.toLocaleString("en")} callbacks with 10% of origin answers failing: every event delivered, none lost`, {
  timeout: 600_000,
}, async () => {
  const url = `${worker.url}/alibaba/ims`;
  const latencies = [];
  const ids = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const n = next++;
        const body = JSON.stringify({
          ...template,
          MessageBody: { ...template.MessageBody, MediaId: `queue-load-${n}` },
        });
        const signed = sign({ provider: "alibaba-ims", url, key: KEY, body, timestamp: Math.floor(Date.now() / 1000) });
        const t = performance.now();
        const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
        const json = await res.json();
        latencies.push(performance.now() - t);
        assert.equal(res.status, 200, JSON.stringify(json));
        assert.equal(json.outcome, "queued");
        ids[n] = json.id;
      }
    }),
  );
  const acceptSeconds = (performance.now() - started) / 1000;
  assert.equal(new Set(ids).size, TOTAL);
  const deadline = Date.now() + 300_000;
  while (!ids.every((id) => answered.has(id))) {
    assert.ok(
      Date.now() < deadline,
      `${ids.filter((id) => !answered.has(id)).length} events not delivered after 5 minutes`,
    );
    await new Promise((r) => setTimeout(r, 500));
  }
  const allSeconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // late duplicates would show up here
  const duplicates = ids.reduce((n, id) => n + answered.get(id) - 1, 0);
  latencies.sort((a, b) => a - b);
  console.log(
    `# queue mode: ${TOTAL} callbacks accepted in ${acceptSeconds.toFixed(1)} s (${Math.round(TOTAL / acceptSeconds)}/s, ${CONCURRENCY} in flight), ` +
      `provider-facing p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
      `all delivered after ${allSeconds.toFixed(1)} s; ${failures} failed origin answers retried; ${duplicates} duplicate deliveries`,
  );
  assert.equal(duplicates, 0, "no event delivered twice");
  const dead = worker.deliveries.filter((d) => d.outcome === "dead");
  assert.deepEqual(dead, [], "nothing became a dead letter");
});
