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
import { jsVerifyAndParse, jsVerifyParseAndValidate, jsVerifySignature } from "./js-pipelines.mjs";

const root = resolve(import.meta.dirname, "..");
const mediahook = await import(join(root, "pkg/node.mjs"));
const MS = Number(process.env.BENCH_MS ?? 1500);
const URL_ = "https://www.example.com/your/callback";
const KEYS = ["BenchKey123"];
const TS = 1_700_000_000;
export const EVENTS = {
  smallest: "RegisterMediaComplete",
  typical: "ProduceMediaComplete",
  large: "MediaConvertOutputComplete",
};

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

const inputs = Object.entries(EVENTS).map(([size, name]) => {
  const body = readFileSync(join(root, "tests/fixtures/alibaba-ims", `${name}.json`), "utf8");
  const signed = mediahook.sign({ provider: "alibaba-ims", url: URL_, key: KEYS[0], body, timestamp: TS });
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { size, name, url: URL_, headers, body, keys: KEYS, now: TS + 10 };
});

// The three pipelines must agree before they are timed: same verdicts, same typed values.
for (const input of inputs) {
  const a = mediahook.verify({ provider: "alibaba-ims", ...input });
  const c = jsVerifyParseAndValidate(input);
  assert.deepEqual(c, a.data, `${input.name}: zod and mediahook disagree`);
  assert.deepEqual(jsVerifyAndParse(input), JSON.parse(input.body));
  const forged = { ...input, keys: ["WrongKey1"] };
  assert.throws(() => mediahook.verify({ provider: "alibaba-ims", ...forged }), { code: "signature_mismatch" });
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
  a: opsPerSecond(() => mediahook.verify({ provider: "alibaba-ims", ...input })),
  b: opsPerSecond(() => jsVerifyAndParse(input)),
  c: opsPerSecond(() => jsVerifyParseAndValidate(input)),
  d: native[input.name].verify_parse,
  sigA: opsPerSecond(() => mediahook.verifySignature({ provider: "alibaba-ims", ...input })),
  sigB: opsPerSecond(() => jsVerifySignature(input)),
  sigD: native[input.name].signature,
}));

console.log(JSON.stringify(results));
