//! Tencent Cloud VOD events. Format 3.0 (PascalCase, the `EventContent` model of the
//! TencentCloud SDKs): `{"EventType": "...", "<Kind>Event": {...}}`. The legacy 2.0 format
//! (`{"version": "4.0", "eventType": "...", "data": {...}}`) is recognised and its `data` parsed.

use serde_json::{Map, Value};

use super::family::{event_family, EventSchema};
use super::record::record;
use super::{take, take_string};

pub(crate) use crate::schemes::tencent_vod::{SIGN_FIELD, T_FIELD};

record! {
    /// `MediaBasicInfo`: a media file's basic information.
    MediaBasicInfo {
        required {}
        optional {
            /// The media name.
            "Name" name: String,
            /// The description.
            "Description" description: String,
            /// Created (ISO 8601).
            "CreateTime" create_time: String,
            /// Last updated (ISO 8601).
            "UpdateTime" update_time: String,
            /// Expiry (ISO 8601).
            "ExpireTime" expire_time: String,
            /// The category ID.
            "ClassId" class_id: i64,
            /// The category name.
            "ClassName" class_name: String,
            /// The category path.
            "ClassPath" class_path: String,
            /// The thumbnail URL.
            "CoverUrl" cover_url: String,
            /// The container type (mp4...).
            "Type" media_type: String,
            /// The media URL.
            "MediaUrl" media_url: String,
            /// Where the file came from.
            "SourceInfo" source_info: serde_json::Value,
            /// The storage region.
            "StorageRegion" storage_region: String,
            /// The tags.
            "TagSet" tag_set: Vec<String>,
            /// The live recording's unique ID.
            "Vid" vid: String,
            /// Video, Audio or Image.
            "Category" category: String,
            /// The file status.
            "Status" status: String,
            /// The storage class.
            "StorageClass" storage_class: String,
        }
    }
}

record! {
    /// `FileUploadEvent` of NewFileUpload.
    FileUploadEvent {
        required {
            /// The file ID (a 19-digit string).
            "FileId" file_id: String,
        }
        optional {
            /// The file's basic information.
            "MediaBasicInfo" media_basic_info: MediaBasicInfo,
            /// The ID of the task flow started on upload.
            "ProcedureTaskId" procedure_task_id: String,
            /// The ID of the audio/video review task started on upload.
            "ReviewAudioVideoTaskId" review_audio_video_task_id: String,
            /// The file's metadata (size, duration, streams...).
            "MetaData" meta_data: serde_json::Value,
        }
    }
}

record! {
    /// One entry of `FileDeleteResultInfo`.
    FileDeleteResultInfo {
        required {
            /// The deleted file's ID.
            "FileId" file_id: String,
        }
        optional {
            /// The parts deleted (`{Type, Definition}`).
            "DeleteParts" delete_parts: Vec<serde_json::Value>,
        }
    }
}

record! {
    /// `FileDeleteEvent` of FileDeleted.
    FileDeleteEvent {
        required {
            /// The deleted file IDs.
            "FileIdSet" file_id_set: Vec<String>,
        }
        optional {
            /// What was deleted of each file.
            "FileDeleteResultInfo" file_delete_result_info: Vec<FileDeleteResultInfo>,
        }
    }
}

record! {
    /// `PersistenceCompleteEvent` of PersistenceComplete (a clip made permanent).
    PersistenceCompleteEvent {
        required {
            /// The new file's ID.
            "FileId" file_id: String,
        }
        optional {
            /// Where it came from (SimpleHlsClip, FastEditMedia...).
            "PersistenceSource" persistence_source: String,
        }
    }
}

record! {
    /// `ProcedureStateChangeEvent` of ProcedureStateChanged: a task flow's state changed.
    ProcedureStateChangeEvent {
        required {
            /// The task flow's task ID.
            "TaskId" task_id: String,
            /// PROCESSING or FINISH (other values are kept).
            "Status" status: String,
        }
        optional {
            /// The error code (0: success).
            "ErrCode" err_code: i64,
            /// The error message.
            "Message" message: String,
            /// The file ID.
            "FileId" file_id: String,
            /// The file name.
            "FileName" file_name: String,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The file's metadata.
            "MetaData" meta_data: serde_json::Value,
            /// The media processing results.
            "MediaProcessResultSet" media_process_result_set: Vec<serde_json::Value>,
            /// The content review results.
            "AiContentReviewResultSet" ai_content_review_result_set: Vec<serde_json::Value>,
            /// The content analysis results.
            "AiAnalysisResultSet" ai_analysis_result_set: Vec<serde_json::Value>,
            /// The content recognition results.
            "AiRecognitionResultSet" ai_recognition_result_set: Vec<serde_json::Value>,
            /// The task flow's priority.
            "TasksPriority" tasks_priority: i64,
            /// The notification mode.
            "TasksNotifyMode" tasks_notify_mode: String,
            /// The caller's context.
            "SessionContext" session_context: String,
            /// The de-duplication ID.
            "SessionId" session_id: String,
            /// The operator ID.
            "Operator" operator: String,
            /// The operation type.
            "OperationType" operation_type: String,
        }
    }
}

event_family! {
    /// The typed body of a Tencent VOD event (format 3.0), by event type.
    TencentBody {
        NewFileUpload(FileUploadEvent) = "NewFileUpload";
        FileDeleted(FileDeleteEvent) = "FileDeleted";
        PersistenceComplete(PersistenceCompleteEvent) = "PersistenceComplete";
        ProcedureStateChanged(ProcedureStateChangeEvent) = "ProcedureStateChanged";
    }
}

record! {
    /// Legacy (2.0) NewFileUpload `data`.
    LegacyFileUpload {
        required {
            /// The file ID.
            "fileId" file_id: String,
        }
        optional {
            /// The upload task ID.
            "vodTaskId" vod_task_id: String,
            /// 0 on success.
            "status" status: i64,
            /// The error message.
            "message" message: String,
            /// The file URL.
            "fileUrl" file_url: String,
            /// The task flow's task ID.
            "procedureTaskId" procedure_task_id: String,
            /// The file's metadata.
            "metaData" meta_data: serde_json::Value,
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
            /// The deleted files (`{"fileId"}` each).
            "fileInfo" file_info: Vec<serde_json::Value>,
            /// The deleted file IDs (older bodies).
            "fileId" file_id: Vec<String>,
        }
    }
}

record! {
    /// Legacy (2.0) PersistenceComplete `data`.
    LegacyPersistenceComplete {
        required {
            /// The new file's ID.
            "fileId" file_id: String,
        }
        optional {
            /// Where it came from.
            "persistenceSource" persistence_source: String,
        }
    }
}

record! {
    /// Legacy (2.0) ProcedureStateChanged `data`.
    LegacyProcedureStateChanged {
        required {
            /// The task flow's task ID.
            "vodTaskId" vod_task_id: String,
        }
        optional {
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
            /// The processing results.
            "processTaskList" process_task_list: Vec<serde_json::Value>,
        }
    }
}

event_family! {
    /// The typed `data` of a legacy (2.0) Tencent VOD event.
    TencentLegacyBody {
        NewFileUpload(LegacyFileUpload) = "NewFileUpload";
        FileDeleted(LegacyFileDeleted) = "FileDeleted";
        PersistenceComplete(LegacyPersistenceComplete) = "PersistenceComplete";
        ProcedureStateChanged(LegacyProcedureStateChanged) = "ProcedureStateChanged";
    }
}

/// The member of a 3.0 body that holds each known event (the SDK's `EventContent` fields;
/// irregular for some types).
const BODY_KEYS: &[(&str, &str)] = &[
    ("NewFileUpload", "FileUploadEvent"),
    ("FileDeleted", "FileDeleteEvent"),
    ("ProcedureStateChanged", "ProcedureStateChangeEvent"),
    ("PersistenceComplete", "PersistenceCompleteEvent"),
];

/// Which object of a 3.0 body holds the event, by type.
pub(crate) fn body_key(event_type: &str) -> String {
    match BODY_KEYS.iter().find(|(t, _)| *t == event_type) {
        Some((_, key)) => (*key).to_owned(),
        None => format!("{}Event", event_type.strip_suffix("Changed").unwrap_or(event_type)),
    }
}

/// The member holding a known event type.
pub(crate) fn body_key_of(event: &EventSchema) -> &'static str {
    BODY_KEYS.iter().find(|(t, _)| event.is(t)).map_or("EventContent", |(_, key)| key)
}

/// A Tencent VOD event, either format.
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

impl TencentEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> TencentEvent {
        let mut m = super::object(value);
        if m.contains_key("eventType") && !m.contains_key("EventType") {
            return TencentEvent::Legacy {
                version: take_string(&mut m, "version"),
                event_type: take_string(&mut m, "eventType"),
                data: TencentLegacyBody::from_normalised(event_type, take(&mut m, "data")),
                extra: m,
            };
        }
        let event_type = take_string(&mut m, "EventType");
        let body_key = body_key(&event_type);
        let body = TencentBody::from_normalised(&event_type, take(&mut m, &body_key));
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
