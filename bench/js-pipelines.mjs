// What a JS user would write without mediahook, for the side-by-side benchmark:
//   (b) js-md5 (WebCrypto has no MD5) + JSON.parse: the IMS signature and time checks by hand;
//   (c) (b) + zod schemas for the same events, giving the typed, validated output mediahook
//       gives (numbers from numeric strings, 64-bit ids as strings, UserData decoded, unknown
//       fields kept).
import { z } from "zod";
import { jsVerifySignature } from "./js-signature.mjs";

export { jsVerifySignature };

/** (b): signature, then JSON.parse. */
export function jsVerifyAndParse(req) {
  jsVerifySignature(req);
  return JSON.parse(req.body);
}

// (c): zod schemas for the benchmarked IMS events, as close to mediahook's typed output as zod
// allows. Loose objects keep unknown fields, like mediahook's `extra`.
const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const id64 = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const embedded = z.string().transform((raw) => {
  try {
    return { raw, json: JSON.parse(raw) };
  } catch {
    return { raw };
  }
});
const envelope = (type, body) =>
  z.looseObject({
    EventType: z.literal(type),
    UserId: id64,
    EventTime: z.string(),
    MessageBody: body,
  });

const audioStream = z.looseObject({
  bitrate: num.optional(),
  channelLayout: z.string().optional(),
  channels: int.optional(),
  codecLongName: z.string().optional(),
  codecName: z.string().optional(),
  codecTag: z.string().optional(),
  codecTagString: z.string().optional(),
  codecTimeBase: z.string().optional(),
  duration: num.optional(),
  index: int.optional(),
  jobId: z.string().optional(),
  lang: z.string().optional(),
  profile: z.string().optional(),
  sampleFmt: z.string().optional(),
  sampleRate: int.optional(),
  startTime: num.optional(),
  timebase: z.string().optional(),
});
const videoStream = z.looseObject({
  avg_fps: num.optional(),
  bit_rate: num.optional(),
  codec_long_name: z.string().optional(),
  codec_name: z.string().optional(),
  codec_tag: z.string().optional(),
  codec_tag_string: z.string().optional(),
  codec_time_base: z.string().optional(),
  dar: z.string().optional(),
  duration: num.optional(),
  fps: num.optional(),
  has_b_frames: int.optional(),
  height: int.optional(),
  index: int.optional(),
  jobId: z.string().optional(),
  lang: z.string().optional(),
  level: z.string().optional(),
  pixFmt: z.string().optional(),
  profile: z.string().optional(),
  sar: z.string().optional(),
  start_time: num.optional(),
  time_base: z.string().optional(),
  width: int.optional(),
});
const outFileMeta = z.looseObject({
  audioStreamInfoList: z.array(audioStream).optional(),
  videoStreamInfoList: z.array(videoStream).optional(),
  subtitleStreamInfoList: z.array(z.looseObject({ index: int.optional(), lang: z.string().optional() })).optional(),
  fileBasicInfo: z
    .looseObject({
      bitrate: num.optional(),
      duration: num.optional(),
      fileName: z.string().optional(),
      fileStatus: z.string().optional(),
      fileType: z.string().optional(),
      fileUrl: z.string().optional(),
      formatName: z.string().optional(),
      height: int.optional(),
      region: z.string().optional(),
      width: int.optional(),
    })
    .optional(),
  playStreamInfo: z
    .looseObject({
      bitrate: num.optional(),
      creationTime: z.string().optional(),
      definition: int.optional(),
      duration: num.optional(),
      encrypt: int.optional(),
      fileSize: int.optional(),
      fileUrl: z.string().optional(),
      format: z.string().optional(),
      fps: num.optional(),
      height: int.optional(),
      jobId: z.string().optional(),
      state: int.optional(),
      transTemplateType: int.optional(),
      type: int.optional(),
      userId: id64.optional(),
      width: int.optional(),
    })
    .optional(),
});

export const zodSchemas = z.discriminatedUnion("EventType", [
  envelope("RegisterMediaComplete", z.looseObject({ MediaId: z.string(), Status: z.string() })),
  envelope(
    "ProduceMediaComplete",
    z.looseObject({
      Status: z.string(),
      MediaURL: z.string().optional(),
      MediaId: z.string(),
      ProjectId: z.string().optional(),
      ErrorCode: z.string().optional(),
      ErrorMessage: z.string().optional(),
      JobId: z.string(),
      UserData: embedded.optional(),
    }),
  ),
  envelope(
    "MediaConvertOutputComplete",
    z.looseObject({
      JobId: z.string(),
      MediaId: z.string().optional(),
      Name: z.string().optional(),
      OutFileMeta: outFileMeta.optional(),
      OutputUrl: z.string().optional(),
      Status: z.string(),
      TaskId: z.string().optional(),
      TriggerSource: z.string().optional(),
      UserData: embedded.optional(),
    }),
  ),
]);

/** (c): signature, JSON.parse, zod. */
export function jsVerifyParseAndValidate(req) {
  jsVerifySignature(req);
  return zodSchemas.parse(JSON.parse(req.body));
}
