// What a JS user would write without mediahook, for the side-by-side benchmark:
//   (b) js-md5 (WebCrypto has no MD5) + JSON.parse: the IMS signature and time checks by hand;
//   (c) (b) + zod schemas for the same events, giving the typed, validated output mediahook
//       gives (numbers from numeric strings, 64-bit ids as strings, UserData decoded, unknown
//       fields kept).
import { z } from "zod";
import { jsVerifySignature, jsVerifyTencentAndParse, jsVerifyVodSignature } from "./js-signature.mjs";

export { jsVerifySignature };

/** The bare signature check of each benchmarked provider. */
export function jsVerifySignatureOf(req) {
  if (req.provider === "alibaba-vod") return jsVerifyVodSignature(req);
  if (req.provider === "tencent-vod") return jsVerifyTencentAndParse(req);
  return jsVerifySignature(req);
}

/** (b): signature, then JSON.parse (Tencent signs inside the body: parsed once, first). */
export function jsVerifyAndParse(req) {
  if (req.provider === "tencent-vod") return jsVerifyTencentAndParse(req);
  jsVerifySignatureOf(req);
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
// A JSON document inside a string, decoded as mediahook writes it: the value alone, or the
// string as sent when it does not decode.
const embedded = z.string().transform((raw) => {
  try {
    return { json: JSON.parse(raw) };
  } catch {
    return { raw, json: null };
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
  envelope(
    "SnapshotComplete",
    z.looseObject({
      JobId: z.string(),
      TriggerSource: z.string(),
      Name: z.string(),
      Type: z.string(),
      Input: embedded,
      Output: embedded,
      Count: int,
      TemplateConfig: embedded,
      TemplateId: z.string(),
      SubmitTime: z.string(),
      FinishTime: z.string(),
      Status: z.string(),
      PipelineId: z.string().optional(),
      UserData: embedded.optional(),
      ErrorCode: z.string().optional(),
      ErrorMessage: z.string().optional(),
    }),
  ),
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

// Alibaba VOD StreamTranscodeComplete: a flat body (numbers as strings; `Encrypt` a boolean,
// also read from 0/1 like mediahook does).
const flag = z.union([z.boolean(), z.union([z.literal(0), z.literal(1)]).transform(Boolean)]);
export const vodSchemas = z.discriminatedUnion("EventType", [
  z.looseObject({
    EventType: z.literal("StreamTranscodeComplete"),
    EventTime: z.string(),
    VideoId: z.string().optional(),
    Status: z.string().optional(),
    Bitrate: num.optional(),
    Definition: z.string().optional(),
    Duration: num.optional(),
    Encrypt: flag.optional(),
    FileUrl: z.string().optional(),
    Format: z.string().optional(),
    Fps: num.optional(),
    Height: int.optional(),
    Width: int.optional(),
    Size: int.optional(),
    JobId: z.string().optional(),
    ErrorCode: z.string().optional(),
    ErrorMessage: z.string().optional(),
    Codec: z.string().optional(),
    EncryptType: z.string().optional(),
    WatermarkId: z.string().optional(),
    IsAudio: z.boolean().optional(),
    StartTime: z.string().optional(),
    FinishTime: z.string().optional(),
    Extend: embedded.optional(),
  }),
]);

// Tencent VOD ProcedureStateChanged (format 3.0): the payload member typed as mediahook types
// it; `Sign` and `T` are authentication, not event data, and are dropped.
export const tencentSchemas = z
  .looseObject({
    EventType: z.literal("ProcedureStateChanged"),
    ProcedureStateChangeEvent: z.looseObject({
      TaskId: z.string(),
      Status: z.string(),
      ErrCode: int.optional(),
      Message: z.string().optional(),
      FileId: z.string().optional(),
      FileName: z.string().optional(),
      FileUrl: z.string().optional(),
      MetaData: z.unknown().optional(),
      MediaProcessResultSet: z.array(z.unknown()).optional(),
      AiContentReviewResultSet: z.array(z.unknown()).optional(),
      AiAnalysisResultSet: z.array(z.unknown()).optional(),
      AiRecognitionResultSet: z.array(z.unknown()).optional(),
      TasksPriority: int.optional(),
      TasksNotifyMode: z.string().optional(),
      SessionContext: z.string().optional(),
      SessionId: z.string().optional(),
      Operator: z.string().optional(),
      OperationType: z.string().optional(),
    }),
  })
  .transform(({ Sign, T, ...event }) => event);

/** (c): signature, JSON.parse, zod. */
export function jsVerifyParseAndValidate(req) {
  if (req.provider === "tencent-vod") return tencentSchemas.parse(jsVerifyTencentAndParse(req));
  jsVerifySignatureOf(req);
  const schemas = req.provider === "alibaba-vod" ? vodSchemas : zodSchemas;
  return schemas.parse(JSON.parse(req.body));
}
