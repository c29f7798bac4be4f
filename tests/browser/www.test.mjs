// The www/ page in headless Chromium, served from 127.0.0.1 as a plain static site.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../support/browser.mjs";
import { root } from "../support/pack.mjs";
import { serveStatic } from "../support/static-server.mjs";

const shots = join(root, "test-results");
let server, browser, page;
const problems = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serveStatic({ "/": join(root, "www") });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) problems.push(`request to ${r.url()}`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector("html[data-ready=true]");
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const IMS_URL = "https://www.example.com/your/callback";
const imsBody = readFileSync(join(root, "tests/fixtures/alibaba-ims/ProduceMediaComplete.json"), "utf8");

async function verify({
  provider,
  url = "",
  headers = "",
  body = "",
  keys,
  now = "",
  ownTime = false,
  tolerance = "300",
}) {
  await page.click("#tab-verify");
  await page.selectOption("#verify-form [name=provider]", provider);
  await page.fill("#verify-form [name=url]", url);
  await page.fill("#verify-form [name=headers]", headers);
  await page.fill("#verify-form [name=body]", body);
  await page.fill("#verify-form [name=keys]", keys);
  await page.fill("#verify-form [name=now]", String(now));
  await page.fill("#verify-form [name=tolerance]", tolerance);
  await page.setChecked("#verify-form [name=ownTime]", ownTime);
  await page.click("#verify-form button[type=submit]");
  const result = page.locator("#verify-result");
  await result.locator("[data-verdict]").waitFor();
  // The result is rendered synchronously: read what is there, never wait for what is not.
  const textOf = async (selector) =>
    (await result.locator(selector).count()) ? result.locator(selector).textContent() : null;
  return {
    verdict: await result.locator("[data-verdict]").getAttribute("data-verdict"),
    code: await textOf("[data-code]"),
    type: await textOf("[data-event-type]"),
    text: await result.textContent(),
  };
}

const vectors = {
  "alibaba-ims": {
    url: IMS_URL,
    headers: "X-ICE-TIMESTAMP: 1519375990\nX-ICE-SIGNATURE: c72b60894140fa98920f1279219b7ed4",
    body: imsBody,
    keys: "test123",
    now: 1519375990,
    type: "ProduceMediaComplete",
  },
  "alibaba-vod": {
    url: IMS_URL,
    headers:
      "POST /your/callback HTTP/1.1\nx-vod-timestamp: 1519375990\nx-vod-signature: C587B80D2D0EDE300E8967937DA7219B",
    body: '{"EventTime":"2018-02-23T08:53:10Z","EventType":"FileUploadComplete","VideoId":"v1","Status":"success","Size":10}',
    keys: "Test123",
    now: 1519376100,
    type: "FileUploadComplete",
  },
  "alibaba-live": {
    url: "learn.aliyundoc.com",
    headers: "ALI-LIVE-TIMESTAMP: 1519375990\nALI-LIVE-SIGNATURE: 9e226fc2c250be266e3657e156f68c12",
    body: '{"action":"publish","id":"stream1","app":"learn.aliyundoc.com","appname":"live","time":"1519375990"}',
    keys: "yourkey",
    now: 1519375990,
    type: "publish",
  },
  "tencent-vod": {
    url: "",
    headers: "",
    body: '{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285485487985271487"},"Sign":"3eb51b374d429806a087e17684c371df","T":1519376590}',
    keys: "Test123",
    now: 1519376000,
    type: "NewFileUpload",
  },
  // Mux's SDK vector is over {"test":"body"}, which is no event: these three, over events, were
  // computed with openssl (HMAC-SHA256, with the SDK's secret and time, and Cloudflare's) and
  // md5sum (with the URL, time and key of BytePlus's documentation).
  mux: {
    url: "",
    headers: "Mux-Signature: t=1565125718,v1=27e4854d38391cace7435a77b67a28f3a18a9b5c7c150b31260f8a15e25df802",
    body: '{"type":"video.asset.ready","id":"e1","data":{"id":"a1","status":"ready"}}',
    keys: "SuperSecret123",
    now: 1565125718,
    type: "video.asset.ready",
  },
  "cloudflare-stream": {
    url: "",
    headers: "Webhook-Signature: time=1230811200,sig1=8ea5112f08034d4823b6a997f7b66c68366929b4441940259360189d7c1ae51b",
    body: '{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":true,"status":{"state":"ready"}}',
    keys: "85011ed3a913c6ad5f9cf6c5573cc0a7",
    now: 1230811200,
    type: "video.ready",
  },
  "volcengine-vod": {
    url: "https://www.example1.com/your/callback",
    headers: "X-VOD-TIMESTAMP: 1545675780\nX-VOD-SIGNATURE: ab47cd689c8e818b208288a73f8d6b84",
    body: '{"EventType":"DeleteMediaComplete","EventTime":"2021-02-20T07:54:35Z","Data":{"Vid":"v1"}}',
    keys: "ABCDabcd1234",
    now: 1545675780,
    type: "DeleteMediaComplete",
  },
};

test("a vector of each provider is valid, with its event type", async () => {
  for (const [provider, v] of Object.entries(vectors)) {
    const r = await verify({ provider, ...v });
    assert.equal(r.verdict, "valid", `${provider}: ${r.text}`);
    assert.equal(r.type, v.type);
    assert.match(r.text, /Signature matches key 1 of 1/);
  }
  await page.screenshot({ path: join(shots, "www-verify-valid.png"), fullPage: true });
});

test("one changed character of the key, URL or timestamp gives the right code and reason", async () => {
  const v = vectors["alibaba-ims"];
  let r = await verify({ provider: "alibaba-ims", ...v, keys: "test124" });
  assert.deepEqual([r.verdict, r.code], ["invalid", "signature_mismatch"]);
  assert.match(r.text, /No key, with this URL, reproduces the signature/);
  r = await verify({ provider: "alibaba-ims", ...v, url: "http://www.example.com/your/callback" });
  assert.equal(r.code, "signature_mismatch");
  assert.match(
    r.text,
    /would match if the URL were https:\/\/www\.example\.com\/your\/callback instead of http:\/\/www\.example\.com\/your\/callback/,
  );
  r = await verify({ provider: "alibaba-ims", ...v, url: `${IMS_URL}/` });
  assert.match(r.text, /would match if the URL were https:\/\/www\.example\.com\/your\/callback instead/);
  r = await verify({ provider: "alibaba-ims", ...v, headers: v.headers.replace("1519375990", "1519375991") });
  assert.equal(r.code, "signature_mismatch");
  r = await verify({ provider: "alibaba-ims", ...v, now: 1519375990 + 412 });
  assert.equal(r.code, "timestamp_too_old");
  assert.match(r.text, /the timestamp is 412 s old; the tolerance is 300 s/);
  r = await verify({ provider: "tencent-vod", ...vectors["tencent-vod"], now: 1519376590 + 61 });
  assert.equal(r.code, "expired");
  r = await verify({ provider: "alibaba-ims", ...v, headers: "X-ICE-TIMESTAMP: 1519375990" });
  assert.equal(r.code, "missing_signature");
  await page.screenshot({ path: join(shots, "www-verify-invalid.png"), fullPage: true });
});

test("rotation and the callback's own time", async () => {
  const v = vectors["alibaba-ims"];
  let r = await verify({ provider: "alibaba-ims", ...v, keys: "NewKey9\ntest123" });
  assert.match(r.text, /Signature matches key 2 of 2/);
  r = await verify({ provider: "alibaba-ims", ...v, now: "" });
  assert.equal(r.code, "timestamp_too_old", "a 2018 capture is stale today");
  r = await verify({ provider: "alibaba-ims", ...v, now: "", ownTime: true });
  assert.equal(r.verdict, "valid");
  r = await verify({ provider: "tencent-vod", ...vectors["tencent-vod"], now: "", ownTime: true });
  assert.equal(r.verdict, "valid");
  // The time inside Mux's and Cloudflare's signature header is the callback's own.
  r = await verify({ provider: "mux", ...vectors.mux, now: "", ownTime: true });
  assert.equal(r.verdict, "valid");
  r = await verify({ provider: "cloudflare-stream", ...vectors["cloudflare-stream"], now: "", ownTime: true });
  assert.equal(r.verdict, "valid");
  // A body changed by one byte fails where the body is signed.
  r = await verify({ provider: "mux", ...vectors.mux, body: vectors.mux.body.replace('"a1"', '"a2"') });
  assert.equal(r.code, "signature_mismatch");
  const volc = vectors["volcengine-vod"];
  r = await verify({ provider: "volcengine-vod", ...volc, body: volc.body.replace('"v1"', '"v2"') });
  assert.equal(r.code, "signature_mismatch");
});

test("sign, then verify in the page, round-trips for every provider", async () => {
  for (const provider of Object.keys(vectors)) {
    await page.click("#tab-sign");
    await page.selectOption("#sign-form [name=provider]", provider);
    if (provider === "alibaba-live") await page.fill("#sign-form [name=url]", "live.example.com");
    await page.fill("#sign-form [name=key]", "SignKey42");
    const bodies = {
      "tencent-vod": '{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}',
      "alibaba-vod": vectors["alibaba-vod"].body,
      "alibaba-live": vectors["alibaba-live"].body,
      mux: '{"type":"video.asset.ready","id":"e1","data":{"id":"a1","status":"ready"}}',
      "cloudflare-stream": vectors["cloudflare-stream"].body,
      "volcengine-vod": '{"EventType":"DeleteMediaComplete","EventTime":"2021-02-20T07:54:35Z","Data":{"Vid":"v1"}}',
    };
    const body = bodies[provider] ?? imsBody;
    await page.fill("#sign-form [name=body]", body);
    await page.fill("#sign-form [name=timestamp]", "");
    await page.click("#sign-form button[type=submit]");
    const curl = await page.locator("[data-curl]").textContent();
    assert.match(curl, /^curl -sS -X POST '/);
    if (provider !== "tencent-vod")
      assert.match(
        await page.locator("[data-signed]").textContent(),
        /SIGNATURE: (?:[0-9a-f]{32}|t(?:ime)?=\d+,(?:v1|sig1)=[0-9a-f]{64})/i,
        provider,
      );
    if (provider === "alibaba-ims") await page.screenshot({ path: join(shots, "www-sign.png"), fullPage: true });
    await page.click("[data-to-verify]");
    const verdict = await page.locator("#verify-result [data-verdict]").getAttribute("data-verdict");
    assert.equal(verdict, "valid", `${provider}: ${await page.locator("#verify-result").textContent()}`);
  }
});

test("keyboard, phone width, no console errors, no requests elsewhere", async () => {
  await page.focus("#tab-verify");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-sign", "aria-selected"), "true");
  assert.equal(await page.isHidden("#panel-verify"), true);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.getAttribute("#tab-verify", "aria-selected"), "true");
  await page.setViewportSize({ width: 375, height: 800 });
  // Measure after layout has settled at the new size.
  const overflow = await page.evaluate(
    () =>
      new Promise((r) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => r(document.documentElement.scrollWidth - document.documentElement.clientWidth)),
        ),
      ),
  );
  await page.screenshot({ path: join(shots, "www-phone.png"), fullPage: true });
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body, body *")]
      .filter(
        (e) =>
          e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 ||
          (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible"),
      )
      .map(
        (e) =>
          `<${e.tagName.toLowerCase()} class="${e.className}" sw=${e.scrollWidth} cw=${e.clientWidth}> ${e.textContent.slice(0, 30)}`,
      )
      .slice(0, 6),
  );
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at phone width: ${wide.join(" | ")}`);
  await page.screenshot({ path: join(shots, "www-phone.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
