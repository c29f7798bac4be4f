// Run by Deno and Bun (tests/runtimes/runtimes.test.mjs) inside a project that installed the
// packed package: the public API for every provider, as a user of that runtime calls it.
// Prints one JSON line with what it saw; the Node test asserts on it.
import {
  ERROR_CODES,
  KNOWN_EVENT_TYPES,
  VerifyError,
  isKnownEvent,
  parseEvent,
  sign,
  verify,
  verifySignature,
} from "mediahook";

const ts = 1700000000;
const cases = [
  {
    provider: "alibaba-ims",
    url: "https://hooks.example.com/alibaba/ims",
    key: "ImsKey123",
    body: '{"EventType":"RegisterMediaComplete","UserId":18446744073709551615,"EventTime":"2026-11-23T10:00:00Z","MessageBody":{"Status":"Success","MediaId":"m1"}}',
  },
  {
    provider: "alibaba-vod",
    url: "https://hooks.example.com/alibaba/vod",
    key: "VodKey123",
    body: '{"EventTime":"2026-11-23T10:00:00Z","EventType":"FileUploadComplete","VideoId":"v1","Status":"success"}',
  },
  {
    provider: "alibaba-live",
    url: "live.example.com",
    key: "LiveKey123",
    body: '{"action":"publish","app":"a","appname":"live","id":"s1","ip":"127.0.0.1","node":"n1"}',
  },
  {
    provider: "tencent-vod",
    url: undefined,
    key: "TencentKey123",
    body: '{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285485487985271487"}}',
  },
  {
    provider: "mux",
    url: undefined,
    key: "mux_secret-123/+=",
    body: '{"type":"video.asset.ready","id":"e1","created_at":"2026-11-23T10:00:00Z","data":{"id":"a1","status":"ready","duration":12.5}}',
  },
  {
    provider: "cloudflare-stream",
    url: undefined,
    key: "85011ed3a913c6ad5f9cf6c5573cc0a7",
    body: '{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":true,"status":{"state":"ready","pctComplete":"100.000000"}}',
  },
  {
    provider: "volcengine-vod",
    url: "https://hooks.example.com/volcengine/vod",
    key: "VolcKey123",
    body: '{"RequestId":"r1","Version":"1.0","EventType":"DeleteMediaComplete","EventTime":"2026-11-23T10:00:00Z","Data":{"Vid":"v1","FileNames":["a"]}}',
  },
];
/** Providers whose signature covers the body: one changed byte is refused. */
const SIGNS_BODY = new Set(["mux", "cloudflare-stream", "volcengine-vod"]);

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const out = { runtime, providers: {} };
for (const c of cases) {
  const t = c.provider === "tencent-vod" ? ts + 600 : ts;
  const signed = sign({ provider: c.provider, url: c.url, key: c.key, body: c.body, timestamp: t });
  const headers = new Headers(signed.headers);
  const opts = {
    provider: c.provider,
    url: c.url,
    headers,
    body: signed.body,
    keys: [c.key],
    now: ts,
    method: signed.method,
  };
  const event = verify(opts);
  const parsed = parseEvent(c.provider, signed.body);
  const sig = verifySignature(opts);
  let wrongKey;
  try {
    verify({ ...opts, keys: ["OtherKey99"] });
  } catch (e) {
    wrongKey = e instanceof VerifyError ? e.code : `not a VerifyError: ${e}`;
  }
  let tampered = null;
  if (SIGNS_BODY.has(c.provider)) {
    try {
      verify({ ...opts, body: signed.body.replace('"v1"', '"v2"').replace('"a1"', '"a2"').replace("100.", "101.") });
      tampered = "accepted";
    } catch (e) {
      tampered = e instanceof VerifyError ? e.code : `not a VerifyError: ${e}`;
    }
  }
  out.providers[c.provider] = {
    type: event.type,
    id: event.id,
    sameAsParse: JSON.stringify(event) === JSON.stringify(parsed),
    known: isKnownEvent(event),
    keyIndex: sig.keyIndex,
    wrongKey,
    tampered,
    userId: event.data.UserId,
    fileId: event.data.FileUploadEvent?.FileId,
  };
}
out.errorCodes = ERROR_CODES.length;
out.knownImsTypes = KNOWN_EVENT_TYPES["alibaba-ims"].length;
console.log(JSON.stringify(out));
