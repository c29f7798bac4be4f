// Side by side in one run, on the same signed IMS callbacks:
//   (a) mediahook from the npm package (pkg/, as `npm pack` ships it): verify + typed parse;
//   (b) js-md5 + JSON.parse;  (c) (b) + zod;  (d) native Rust (examples/bench_native.rs).
// Also the bare signature check: mediahook verifySignature vs js-md5, and native.
// Prints JSON for bench/run.mjs; `node bench/node.mjs` alone prints it too.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jsVerifyAndParse, jsVerifyParseAndValidate, jsVerifySignatureOf } from "./js-pipelines.mjs";

const root = resolve(import.meta.dirname, "..");
const mediahook = await import(join(root, "pkg/node.mjs"));
const MS = Number(process.env.BENCH_MS ?? 1500);
const URL_ = "https://www.example.com/your/callback";
const KEYS = ["BenchKey123"];
const TS = 1_700_000_000;
// [label, provider, fixture]: the IMS samples by size, and one event of two other schemes.
export const EVENTS = [
  ["smallest", "alibaba-ims", "alibaba-ims/RegisterMediaComplete.json"],
  ["typical", "alibaba-ims", "alibaba-ims/ProduceMediaComplete.json"],
  ["large", "alibaba-ims", "alibaba-ims/MediaConvertOutputComplete.json"],
  ["JSON in strings", "alibaba-ims", "alibaba-ims/SnapshotComplete.json"],
  ["Tencent", "tencent-vod", "tencent-vod/v3_ProcedureStateChanged.json"],
  ["Alibaba VOD", "alibaba-vod", "alibaba-vod/StreamTranscodeComplete.json"],
];

/** Median ops/s of 5 timed rounds after a warm-up (bench_native.rs measures the same way). */
function opsPerSecond(fn) {
  const warm = performance.now();
  while (performance.now() - warm < 300) fn();
  const rates = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < MS / 5) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
    }
    rates.push(n / ((performance.now() - start) / 1000));
  }
  return rates.sort((x, y) => x - y)[2];
}

const inputs = EVENTS.map(([size, provider, file]) => {
  const sample = readFileSync(join(root, "tests/fixtures", file), "utf8");
  // Tencent signs an expiry time (T, in the body); Alibaba the send time (a header).
  const timestamp = provider === "tencent-vod" ? TS + 600 : TS;
  const signed = mediahook.sign({ provider, url: URL_, key: KEYS[0], body: sample, timestamp });
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const name = JSON.parse(sample).EventType;
  return { size, provider, name, url: URL_, headers, body: signed.body, keys: KEYS, now: TS + 10 };
});

// The three pipelines must agree before they are timed: same verdicts, same typed values.
for (const input of inputs) {
  const a = mediahook.verify(input);
  const c = jsVerifyParseAndValidate(input);
  assert.deepEqual(c, a.data, `${input.name}: zod and mediahook disagree`);
  assert.deepEqual(jsVerifyAndParse(input), JSON.parse(input.body));
  const forged = { ...input, keys: ["WrongKey1"] };
  assert.throws(() => mediahook.verify(forged), { code: "signature_mismatch" });
  assert.throws(() => jsVerifyParseAndValidate(forged), /signature_mismatch/);
}

const dir = mkdtempSync(join(tmpdir(), "mediahook-bench-"));
writeFileSync(join(dir, "inputs.json"), JSON.stringify(inputs.map(({ size, ...i }) => i)));
const cargo = (args) =>
  execFileSync("cargo", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
cargo(["build", "--quiet", "--locked", "--profile", "bench", "--example", "bench_native"]);
const native = JSON.parse(
  cargo([
    "run",
    "--quiet",
    "--locked",
    "--profile",
    "bench",
    "--example",
    "bench_native",
    "--",
    join(dir, "inputs.json"),
    String(MS),
  ]),
);

const results = inputs.map((input) => ({
  size: input.size,
  name: input.name,
  bytes: Buffer.byteLength(input.body),
  provider: input.provider,
  a: opsPerSecond(() => mediahook.verify(input)),
  // The same call, then the event id read (hashed on first read).
  aId: opsPerSecond(() => mediahook.verify(input).id),
  b: opsPerSecond(() => jsVerifyAndParse(input)),
  c: opsPerSecond(() => jsVerifyParseAndValidate(input)),
  d: native[input.name].verify_parse,
  sigA: opsPerSecond(() => mediahook.verifySignature(input)),
  sigB: opsPerSecond(() => jsVerifySignatureOf(input)),
  sigD: native[input.name].signature,
}));

console.log(JSON.stringify(results));
