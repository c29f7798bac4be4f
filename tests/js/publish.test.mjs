// Publish-ready: the npm package (npm publish --dry-run, publint, Are the Types Wrong) and the
// crate (cargo package file list, cargo publish --dry-run), offline but for crates.io's index.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pkgDir, root } from "../support/pack.mjs";

const bin = (name) => join(root, "node_modules/.bin", name);
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });

test("npm publish --dry-run: the tarball holds the README, the licences, the types, the entries, the CLI and the wasm, nothing else", () => {
  const out = execFileSync("npm", ["publish", "--dry-run", "--json"], {
    cwd: pkgDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const report = JSON.parse(out.slice(out.indexOf("{")));
  // npm 11 keys the report by package name.
  const files = report.mediahook.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    "api.cjs",
    "api.mjs",
    "cli.mjs",
    "events.d.cts",
    "events.d.ts",
    "explain.mjs",
    "facts.mjs",
    "index.d.cts",
    "index.d.ts",
    "inline.mjs",
    "node.cjs",
    "node.mjs",
    "package.json",
    "samples.json",
    "wasm-inline.mjs",
    "wasm-nodejs/mediahook.js",
    "wasm-nodejs/mediahook_bg.wasm",
    "wasm-nodejs/package.json",
    "wasm-web/mediahook.js",
    "wasm-web/mediahook_bg.wasm",
    "web.mjs",
    "workerd.mjs",
  ]);
});

test("publint (strict) and Are the Types Wrong pass on the packed package (node10, node16 CJS and ESM, bundler; the inline entry as ESM)", () => {
  assert.match(run(bin("publint"), ["run", "--strict", pkgDir]), /All good/);
  const dir = mkdtempSync(join(tmpdir(), "mediahook-attw-"));
  try {
    const tarball = run("npm", ["pack", pkgDir, "--pack-destination", dir, "--silent"]).trim().split("\n").at(-1);
    const tarballPath = join(dir, tarball);
    // The main entry must be right in every resolution; "mediahook/inline" is ESM-only by design
    // (for bundlers and ESM), so node10 and require() are out of its scope. A non-zero exit is
    // a problem found.
    run(bin("attw"), [tarballPath, "--entrypoints", ".", "--format", "ascii"]);
    const inline = run(bin("attw"), [
      tarballPath,
      "--entrypoints",
      "./inline",
      "--profile",
      "esm-only",
      "--format",
      "ascii",
    ]);
    assert.match(inline, /node16 \(from ESM\): 🟢/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cargo package: the crate is its source (and the console's files the worker adapter embeds), README and licences; cargo publish --dry-run builds it", () => {
  const listed = run("cargo", ["package", "--list", "--locked", "--allow-dirty"]).trim().split("\n").sort();
  const outside = listed.filter((f) => !f.startsWith("src/"));
  assert.deepEqual(outside, [
    ".cargo_vcs_info.json",
    "Cargo.lock",
    "Cargo.toml",
    "Cargo.toml.orig",
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
  ]);
  const console = ["src/edge/console/console.css", "src/edge/console/console.js", "src/edge/console/index.html"];
  assert.ok(listed.includes("src/lib.rs"));
  assert.deepEqual(
    listed.filter((f) => f.startsWith("src/") && !f.endsWith(".rs")),
    console,
  );
  const out = execFileSync("cargo", ["publish", "--dry-run", "--locked", "--allow-dirty"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  assert.equal(typeof out, "string");
});
