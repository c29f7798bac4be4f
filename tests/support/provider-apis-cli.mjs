// The provider API stand-ins (provider-apis.mjs) as a process, for the Rust round-trip test:
// prints {"url"} once listening, seeded with one Tencent event (sub-app 1), one MNS message
// (queue ims-events) and one IMS job; on a line "report" from stdin prints what the APIs saw
// ({confirmed, deleted, refused}) and exits; exits as well when stdin closes.
import { createInterface } from "node:readline";
import { startProviderApis } from "./provider-apis.mjs";

// `--serve PORT` (npm run dev with MEDIAHOOK_DEV_SOURCES=1): listen on that port until killed.
const serve = process.argv.indexOf("--serve");
const apis = await startProviderApis({
  longPollMs: serve < 0 ? 200 : 5_000,
  port: serve < 0 ? 0 : Number(process.argv[serve + 1]),
});
apis.tencent.add("1", { EventType: "NewFileUpload", FileUploadEvent: { FileId: "5285890784246869930" } });
apis.mns.send("ims-events", '{"EventType":"ProduceMediaComplete","UserId":1,"MessageBody":{"JobId":"j1"}}');
apis.alibaba.jobs.set("GetMediaProducingJob:j1", { MediaProducingJob: { JobId: "j1", Status: "Success" } });
console.log(JSON.stringify({ url: apis.url }));
if (serve >= 0) await new Promise(() => {});
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "report") {
    console.log(
      JSON.stringify({ confirmed: apis.tencent.confirmed, deleted: apis.mns.deleted, refused: apis.refused }),
    );
    await apis.close();
    process.exit(0);
  }
}
// The test went away without asking: stop too.
process.exit(0);
