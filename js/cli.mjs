#!/usr/bin/env node
// `mediahook`: sign, send and explain media callbacks from the command line, with the same wasm
// core as the package, the worker and the page (and the page's explanations: explain.mjs).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { callbackTime, curlCommand, explain, PROVIDERS, printable, ROUTE, TENCENT_LIFETIME } from "./explain.mjs";
import * as api from "./node.mjs";

const SAMPLES = JSON.parse(readFileSync(new URL("./samples.json", import.meta.url), "utf8"));
const VERSION = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;
const LOCAL_WORKER = "http://127.0.0.1:8787";

const color = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const [green, red, bold, dim] = [paint(32), paint(31), paint(1), paint(2)];

class UsageError extends Error {}

const HELP = {
  main: `mediahook ${VERSION}: sign, send and explain Alibaba Cloud and Tencent Cloud media callbacks

usage: mediahook <command> [options]

commands:
  events [provider]   the event types mediahook knows (--json for JSON)
  sign                what a provider would send: an HTTP request, or a curl command (--curl)
  send                sign and send callbacks to a URL (the local worker, a deployed one, yours)
  verify              read a captured request (raw HTTP or a curl command) on stdin and explain
                      whether it verifies
  admin               the worker's dead letters and numbers: letters, show, redeliver, delete, stats

providers: ${PROVIDERS.join(", ")}
Keys come from --key or MEDIAHOOK_KEY (never printed). 'mediahook <command> --help' for more.
Exit status: 0 success (verify: valid), 1 failure (verify: invalid), 2 usage error.`,
  events: `usage: mediahook events [provider] [--json]

Lists the known event types, per provider.`,
  sign: `usage: mediahook sign --provider P --key K (--event TYPE | --body FILE|-) [--url U] [--timestamp T] [--curl]

Prints the request the provider would send: request line, headers, body (a raw HTTP request that
'mediahook verify' reads back), or a ready curl command with --curl.
  --event TYPE     a built-in sample body of that type (a provider doc sample where one exists)
  --body FILE|-    the body from a file, or stdin
  --url U          the callback URL configured at the provider (Live: its host); default: the
                   local worker's route, ${LOCAL_WORKER}/...
  --timestamp T    UNIX seconds (Tencent: the expiry time T); default: now (Tencent: now + 600)`,
  send: `usage: mediahook send --provider P --key K (--event TYPE | --body FILE|-) --to URL [--url U] [--count N] [--concurrency C]

Signs and sends callbacks (POST, or GET with the query for Live stream callbacks) to --to and
prints each answer. With --count > 1 every copy is a distinct event (a "MediahookSequence" field,
or query parameter, numbers them), so a de-duplicating receiver delivers each one.
  --url U          the URL to sign, when it differs from --to (behind a proxy or a tunnel)
  --count N        how many callbacks (default 1); --concurrency C in flight (default 4)`,
  verify: `usage: mediahook verify --provider P --key K [--key K2 ...] [--url U] [--now T | --own-time] [--tolerance S] < request

Reads a captured request on stdin: raw HTTP/1.1 (as printed by 'nc -l', a proxy, or 'mediahook
sign'), or a curl command line. Explains the verdict, with the URL mistakes that would explain a
signature mismatch. Exit status 0 valid, 1 invalid, 2 usage error.
  --url U          the callback URL configured at the provider (default: the request's URL)
  --now T          judge the time as of UNIX second T; --own-time: as of the callback's own time
  --json           print the verdict (and the event) as JSON`,
};

HELP.admin = `usage: mediahook admin <letters|show ID|redeliver ID...|redeliver --all|delete ID|stats> --worker URL [--json]

The worker's operator API (what its console at URL/admin/ shows). The token comes from
MEDIAHOOK_ADMIN_TOKEN (the worker's ADMIN_TOKEN), never from an option, and is never printed.
  letters          dead letters, newest first (--provider P, --type T, --reason R, --limit N)
  show ID          one letter with its event JSON
  redeliver ID...  send letters again (--all: every letter)
  delete ID        remove a letter
  stats            callbacks, deliveries and health (--minutes N, default 60)
  --json           print the API's JSON as it is`;

function fail(message) {
  throw new UsageError(message);
}

function parse(argv, options) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    fail(e.message);
  }
}

function needProvider(p) {
  if (!p) fail("--provider is required");
  if (!PROVIDERS.includes(p))
    fail(`unknown provider "${String(p).slice(0, 40)}"; expected one of ${PROVIDERS.join(", ")}`);
  return p;
}

function keysOf(values) {
  const keys = [...(values.key ?? []), ...(process.env.MEDIAHOOK_KEY ? [process.env.MEDIAHOOK_KEY] : [])];
  if (keys.length === 0) fail("--key is required (or set MEDIAHOOK_KEY)");
  return keys;
}

/** Stdin, read once up front by commands that take it (a pipe may be non-blocking). */
let stdinText = null;
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  stdinText = Buffer.concat(chunks).toString("utf8");
  return stdinText;
}

function readInput(file) {
  if (file === "-") {
    if (stdinText === null) throw new Error("cannot read stdin");
    return stdinText;
  }
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code ?? e.message}`);
  }
}

/** A sample body (as text) of a known type, and whether Live sends it as a GET query. */
function sampleOf(provider, type) {
  const sample = SAMPLES[provider]?.[type];
  if (!sample) {
    const known = Object.keys(SAMPLES[provider] ?? {});
    fail(
      `no event type "${String(type).slice(0, 60)}" for ${provider}; known: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", …" : ""} ('mediahook events ${provider}')`,
    );
  }
  return sample;
}

/** What to sign: method, the URL the request goes to, the signed URL, and the body. */
function buildCallback(provider, values, sequence) {
  if (!values.event === !values.body) fail("give exactly one of --event TYPE and --body FILE|-");
  // Where the request goes: --to, else --url when it is a URL (Live's may be a bare host), else
  // the local worker.
  const isUrl = (u) => /^https?:\/\//.test(u ?? "");
  const target = values.to ?? (isUrl(values.url) ? values.url : `${LOCAL_WORKER}${ROUTE[provider]}`);
  const signedUrl = values.url ?? target;
  let body;
  let query = null;
  if (values.event) {
    const sample = structuredClone(sampleOf(provider, values.event));
    if (sequence !== undefined) {
      sample.MediahookSequence = sequence;
      // Mux's event id is the event's identity: each of a series its own.
      if (provider === "mux") sample.id = `${sample.id}-${sequence}`;
    }
    // Live stream callbacks (publish/publish_done) are GET requests whose query is the event.
    if (provider === "alibaba-live" && "action" in sample) query = sample;
    else body = JSON.stringify(sample);
  } else {
    body = readInput(values.body);
    if (sequence !== undefined && body.trim().startsWith("{")) {
      const parsed = JSON.parse(body);
      const id = provider === "mux" && typeof parsed.id === "string" ? { id: `${parsed.id}-${sequence}` } : {};
      body = JSON.stringify({ ...parsed, MediahookSequence: sequence, ...id });
    }
  }
  let url = target;
  if (query) {
    const u = new URL(target);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
    url = u.href;
  }
  return { url, signedUrl, body: body ?? "" };
}

function signCallback(provider, key, callback, timestamp) {
  const now = Math.floor(Date.now() / 1000);
  const ts = timestamp ?? (provider === "tencent-vod" ? now + TENCENT_LIFETIME : now);
  const signed = api.sign({ provider, url: callback.signedUrl, key, body: callback.body, timestamp: ts });
  return provider === "alibaba-live" && callback.body === "" ? { ...signed, method: "GET" } : signed;
}

/** The signed request as raw HTTP/1.1 text. */
function rawRequest(signed, url) {
  const u = new URL(url);
  const lines = [`${signed.method} ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`];
  for (const [n, v] of Object.entries(signed.headers)) lines.push(`${n}: ${v}`);
  if (signed.body) lines.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(signed.body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${signed.body}`;
}

function cmdEvents(argv) {
  const { values, positionals } = parse(argv, { json: { type: "boolean" } });
  if (values.help) return console.log(HELP.events);
  const providers = positionals.length ? positionals.map(needProvider) : PROVIDERS;
  const table = Object.fromEntries(providers.map((p) => [p, [...api.KNOWN_EVENT_TYPES[p]]]));
  if (values.json) return console.log(JSON.stringify(table, null, 2));
  for (const [p, types] of Object.entries(table)) {
    console.log(bold(`${p} (${types.length})`));
    for (const t of types) console.log(`  ${t}`);
  }
}

/** The options that describe a callback to sign (sign and send). */
const CALLBACK_OPTIONS = {
  provider: { type: "string" },
  key: { type: "string", multiple: true },
  event: { type: "string" },
  body: { type: "string" },
  url: { type: "string" },
};

async function cmdSign(argv) {
  const { values } = parse(argv, { ...CALLBACK_OPTIONS, timestamp: { type: "string" }, curl: { type: "boolean" } });
  if (values.help) return console.log(HELP.sign);
  if (values.body === "-") await readStdin();
  const provider = needProvider(values.provider);
  const [key] = keysOf(values);
  if (values.timestamp !== undefined && !/^\d{1,12}$/.test(values.timestamp)) fail("--timestamp must be UNIX seconds");
  const callback = buildCallback(provider, values);
  const signed = signCallback(provider, key, callback, values.timestamp && Number(values.timestamp));
  console.log(values.curl ? curlCommand(signed, callback.url) : rawRequest(signed, callback.url));
}

async function cmdSend(argv) {
  const { values } = parse(argv, {
    ...CALLBACK_OPTIONS,
    to: { type: "string" },
    count: { type: "string", default: "1" },
    concurrency: { type: "string", default: "4" },
  });
  if (values.help) return console.log(HELP.send);
  const provider = needProvider(values.provider);
  const [key] = keysOf(values);
  if (!values.to) fail("--to URL is required");
  if (!/^https?:\/\//.test(values.to)) fail("--to must be an http:// or https:// URL");
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) fail("--count must be a whole number from 1");
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    fail("--concurrency must be from 1 to 256");
  if (values.body === "-") await readStdin();
  const callbacks = Array.from({ length: count }, (_, i) =>
    buildCallback(provider, values, count > 1 ? i + 1 : undefined),
  );
  const progress = process.stderr.isTTY && count > 1;
  const tally = new Map();
  let done = 0;
  let next = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((done / count) * width);
    const counts = [...tally].map(([s, n]) => `${s}: ${n}`).join("  ");
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${count}  ${counts}`);
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const callback = callbacks[i];
        const signed = signCallback(provider, key, callback);
        let line;
        let status;
        try {
          const res = await fetch(callback.url, {
            method: signed.method,
            headers: { ...signed.headers, ...(signed.body ? { "content-type": "application/json" } : {}) },
            body: signed.method === "GET" ? undefined : signed.body,
            redirect: "manual",
          });
          status = String(res.status);
          line = `${res.status} ${printable((await res.text()).slice(0, 300))}`;
        } catch (e) {
          status = "error";
          line = `error ${printable(e.cause?.code ?? e.message)}`;
        }
        tally.set(status, (tally.get(status) ?? 0) + 1);
        done++;
        if (progress) draw();
        else console.log(status.startsWith("2") ? line : red(line));
      }
    }),
  );
  if (progress) process.stderr.write("\n");
  const summary = [...tally].map(([s, n]) => `${n} × ${s}`).join(", ");
  console.error(dim(`sent ${count} ${provider} callback(s) to ${values.to}: ${summary}`));
  return [...tally.keys()].every((s) => s.startsWith("2")) ? 0 : 1;
}

/** Split a shell command line into words (single and double quotes, backslash escapes). */
function shellWords(text) {
  const words = [];
  let word = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("unclosed ' in the curl command");
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let s = "";
      for (; j < text.length && text[j] !== '"'; j++)
        s += text[j] === "\\" && j + 1 < text.length ? text[++j] : text[j];
      if (j >= text.length) throw new Error('unclosed " in the curl command');
      word = (word ?? "") + s;
      i = j;
    } else if (c === "\\" && text[i + 1] === "\n") {
      i++;
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** A captured request: `{ method, url, headers: [[name, value]], body }`. */
function parseCapturedRequest(text) {
  const trimmed = text.replace(/^\s+/, "");
  if (/^curl\s/.test(trimmed)) {
    const words = shellWords(trimmed);
    const req = { method: null, url: null, headers: [], body: "" };
    for (let i = 1; i < words.length; i++) {
      const w = words[i];
      if (w === "-X" || w === "--request") req.method = words[++i];
      else if (w === "-H" || w === "--header") {
        const h = words[++i] ?? "";
        const colon = h.indexOf(":");
        if (colon > 0) req.headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
      } else if (["-d", "--data", "--data-raw", "--data-binary", "--data-ascii"].includes(w))
        req.body = words[++i] ?? "";
      else if (w.startsWith("-")) {
        if (["-o", "-u", "-A", "-e", "--output", "--user", "--user-agent", "--referer", "-m", "--max-time"].includes(w))
          i++;
      } else if (!req.url) req.url = w;
    }
    if (!req.url) throw new Error("the curl command has no URL");
    req.method ??= req.body ? "POST" : "GET";
    return req;
  }
  const sep = /\r?\n\r?\n/.exec(trimmed);
  const head = sep ? trimmed.slice(0, sep.index) : trimmed;
  const body = sep ? trimmed.slice(sep.index + sep[0].length) : "";
  const [requestLine, ...headerLines] = head.split(/\r?\n/);
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/[\d.]+)?\s*$/.exec(requestLine ?? "");
  if (!m)
    throw new Error("expected a raw HTTP request (e.g. 'POST /alibaba/ims HTTP/1.1' then headers) or a curl command");
  const headers = [];
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const host = headers.find(([n]) => n.toLowerCase() === "host")?.[1];
  const url = /^https?:\/\//.test(m[2]) ? m[2] : `http://${host ?? "localhost"}${m[2]}`;
  // The body is what Content-Length says, when the capture has more (a terminal's or a file's
  // final newline): the body-signing schemes sign every byte.
  const length = headers.find(([n]) => n.toLowerCase() === "content-length")?.[1];
  const bytes = Buffer.from(body);
  const exact = /^\d+$/.test(length ?? "") && bytes.length > Number(length);
  return { method: m[1], url, headers, body: exact ? bytes.subarray(0, Number(length)).toString() : body };
}

async function cmdVerify(argv) {
  const { values } = parse(argv, {
    provider: { type: "string" },
    key: { type: "string", multiple: true },
    url: { type: "string" },
    now: { type: "string" },
    "own-time": { type: "boolean" },
    tolerance: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return console.log(HELP.verify);
  const provider = needProvider(values.provider);
  const keys = keysOf(values);
  if (values.now !== undefined && values["own-time"]) fail("give --now or --own-time, not both");
  if (values.now !== undefined && !/^\d{1,12}$/.test(values.now)) fail("--now must be UNIX seconds");
  if (process.stdin.isTTY) fail("pipe a captured request into stdin (raw HTTP or a curl command)");
  const captured = parseCapturedRequest(await readStdin());
  let now = values.now !== undefined ? Number(values.now) : Math.floor(Date.now() / 1000);
  if (values["own-time"]) now = callbackTime(provider, captured.headers, captured.body, captured.url) ?? now;
  const opts = {
    provider,
    url: values.url ?? (provider === "tencent-vod" ? undefined : captured.url),
    receivedUrl: captured.url,
    headers: captured.headers,
    body: captured.body,
    keys,
    now,
    method: captured.method,
    ...(values.tolerance ? { toleranceSeconds: Number(values.tolerance) } : {}),
  };
  const verdict = explain(api, opts);
  if (values.json) {
    console.log(JSON.stringify(verdict, null, 2));
    return verdict.valid ? 0 : 1;
  }
  if (verdict.valid) {
    const e = verdict.event;
    // Everything below came from the request: shown with its control characters escaped.
    console.log(green(`✓ valid: ${printable(e.type)}`));
    console.log(`  signature matches key ${verdict.keyIndex + 1} of ${keys.length}`);
    console.log(
      `  id ${e.id}${e.time ? `, happened ${printable(e.time)}` : ""}${api.isKnownEvent(e) ? "" : " (a type mediahook does not know)"}`,
    );
    return 0;
  }
  console.log(red(`✗ invalid: ${printable(verdict.code)}`));
  console.log(`  ${printable(verdict.message)}`);
  if (verdict.reason) console.log(`  ${verdict.reason}`);
  for (const hint of verdict.hints) console.log(`  hint: ${printable(hint)}`);
  return 1;
}

/** One call to the worker's admin API; the JSON answer (or an error naming the status). */
async function adminCall(worker, path, method = "GET") {
  const token = process.env.MEDIAHOOK_ADMIN_TOKEN;
  if (!token) fail("set MEDIAHOOK_ADMIN_TOKEN to the worker's ADMIN_TOKEN");
  let base;
  try {
    base = new URL(worker);
  } catch {
    fail("--worker must be the worker's URL, e.g. https://mediahook.example.workers.dev");
  }
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}` },
    redirect: "error",
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) throw new Error("the worker refused the token (MEDIAHOOK_ADMIN_TOKEN)");
  if (res.status === 404 && !path.startsWith("/admin/dead-letters/"))
    throw new Error("the worker has no admin API here (is ADMIN_TOKEN set on it?)");
  return { status: res.status, body };
}

const when = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");

async function cmdAdmin(argv) {
  const { values, positionals } = parse(argv, {
    worker: { type: "string" },
    json: { type: "boolean" },
    all: { type: "boolean" },
    provider: { type: "string" },
    type: { type: "string" },
    reason: { type: "string" },
    limit: { type: "string" },
    minutes: { type: "string" },
  });
  const [action, ...ids] = positionals;
  if (values.help || !action) return console.log(HELP.admin);
  const worker = values.worker ?? process.env.MEDIAHOOK_WORKER ?? fail("--worker URL is required");
  const print = (body) => console.log(JSON.stringify(body, null, 2));
  const needId = () => ids[0] ?? fail(`mediahook admin ${action} needs a letter id`);
  const letter = (id) => `/admin/dead-letters/${encodeURIComponent(id)}`;
  if (action === "letters") {
    const q = new URLSearchParams({ limit: values.limit ?? "50" });
    for (const k of ["provider", "type", "reason"]) if (values[k]) q.set(k, values[k]);
    const { body } = await adminCall(worker, `/admin/dead-letters?${q}`);
    if (values.json) return print(body);
    if (!body.items.length) return console.log("no dead letters");
    for (const l of body.items)
      console.log(
        `${l.id}  ${when(l.died_ms)}  ${l.provider}  ${printable(l.type)}  ${bold(l.reason)}  ${l.state}\n    ${printable(l.detail)}`,
      );
    if (body.next) console.log(dim(`more: the API's cursor ${body.next}`));
    return 0;
  }
  if (action === "show") {
    const { status, body } = await adminCall(worker, letter(needId()));
    if (status === 404) throw new Error(`no dead letter ${needId()}`);
    if (values.json) return print(body);
    const { body: event, ...meta } = body;
    print(meta);
    console.log(bold("event:"));
    try {
      print(JSON.parse(event));
    } catch {
      console.log(printable(event ?? ""));
    }
    return 0;
  }
  if (action === "redeliver") {
    if (values.all) {
      const { status, body } = await adminCall(worker, "/admin/dead-letters/redeliver", "POST");
      if (values.json) print(body);
      else console.log(`${body.redelivered} redelivered (${body.outcome}), ${body.failed} failed`);
      return status === 200 ? 0 : 1;
    }
    if (!ids.length) fail("give letter ids, or --all");
    let failed = 0;
    for (const id of ids) {
      const { status, body } = await adminCall(worker, `${letter(id)}/redeliver`, "POST");
      if (status >= 300) failed++;
      console.log(values.json ? JSON.stringify(body) : `${id}: ${status === 404 ? "no such letter" : body.outcome}`);
    }
    return failed ? 1 : 0;
  }
  if (action === "delete") {
    const { status, body } = await adminCall(worker, letter(needId()), "DELETE");
    if (status === 404) throw new Error(`no dead letter ${needId()}`);
    return values.json ? print(body) : console.log(`${needId()}: deleted`);
  }
  if (action === "stats") {
    if (values.minutes !== undefined && !/^\d{1,4}$/.test(values.minutes)) fail("--minutes must be a whole number");
    const { body } = await adminCall(worker, `/admin/stats?minutes=${values.minutes ?? 60}`);
    if (values.json) return print(body);
    console.log(bold(`${body.delivery} mode, last ${body.minutes_asked} min`));
    for (const [series, n] of Object.entries(body.totals)) console.log(`  ${series.padEnd(56)} ${n}`);
    if (body.delay_p50_ms !== undefined)
      console.log(`  delay p50 ${body.delay_p50_ms} ms, p99 ${body.delay_p99_ms} ms`);
    console.log(`  waiting for a retry: ${body.waiting}`);
    for (const [key, fact] of Object.entries(body.last))
      console.log(dim(`  ${key}: ${printable(fact.value)} (${when(fact.at_ms)})`));
    return 0;
  }
  fail(`unknown admin action "${String(action).slice(0, 40)}"`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") return console.log(VERSION);
  if (!command || command === "--help" || command === "-h" || command === "help") return console.log(HELP.main);
  const run = { events: cmdEvents, sign: cmdSign, send: cmdSend, verify: cmdVerify, admin: cmdAdmin }[command];
  if (!run) fail(`unknown command "${command.slice(0, 40)}"`);
  return run(rest);
}

try {
  process.exitCode = (await main(process.argv.slice(2))) ?? 0;
} catch (e) {
  // Messages name options and codes, never a key: keys only reach the wasm core, whose errors
  // never include them.
  console.error(red(`error: ${printable(e.message)}`));
  if (e instanceof UsageError) console.error(dim("'mediahook --help' for usage"));
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
