// Start the built worker (dist/worker) in real workerd through `wrangler dev`, isolated in a
// temp directory with its own config and secrets, on a free 127.0.0.1 port.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/** A .dev.vars value: single quotes keep a value with double quotes (a JSON array) as it is. */
function dotenvQuote(v) {
  return v.includes('"') && !v.includes("'") && !v.includes("\n") ? `'${v}'` : JSON.stringify(v);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const MEDIAHOOK_WORKER = join(root, "dist/worker/index.js");

/**
 * vars: every var and secret (strings), or a function of the worker's URL giving them; main: the worker's entry (default: the built mediahook
 * worker); stateDir: where workerd keeps Durable Object state (reuse it to restart with the
 * same state); mode: DELIVERY_MODE unless vars set it; queue: another worker gets the shipped
 * queues (producer EVENTS and its consumer); bindings: another worker gets every binding of the
 * shipped configuration (a wrapper of the mediahook worker). Returns { url, logs, deliveries, batches,
 * output(), stop() }.
 */
export async function startWorker(vars, options = {}) {
  // A port found free can be taken by another process before workerd binds it: start again
  // on new ports then (a few times), rather than fail the suite on a race outside the test.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWorkerOnce(vars, options);
    } catch (e) {
      if (attempt >= 3 || !/Address already in use/.test(e.message)) throw e;
    }
  }
}

async function startWorkerOnce(
  vars,
  { main = MEDIAHOOK_WORKER, stateDir, mode = "direct", queue = false, bindings = main === MEDIAHOOK_WORKER } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "mediahook-e2e-"));
  // The shipped wrangler.toml (queues, Durable Objects, migrations) without its [vars]: the
  // test's vars go to .dev.vars. DELIVERY_MODE defaults to direct here, as most suites test
  // the synchronous contract; the delivery suites pass mode "queue". Another worker (a JS
  // Worker using the package) gets none of mediahook's bindings, or (queue) only its queues.
  const shipped = readFileSync(join(root, "wrangler.toml"), "utf8").replace(
    /^main = .*$/m,
    `main = ${JSON.stringify(main)}`,
  );
  const queues = shipped.match(/\n\[\[queues\.producers\]\][\s\S]*?(?=\n# The duplicate guard)/)?.[0] ?? "";
  const config = bindings
    ? shipped.replace(/\n\[vars\]\n[\s\S]*?(?=\n\[)/, "\n")
    : shipped.replace(/\n\[vars\][\s\S]*$/, "\n") + (queue ? queues : "");
  const port = await freePort();
  // Vars may depend on the worker's own URL (a signed callback URL): a function of it.
  vars = { DELIVERY_MODE: mode, ...(typeof vars === "function" ? vars(`http://127.0.0.1:${port}`) : vars) };
  writeFileSync(join(dir, "wrangler.toml"), config);
  writeFileSync(
    join(dir, ".dev.vars"),
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${dotenvQuote(String(v))}`)
      .join("\n")}\n`,
  );
  const logs = [];
  const deliveries = [];
  const batches = [];
  const child = spawn(
    join(root, "node_modules/.bin/wrangler"),
    [
      "dev",
      "-c",
      join(dir, "wrangler.toml"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--show-interactive-dev-session=false",
      "--persist-to",
      stateDir ?? join(dir, "state"),
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        CLOUDFLARE_API_TOKEN: "",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (chunk) => {
    output += chunk;
    for (const line of String(chunk).split("\n")) {
      if (line.startsWith('{"msg":"callback"')) logs.push(JSON.parse(line));
      else if (line.startsWith('{"msg":"delivery"')) deliveries.push(JSON.parse(line));
      else if (line.startsWith('{"msg":"batch"')) batches.push(JSON.parse(line));
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      // Bounded: a worker that accepts connections but never answers must not hang the suite.
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).status) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the worker did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  logs.length = 0;
  return {
    url,
    logs,
    deliveries,
    batches,
    output: () => output,
    stop: async () => {
      child.kill("SIGINT");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll `check` until it returns something truthy (that value), or fail after `timeoutMs`. */
export async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
