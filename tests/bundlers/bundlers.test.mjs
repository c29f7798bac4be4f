// The packed package built into apps by the bundlers users have: Vite, webpack 5 and esbuild for
// the browser (each app served from 127.0.0.1 and run in headless Chromium), and a Node app
// bundled by esbuild into one file. The wasm must load with no file copied by hand: Vite and
// webpack follow the package's `new URL("./…wasm", import.meta.url)`; esbuild does not, so the
// esbuild apps import "mediahook/inline" (the wasm inlined).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../support/browser.mjs";
import { installPackedPackage } from "../support/pack.mjs";
import { serveStatic } from "../support/static-server.mjs";

const BIN = process.env.MEDIAHOOK_BUNDLERS_BIN;
const BODY =
  '{"EventType":"ProduceMediaComplete","UserId":1833202230000785,"EventTime":"2026-11-23T10:00:00Z","MessageBody":{"Status":"Success","MediaId":"m1","JobId":"j1","MediaURL":"https://x/y.mp4","ProjectId":"p1"}}';
// The app: sign a callback, verify it, show the event's type (or the error) in the page.
const app = (from) => `import { sign, verify } from "${from}";
const signed = sign({ provider: "alibaba-ims", url: "https://cb.example.com/ims", key: "K1", body: ${JSON.stringify(BODY)}, timestamp: 1700000000 });
let out;
try {
  const event = verify({ provider: "alibaba-ims", url: "https://cb.example.com/ims", headers: signed.headers, body: signed.body, keys: ["K1"], now: 1700000010 });
  out = event.type + " " + event.data.UserId;
} catch (e) {
  out = "error " + e.message;
}
if (typeof document !== "undefined") {
  document.querySelector("#out").textContent = out;
  document.documentElement.dataset.done = "1";
} else {
  console.log(out);
}
`;
const html = (script, type = "module") =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><p id="out">…</p><script type="${type}" src="${script}"></script></body></html>`;

let project, server, browser;
const run = (bin, args) =>
  execFileSync(join(BIN, bin), args, { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

before(async () => {
  assert.ok(BIN, "MEDIAHOOK_BUNDLERS_BIN is set by the project's set-up (scripts/lib.sh)");
  project = installPackedPackage("mediahook-bundlers-");
  writeFileSync(join(project, "main.js"), app("mediahook"));
  writeFileSync(join(project, "main-inline.js"), app("mediahook/inline"));
  writeFileSync(join(project, "index.html"), html("/main.js"));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

async function runInChromium(name) {
  server ??= await serveStatic({ "/": project });
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${server.url}/dist-${name}/index.html`);
  await page.waitForSelector("html[data-done]", { timeout: 15_000 });
  const text = await page.textContent("#out");
  await page.close();
  assert.deepEqual(problems, [], name);
  assert.equal(text, "ProduceMediaComplete 1833202230000785", name);
}

test("Vite: vite build, then the app in Chromium (the .wasm emitted as an asset)", async () => {
  run("vite", ["build", "--logLevel", "error", "--outDir", "dist-vite", "--base", "/dist-vite/"]);
  const files = readdirSync(join(project, "dist-vite/assets"));
  assert.ok(
    files.some((f) => f.endsWith(".wasm")),
    files.join(),
  );
  await runInChromium("vite");
});

test("webpack 5: the app in Chromium (the .wasm emitted as an asset module)", async () => {
  run("webpack", [
    "--mode",
    "production",
    "--entry",
    "./main.js",
    "--output-path",
    "dist-webpack",
    "--output-filename",
    "main.js",
    "--no-stats",
  ]);
  writeFileSync(join(project, "dist-webpack/index.html"), html("main.js", "text/javascript"));
  const files = readdirSync(join(project, "dist-webpack"));
  assert.ok(
    files.some((f) => f.endsWith(".wasm")),
    files.join(),
  );
  await runInChromium("webpack");
});

test("esbuild: a browser bundle of mediahook/inline in Chromium, and a one-file Node app", async () => {
  run("esbuild", [
    "main-inline.js",
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--outfile=dist-esbuild/main.js",
    "--log-level=error",
  ]);
  writeFileSync(join(project, "dist-esbuild/index.html"), html("main.js"));
  assert.deepEqual(
    readdirSync(join(project, "dist-esbuild")).sort(),
    ["index.html", "main.js"],
    "one file, no .wasm to copy",
  );
  await runInChromium("esbuild");

  run("esbuild", [
    "main-inline.js",
    "--bundle",
    "--format=esm",
    "--platform=node",
    "--outfile=dist-node/app.mjs",
    "--log-level=error",
  ]);
  // Run it where there is no node_modules: the bundle must carry everything.
  const alone = mkdtempSync(join(tmpdir(), "mediahook-node-bundle-"));
  try {
    mkdirSync(alone, { recursive: true });
    copyFileSync(join(project, "dist-node/app.mjs"), join(alone, "app.mjs"));
    const out = execFileSync(process.execPath, ["app.mjs"], { cwd: alone, encoding: "utf8" });
    assert.equal(out.trim(), "ProduceMediaComplete 1833202230000785");
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});
