// The second security review's findings on the npm package and the CLI (L1, L2, L6, L7, I1),
// each reproduced as the review did, from the packed package installed in an empty project.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { installPackedPackage } from "../support/pack.mjs";

let project, bin, pkg, explain;
before(async () => {
  project = installPackedPackage("mediahook-review2-");
  bin = join(project, "node_modules/.bin/mediahook");
  const entry = createRequire(join(project, "x.js")).resolve("mediahook");
  pkg = await import(entry.replace(/node\.cjs$/, "node.mjs"));
  explain = await import(join(entry, "../explain.mjs"));
});
after(() => rmSync(project, { recursive: true, force: true }));

const KEY = "ImsKey1234567890";
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/alibaba-ims/ProduceMediaComplete.json", import.meta.url), "utf8"),
);
const URL_IMS = "https://hooks.example.com/alibaba/ims";
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what must not reach the terminal
const ESC = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Run a command on a pseudo-terminal (util-linux `script`), as a person would. */
function onTty(cmd, input) {
  return new Promise((resolve) => {
    const shell = input === undefined ? cmd : `${cmd} < ${input}`;
    const child = spawn("script", ["-qec", shell, "/dev/null"], {
      cwd: project,
      env: { ...process.env, MEDIAHOOK_KEY: "", TERM: "xterm", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("close", (code) => resolve({ code, out: out.replaceAll("\r\n", "\n") }));
  });
}

/** The options of `verify` for a signed IMS callback, as a receiver at `now` has them. */
function received(body, timestamp, now) {
  const signed = pkg.sign({ provider: "alibaba-ims", url: URL_IMS, key: KEY, body, timestamp });
  return { provider: "alibaba-ims", url: URL_IMS, keys: KEY, headers: signed.headers, body, now };
}

/** A raw HTTP capture of a signed IMS callback with this body. */
function capture(body, method = "POST") {
  const signed = pkg.sign({ provider: "alibaba-ims", url: URL_IMS, key: KEY, body, timestamp: 1_700_000_000 });
  const headers = Object.entries(signed.headers).map(([n, v]) => `${n}: ${v}`);
  return `${method} /alibaba/ims HTTP/1.1\nHost: hooks.example.com\n${headers.join("\n")}\n\n${signed.body}`;
}

describe("L1: the CLI shows request and server text with control characters escaped", () => {
  test("(a) an event type full of terminal sequences, verified on a terminal", async () => {
    const type = "\u001b]0;pwned\u0007\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2K\r\u001b[32m✓ valid: ProduceMediaComplete";
    const file = join(project, "capture-a.txt");
    writeFileSync(
      file,
      capture(JSON.stringify({ EventType: type, UserId: 1, EventTime: "2024-01-01T00:00:00Z", MessageBody: {} })),
    );
    const r = await onTty(`${bin} verify --provider alibaba-ims --key ${KEY} --url ${URL_IMS} --own-time`, file);
    assert.equal(r.code, 0, r.out);
    assert.ok(
      !ESC.test(r.out.replaceAll("\n", "")),
      `raw control characters reached the terminal: ${JSON.stringify(r.out)}`,
    );
    assert.match(r.out, /✓ valid: \\x1b\]0;pwned\\x07/);
  });

  test("(b) a curl capture whose method is a terminal sequence", async () => {
    const file = join(project, "capture-b.txt");
    writeFileSync(file, `curl -X '\u001b]52;c;cm0gLXJm\u0007' -H 'X-ICE-TIMESTAMP: 1' ${URL_IMS} --data-raw '{}'`);
    const r = await onTty(`${bin} verify --provider alibaba-ims --key ${KEY} --own-time`, file);
    assert.equal(r.code, 1, r.out);
    assert.ok(!ESC.test(r.out.replaceAll("\n", "")), JSON.stringify(r.out));
  });

  test("(c) send prints a server's answer escaped", async () => {
    const server = createServer((_req, res) => res.end("\u001b]0;from-server\u0007\u001b[2Jok"));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    try {
      const to = `http://127.0.0.1:${server.address().port}/alibaba/ims`;
      const r = await new Promise((resolve) => {
        const child = spawn(
          bin,
          ["send", "--provider", "alibaba-ims", "--key", KEY, "--event", "ProduceMediaComplete", "--to", to],
          {
            cwd: project,
          },
        );
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.on("close", (code) => resolve({ code, out }));
      });
      assert.equal(r.code, 0, r.out);
      assert.equal(r.out, "200 \\x1b]0;from-server\\x07\\x1b[2Jok\n");
    } finally {
      server.close();
    }
  });
});

describe("L2: the generated curl never reads a local file", () => {
  test("a body starting with @ is sent as those bytes, not as the named file", async () => {
    const secret = join(project, "victim-secret.txt");
    writeFileSync(secret, "THE-VICTIM'S-PRIVATE-FILE\n");
    const received = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(body);
        res.end("ok");
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${server.address().port}/alibaba/ims`;
      const bodyFile = join(project, "at-body.txt");
      writeFileSync(bodyFile, `@${secret}`);
      const signed = spawnSync(
        bin,
        ["sign", "--provider", "alibaba-ims", "--key", KEY, "--body", bodyFile, "--url", url, "--curl"],
        {
          cwd: project,
          encoding: "utf8",
        },
      );
      assert.equal(signed.status, 0, signed.stderr);
      assert.ok(!signed.stdout.includes("--data-binary"), signed.stdout);
      const ran = await new Promise((resolve) => {
        const child = spawn("bash", ["-c", signed.stdout], { cwd: project });
        child.on("close", resolve);
      });
      assert.equal(ran, 0);
      assert.deepEqual(received, [`@${secret}`]);
    } finally {
      server.close();
    }
  });
});

describe("L6: the page's header-block parser is linear", () => {
  test("a pasted block of 400,000 characters is parsed at once (quadratic took minutes)", () => {
    const started = performance.now();
    const pairs = explain.parseHeaderBlock(`X-ICE-TIMESTAMP:${" ".repeat(400_000)}x\n${" ".repeat(400_000)}y`);
    // 11 s for 80,000 characters before, growing with the square: about 5 minutes here.
    assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
    assert.deepEqual(pairs, [["X-ICE-TIMESTAMP", `${" ".repeat(399_999)}x`]]);
    // The same pairs as before for ordinary blocks.
    assert.deepEqual(
      explain.parseHeaderBlock("POST /x HTTP/1.1\r\n  X-Vod-Signature :  ab \r\nno colon\n: empty name\n"),
      [["X-Vod-Signature", " ab"]],
    );
  });
});

describe("L7 and I1: the lazy id and the verifier cache", () => {
  test("the id is of the body as verified, even when a Node Buffer is reused afterwards", () => {
    const ids = [];
    for (const media of ["media-A", "media-B"]) {
      const body = Buffer.from(JSON.stringify({ ...fixture, MessageBody: { ...fixture.MessageBody, MediaId: media } }));
      const event = pkg.verify(received(body, 1_700_000_000, 1_700_000_000));
      const expected = pkg.parseEvent("alibaba-ims", Buffer.from(body), URL_IMS).id;
      body.fill(0);
      assert.equal(event.id, expected, media);
      ids.push(event.id);
    }
    assert.notEqual(ids[0], ids[1]);
  });

  test("NaN and ±Infinity tolerances do not share a cached verifier", () => {
    const options = received("{}", 1_500_000_000, 1_700_000_000);
    const call = (toleranceSeconds) => pkg.verifySignature({ ...options, toleranceSeconds });
    assert.equal(call(Infinity).keyIndex, 0);
    assert.throws(() => call(Number.NaN), { code: "timestamp_too_old" }, "NaN means the default window");
  });
});
