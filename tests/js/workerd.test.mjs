// The packed package imported by name from a tiny JS Worker, run in real workerd: the
// "workerd" export condition, the .wasm imported as a module, sync calls inside fetch().
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startWorker } from "../e2e/harness.mjs";
import { installPackedPackage } from "../support/pack.mjs";

let project, worker;
before(async () => {
  project = installPackedPackage("mediahook-workerd-");
  writeFileSync(
    join(project, "worker.mjs"),
    `import { verify, sign, isKnownEvent, VerifyError } from "mediahook";
export default {
  async fetch(request) {
    const body = await request.text();
    const url = new URL(request.url);
    const key = url.searchParams.get("key");
    const signed = sign({ provider: "alibaba-ims", url: "https://cb.example.com/ims", key: "K1", body, timestamp: 1700000000 });
    try {
      const event = verify({ provider: "alibaba-ims", url: "https://cb.example.com/ims", headers: new Headers(signed.headers),
        body, keys: [key], now: 1700000010 });
      return Response.json({ ok: true, known: isKnownEvent(event), event });
    } catch (e) {
      return Response.json({ ok: false, code: e instanceof VerifyError ? e.code : String(e) }, { status: 401 });
    }
  },
};
`,
  );
  worker = await startWorker({}, { main: join(project, "worker.mjs") });
});
after(async () => {
  await worker?.stop();
  rmSync(project, { recursive: true, force: true });
});

test("a JS Worker verifies and parses with the package in workerd", async () => {
  const body =
    '{"EventType":"RegisterMediaComplete","UserId":18446744073709551615,"EventTime":"2026-11-23T10:00:00Z","MessageBody":{"Status":"Success","MediaId":"m1"}}';
  const ok = await (await fetch(`${worker.url}/?key=K1`, { method: "POST", body })).json();
  assert.equal(ok.ok, true);
  assert.equal(ok.known, true);
  assert.equal(ok.event.type, "RegisterMediaComplete");
  assert.equal(ok.event.data.UserId, "18446744073709551615");
  const bad = await fetch(`${worker.url}/?key=K2`, { method: "POST", body });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).code, "signature_mismatch");
});
