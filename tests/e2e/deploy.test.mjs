// The shipped wrangler.toml and the built worker as `wrangler deploy` would upload them,
// offline: `--dry-run --outdir` bundles and validates without an account.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../..");

test("wrangler deploy --dry-run accepts the shipped configuration and bundle", () => {
  const outdir = mkdtempSync(join(tmpdir(), "mediahook-deploy-"));
  try {
    const output = execFileSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "", NO_COLOR: "1" },
    });
    for (const binding of [
      "env.GUARD (DuplicateGuard)",
      "env.DEAD_LETTERS (DeadLetters)",
      "env.PULL (PullLoop)",
      "env.STATS (Stats)",
      "env.EVENTS (mediahook-events)",
    ]) {
      assert.ok(output.includes(binding), `${binding} in:\n${output}`);
    }
    assert.match(output, /env\.DELIVERY_MODE \("queue"\)/);
    const gzipKiB = Number(/gzip: ([\d.]+) KiB/.exec(output)?.[1]);
    assert.ok(gzipKiB > 100 && gzipKiB < 3 * 1024, `upload of ${gzipKiB} KiB gzip (the free plan allows 3 MiB)`);
    const files = readdirSync(outdir);
    assert.ok(files.includes("index.js"), files.join());
    const wasm = files.find((f) => f.endsWith(".wasm"));
    assert.ok(wasm && statSync(join(outdir, wasm)).size > 100_000, files.join());
    console.log(`# dry-run upload: ${gzipKiB} KiB gzip`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
