// Print a ready-to-paste curl of a correctly signed sample callback for the local worker.
//   node scripts/sample.mjs [alibaba-ims|alibaba-vod|alibaba-live|tencent-vod] [base URL]
// Keys come from the environment (scripts/dev-keys.sh names), signing from the built package.
import { readFileSync } from "node:fs";
import { sign } from "../pkg/node.mjs";

const provider = process.argv[2] ?? "alibaba-ims";
const base = (process.argv[3] ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const now = Math.floor(Date.now() / 1000);
const fixture = (name) => readFileSync(new URL(`../tests/fixtures/alibaba-ims/${name}.json`, import.meta.url), "utf8");
const samples = {
  "alibaba-ims": { path: "/alibaba/ims", key: process.env.DEV_IMS_KEY, body: fixture("ProduceMediaComplete") },
  "alibaba-vod": {
    path: "/alibaba/vod",
    key: process.env.DEV_VOD_KEY,
    body: JSON.stringify({
      EventTime: new Date(now * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
      EventType: "FileUploadComplete",
      VideoId: "43q9fjasjdflask",
      Status: "success",
      Size: 1024,
      FileUrl: "https://example.com/v.mp4",
    }),
  },
  "alibaba-live": {
    path: `/alibaba/live?action=publish&app=live.example.com&appname=live&id=stream1&time=${now}`,
    key: process.env.DEV_LIVE_KEY,
    body: "",
  },
  "tencent-vod": {
    path: "/tencent/vod",
    key: process.env.DEV_TENCENT_KEY,
    body: JSON.stringify({
      EventType: "NewFileUpload",
      FileUploadEvent: { FileId: "5285485487985271487", MediaBasicInfo: { Name: "demo", Type: "mp4" } },
    }),
  },
};
const sample = samples[provider];
if (!sample?.key) {
  console.error(
    `usage: node scripts/sample.mjs <${Object.keys(samples).join("|")}> [base URL] (with dev keys in the environment)`,
  );
  process.exit(2);
}
const url = base + sample.path;
// Alibaba signs the callback URL as configured; with no *_CALLBACK_URLS set the worker uses the
// URL the request arrived at, which is this one (Live: its host).
const signed = sign({
  provider,
  url,
  key: sample.key,
  body: sample.body,
  timestamp: provider === "tencent-vod" ? now + 600 : now,
});
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const parts = [`curl -sS -X ${signed.method} ${q(url)}`];
for (const [name, value] of Object.entries(signed.headers)) parts.push(`-H ${q(`${name}: ${value}`)}`);
if (signed.body) parts.push(`-H 'content-type: application/json'`, `--data-binary ${q(signed.body)}`);
console.log(parts.join(" \\\n  "));
