// Mux, Cloudflare Stream and Volcengine VOD through the real worker in workerd (queue mode):
// a signed callback of every known type of each is delivered to the origin, exactly as parsed;
// a body changed by one byte is refused (these schemes sign the body); Mux's retries, whose
// `attempts` grow, are one event; an unknown type becomes a dead letter.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { PROVIDER_FACTS } from "../../js/facts.mjs";
import { KNOWN_EVENT_TYPES, parseEvent, sign } from "../../pkg/node.mjs";
import { startWorker, until } from "./harness.mjs";

const SECRET = "whsec_Ym9keS1zaWduZWQtb3JpZ2luLXNlY3JldC0xMjM=";
const KEYS = {
  mux: "mux-signing-secret_0123456789abcdef",
  "cloudflare-stream": "85011ed3a913c6ad5f9cf6c5573cc0a7",
  "volcengine-vod": "VolcKey0123456789",
};
// Each provider's route and key (routes from the provider table).
const PROVIDERS = Object.fromEntries(
  Object.entries(KEYS).map(([p, key]) => [p, { path: PROVIDER_FACTS[p].route, key }]),
);
const samples = JSON.parse(readFileSync(new URL("../../js/samples.json", import.meta.url), "utf8"));
const now = () => Math.floor(Date.now() / 1000);

let origin, worker;
before(async () => {
  origin = await startOrigin({ secret: SECRET });
  worker = await startWorker(
    (url) => ({
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: SECRET,
      MUX_WEBHOOK_SECRETS: `NewerSecretNotYetUsed1,${PROVIDERS.mux.key}`,
      CLOUDFLARE_STREAM_WEBHOOK_SECRETS: PROVIDERS["cloudflare-stream"].key,
      VOLCENGINE_VOD_KEYS: PROVIDERS["volcengine-vod"].key,
      // The URL configured at Volcengine, signed as written.
      VOLCENGINE_VOD_CALLBACK_URLS: url + PROVIDERS["volcengine-vod"].path,
    }),
    { mode: "queue" },
  );
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});

function signed(provider, body, timestamp = now()) {
  const { path, key } = PROVIDERS[provider];
  const url = worker.url + path;
  return { url, ...sign({ provider, url, key, body, timestamp }) };
}

async function post({ url, headers, body }) {
  const res = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
  return { status: res.status, json: await res.json() };
}

const deliveriesOf = (id) => origin.received.filter((e) => e.headers["webhook-id"] === id);
let serial = 0;
/** A sample of `type` no earlier test sent (a new Mux event id; elsewhere an extra member, kept as sent). */
function fresh(provider, type) {
  const sample = samples[provider][type];
  serial += 1;
  return provider === "mux"
    ? { ...sample, id: `fresh-${serial}-${Date.now()}` }
    : { ...sample, mediahook_test: `${serial}-${Date.now()}` };
}

describe("Mux, Cloudflare Stream and Volcengine VOD through the worker", () => {
  test("a signed callback of every known type is delivered as parsed, verified by its signature", async () => {
    const sent = [];
    for (const provider of Object.keys(PROVIDERS)) {
      assert.ok(KNOWN_EVENT_TYPES[provider].length > 0, provider);
      for (const type of KNOWN_EVENT_TYPES[provider]) {
        const body = JSON.stringify(samples[provider][type]);
        const r = await post(signed(provider, body));
        assert.equal(r.status, 200, `${provider} ${type}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.outcome, "queued", `${provider} ${type}`);
        sent.push({ provider, type, body, id: r.json.id });
      }
    }
    assert.equal(sent.length, KNOWN_EVENT_TYPES.mux.length + 2 + KNOWN_EVENT_TYPES["volcengine-vod"].length);
    await until("every delivery", () => sent.every((s) => deliveriesOf(s.id).length > 0), 120_000);
    for (const s of sent) {
      const [got] = deliveriesOf(s.id);
      const expected = { ...parseEvent(s.provider, s.body), verified_by: "signature" };
      assert.deepEqual(got.event, expected, `${s.provider} ${s.type}`);
      assert.equal(got.event.type, s.type);
      assert.equal(got.verifyError, null, "signed for the origin");
    }
    // The Mux signature matched the second secret (rotation): logged by position, never shown.
    const muxLines = worker.logs.filter((l) => l.provider === "mux" && l.outcome === "queued");
    assert.ok(muxLines.length > 0 && muxLines.every((l) => l.key_index === 1), JSON.stringify(muxLines[0]));
    assert.ok(!worker.output().includes(PROVIDERS.mux.key), "no secret in the worker's output");
  });

  test("a body changed by one byte is refused (the signature covers the body), and nothing reaches the origin", async () => {
    const before = origin.received.length;
    for (const provider of Object.keys(PROVIDERS)) {
      const type = KNOWN_EVENT_TYPES[provider][0];
      const s = signed(provider, JSON.stringify(fresh(provider, type)));
      // One byte of the body, inside a value: still valid JSON of the same type.
      const at = s.body.lastIndexOf('"') - 1;
      const changed = s.body.slice(0, at) + (s.body[at] === "x" ? "y" : "x") + s.body.slice(at + 1);
      assert.equal(changed.length, s.body.length);
      const r = await post({ ...s, body: changed });
      assert.equal(r.status, 401, `${provider}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error, "signature_mismatch", provider);
      // The genuine body with the same headers passes.
      assert.equal((await post(s)).status, 200, provider);
    }
    // A captured Mux signature replayed with another event's body: refused.
    const a = signed("mux", JSON.stringify(samples.mux["video.asset.ready"]));
    const b = JSON.stringify(samples.mux["video.asset.deleted"]);
    assert.equal((await post({ ...a, body: b })).status, 401);
    // Volcengine signs the configured URL: the right body under another URL's signature fails.
    const elsewhere = sign({
      provider: "volcengine-vod",
      url: "https://elsewhere.example.com/cb",
      key: PROVIDERS["volcengine-vod"].key,
      body: "{}",
      timestamp: now(),
    });
    const r = await post({
      url: worker.url + PROVIDERS["volcengine-vod"].path,
      headers: elsewhere.headers,
      body: "{}",
    });
    assert.equal(r.json.error, "signature_mismatch");
    await until("the three genuine callbacks", () => origin.received.length - before >= 3);
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(origin.received.length - before, 3, "only the three genuine callbacks");
  });

  test("Mux's retries are one event: the id is Mux's, not the body's", async () => {
    const event = { ...samples.mux["video.asset.created"], id: "b7c6a2b1-retry-0000-0000-000000000001" };
    const first = await post(signed("mux", JSON.stringify(event)));
    const retry = { ...event, attempts: [{ id: "a1", response_status_code: 500, created_at: "2026-11-29T10:00:00Z" }] };
    const second = await post(signed("mux", JSON.stringify(retry), now() + 1));
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(first.json.id, second.json.id, "one event id");
    await until("the delivery", () => deliveriesOf(first.json.id).length > 0);
    await until("the retry dropped as a duplicate", () =>
      worker.deliveries.some((l) => l.id === first.json.id && l.outcome === "duplicate"),
    );
    assert.equal(deliveriesOf(first.json.id).length, 1);
    // Another Mux event id is another event.
    const other = await post(signed("mux", JSON.stringify({ ...event, id: "b7c6a2b1-retry-0000-0000-000000000002" })));
    assert.notEqual(other.json.id, first.json.id);
  });

  test("an unknown Mux type and a Stream video in another state are kept as dead letters", async () => {
    const unknown = await post(
      signed("mux", JSON.stringify({ type: "video.asset.teleported", id: "u1", data: { id: "a" } })),
    );
    assert.equal(unknown.json.outcome, "dead_lettered", JSON.stringify(unknown.json));
    const queued = { ...samples["cloudflare-stream"]["video.ready"], status: { state: "queued" } };
    const stream = await post(signed("cloudflare-stream", JSON.stringify(queued)));
    assert.equal(stream.json.outcome, "dead_lettered", JSON.stringify(stream.json));
    // Stream's body must say its state: a body without one is an invalid event, kept too.
    const stateless = await post(signed("cloudflare-stream", JSON.stringify({ uid: "x" })));
    assert.equal(stateless.json.outcome, "dead_lettered", JSON.stringify(stateless.json));
    assert.equal(deliveriesOf(unknown.json.id).length, 0);
  });
});
