// The demo origin of `npm run dev`: prints every delivery it receives (the first and each
// retry) and whether its Standard Webhooks signature verified. DEMO_FAIL_FIRST=N answers the
// first N deliveries of each event with 503, to watch the worker's retries. It answers Live's
// on-demand recording queries with "record it".
import { startOrigin } from "./origin.mjs";

const secret = process.env.ORIGIN_SECRET;
const port = Number(process.env.DEMO_ORIGIN_PORT ?? 8788);
if (!secret) {
  console.error("demo origin: ORIGIN_SECRET is not set");
  process.exit(1);
}
const failFirst = Number(process.env.DEMO_FAIL_FIRST ?? 0);
const seen = new Map();
const origin = await startOrigin({
  secret,
  port,
  respond: ({ headers, event, verifyError }) => {
    const n = seen.get(headers["webhook-id"]);
    if (verifyError) return { status: 401 };
    // Live's on-demand recording query: the worker relays this answer to Alibaba.
    if (event?.type === "on_demand_record") {
      console.log("[origin]   answering the on-demand recording query: record it, as MP4");
      return { status: 200, body: JSON.stringify({ ApiVersion: "1.0", NeedRecord: true, Format: ["mp4"] }) };
    }
    if (n <= failFirst) {
      console.log(`[origin]   answering 503 to delivery #${n} (DEMO_FAIL_FIRST=${failFirst}): the worker will retry`);
      return { status: 503 };
    }
    return { status: 204 };
  },
  onEvent: ({ headers, event, verifyError }) => {
    const id = headers["webhook-id"];
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    const check = verifyError ? `signature INVALID (${verifyError})` : "signature verified";
    const which = n === 1 ? "delivery #1" : `delivery #${n} (a retry)`;
    console.log(
      `\n[origin] ${event?.provider} ${event?.type} id=${id} ${which}, webhook-timestamp ${headers["webhook-timestamp"]} — ${check}, verified by ${event?.verified_by}`,
    );
    if (n === 1) console.log(JSON.stringify(event, null, 2));
  },
});
console.log(`[origin] demo origin listening on ${origin.url}`);
process.on("SIGINT", () => origin.close().then(() => process.exit(0)));
process.on("SIGTERM", () => origin.close().then(() => process.exit(0)));
