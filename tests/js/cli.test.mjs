// The `mediahook` CLI as a user runs it: from the packed package installed in an empty project
// (node_modules/.bin/mediahook), against the real worker in workerd for `send`.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startOrigin } from "../../scripts/origin.mjs";
import { startWorker } from "../e2e/harness.mjs";
import { installPackedPackage } from "../support/pack.mjs";

let project, bin, pkg;
before(async () => {
  project = installPackedPackage("mediahook-cli-");
  bin = join(project, "node_modules/.bin/mediahook");
  pkg = await import(
    createRequire(join(project, "x.js"))
      .resolve("mediahook")
      .replace(/node\.cjs$/, "node.mjs")
  );
});
after(() => rmSync(project, { recursive: true, force: true }));

/** Run the CLI; `input` goes to stdin. Never a TTY here, so never colour. */
function cli(args, { input = "", env = {} } = {}) {
  const r = spawnSync(bin, args, {
    cwd: project,
    input,
    encoding: "utf8",
    env: { ...process.env, MEDIAHOOK_KEY: "", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same, without blocking this process: the test origin lives here and must answer. */
function cliAsync(args, { env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: project, env: { ...process.env, MEDIAHOOK_KEY: "", ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const KEYS = {
  "alibaba-ims": "ImsKey1234567890",
  "alibaba-vod": "VodKey1234567890",
  "alibaba-live": "LiveKey123456789",
  "tencent-vod": "TencentKey123456",
  mux: "mux_Signing-Secret.0123456789/+=",
  "cloudflare-stream": "85011ed3a913c6ad5f9cf6c5573cc0a7",
  "volcengine-vod": "VolcKey123456789",
};
const URLS = {
  "alibaba-ims": "https://hooks.example.com/alibaba/ims",
  "alibaba-vod": "https://hooks.example.com/alibaba/vod",
  "alibaba-live": "live.example.com",
  "volcengine-vod": "https://hooks.example.com/volcengine/vod",
};

describe("commands", () => {
  test("--help, per-command help, --version; usage errors exit 2 and name the problem", () => {
    const help = cli(["--help"]);
    assert.equal(help.code, 0);
    for (const c of ["events", "sign", "send", "verify"]) {
      assert.match(help.out, new RegExp(`\\n  ${c} `));
      const h = cli([c, "--help"]);
      assert.equal(h.code, 0, c);
      assert.match(h.out, new RegExp(`^usage: mediahook ${c}`));
    }
    assert.match(cli(["--version"]).out, /^\d+\.\d+\.\d+\n$/);
    for (const [args, says] of [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["sign", "--provider", "alibaba-ims", "--event", "ProduceMediaComplete"], /--key is required/],
      [["sign", "--provider", "nope", "--key", "K"], /unknown provider "nope"/],
      [
        ["sign", "--provider", "alibaba-ims", "--key", "K", "--event", "NoSuchType"],
        /no event type "NoSuchType" for alibaba-ims/,
      ],
      [["sign", "--provider", "alibaba-ims", "--key", "K", "--bogus"], /Unknown option '--bogus'/],
      [["send", "--provider", "alibaba-ims", "--key", "K", "--event", "ProduceMediaComplete"], /--to URL is required/],
    ]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, says);
      assert.ok(!r.err.includes("\x1b["), "no colour outside a terminal");
    }
  });

  test("errors never echo a key; unreadable files are named", () => {
    const bad = cli([
      "sign",
      "--provider",
      "alibaba-ims",
      "--key",
      "Secret-Key-123!",
      "--event",
      "ProduceMediaComplete",
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /key 1 is invalid/);
    assert.ok(!bad.err.includes("Secret-Key-123!") && !bad.out.includes("Secret-Key-123!"));
    const missing = cli(["sign", "--provider", "alibaba-ims", "--key", "K1", "--body", "/nonexistent/body.json"]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read \/nonexistent\/body\.json: ENOENT/);
  });

  test("events lists every known type (--json equals KNOWN_EVENT_TYPES)", () => {
    const json = cli(["events", "--json"]);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.out), JSON.parse(JSON.stringify(pkg.KNOWN_EVENT_TYPES)));
    const table = cli(["events", "tencent-vod"]);
    assert.match(table.out, /^tencent-vod \(\d+\)\n {2}NewFileUpload\n/);
  });

  test("sign → verify round trip for every known event type of every provider (raw HTTP on stdin)", () => {
    let n = 0;
    for (const [provider, types] of Object.entries(pkg.KNOWN_EVENT_TYPES)) {
      for (const type of types) {
        const args = [
          "--provider",
          provider,
          "--key",
          KEYS[provider],
          ...(URLS[provider] ? ["--url", URLS[provider]] : []),
        ];
        const signed = cli(["sign", ...args, "--event", type]);
        assert.equal(signed.code, 0, `${provider} ${type}: ${signed.err}`);
        const verified = cli(["verify", ...args, "--json"], { input: signed.out });
        assert.equal(verified.code, 0, `${provider} ${type}: ${verified.out}${verified.err}`);
        const verdict = JSON.parse(verified.out);
        assert.equal(verdict.event.type, type);
        assert.equal(pkg.isKnownEvent(verdict.event), true, `${provider} ${type}`);
        n++;
      }
    }
    assert.ok(n >= 50, `${n} types`);
  });

  test("verify explains: a curl command with the wrong scheme gets the URL hint and exit 1; --own-time judges old captures", () => {
    const signed = cli([
      "sign",
      "--provider",
      "alibaba-ims",
      "--key",
      KEYS["alibaba-ims"],
      "--event",
      "ProduceMediaComplete",
      "--url",
      URLS["alibaba-ims"],
      "--timestamp",
      "1700000000",
      "--curl",
    ]);
    assert.match(signed.out, /^curl -sS -X POST 'https:\/\/hooks\.example\.com\/alibaba\/ims'/);
    const wrong = cli(
      [
        "verify",
        "--provider",
        "alibaba-ims",
        "--key",
        KEYS["alibaba-ims"],
        "--url",
        "http://hooks.example.com/alibaba/ims",
        "--own-time",
      ],
      { input: signed.out },
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /✗ invalid: signature_mismatch/);
    assert.match(
      wrong.out,
      /hint: This signature would match if the URL were https:\/\/hooks\.example\.com\/alibaba\/ims instead of http:\/\/hooks\.example\.com\/alibaba\/ims\./,
    );
    const old = cli(["verify", "--provider", "alibaba-ims", "--key", KEYS["alibaba-ims"]], { input: signed.out });
    assert.equal(old.code, 1);
    assert.match(old.out, /timestamp_too_old/);
    const own = cli(
      ["verify", "--provider", "alibaba-ims", "--key", "OtherKey1", "--key", KEYS["alibaba-ims"], "--own-time"],
      { input: signed.out },
    );
    assert.equal(own.code, 0, own.out);
    assert.match(own.out, /✓ valid: ProduceMediaComplete\n {2}signature matches key 2 of 2/);
  });

  test("a request captured by a server (raw HTTP/1.1 with CRLF) verifies; garbage is a clear error", () => {
    const signed = pkg.sign({
      provider: "alibaba-vod",
      url: URLS["alibaba-vod"],
      key: KEYS["alibaba-vod"],
      body: '{"EventType":"FileUploadComplete","EventTime":"2026-11-23T10:00:00Z","VideoId":"v1","Status":"success"}',
      timestamp: 1700000000,
    });
    const raw = `POST /alibaba/vod HTTP/1.1\r\nHost: hooks.example.com\r\nUser-Agent: AlibabaCloud\r\n${Object.entries(
      signed.headers,
    )
      .map(([n, v]) => `${n}: ${v}`)
      .join("\r\n")}\r\n\r\n${signed.body}`;
    const r = cli(
      [
        "verify",
        "--provider",
        "alibaba-vod",
        "--key",
        KEYS["alibaba-vod"],
        "--url",
        URLS["alibaba-vod"],
        "--now",
        "1700000030",
      ],
      { input: raw },
    );
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /valid: FileUploadComplete/);
    const junk = cli(["verify", "--provider", "alibaba-vod", "--key", "K1"], { input: "hello there" });
    assert.equal(junk.code, 1);
    assert.match(junk.err, /expected a raw HTTP request/);
  });
});

describe("send, to the real worker in workerd", () => {
  let origin, worker;
  const SECRET = "whsec_Y2xpLXRlc3Qtb3JpZ2luLXNlY3JldC0xMjM0NTY3OA==";
  before(async () => {
    origin = await startOrigin({ secret: SECRET });
    worker = await startWorker({
      ORIGIN_URL: origin.url,
      ORIGIN_SECRET: SECRET,
      ALIBABA_IMS_AUTH_KEYS: KEYS["alibaba-ims"],
      ALIBABA_LIVE_AUTH_KEYS: KEYS["alibaba-live"],
      MUX_WEBHOOK_SECRETS: KEYS.mux,
    });
  });
  after(async () => {
    await worker?.stop();
    await origin?.close();
  });

  test("--count 5 sends five distinct events, each answered and forwarded; Live stream callbacks go as GET", async () => {
    const r = await cliAsync(
      [
        "send",
        "--provider",
        "alibaba-ims",
        "--event",
        "ProduceMediaComplete",
        "--to",
        `${worker.url}/alibaba/ims`,
        "--count",
        "5",
        "--concurrency",
        "2",
      ],
      {
        env: { MEDIAHOOK_KEY: KEYS["alibaba-ims"] },
      },
    );
    assert.equal(r.code, 0, r.out + r.err);
    const lines = r.out.trim().split("\n");
    assert.equal(lines.length, 5);
    assert.ok(
      lines.every((l) => /^200 \{"code":0,"id":"mh_[0-9a-f]{32}","outcome":"forwarded"\}$/.test(l)),
      r.out,
    );
    assert.match(r.err, /sent 5 alibaba-ims callback\(s\) .*: 5 × 200/);
    assert.equal(new Set(origin.received.map((e) => e.headers["webhook-id"])).size, 5);
    assert.ok(origin.received.every((e) => e.verifyError === null && e.event.type === "ProduceMediaComplete"));

    const live = await cliAsync([
      "send",
      "--provider",
      "alibaba-live",
      "--key",
      KEYS["alibaba-live"],
      "--event",
      "publish",
      "--to",
      `${worker.url}/alibaba/live`,
    ]);
    assert.equal(live.code, 0, live.out + live.err);
    assert.match(live.out, /^200 .*"outcome":"forwarded"/);
    assert.equal(origin.received.at(-1).event.type, "publish");

    const refused = await cliAsync([
      "send",
      "--provider",
      "alibaba-ims",
      "--key",
      "WrongKey12345678",
      "--event",
      "ProduceMediaComplete",
      "--to",
      `${worker.url}/alibaba/ims`,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^401 .*signature_mismatch/);

    // Mux's event id is its identity: a series gets one id each, so none is a duplicate.
    const before = origin.received.length;
    const mux = await cliAsync([
      "send",
      "--provider",
      "mux",
      "--key",
      KEYS.mux,
      "--event",
      "video.asset.ready",
      "--to",
      `${worker.url}/mux`,
      "--count",
      "3",
    ]);
    assert.equal(mux.code, 0, mux.out + mux.err);
    const muxReceived = origin.received.slice(before);
    assert.equal(new Set(muxReceived.map((e) => e.headers["webhook-id"])).size, 3);
    assert.ok(muxReceived.every((e) => e.event.provider === "mux" && e.event.type === "video.asset.ready"));
  });

  test("on a terminal (a pty from util-linux script): a progress bar and colour; NO_COLOR turns colour off", async () => {
    const onTty = (env) =>
      new Promise((resolve) => {
        const cmd = `${bin} send --provider alibaba-ims --event ProduceMediaComplete --to ${worker.url}/alibaba/ims --count 3`;
        const child = spawn("script", ["-qec", cmd, "/dev/null"], {
          cwd: project,
          env: { ...process.env, MEDIAHOOK_KEY: KEYS["alibaba-ims"], TERM: "xterm", ...env },
        });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.on("close", (code) => resolve({ code, out }));
      });
    const tty = await onTty({ NO_COLOR: "" });
    assert.equal(tty.code, 0, tty.out);
    assert.match(tty.out, /\[#{30}\] 3\/3 {2}200: 3/, "a full progress bar");
    assert.ok(tty.out.includes("\x1b["), "colour on a terminal");
    assert.ok(!/^200 \{/m.test(tty.out), "no per-answer lines under a progress bar");
    const plain = await onTty({ NO_COLOR: "1" });
    assert.equal(plain.code, 0);
    assert.ok(!plain.out.includes("\x1b["), "NO_COLOR");
  });
});
