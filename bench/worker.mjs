// Load on loopback against the real mediahook worker (direct mode and queue mode) and the
// equivalent plain-JS workers (forwarding, and sending to the same kind of local queue), each
// in workerd (wrangler dev) with the same local origin, in one run: requests/s,
// provider-facing latency percentiles, and Durable Object requests per accepted callback (from
// mediahook's log lines, once the queue has drained). Every request carries a distinct event
// (the duplicate guard would drop repeats). Prints JSON for bench/run.mjs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join, resolve } from "node:path";
import { startOrigin } from "../scripts/origin.mjs";
import { startWorker } from "../tests/e2e/harness.mjs";

const root = resolve(import.meta.dirname, "..");
const { sign } = await import(join(root, "pkg/node.mjs"));
const SECRET = "whsec_YmVuY2gtb3JpZ2luLXNlY3JldC0xMjM0NTY3OA==";
const KEY = "BenchKey123";
const SECONDS = Number(process.env.BENCH_WORKER_SECONDS ?? 8);
const CONCURRENCY = 16;
const body = readFileSync(join(root, "tests/fixtures/alibaba-ims/ProduceMediaComplete.json"), "utf8");
const template = JSON.parse(body);
let sent = 0;
// A distinct event per request, of the fixture's size give or take a few bytes. The Alibaba
// signature covers the URL and the time only, so one signed header pair serves every body.
const nextBody = () =>
  JSON.stringify({ ...template, MessageBody: { ...template.MessageBody, MediaId: `bench-${process.pid}-${sent++}` } });

function post(agent, url, headers, payload) {
  return new Promise((res, rej) => {
    const req = request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } },
      (r) => {
        r.resume();
        r.on("end", () => res(r.statusCode));
      },
    );
    req.on("error", rej);
    req.end(payload);
  });
}

async function load(baseUrl) {
  const url = `${baseUrl}/alibaba/ims`;
  const s = sign({ provider: "alibaba-ims", url, key: KEY, body, timestamp: Math.floor(Date.now() / 1000) });
  const headers = { "content-type": "application/json", ...s.headers };
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  assert.equal(await post(agent, url, headers, nextBody()), 200, "the worker takes the benchmark callback");
  const run = async (seconds) => {
    const latencies = [];
    let errors = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          if ((await post(agent, url, headers, nextBody())) !== 200) errors++;
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, errors };
  };
  await run(1.5); // warm-up
  const started = performance.now();
  const { latencies, errors } = await run(SECONDS);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return {
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: latencies.at(-1),
  };
}

const origin = await startOrigin({ secret: SECRET });
const vars = { ORIGIN_URL: origin.url, ORIGIN_SECRET: SECRET, ALIBABA_IMS_AUTH_KEYS: KEY, ORIGIN_TIMEOUT_MS: "2000" };
const results = {};
const plain = join(root, "bench/plain-worker.mjs");
const workers = [
  ["mediahook", { mode: "direct" }],
  ["mediahook-queue", { mode: "queue" }],
  ["plain-js", { main: plain }],
  ["plain-js-queue", { main: plain, queue: true, vars: { PLAIN_MODE: "queue" } }],
];
for (const [name, options] of workers) {
  const worker = await startWorker({ ...vars, ...options.vars }, options);
  try {
    results[name] = await load(worker.url);
    if (name.startsWith("mediahook")) results[name].store = await storeRequests(worker, name.endsWith("queue"));
  } finally {
    await worker.stop();
  }
}

/** Durable Object requests per accepted callback: before the answer (callback lines) and, in
 * queue mode, in the consumer's batches once every accepted event is delivered. Direct mode's
 * two requests after the answer (settle, signature count) are not in a log line: added. */
async function storeRequests(worker, queued) {
  const accepted = worker.logs.filter((l) => l.outcome === "queued" || l.outcome === "forwarded");
  const ids = new Set(accepted.map((l) => l.id));
  const before = accepted.reduce((n, l) => n + (l.store_requests ?? 0), 0);
  if (!queued)
    return {
      accepted: accepted.length,
      before_answer: before / accepted.length,
      per_callback: before / accepted.length + 2,
    };
  const deadline = Date.now() + 120_000;
  const done = () => new Set(worker.deliveries.filter((d) => d.outcome === "delivered").map((d) => d.id));
  while (Date.now() < deadline && [...ids].some((id) => !done().has(id))) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 2000));
  const consumer = worker.batches.reduce((n, b) => n + b.store_requests, 0);
  const messages = worker.batches.reduce((n, b) => n + b.messages, 0);
  return {
    accepted: accepted.length,
    delivered: [...ids].filter((id) => done().has(id)).length,
    batches: worker.batches.length,
    messages_per_batch: messages / Math.max(1, worker.batches.length),
    before_answer: before / accepted.length,
    per_callback: (before + consumer) / accepted.length,
  };
}
await origin.close();
console.log(
  JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, body_bytes: Buffer.byteLength(body), ...results }),
);
