// `npm run bench`: every benchmark in one run, written to docs/benchmarks.md as one report
// (machine, date, versions, ratios). Not a test: nothing here passes or fails on speed.
//   1. criterion (benches/core.rs), read from target/criterion
//   2. Node side by side: mediahook vs js-md5 + JSON.parse (+ zod) vs native Rust (bench/node.mjs)
//   3. sizes and instantiate time
//   4. worker load: mediahook vs a plain-JS worker in workerd (bench/worker.mjs)
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { sizesByCrate } from "../tools/wasm-sizes.mjs";

const root = resolve(import.meta.dirname, "..");
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...opts });
const say = (m) => process.stderr.write(`\x1b[1m[bench]\x1b[0m ${m}\n`);
const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (x) => `${x.toFixed(2)}x`;

// 1. criterion ------------------------------------------------------------------------------
say("criterion: benches/core.rs");
run(
  "cargo",
  ["bench", "--locked", "--bench", "core", "--", "--warm-up-time", "1", "--measurement-time", "3", "--noplot"],
  { stdio: ["ignore", "inherit", "inherit"] },
);
const criterionDir = join(root, "target/criterion");
const criterion = [];
for (const group of ["verify", "parse", "parse_size", "verify_parse_forward"]) {
  for (const name of readdirSync(join(criterionDir, group))
    .filter((n) => n !== "report")
    .sort()) {
    const est = JSON.parse(readFileSync(join(criterionDir, group, name, "new/estimates.json"), "utf8"));
    const bench = JSON.parse(readFileSync(join(criterionDir, group, name, "new/benchmark.json"), "utf8"));
    criterion.push({
      group,
      name,
      bytes: bench.throughput?.Bytes ?? null,
      ns: est.median.point_estimate,
      lo: est.median.confidence_interval.lower_bound,
      hi: est.median.confidence_interval.upper_bound,
    });
  }
}

// 2. Node side by side -------------------------------------------------------------------------
say("Node side by side: bench/node.mjs");
const node = JSON.parse(run("node", ["bench/node.mjs"]));

say("Node side by side, the body-signing schemes: bench/body-signed.mjs");
const bodySigned = JSON.parse(run("node", ["bench/body-signed.mjs"]));

// 3. sizes and instantiate time ------------------------------------------------------------------
say("sizes and instantiate time");
const size = (file) => {
  const bytes = readFileSync(join(root, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const workerWasm = readdirSync(join(root, "dist/worker")).find((f) => f.endsWith(".wasm"));
const sizes = [size("pkg/wasm-web/mediahook_bg.wasm"), size(`dist/worker/${workerWasm}`), size("dist/worker/index.js")];
const tarball = run("npm", ["pack", "--dry-run", "--json", "./pkg"], { stdio: ["ignore", "pipe", "ignore"] });
const packed = JSON.parse(tarball)[0];
const instantiate = JSON.parse(
  run("node", [
    "--input-type=module",
    "-e",
    `
  import { readFileSync } from "node:fs";
  const bytes = readFileSync(${JSON.stringify(join(root, "pkg/wasm-web/mediahook_bg.wasm"))});
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const m = await WebAssembly.compile(bytes);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ compile_ms: times[10] }));`,
  ]),
);
const importTimes = [];
for (let i = 0; i < 7; i++) {
  const out = spawnSync(
    "node",
    [
      "--input-type=module",
      "-e",
      `const t = performance.now(); await import(${JSON.stringify(join(root, "pkg/node.mjs"))}); console.log(performance.now() - t);`,
    ],
    { encoding: "utf8" },
  );
  importTimes.push(Number(out.stdout.trim()));
}
importTimes.sort((a, b) => a - b);
instantiate.import_ms = importTimes[3];

// 4. worker load ---------------------------------------------------------------------------------
say("worker load: bench/worker.mjs (workerd via wrangler dev)");
const worker = JSON.parse(run("node", ["bench/worker.mjs"]));

// Report -------------------------------------------------------------------------------------------
const versions = {
  mediahook: JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8")).version,
  node: process.version,
  rustc: run("rustc", ["--version"]).trim(),
  wrangler: JSON.parse(readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8")).version,
  "js-md5": JSON.parse(readFileSync(join(root, "node_modules/js-md5/package.json"), "utf8")).version,
  zod: JSON.parse(readFileSync(join(root, "node_modules/zod/package.json"), "utf8")).version,
};
const cpu = cpus()[0]?.model ?? "unknown";
const lines = [];
const p = (s = "") => lines.push(s);
p("# Benchmarks");
p();
p(
  "Written by `npm run bench` (bench/run.mjs); re-run it to refresh. Speeds are medians; ratios compare runs made side by side in this one run.",
);
p();
p(`- Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
p(`- Machine: ${cpu}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB`);
p(
  `- Versions: ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")}`,
);
p();
p("## Node: verify + typed parse, side by side");
p();
p(
  "Signed callbacks from the provider samples (three IMS sizes, IMS SnapshotComplete with three JSON documents inside strings, Tencent VOD ProcedureStateChanged, Alibaba VOD StreamTranscodeComplete); every pipeline checks the signature and the time, then:",
);
p(
  "(a) `mediahook` `verify` from the npm package (typed, normalised event; its `id` is hashed when first read, so a' is (a) plus reading `id`);",
);
p("(b) js-md5 + `JSON.parse` (untyped);");
p("(c) (b) + zod schemas giving the same typed output (checked equal before timing);");
p("(d) native Rust `Verifier::verify` + `parse_event` (the ceiling).");
p();
p(
  "| event | bytes | (a) mediahook ops/s | (a') + read id | (b) js-md5 + JSON.parse | (c) + zod | (d) native Rust | a / c (target ≥ 1.5; ≥ 1.0 for the smallest) | a' / c | d / a |",
);
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of node)
  p(
    `| ${r.name} (${r.size}) | ${fmt(r.bytes)} | ${fmt(r.a)} | ${fmt(r.aId)} | ${fmt(r.b)} | ${fmt(r.c)} | ${fmt(r.d)} | ${ratio(r.a / r.c)} | ${ratio(r.aId / r.c)} | ${ratio(r.d / r.a)} |`,
  );
p();
p("Bare signature check (no parsing): `mediahook` `verifySignature` vs the same check with js-md5, and native.");
p();
p("| event | mediahook ops/s | js-md5 ops/s | native Rust ops/s | mediahook / js-md5 (target ≥ 3) |");
p("|---|---:|---:|---:|---:|");
for (const r of node) p(`| ${r.name} | ${fmt(r.sigA)} | ${fmt(r.sigB)} | ${fmt(r.sigD)} | ${ratio(r.sigA / r.sigB)} |`);
p();
p(
  "The body-signing schemes (bench/body-signed.mjs): `mediahook` vs the same checks with `node:crypto` (header parsed by hand, HMAC-SHA256 or MD5 over the documented string, `timingSafeEqual`, the window), on the generated sample of one type each. `node:crypto` hashes in native OpenSSL; mediahook hashes in wasm. The last two columns add parsing: mediahook's typed event against a bare `JSON.parse`, which types nothing.",
);
p();
p(
  "| provider (event, bytes) | mediahook `verifySignature` ops/s | node:crypto ops/s | ratio | mediahook `verify` ops/s | node:crypto + JSON.parse ops/s | ratio |",
);
p("|---|---:|---:|---:|---:|---:|---:|");
for (const r of bodySigned)
  p(
    `| ${r.provider} (${r.type}, ${fmt(r.bytes)}) | ${fmt(r.sigA)} | ${fmt(r.sigB)} | ${ratio(r.sigA / r.sigB)} | ${fmt(r.a)} | ${fmt(r.b)} | ${ratio(r.a / r.b)} |`,
  );
p();
p("## Rust core (criterion)");
p();
p("| benchmark | median | 95% interval | throughput |");
p("|---|---:|---:|---:|");
const time = (ns) => (ns >= 1000 ? `${fmt(ns / 1000, 2)} µs` : `${fmt(ns, 0)} ns`);
const mbps = (c) => (c.bytes ? `${fmt(c.bytes / 2 ** 20 / (c.ns / 1e9), 0)} MiB/s (${fmt(c.bytes)} B)` : "");
for (const c of criterion) p(`| ${c.group}/${c.name} | ${time(c.ns)} | ${time(c.lo)} – ${time(c.hi)} | ${mbps(c)} |`);
p();
p("## Sizes and start-up");
p();
p("| artifact | raw bytes | gzip -9 bytes |");
p("|---|---:|---:|");
for (const s of sizes) p(`| ${s.file} | ${fmt(s.raw)} | ${fmt(s.gzip)} |`);
p(`| npm tarball (npm pack) | ${fmt(packed.size)} | (compressed) |`);
p();
p(
  `Budget: npm \`.wasm\` ≤ 150 KB gzip: ${fmt(sizes[0].gzip / 1024, 1)} KB (${sizes[0].gzip <= 150 * 1024 ? "within" : "over"}).`,
);
const byCrate = sizesByCrate(join(root, "target/wasm32-unknown-unknown/release/mediahook.wasm"));
p(
  `Budget: worker \`.wasm\` ≤ 250 KB gzip: ${fmt(sizes[1].gzip / 1024, 1)} KB (${sizes[1].gzip <= 250 * 1024 ? "within" : "over"}). Where it goes, by crate (tools/wasm-sizes.mjs on the module cargo writes, before wasm-bindgen and wasm-opt shrink it: raw bytes, compare shares): code ${fmt(byCrate.code)} bytes, data (strings and tables) ${fmt(byCrate.data)} bytes.`,
);
p();
p("| crate | code bytes | share of code |");
p("|---|---:|---:|");
for (const c of byCrate.crates.slice(0, 16))
  p(`| ${c.crate} | ${fmt(c.bytes)} | ${fmt((100 * c.bytes) / byCrate.code, 1)} % |`);
p();
p(`WebAssembly.compile of the npm \`.wasm\` in Node: ${fmt(instantiate.compile_ms, 2)} ms (median of 20);`);
p(
  `\`import("mediahook")\` (Node entry, compile + instantiate + API set-up) in a fresh process: ${fmt(instantiate.import_ms, 1)} ms (median of 7).`,
);
p();
p("## Worker under load");
p();
p(
  `Each worker runs in workerd through \`wrangler dev\` on 127.0.0.1 with the same local origin; ${worker.concurrency} requests in flight for ${worker.seconds} s after a warm-up, signed ${worker.body_bytes}-byte ProduceMediaComplete events (a distinct event per request, so the duplicate guard delivers each). \`mediahook\` is direct mode (duplicate-guard claim in a Durable Object, then the origin while the provider waits; the settle and the signature count run after the answer). \`mediahook-queue\` is queue mode (verify, parse, one queue send, then 200; the consumer claims each batch's ids, one request per guard shard, delivers, and settles, one request per shard). \`plain-js\` (bench/plain-worker.mjs) checks the IMS signature with js-md5, \`JSON.parse\`s and forwards with the same Standard Webhooks signing; \`plain-js-queue\` is the same worker sending to the same kind of local queue (\`env.EVENTS.send\`) and answering \`queued\`, its consumer forwarding. The plain workers do not type, validate or normalise the event and have no duplicate guard. All log the same one JSON line per request. The load generator, wrangler's proxy, workerd (with the local queue broker and Durable Objects) and the origin share the machine's cores.`,
);
p();
p("| worker | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | DO requests per accepted callback |");
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
const doRequests = (w) =>
  w.store
    ? `${fmt(w.store.per_callback, 2)} (${fmt(w.store.before_answer, 2)} before the answer${w.store.batches ? `; ${fmt(w.store.messages_per_batch, 1)} messages per batch` : "; +2 after it"})`
    : "none";
for (const name of ["mediahook", "mediahook-queue", "plain-js", "plain-js-queue"]) {
  const w = worker[name];
  p(
    `| ${name} | ${fmt(w.requests)} | ${w.errors} | ${fmt(w.rps)} | ${fmt(w.p50, 1)} | ${fmt(w.p90, 1)} | ${fmt(w.p99, 1)} | ${fmt(w.max, 1)} | ${doRequests(w)} |`,
  );
}
p();
const q = worker["mediahook-queue"],
  pq = worker["plain-js-queue"];
p(
  `Queue mode / plain-JS queue worker: throughput ${ratio(q.rps / pq.rps)} (target ≥ 1.0), provider-facing p50 ${ratio(q.p50 / pq.p50)}, p99 ${ratio(q.p99 / pq.p99)} (target ≤ 1.5); Durable Object requests per accepted callback ${fmt(q.store.per_callback, 2)} (target ≤ 1), of which ${fmt(q.store.before_answer, 2)} before the answer; ${q.store.delivered} of ${q.store.accepted} accepted events delivered when counted.`,
);
p();
p(
  `Direct mode / plain-JS forwarding worker: throughput ${ratio(worker.mediahook.rps / worker["plain-js"].rps)}, p99 ${ratio(worker.mediahook.p99 / worker["plain-js"].p99)}. Queue mode / direct mode: throughput ${ratio(q.rps / worker.mediahook.rps)}, p99 ${ratio(q.p99 / worker.mediahook.p99)}.`,
);
p();
writeFileSync(join(root, "docs/benchmarks.md"), lines.join("\n"));
writeFileSync(
  join(root, "target/bench-results.json"),
  JSON.stringify({ versions, node, criterion, sizes, byCrate, packed: packed.size, instantiate, worker }, null, 2),
);
say("wrote docs/benchmarks.md");
console.log(lines.join("\n"));
