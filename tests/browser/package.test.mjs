// The packed package's browser entry (web.mjs) in headless Chromium, served from 127.0.0.1.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../support/browser.mjs";
import { installPackedPackage } from "../support/pack.mjs";
import { serveStatic } from "../support/static-server.mjs";

let project, server, browser;
before(async () => {
  project = installPackedPackage("mediahook-browser-");
  server = await serveStatic({ "/mediahook/": join(project, "node_modules/mediahook") });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

test("web.mjs loads in Chromium and signs, verifies and rejects synchronously", async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${server.url}/mediahook/package.json`);
  const result = await page.evaluate(async () => {
    const m = await import("/mediahook/web.mjs");
    const body =
      '{"EventType":"DeleteMediaComplete","UserId":1833202230100785,"EventTime":"2022-06-23T13:11:33Z","MessageBody":{"Status":"Success","MediaId":"m","DeleteType":"all"}}';
    const s = m.sign({
      provider: "alibaba-ims",
      url: "https://cb.example.com/ims",
      key: "K1",
      body,
      timestamp: 1700000000,
    });
    const event = m.verify({
      provider: "alibaba-ims",
      url: "https://cb.example.com/ims",
      headers: s.headers,
      body,
      keys: ["K0", "K1"],
      now: 1700000001,
    });
    let code = null;
    try {
      m.verify({
        provider: "alibaba-ims",
        url: "https://cb.example.com/ims",
        headers: s.headers,
        body,
        keys: ["K1"],
        now: 1700000999,
      });
    } catch (e) {
      code = e instanceof m.VerifyError ? e.code : String(e);
    }
    return {
      sig: s.headers["X-ICE-SIGNATURE"],
      type: event.type,
      user: event.data.UserId,
      known: m.isKnownEvent(event),
      code,
    };
  });
  assert.match(result.sig, /^[0-9a-f]{32}$/);
  assert.deepEqual(
    { ...result, sig: undefined },
    { sig: undefined, type: "DeleteMediaComplete", user: "1833202230100785", known: true, code: "timestamp_too_old" },
  );
  assert.deepEqual(problems, []);
});
