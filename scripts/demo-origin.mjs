// The demo origin of `npm run dev`: prints every event it receives and whether its
// Standard Webhooks signature verified.
import { startOrigin } from "./origin.mjs";

const secret = process.env.ORIGIN_SECRET;
const port = Number(process.env.DEMO_ORIGIN_PORT ?? 8788);
if (!secret) {
  console.error("demo origin: ORIGIN_SECRET is not set");
  process.exit(1);
}
const origin = await startOrigin({
  secret,
  port,
  onEvent: ({ headers, event, verifyError }) => {
    const check = verifyError ? `signature INVALID (${verifyError})` : "signature verified";
    console.log(`\n[origin] ${event?.provider} ${event?.type} id=${headers["webhook-id"]} — ${check}`);
    console.log(JSON.stringify(event, null, 2));
  },
});
console.log(`[origin] demo origin listening on ${origin.url}`);
process.on("SIGINT", () => origin.close().then(() => process.exit(0)));
process.on("SIGTERM", () => origin.close().then(() => process.exit(0)));
