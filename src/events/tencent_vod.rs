//! Tencent Cloud VOD events. Format 3.0 (PascalCase, the `EventContent` model of the
//! TencentCloud SDKs): `{"EventType": "...", "<Kind>Event": {...}}`. The legacy 2.0 format
//! (`{"version": "4.0", "eventType": "...", "data": {...}}`) is recognised and its `data` parsed.

#[cfg(feature = "typed")]
use serde_json::{Map, Value};

use super::family::{event_family, EventSchema};
use super::record::record;
use super::schema::{FieldSchema, Kind};
use super::tencent_vod_spec as spec;
#[cfg(feature = "typed")]
use super::{take, take_string};

// The 36 event types of Tencent's `EventContent`, by the member that holds each payload (the
// mapping is irregular: docs/events.md in the repository, and the notes of section 1 of Tencent's event docs).
// Payload types are generated from Tencent's API spec (`tencent_vod_spec`). The last four names
// are written by the SDK with an `Event` suffix that is unconfirmed: both spellings are read,
// and an unknown type is still typed by the payload member it carries.
macro_rules! tencent_events {
    ($( $variant:ident($ty:ident) = $name:literal $(| $alias:literal)* => $key:literal $(| $key_alias:literal)*; )*) => {
        event_family! {
            /// The typed payload of a 3.0 Tencent VOD event, by event type.
            TencentBody { $( $variant(spec::$ty) = $name $(| $alias)*; )* }
        }

        /// (event type, payload member, other member names) of every known type.
        pub(crate) const PAYLOAD_MEMBERS: &[(&str, &str, &[&str])] = &[$( ($name, $key, &[$($key_alias),*]), )*];

        /// Every payload member as an optional field of any JSON: Tencent sends the members of
        /// other types as `null`, which the walk leaves out.
        pub(crate) static PAYLOAD_FIELDS: &[FieldSchema] = &[$(
            FieldSchema { name: $key, aliases: &[$($key_alias),*], kind: Kind::Any, required: false, doc: "" },
        )*];
    };
}

tencent_events! {
    NewFileUpload(FileUploadTask) = "NewFileUpload" => "FileUploadEvent";
    ProcedureStateChanged(ProcedureTask) = "ProcedureStateChanged" => "ProcedureStateChangeEvent";
    FileDeleted(FileDeleteTask) = "FileDeleted" => "FileDeleteEvent";
    RestoreMediaComplete(RestoreMediaTask) = "RestoreMediaComplete" => "RestoreMediaCompleteEvent";
    PullComplete(PullUploadTask) = "PullComplete" => "PullCompleteEvent";
    EditMediaComplete(EditMediaTask) = "EditMediaComplete" => "EditMediaCompleteEvent" | "EditMediaComplete";
    SplitMediaComplete(SplitMediaTask) = "SplitMediaComplete" => "SplitMediaCompleteEvent";
    ComposeMediaComplete(ComposeMediaTask) = "ComposeMediaComplete" => "ComposeMediaCompleteEvent";
    WechatMiniProgramPublishComplete(WechatMiniProgramPublishTask) = "WechatMiniProgramPublishComplete" => "WechatMiniProgramPublishCompleteEvent";
    RemoveWatermark(RemoveWatermarkTask) = "RemoveWatermark" => "RemoveWatermarkCompleteEvent";
    RebuildMediaComplete(RebuildMediaTask) = "RebuildMediaComplete" => "RebuildMediaCompleteEvent";
    ReviewAudioVideoComplete(ReviewAudioVideoTask) = "ReviewAudioVideoComplete" => "ReviewAudioVideoCompleteEvent";
    ExtractTraceWatermarkComplete(ExtractTraceWatermarkTask) = "ExtractTraceWatermarkComplete" => "ExtractTraceWatermarkCompleteEvent";
    ExtractCopyRightWatermarkComplete(ExtractCopyRightWatermarkTask) = "ExtractCopyRightWatermarkComplete" => "ExtractCopyRightWatermarkCompleteEvent";
    DescribeFileAttributesComplete(DescribeFileAttributesTask) = "DescribeFileAttributesComplete" => "DescribeFileAttributesCompleteEvent";
    QualityInspectComplete(QualityInspectTask) = "QualityInspectComplete" => "QualityInspectCompleteEvent";
    QualityEnhanceComplete(QualityEnhanceTask) = "QualityEnhanceComplete" => "QualityEnhanceCompleteEvent";
    PersistenceComplete(PersistenceCompleteTask) = "PersistenceComplete" => "PersistenceCompleteEvent";
    ComplexAdaptiveDynamicStreamingComplete(ComplexAdaptiveDynamicStreamingTask) = "ComplexAdaptiveDynamicStreamingComplete" => "ComplexAdaptiveDynamicStreamingCompleteEvent";
    ProcessMediaByMpsComplete(ProcessMediaByMPS) = "ProcessMediaByMPSComplete" => "ProcessMediaByMPSCompleteEvent";
    AigcImageTaskComplete(AigcImageTask) = "AigcImageTaskComplete" => "AigcImageCompleteEvent";
    AigcVideoTaskComplete(AigcVideoTask) = "AigcVideoTaskComplete" => "AigcVideoCompleteEvent";
    DescribeAigcFaceInfoAsyncComplete(DescribeAigcFaceInfoAsyncTask) = "DescribeAigcFaceInfoAsyncComplete" => "DescribeAigcFaceInfoAsyncCompleteEvent";
    TranscodeComplete(TranscodeTask2017) = "TranscodeComplete" => "TranscodeCompleteEvent";
    ConcatComplete(ConcatTask2017) = "ConcatComplete" => "ConcatCompleteEvent";
    ClipComplete(ClipTask2017) = "ClipComplete" => "ClipCompleteEvent";
    CreateImageSpriteComplete(CreateImageSpriteTask2017) = "CreateImageSpriteComplete" => "CreateImageSpriteCompleteEvent";
    CreateSnapshotByTimeOffsetComplete(SnapshotByTimeOffsetTask2017) = "CreateSnapshotByTimeOffsetComplete" => "SnapshotByTimeOffsetCompleteEvent";
    WechatPublishComplete(WechatPublishTask) = "WechatPublishComplete" => "WechatPublishCompleteEvent" | "WechatPublishComplete";
    ReduceMediaBitrateComplete(ReduceMediaBitrateTask) = "ReduceMediaBitrateComplete" => "ReduceMediaBitrateCompleteEvent";
    MediaCastStatusChanged(MediaCastEvent) = "MediaCastStatusChanged" => "MediaCastStatusChangedEvent";
    ExtractBlindWatermarkComplete(ExtractBlindWatermarkTask) = "ExtractBlindWatermarkComplete" => "ExtractBlindWatermarkComplete";
    SceneAigcImageComplete(SceneAigcImageTask) = "SceneAigcImageCompleteEvent" | "SceneAigcImageComplete" => "SceneAigcImageCompleteEvent";
    ProcessImageAsyncComplete(ProcessImageAsyncTask) = "ProcessImageAsyncCompleteEvent" | "ProcessImageAsyncComplete" => "ProcessImageAsyncCompleteEvent";
    CreateAigcAdvancedCustomElementComplete(CreateAigcAdvancedCustomElementTask) = "CreateAigcAdvancedCustomElementCompleteEvent" | "CreateAigcAdvancedCustomElementComplete" => "CreateAigcAdvancedCustomElementCompleteEvent";
    CreateAigcCustomVoiceComplete(CreateAigcCustomVoiceTask) = "CreateAigcCustomVoiceCompleteEvent" | "CreateAigcCustomVoiceComplete" => "CreateAigcCustomVoiceCompleteEvent";
}

record! {
    /// Legacy (2.0) NewFileUpload `data`.
    LegacyFileUpload {
        required {}
        optional {
            /// The file ID.
            "fileId" file_id: String,
            /// The file name.
            "fileName" file_name: String,
            /// The thumbnail URL.
            "coverUrl" cover_url: String,
            /// The file URL.
            "fileUrl" file_url: String,
            /// The uploader.
            "author" author: String,
            /// Record, ClientUpload or ServerUpload.
            "sourceType" source_type: String,
            /// The source's context (for recordings, the push URL).
            "sourceContext" source_context: String,
            /// The live stream ID (recordings).
            "streamId" stream_id: String,
            /// The task flow's task ID.
            "procedureTaskId" procedure_task_id: String,
            /// The transcoding task ID.
            "transcodeTaskId" transcode_task_id: String,
            /// The task ID (older bodies).
            "vodTaskId" vod_task_id: String,
            /// 0 on success (older bodies).
            "status" status: i64,
            /// The error message (older bodies).
            "message" message: String,
            /// The file's metadata (older bodies).
            "metaData" meta_data: serde_json::Value,
        }
    }
}

record! {
    /// Legacy (2.0) PullComplete `data`.
    LegacyPullComplete {
        required {}
        optional {
            /// The pull task ID.
            "vodTaskId" vod_task_id: String,
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The new file's ID.
            "fileId" file_id: String,
            /// The new file's URL.
            "fileUrl" file_url: String,
            /// The transcoding task ID.
            "transcodeTaskId" transcode_task_id: String,
        }
    }
}

record! {
    /// A file of a legacy (2.0) result: `fileInfo` of FileDeleted, ClipComplete, ConcatComplete.
    LegacyFileInfo {
        required {}
        optional {
            /// The file ID.
            "fileId" file_id: String,
            /// The file type (m3u8, mp4...).
            "fileType" file_type: String,
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The file URL.
            "fileUrl" file_url: String,
        }
    }
}

record! {
    /// Legacy (2.0) FileDeleted `data`.
    LegacyFileDeleted {
        required {}
        optional {
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The deleted files.
            "fileInfo" file_info: Vec<LegacyFileInfo>,
            /// The deleted file IDs (older bodies).
            "fileId" file_id: Vec<String>,
        }
    }
}

record! {
    /// Legacy (2.0) ProcedureStateChanged `data`.
    LegacyProcedureStateChanged {
        required {}
        optional {
            /// The task flow's task ID.
            "vodTaskId" vod_task_id: String,
            /// PROCESSING or FINISH.
            "status" status: String,
            /// The error code.
            "errCode" err_code: i64,
            /// The error message.
            "message" message: String,
            /// The file ID.
            "fileId" file_id: String,
            /// The file name.
            "fileName" file_name: String,
            /// The file URL.
            "fileUrl" file_url: String,
            /// The file's metadata (size, container, streams...).
            "metaData" meta_data: serde_json::Value,
            /// The encryption (DRM) settings.
            "drm" drm: serde_json::Value,
            /// The content review results.
            "contentReviewList" content_review_list: Vec<serde_json::Value>,
            /// The AI analysis results.
            "aIAnalysisList" ai_analysis_list: Vec<serde_json::Value>,
            /// The processing results (Transcode, SampleSnapshot...).
            "processTaskList" process_task_list: Vec<serde_json::Value>,
        }
    }
}

record! {
    /// One rendition of a legacy (2.0) TranscodeComplete.
    LegacyPlayInfo {
        required {}
        optional {
            /// The rendition's URL.
            "url" url: String,
            /// Its transcoding template.
            "definition" definition: i64,
            /// Its video bitrate.
            "vbitrate" vbitrate: i64,
            /// Its video height.
            "vheight" vheight: i64,
            /// Its video width.
            "vwidth" vwidth: i64,
        }
    }
}

record! {
    /// Legacy (2.0) TranscodeComplete `data`.
    LegacyTranscodeComplete {
        required {}
        optional {
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The task ID.
            "vodTaskId" vod_task_id: String,
            /// The file ID.
            "fileId" file_id: String,
            /// The file name.
            "fileName" file_name: String,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The thumbnail URL.
            "coverUrl" cover_url: String,
            /// The renditions.
            "playSet" play_set: Vec<LegacyPlayInfo>,
        }
    }
}

record! {
    /// One screenshot of a legacy (2.0) CreateSnapshotByTimeOffsetComplete.
    LegacyPicInfo {
        required {}
        optional {
            /// 0 on success.
            "status" status: i64,
            /// The time offset in milliseconds.
            "timeOffset" time_offset: i64,
            /// The image URL.
            "url" url: String,
        }
    }
}

record! {
    /// Legacy (2.0) CreateSnapshotByTimeOffsetComplete `data`.
    LegacySnapshotByTimeOffset {
        required {}
        optional {
            /// The task ID.
            "vodTaskId" vod_task_id: String,
            /// The file ID.
            "fileId" file_id: String,
            /// The screenshot template.
            "definition" definition: i64,
            /// The screenshots.
            "picInfo" pic_info: Vec<LegacyPicInfo>,
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
        }
    }
}

record! {
    /// Legacy (2.0) CreateImageSpriteComplete `data`.
    LegacyImageSprite {
        required {}
        optional {
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The task ID.
            "vodTaskId" vod_task_id: String,
            /// The file ID.
            "fileId" file_id: String,
            /// The sprite template.
            "definition" definition: i64,
            /// The number of small images.
            "totalCount" total_count: i64,
            /// The sprite image URLs.
            "imageSpriteUrl" image_sprite_url: Vec<String>,
            /// The WebVTT file's URL.
            "webVttUrl" web_vtt_url: String,
        }
    }
}

record! {
    /// Legacy (2.0) ClipComplete `data`.
    LegacyClipComplete {
        required {}
        optional {
            /// The task ID.
            "vodTaskId" vod_task_id: String,
            /// The source file's ID.
            "srcFileId" src_file_id: String,
            /// The clip: `{fileType, status, message, fileId, fileUrl}` (an object in the
            /// provider's table; kept as sent, whatever its shape).
            "fileInfo" file_info: serde_json::Value,
        }
    }
}

record! {
    /// Legacy (2.0) ConcatComplete `data`.
    LegacyConcatComplete {
        required {}
        optional {
            /// The task ID.
            "vodTaskId" vod_task_id: String,
            /// The output files.
            "fileInfo" file_info: Vec<LegacyFileInfo>,
        }
    }
}

record! {
    /// Legacy (2.0) PersistenceComplete `data` (not in the 2.0 docs; kept from earlier
    /// mediahook versions).
    LegacyPersistenceComplete {
        required {}
        optional {
            /// The new file's ID.
            "fileId" file_id: String,
            /// Where it came from.
            "persistenceSource" persistence_source: String,
        }
    }
}

event_family! {
    /// The typed `data` of a legacy (2.0) Tencent VOD event.
    TencentLegacyBody {
        NewFileUpload(LegacyFileUpload) = "NewFileUpload";
        PullComplete(LegacyPullComplete) = "PullComplete";
        FileDeleted(LegacyFileDeleted) = "FileDeleted";
        ProcedureStateChanged(LegacyProcedureStateChanged) = "ProcedureStateChanged";
        TranscodeComplete(LegacyTranscodeComplete) = "TranscodeComplete";
        CreateSnapshotByTimeOffsetComplete(LegacySnapshotByTimeOffset) = "CreateSnapshotByTimeOffsetComplete";
        CreateImageSpriteComplete(LegacyImageSprite) = "CreateImageSpriteComplete";
        ClipComplete(LegacyClipComplete) = "ClipComplete";
        ConcatComplete(LegacyConcatComplete) = "ConcatComplete";
        PersistenceComplete(LegacyPersistenceComplete) = "PersistenceComplete";
    }
}

/// Which member of a 3.0 body holds the event, by type (for unknown types, the SDK's usual
/// `<Type>Event`).
pub fn body_key(event_type: &str) -> String {
    match TencentBody::schema_of(event_type) {
        Some(event) => payload_member(event).0.to_owned(),
        None => format!("{}Event", event_type.strip_suffix("Changed").unwrap_or(event_type)),
    }
}

/// The member holding a known event type, and its other names.
pub(crate) fn payload_member(event: &EventSchema) -> (&'static str, &'static [&'static str]) {
    PAYLOAD_MEMBERS
        .iter()
        .find(|(t, _, _)| *t == event.name)
        .map_or(("EventContent", &[]), |(_, key, also)| (key, also))
}

/// The event type whose payload member is `key`.
pub(crate) fn type_of_member(key: &str) -> Option<&'static EventSchema> {
    let (name, _, _) = PAYLOAD_MEMBERS.iter().find(|(_, k, also)| *k == key || also.contains(&key))?;
    TencentBody::schema_of(name)
}

/// The type of a 3.0 body whose type name is unknown: that of the first payload member it
/// carries (not null), in the order sent.
pub(crate) fn type_by_member(json: &str) -> Option<&'static EventSchema> {
    crate::json::members(json)
        .map_while(Result::ok)
        .filter(|member| !member.is_null())
        .find_map(|member| type_of_member(&member.key()))
}

/// A Tencent VOD event, either format.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
// Built once per callback and moved, not copied around: boxing the large variant would only
// add an allocation (and change the public type).
#[allow(clippy::large_enum_variant)]
pub enum TencentEvent {
    /// Format 3.0.
    V3 {
        /// `EventType`.
        event_type: String,
        /// The name of the object holding the event, e.g. `FileUploadEvent`.
        body_key: String,
        /// That object, typed.
        body: TencentBody,
        /// Other top-level fields (`EventHandle`...), kept as sent.
        extra: Map<String, Value>,
    },
    /// The legacy 2.0 format.
    Legacy {
        /// `version`, e.g. `4.0`.
        version: String,
        /// `eventType`.
        event_type: String,
        /// `data`, typed.
        data: TencentLegacyBody,
        /// Other top-level fields, kept as sent.
        extra: Map<String, Value>,
    },
}

#[cfg(feature = "typed")]
impl TencentEvent {
    /// From the normalised `data` JSON (its text: members are looked at in the order sent).
    pub(crate) fn from_normalised(event_type: &str, json: &str) -> TencentEvent {
        let mut m = super::object(serde_json::from_str(json).unwrap_or(Value::Null));
        if m.contains_key("eventType") && !m.contains_key("EventType") {
            return TencentEvent::Legacy {
                version: take_string(&mut m, "version"),
                event_type: take_string(&mut m, "eventType"),
                data: TencentLegacyBody::from_normalised(event_type, take(&mut m, "data")),
                extra: m,
            };
        }
        let event_type = take_string(&mut m, "EventType");
        // As the walk does: a type by its name, else by the first payload member it carries (in
        // the order sent, not the map's sorted order).
        let by_member = || type_by_member(json).map(|e| (e.name, payload_member(e).0));
        let (typed_as, body_key) = match TencentBody::schema_of(&event_type) {
            Some(_) => (event_type.clone(), body_key(&event_type)),
            None => by_member()
                .map_or_else(|| (event_type.clone(), body_key(&event_type)), |(t, k)| (t.to_owned(), k.to_owned())),
        };
        let body = TencentBody::from_normalised(&typed_as, take(&mut m, &body_key));
        TencentEvent::V3 { event_type, body_key, body, extra: m }
    }

    /// The event type.
    pub fn event_type(&self) -> &str {
        match self {
            TencentEvent::V3 { event_type, .. } | TencentEvent::Legacy { event_type, .. } => event_type,
        }
    }

    /// Whether the type is known.
    pub fn is_known(&self) -> bool {
        match self {
            TencentEvent::V3 { body, .. } => body.is_known(),
            TencentEvent::Legacy { data, .. } => data.is_known(),
        }
    }
}
