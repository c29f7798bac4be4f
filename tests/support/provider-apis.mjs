// Stand-ins for the providers' APIs that mediahook calls to pull events and to confirm pushed
// ones, on 127.0.0.1: Tencent Cloud's VOD API (TC3-HMAC-SHA256), Alibaba MNS (HMAC-SHA1) and
// Alibaba's OpenAPI (ACS3-HMAC-SHA256). Each request's signature is checked the way the
// provider documents it, with node:crypto (independent of mediahook's Rust), and a clock more
// than the provider's window off is refused. The APIs behave as documented
// (../shared/notes/provider-apis.md), with the delays configurable for tests:
// - Tencent `PullEvents` (long poll, up to 16 events, each with an `EventHandle`) and
//   `ConfirmEvents` (within `confirmWindowMs` of the pull, else refused; an unconfirmed event is
//   handed out again after `redeliverMs`); `DescribeTaskDetail` from `tencent.tasks`.
// - MNS `BatchReceiveMessage` (a received message is hidden for `visibilityMs`, then handed out
//   again unless deleted), `DeleteMessage` by receipt handle; XML as MNS answers.
// - Alibaba `GetMediaProducingJob`, `GetSnapshotJob`, `GetVideoInfo`... from `alibaba.jobs`.
// One server answers all three: Tencent by `X-TC-Action`, OpenAPI by `x-acs-action`, MNS by
// its `/queues/` paths.
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac256 = (key, data) => createHmac("sha256", key).update(data).digest();
const same = (a, b) => {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
};

/** TC3: null when the request is signed as Tencent documents, else the reason. */
export function checkTc3(req, body, { secretId, secretKey, nowSeconds }) {
  const auth = req.headers.authorization ?? "";
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return "AuthFailure.SignatureFailure: malformed Authorization";
  const [, id, date, service, signedHeaders, signature] = m;
  if (id !== secretId) return "AuthFailure.SecretIdNotFound";
  const ts = Number(req.headers["x-tc-timestamp"]);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > 300) return "AuthFailure.SignatureExpire";
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date) return "AuthFailure.SignatureFailure: the scope's date";
  const names = signedHeaders.split(";");
  if (!names.includes("content-type") || !names.includes("host")) return "AuthFailure.SignatureFailure: headers";
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? "")
          .trim()
          .toLowerCase()}\n`,
    )
    .join("");
  const canonical = `${req.method}\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256(body)}`;
  const scope = `${date}/${service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${scope}\n${sha256(canonical)}`;
  const k = hmac256(hmac256(hmac256(`TC3${secretKey}`, date), service), "tc3_request");
  return same(hmac256(k, toSign).toString("hex"), signature) ? null : "AuthFailure.SignatureFailure";
}

const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** ACS3: null when signed as Alibaba documents (and the nonce is new), else the reason. */
export function checkAcs3(req, body, { accessKeyId, accessKeySecret, nowSeconds, nonces }) {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(
    req.headers.authorization ?? "",
  );
  if (!m) return "IncompleteSignature";
  const [, id, signedHeaders, signature] = m;
  if (id !== accessKeyId) return "InvalidAccessKeyId.NotFound";
  const date = Date.parse(req.headers["x-acs-date"] ?? "");
  if (!Number.isFinite(date) || Math.abs(nowSeconds - date / 1000) > 900) return "SignatureDoesNotMatch: x-acs-date";
  const nonce = req.headers["x-acs-signature-nonce"];
  if (!nonce || nonces.has(nonce)) return "SignatureNonceUsed";
  if (req.headers["x-acs-content-sha256"] !== sha256(body)) return "SignatureDoesNotMatch: x-acs-content-sha256";
  const url = new URL(req.url, "http://x");
  const names = signedHeaders.split(";");
  const wanted = Object.keys(req.headers)
    .filter((n) => n === "host" || n === "content-type" || n.startsWith("x-acs-"))
    .sort();
  if (wanted.join(";") !== signedHeaders) return "SignatureDoesNotMatch: signed headers";
  const query = [...url.searchParams]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers = names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join("");
  const canonical = `${req.method}\n${url.pathname || "/"}\n${query}\n${headers}\n${signedHeaders}\n${sha256(body)}`;
  const expected = hmac256(accessKeySecret, `ACS3-HMAC-SHA256\n${sha256(canonical)}`).toString("hex");
  if (!same(expected, signature)) return "SignatureDoesNotMatch";
  nonces.add(nonce);
  return null;
}

/** MNS: null when signed as MNS documents, else the reason. */
export function checkMns(req, { accessKeyId, accessKeySecret, nowSeconds }) {
  const m = /^MNS ([^:]+):(.+)$/.exec(req.headers.authorization ?? "");
  if (!m) return "AccessDenied";
  if (m[1] !== accessKeyId) return "InvalidAccessKeyId";
  const date = Date.parse(req.headers.date ?? "");
  if (!Number.isFinite(date) || Math.abs(nowSeconds - date / 1000) > 900) return "TimeExpired";
  const mns = Object.keys(req.headers)
    .filter((n) => n.startsWith("x-mns-"))
    .sort()
    .map((n) => `${n}:${req.headers[n]}\n`)
    .join("");
  const toSign = `${req.method}\n${req.headers["content-md5"] ?? ""}\n${req.headers["content-type"] ?? ""}\n${req.headers.date}\n${mns}${req.url}`;
  const expected = createHmac("sha1", accessKeySecret).update(toSign).digest("base64");
  return same(expected, m[2]) ? null : "SignatureDoesNotMatch";
}

const xml = (s) => String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Start the three APIs. Options: tencent {secretId, secretKey}, alibaba {accessKeyId,
 * accessKeySecret} (OpenAPI and MNS), confirmWindowMs (30 s), redeliverMs (30 s),
 * visibilityMs (30 s), longPollMs (Tencent's 5 s), now() (ms), port (0: any). `POST
 * /_stand-in/tencent/<sub app id>` (an event's JSON) and `POST /_stand-in/mns/<queue>` (a message
 * body) hand the APIs something to give out. Returns { url, tencent: {
 * add(subAppId, event), waiting(subAppId), confirmed, tasks }, mns: { send(queue, body),
 * waiting(queue), deleted }, alibaba: { jobs }, requests, refused, close() }.
 */
export async function startProviderApis(options = {}) {
  const {
    tencent: tc = { secretId: "AKIDtest", secretKey: "TencentTestSecretKey" },
    alibaba: ali = { accessKeyId: "LTAItest", accessKeySecret: "AlibabaTestSecret" },
    confirmWindowMs = 30_000,
    redeliverMs = 30_000,
    visibilityMs = 30_000,
    longPollMs = 5_000,
    now = () => Date.now(),
    port = 0,
  } = options;
  const requests = [];
  const refused = [];
  const nonces = new Set();
  // Tencent: per sub-app, events { body, handle, handedOutAt }.
  const subApps = new Map();
  const confirmed = [];
  const tasks = new Map();
  // MNS: per queue, messages { id, body, receipt, visibleAt, dequeues }.
  const queues = new Map();
  const deleted = [];
  const jobs = new Map();
  const waiters = new Set();
  const wake = () => {
    for (const w of waiters) w();
  };

  const readyEvents = (subAppId) =>
    (subApps.get(subAppId) ?? []).filter((e) => e.handedOutAt === undefined || now() - e.handedOutAt >= redeliverMs);
  const readyMessages = (queue) => (queues.get(queue) ?? []).filter((m) => m.visibleAt <= now());

  async function longPoll(ready, ms) {
    const end = Date.now() + ms;
    while (ready().length === 0 && Date.now() < end) {
      await new Promise((r) => {
        const done = () => {
          waiters.delete(done);
          clearTimeout(t);
          r();
        };
        const t = setTimeout(done, Math.min(200, Math.max(1, end - Date.now())));
        waiters.add(done);
      });
    }
    return ready();
  }

  const tencentError = (code, message) => ({
    Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() },
  });

  async function tencent(req, body) {
    const why = checkTc3(req, body, { ...tc, nowSeconds: now() / 1000 });
    if (why) return [200, tencentError(why.split(":")[0], why)];
    let params;
    try {
      params = JSON.parse(body || "{}");
    } catch {
      return [200, tencentError("InvalidParameter", "the body is not JSON")];
    }
    const action = req.headers["x-tc-action"];
    const subAppId = String(params.SubAppId ?? "");
    if (action === "PullEvents") {
      const ready = await longPoll(() => readyEvents(subAppId), longPollMs);
      const out = ready.slice(0, 16);
      for (const e of out) {
        e.handle = randomUUID();
        e.handedOutAt = now();
      }
      const set = out.length ? out.map((e) => ({ ...e.body, EventHandle: e.handle })) : null;
      return [200, { Response: { EventSet: set, RequestId: randomUUID() } }];
    }
    if (action === "ConfirmEvents") {
      const list = subApps.get(subAppId) ?? [];
      for (const handle of params.EventHandles ?? []) {
        const e = list.find((x) => x.handle === handle);
        if (!e || now() - e.handedOutAt > confirmWindowMs)
          return [200, tencentError("InvalidParameter", `the event handle ${handle} is invalid or expired`)];
      }
      for (const handle of params.EventHandles ?? []) {
        const i = list.findIndex((x) => x.handle === handle);
        confirmed.push({ subAppId, handle, body: list[i].body });
        list.splice(i, 1);
      }
      return [200, { Response: { RequestId: randomUUID() } }];
    }
    if (action === "DescribeTaskDetail") {
      const task = tasks.get(String(params.TaskId));
      if (!task) return [200, tencentError("ResourceNotFound", "no such task")];
      return [200, { Response: { ...task, RequestId: randomUUID() } }];
    }
    return [200, tencentError("InvalidAction", `unknown action ${action}`)];
  }

  async function openapi(req, body) {
    const why = checkAcs3(req, body, { ...ali, nowSeconds: now() / 1000, nonces });
    if (why) return [why.startsWith("InvalidAccessKeyId") ? 404 : 403, { Code: why.split(":")[0], Message: why }];
    const params = Object.fromEntries(new URL(req.url, "http://x").searchParams);
    const action = req.headers["x-acs-action"];
    const key = `${action}:${params.JobId ?? params.VideoId ?? params.MediaId ?? ""}`;
    // A job may be a function: what the API says now (null: not found yet, as a lagging API).
    const found = typeof jobs.get(key) === "function" ? jobs.get(key)() : jobs.get(key);
    if (found) return [200, { ...found, RequestId: randomUUID() }];
    return [404, { Code: "NotFound", Message: `no ${key}`, RequestId: randomUUID() }];
  }

  async function mns(req) {
    const why = checkMns(req, { ...ali, nowSeconds: now() / 1000 });
    const error = (status, code) => [
      status,
      `<?xml version="1.0" encoding="UTF-8"?><Error xmlns="http://mns.aliyuncs.com/doc/v1"><Code>${code}</Code><Message>${xml(code)}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
    ];
    if (why) return error(403, why);
    const url = new URL(req.url, "http://x");
    const [, , queue, what] = url.pathname.split("/");
    if (what !== "messages") return error(404, "QueueNotExist");
    if (req.method === "GET") {
      const wait = Math.min(Number(url.searchParams.get("waitseconds") ?? 0), 30) * 1000;
      const n = Math.min(Number(url.searchParams.get("numOfMessages") ?? 1), 16);
      const ready = (await longPoll(() => readyMessages(queue), Math.min(wait, longPollMs))).slice(0, n);
      if (!ready.length) return error(404, "MessageNotExist");
      const out = ready.map((m) => {
        m.receipt = randomUUID();
        m.visibleAt = now() + visibilityMs;
        m.dequeues++;
        const md5 = createHash("md5").update(m.body).digest("hex").toUpperCase();
        return `<Message><MessageId>${m.id}</MessageId><ReceiptHandle>${m.receipt}</ReceiptHandle><MessageBodyMD5>${md5}</MessageBodyMD5><MessageBody>${xml(m.body)}</MessageBody><EnqueueTime>${m.enqueued}</EnqueueTime><NextVisibleTime>${m.visibleAt}</NextVisibleTime><DequeueCount>${m.dequeues}</DequeueCount></Message>`;
      });
      return [
        200,
        `<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mns.aliyuncs.com/doc/v1">${out.join("")}</Messages>`,
      ];
    }
    if (req.method === "DELETE") {
      const list = queues.get(queue) ?? [];
      const handle = url.searchParams.get("ReceiptHandle");
      const i = list.findIndex((m) => m.receipt === handle && m.visibleAt > now());
      if (i < 0) return error(404, "ReceiptHandleError");
      deleted.push({ queue, id: list[i].id, body: list[i].body });
      list.splice(i, 1);
      return [204, ""];
    }
    return error(405, "MethodNotAllowed");
  }

  const tencentControl = {
    add(subAppId, event) {
      const list = subApps.get(String(subAppId)) ?? [];
      list.push({ body: event });
      subApps.set(String(subAppId), list);
      wake();
    },
    waiting: (subAppId) => (subApps.get(String(subAppId)) ?? []).length,
    confirmed,
    tasks,
  };
  const mnsControl = {
    send(queue, body) {
      const list = queues.get(queue) ?? [];
      list.push({
        id: randomUUID().replaceAll("-", "").toUpperCase(),
        body,
        visibleAt: 0,
        dequeues: 0,
        enqueued: now(),
      });
      queues.set(queue, list);
      wake();
    },
    waiting: (queue) => (queues.get(queue) ?? []).length,
    deleted,
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    // The stand-in's own door (`npm run dev` with sources): hand a provider an event to give out.
    const door = /^\/_stand-in\/(tencent|mns)\/([\w-]+)$/.exec(req.url);
    if (door && req.method === "POST") {
      if (door[1] === "tencent") tencentControl.add(door[2], JSON.parse(body));
      else mnsControl.send(door[2], body);
      res.writeHead(204).end();
      return;
    }
    const api = req.headers["x-tc-action"] ? "tencent" : req.headers["x-acs-action"] ? "openapi" : "mns";
    requests.push({
      api,
      method: req.method,
      url: req.url,
      action: req.headers["x-tc-action"] ?? req.headers["x-acs-action"],
    });
    const [status, answer] = await (api === "tencent"
      ? tencent(req, body)
      : api === "openapi"
        ? openapi(req, body)
        : mns(req));
    const text = typeof answer === "string" ? answer : JSON.stringify(answer);
    if ((api === "mns" && status === 403) || (api === "openapi" && status >= 400) || text.includes('"Error"'))
      refused.push({ api, status, answer: text });
    res.writeHead(status, {
      "content-type": api === "mns" ? "text/xml" : "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    refused,
    tencent: tencentControl,
    mns: mnsControl,
    alibaba: { jobs },
    close: () => new Promise((r) => server.close(r)),
  };
}
