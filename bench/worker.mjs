// Load on loopback against the real mediahook worker and the equivalent plain-JS worker, each
// in workerd (wrangler dev) with the same local origin, in one run: requests/s and latency
// percentiles. Prints JSON for bench/run.mjs.
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

function post(agent, url, headers, payload) {
  return new Promise((res, rej) => {
    const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } }, (r) => {
      r.resume();
      r.on("end", () => res(r.statusCode));
    });
    req.on("error", rej);
    req.end(payload);
  });
}

async function load(baseUrl) {
  const url = `${baseUrl}/alibaba/ims`;
  const s = sign({ provider: "alibaba-ims", url, key: KEY, body, timestamp: Math.floor(Date.now() / 1000) });
  const headers = { "content-type": "application/json", ...s.headers };
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  assert.equal(await post(agent, url, headers, body), 200, "the worker forwards the benchmark callback");
  const run = async (seconds) => {
    const latencies = [];
    let errors = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        if ((await post(agent, url, headers, body)) !== 200) errors++;
        latencies.push(performance.now() - t);
      }
    }));
    return { latencies, errors };
  };
  await run(1.5); // warm-up
  const started = performance.now();
  const { latencies, errors } = await run(SECONDS);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) };
}

const origin = await startOrigin({ secret: SECRET });
const vars = { ORIGIN_URL: origin.url, ORIGIN_SECRET: SECRET, ALIBABA_IMS_AUTH_KEYS: KEY, ORIGIN_TIMEOUT_MS: "2000" };
const results = {};
for (const [name, main] of [["mediahook", undefined], ["plain-js", join(root, "bench/plain-worker.mjs")]]) {
  const worker = await startWorker(vars, main ? { main } : {});
  try {
    results[name] = await load(worker.url);
  } finally {
    await worker.stop();
  }
}
await origin.close();
console.log(JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, body_bytes: Buffer.byteLength(body), ...results }));
