// The operator's console (GET /admin/) in headless Chromium, served by the real worker in
// workerd (queue mode) with a test origin that refuses on demand; its numbers
// (GET /admin/stats) checked against what the test sent; the CLI's admin commands against
// the same worker.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { sign } from "../../pkg/node.mjs";
import { startWorker, until } from "../e2e/harness.mjs";
import { launchChromium } from "../support/browser.mjs";
import { root } from "../support/pack.mjs";

const SECRET = "whsec_dGVzdC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4OTA=";
const IMS_KEY = "ConsoleImsKey123";
const TENCENT_KEY = "ConsoleTencentKey1";
const VOD_KEY = "ConsoleVodKey12345";
const LIVE_KEY = "ConsoleLiveKey1234";
const SAMPLES = JSON.parse(readFileSync(join(root, "js/samples.json"), "utf8"));
const PATHS = {
  "alibaba-ims": "/alibaba/ims",
  "alibaba-vod": "/alibaba/vod",
  "alibaba-live": "/alibaba/live",
  "tencent-vod": "/tencent/vod",
};
const TOKEN = "console-admin-token-0123456789abcdef";
const shots = join(root, "test-results");
const fixture = (path) => JSON.parse(readFileSync(join(root, "tests/fixtures", path), "utf8"));
const IMS = fixture("alibaba-ims/ProduceMediaComplete.json");
const TENCENT = fixture("tencent-vod/v3_NewFileUpload.json");
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;

let origin, alerts, worker, browser, page;
let refuse = true;
const problems = [];

async function callback(provider, body, key) {
  const path = PATHS[provider];
  const now = Math.floor(Date.now() / 1000);
  const signed = sign({
    provider,
    url: worker.url + path,
    key,
    body,
    timestamp: provider === "tencent-vod" ? now + 600 : now,
  });
  const res = await fetch(worker.url + path, { method: "POST", headers: signed.headers, body: signed.body });
  return { status: res.status, json: await res.json() };
}

const admin = async (path, method = "GET") =>
  (await fetch(worker.url + path, { method, headers: { authorization: `Bearer ${TOKEN}` } })).json();

before(async () => {
  mkdirSync(shots, { recursive: true });
  origin = await startOrigin({
    secret: SECRET,
    respond: ({ event }) => ({ status: refuse && event?.data?.MessageBody?.MediaId === "refuse-me" ? 400 : 204 }),
  });
  alerts = await startOrigin({ secret: SECRET, path: "/alerts" });
  worker = await startWorker(
    {
      ORIGIN_URL: origin.url,
      ALERT_URL: alerts.url,
      ALERT_REFUSALS: "2",
      ORIGIN_SECRET: SECRET,
      ALIBABA_IMS_AUTH_KEYS: IMS_KEY,
      TENCENT_VOD_SIGN_KEYS: TENCENT_KEY,
      ALIBABA_VOD_AUTH_KEYS: VOD_KEY,
      ALIBABA_LIVE_AUTH_KEYS: LIVE_KEY,
      ADMIN_TOKEN: TOKEN,
      RETRY_MIN_SECONDS: "1",
      RETRY_MAX_SECONDS: "2",
    },
    { mode: "queue" },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("dialog", (d) => d.accept());
  // Recorded by the browser itself: any script or style the policy refused.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
  });
});
after(async () => {
  await browser?.close();
  await worker?.stop();
  await origin?.close();
  await alerts?.close();
});

describe("the operator's console", () => {
  const sent = { queued: 0, refused: 0, unknown: 0, tencent: 0, vod: 0, live: 0 };

  test("the numbers count what was sent", async () => {
    for (let i = 0; i < 4; i++) {
      const body = JSON.stringify({ ...IMS, MessageBody: { ...IMS.MessageBody, MediaId: `ok-${i}` } });
      assert.equal((await callback("alibaba-ims", body, IMS_KEY)).json.outcome, "queued");
      sent.queued++;
    }
    const doomed = JSON.stringify({ ...IMS, MessageBody: { ...IMS.MessageBody, MediaId: "refuse-me" } });
    assert.equal((await callback("alibaba-ims", doomed, IMS_KEY)).json.outcome, "queued");
    sent.queued++;
    const hostile = JSON.stringify({
      EventType: "Hostile<b>Type</b>",
      UserId: 1,
      EventTime: "2026-11-29T10:00:00Z",
      MessageBody: { Note: HOSTILE },
    });
    assert.equal((await callback("alibaba-ims", hostile, IMS_KEY)).json.outcome, "dead_lettered");
    sent.unknown++;
    for (let i = 0; i < 2; i++) {
      const body = JSON.stringify({
        ...TENCENT,
        FileUploadEvent: { ...TENCENT.FileUploadEvent, FileId: `console-${i}` },
      });
      assert.equal((await callback("tencent-vod", body, TENCENT_KEY)).json.outcome, "queued");
      sent.tencent++;
    }
    const vod = { ...SAMPLES["alibaba-vod"].FileUploadComplete, VideoId: "console-video" };
    assert.equal((await callback("alibaba-vod", JSON.stringify(vod), VOD_KEY)).json.outcome, "queued");
    sent.vod++;
    const live = SAMPLES["alibaba-live"].RecordFileCreated;
    assert.equal((await callback("alibaba-live", JSON.stringify(live), LIVE_KEY)).json.outcome, "queued");
    sent.live++;
    // IMS's latest callbacks are refused (a rotated key): its card must say so.
    for (let i = 0; i < 2; i++) {
      assert.equal((await callback("alibaba-ims", JSON.stringify(IMS), "NotTheKey123456789")).status, 401);
      sent.refused++;
    }
    const stats = await until(
      "the numbers flushed",
      async () => {
        const s = await admin("/admin/stats?minutes=60");
        return (s.totals["deliveries.delivered"] ?? 0) >= 8 && (s.totals["deliveries.dead"] ?? 0) >= 1 && s;
      },
      60_000,
    );
    assert.equal(stats.totals["callbacks.alibaba-ims.queued"], sent.queued);
    assert.equal(stats.totals["callbacks.alibaba-ims.dead_lettered"], sent.unknown);
    assert.equal(stats.totals["callbacks.alibaba-ims.rejected.signature_mismatch"], sent.refused);
    assert.equal(stats.totals["callbacks.tencent-vod.queued"], sent.tencent);
    assert.equal(stats.totals["callbacks.alibaba-vod.queued"], sent.vod);
    assert.equal(stats.totals["callbacks.alibaba-live.queued"], sent.live);
    assert.equal(stats.totals["deliveries.delivered"], 8);
    assert.equal(stats.totals["deliveries.dead"], 1);
    assert.ok(stats.delay_p50_ms > 0 && stats.delay_p99_ms >= stats.delay_p50_ms, JSON.stringify(stats));
    assert.equal(stats.last["provider.alibaba-ims.refused"].value, "signature_mismatch");
    assert.deepEqual(stats.providers, ["alibaba-ims", "alibaba-vod", "alibaba-live", "tencent-vod"]);
    // ALERT_URL got one signed alert per kind (dead letters appeared; 2 refusals is the spike).
    await until("the alerts", () => new Set(alerts.received.map((a) => a.event?.kind)).size === 2, 30_000);
    for (const a of alerts.received) {
      assert.equal(a.verifyError, null, "signed with ORIGIN_SECRET");
      assert.equal(a.event.type, "mediahook.alert");
    }
    const kinds = alerts.received.map((a) => a.event.kind).sort();
    assert.deepEqual(kinds, ["dead_letters", "refusals"], "at most one per kind in ALERT_MINUTES");
    assert.equal(alerts.received.find((a) => a.event.kind === "refusals").event.count, sent.refused);
  });

  test("the page: no token, a wrong token, then the dashboard under its CSP", async () => {
    const res = await fetch(`${worker.url}/admin/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get("content-security-policy");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.doesNotMatch(await res.text(), /<script>|<style>| on[a-z]+=/i, "no inline script or style");
    // The API without the token: 401, with the same headers.
    const api = await fetch(`${worker.url}/admin/stats`);
    assert.equal(api.status, 401);
    assert.equal(api.headers.get("cache-control"), "no-store");

    await page.goto(`${worker.url}/admin/`);
    await page.waitForSelector("html[data-ready=true][data-state=signed-out]");
    assert.ok(await page.isVisible("#token-form"));
    await page.fill("#token", "a-wrong-token-0123456789abcdef");
    await page.click("#token-form button");
    await page.waitForSelector("html[data-state=refused]");
    assert.match(await page.textContent("#sign-in-error"), /refused/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("mediahook-admin-token")), null);

    await page.fill("#token", TOKEN);
    await page.click("#token-form button");
    await page.waitForSelector("html[data-state=open]");
    // The token is in session storage only: never in the URL, never in local storage.
    assert.equal(await page.evaluate(() => sessionStorage.getItem("mediahook-admin-token")), TOKEN);
    assert.ok(!page.url().includes(TOKEN));
    assert.equal(await page.evaluate(() => localStorage.length), 0);

    const stats = await admin("/admin/stats?minutes=60");
    const sum = (prefix) =>
      Object.entries(stats.totals)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((a, [, n]) => a + n, 0);
    assert.equal(Number(await page.getAttribute("#chart-callbacks", "data-total")), sum("callbacks."));
    assert.equal(
      sum("callbacks."),
      Object.values(sent).reduce((a, b) => a + b, 0),
    );
    assert.equal(Number(await page.getAttribute("#chart-deliveries", "data-total")), sum("deliveries."));
    const legend = await page.getAttribute(
      '#chart-callbacks [data-category="rejected: signature_mismatch"]',
      "data-count",
    );
    assert.equal(Number(legend), sent.refused);
    assert.ok(Number(await page.getAttribute("#chart-delay", "data-points")) >= 1);
    assert.equal(await page.getAttribute('.card[data-provider="alibaba-ims"]', "data-state"), "refusing");
    assert.match(await page.textContent('.card[data-provider="alibaba-ims"]'), /signature_mismatch/);
    for (const p of ["tencent-vod", "alibaba-vod", "alibaba-live"])
      assert.equal(await page.getAttribute(`.card[data-provider="${p}"]`, "data-state"), "ok", p);
    // The origin took 8 events and refused one (400), at about the same time: whichever came
    // last sets its state; the refusal is shown either way.
    assert.match(await page.textContent('.card[data-provider="origin"]'), /last failure: .*answered 400/);
    await page.screenshot({ path: join(shots, "console.png"), fullPage: true });
  });

  test("dead letters: a hostile body renders inert; redeliver reaches the origin; delete removes", async () => {
    await page.waitForSelector("html[data-letters='2']");
    const hostile = page.locator('#letters tr[data-reason="unknown_event_type"]');
    assert.match(await hostile.textContent(), /Hostile<b>Type<\/b>/, "the type shown as text");
    await hostile.locator("button.show").click();
    await page.waitForSelector("#letter[data-shown]");
    await page.click("#letter-tree details details summary");
    const tree = await page.textContent("#letter-tree");
    assert.ok(tree.includes('<img src=x onerror=\\"window.__pwned=1\\">'), tree);
    assert.equal(await page.locator("#letter-tree img, #letter-tree script, #letters b").count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.screenshot({ path: join(shots, "console-letter.png"), fullPage: true });

    // Filters narrow the list on the worker.
    await page.selectOption("#filter-reason", "origin_rejected");
    await page.waitForSelector("html[data-letters='1']");
    await page.selectOption("#filter-reason", "");
    await page.waitForSelector("html[data-letters='2']");

    refuse = false;
    const before = origin.received.length;
    await page.locator('#letters tr[data-reason="origin_rejected"] button.redeliver').click();
    await until("the redelivery", () =>
      origin.received
        .slice(before)
        .some((e) => e.event?.data?.MessageBody?.MediaId === "refuse-me" && e.answered !== 400),
    );
    // The page follows it until it leaves the list.
    await page.waitForSelector("html[data-letters='1']", { timeout: 30_000 });
    await hostile.locator("button.delete").click();
    await page.waitForSelector("html[data-letters='0']");
    assert.deepEqual((await admin("/admin/dead-letters")).items, []);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "nothing refused by the CSP");
    assert.deepEqual(
      problems.filter((p) => !/401/.test(p)),
      [],
      "no errors in the console but the wrong token's 401",
    );
  });

  test("the CLI's admin commands", async () => {
    const run = promisify(execFile);
    const cli = (...args) =>
      run(process.execPath, [join(root, "pkg/cli.mjs"), "admin", ...args, "--worker", worker.url], {
        env: { ...process.env, MEDIAHOOK_ADMIN_TOKEN: TOKEN, NO_COLOR: "1" },
      });
    const stats = JSON.parse((await cli("stats", "--json")).stdout);
    assert.equal(stats.totals["callbacks.tencent-vod.queued"], sent.tencent);
    const text = (await cli("stats")).stdout;
    assert.match(text, /callbacks\.alibaba-ims\.rejected\.signature_mismatch\s+2/);
    assert.ok(!text.includes(TOKEN) && !(await cli("letters")).stdout.includes(TOKEN));

    const hostile = JSON.stringify({
      EventType: "AnotherUnknown",
      UserId: 1,
      EventTime: "2026-11-29T10:00:00Z",
      MessageBody: {},
    });
    const kept = await callback("alibaba-ims", hostile, IMS_KEY);
    const listed = JSON.parse((await cli("letters", "--json", "--reason", "unknown_event_type")).stdout);
    assert.deepEqual(
      listed.items.map((l) => l.id),
      [kept.json.id],
    );
    assert.match((await cli("show", kept.json.id)).stdout, /AnotherUnknown/);
    assert.match((await cli("delete", kept.json.id)).stdout, /deleted/);
    await assert.rejects(cli("show", kept.json.id), /no dead letter/);
    // Without the token: a clear error, exit status 2.
    await assert.rejects(
      run(process.execPath, [join(root, "pkg/cli.mjs"), "admin", "stats", "--worker", worker.url], {
        env: { ...process.env, MEDIAHOOK_ADMIN_TOKEN: "" },
      }),
      (e) => e.code === 2 && /MEDIAHOOK_ADMIN_TOKEN/.test(e.stderr),
    );
  });
});
