// The packed package in Deno and Bun (their Linux binaries from npm, installed by setup.sh):
// the same script (check.mjs) imports "mediahook" by name in each runtime and exercises
// verify, verifySignature, parseEvent and sign for every provider and an error code.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { installPackedPackage } from "../support/pack.mjs";

let project;
before(() => {
  project = installPackedPackage("mediahook-runtimes-");
  copyFileSync(new URL("./check.mjs", import.meta.url), join(project, "check.mjs"));
});
after(() => rmSync(project, { recursive: true, force: true }));

const RUNTIMES = {
  // The reference: Node with the package's "node" condition.
  node: [process.execPath, ["check.mjs"]],
  // Deno resolves "mediahook" from the project's node_modules (package.json present) with its
  // "deno" export condition: the web build, whose .wasm it reads from a file: URL.
  deno: ["deno", ["run", "--allow-read", "--allow-env", "check.mjs"]],
  // Bun takes the "node" condition: the Node build.
  bun: ["bun", ["check.mjs"]],
};

function run(runtime) {
  const [bin, args] = RUNTIMES[runtime];
  const started = performance.now();
  const stdout = execFileSync(bin, args, { cwd: project, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  console.log(`# ${runtime}: ${Math.round(performance.now() - started)} ms`);
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

let reference;
test("node (the reference): every provider signs, verifies and parses; a wrong key is signature_mismatch", () => {
  reference = run("node");
  assert.equal(reference.runtime, "node");
  const types = Object.fromEntries(Object.entries(reference.providers).map(([p, r]) => [p, r.type]));
  assert.deepEqual(types, {
    "alibaba-ims": "RegisterMediaComplete",
    "alibaba-vod": "FileUploadComplete",
    "alibaba-live": "publish",
    "tencent-vod": "NewFileUpload",
    mux: "video.asset.ready",
    "cloudflare-stream": "video.ready",
    "volcengine-vod": "DeleteMediaComplete",
  });
  for (const [provider, r] of Object.entries(reference.providers)) {
    assert.deepEqual([r.known, r.sameAsParse, r.keyIndex, r.wrongKey], [true, true, 0, "signature_mismatch"], provider);
    // The body-signing schemes refuse a changed body.
    if (["mux", "cloudflare-stream", "volcengine-vod"].includes(provider))
      assert.equal(r.tampered, "signature_mismatch", provider);
    assert.match(r.id, /^mh_[0-9a-f]{32}$/);
  }
  assert.equal(reference.providers["alibaba-ims"].userId, "18446744073709551615", "64-bit ids stay exact");
  assert.equal(reference.providers["tencent-vod"].fileId, "5285485487985271487");
  assert.equal(reference.errorCodes, 24);
  assert.ok(reference.knownImsTypes >= 29);
});

for (const runtime of ["deno", "bun"]) {
  test(`${runtime}: the same results as Node from the packed package (ids, types, exact 64-bit ids, error codes)`, () => {
    assert.ok(reference, "the Node reference ran");
    assert.deepEqual(run(runtime), { ...reference, runtime });
  });
}
