//! Volcengine (BytePlus) VOD event notifications: `{"RequestId", "Version", "EventType",
//! "EventTime", "Data": {...}}`, `Data` typed by `EventType`. The field tables are BytePlus's
//! event pages (FileUploadComplete, WorkflowComplete, ExecutionComplete); the other documented
//! events are typed by the fields every VOD event shares (`Code`, `Message`, `Vid`,
//! `SpaceName`, `CallbackArgs`), the rest kept as sent.

#[cfg(feature = "typed")]
use serde_json::{Map, Value};

use super::family::event_family;
use super::record::record;
use super::schema::{FieldSchema, Kind};
#[cfg(feature = "typed")]
use super::{take, take_string};

const fn field(name: &'static str, kind: Kind, required: bool) -> FieldSchema {
    FieldSchema { name, aliases: &[], kind, required, doc: "" }
}

/// The envelope's fields; others are kept as sent.
pub(crate) const ENVELOPE: &[FieldSchema] = &[
    field("RequestId", Kind::String, false),
    field("Version", Kind::String, false),
    field("EventType", Kind::String, true),
    field("EventTime", Kind::String, false),
    field("Data", Kind::Body, true),
];

record! {
    /// A media file's metadata.
    VolcSourceInfo {
        required {}
        optional {
            /// The file's id.
            "FileId" file_id: String,
            /// Its MD5.
            "Md5" md5: String,
            /// `video` or `audio`.
            "FileType" file_type: String,
            /// The codec.
            "Codec" codec: String,
            /// Height in pixels.
            "Height" height: i64,
            /// Width in pixels.
            "Width" width: i64,
            /// The container format.
            "Format" format: String,
            /// Duration in seconds.
            "Duration" duration: f64,
            /// Size in bytes.
            "Size" size: i64,
            /// The file path.
            "FileName" file_name: String,
            /// Where it is stored.
            "StoreUri" store_uri: String,
            /// The definition (e.g. `720p`).
            "Definition" definition: String,
            /// Bitrate in bps.
            "Bitrate" bitrate: i64,
            /// Frames per second.
            "Fps" fps: f64,
            /// When it was created.
            "CreateTime" create_time: String,
            /// The audio streams' metadata, kept as sent.
            "AudioStreamMeta" audio_stream_meta: serde_json::Value,
            /// The video streams' metadata, kept as sent.
            "VideoStreamMeta" video_stream_meta: serde_json::Value,
        }
    }
}

record! {
    /// `FileUploadComplete`: a media upload finished.
    VolcFileUpload {
        required {}
        optional {
            /// The status code (`Success` or an error).
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The video id.
            "Vid" vid: String,
            /// The space.
            "SpaceName" space_name: String,
            /// The workflows the upload triggers, kept as sent.
            "OptionInfo" option_info: serde_json::Value,
            /// The uploaded file.
            "SourceInfo" source_info: VolcSourceInfo,
            /// What the upload passed through.
            "CallbackArgs" callback_args: String,
            /// The cover image's URI.
            "PosterUri" poster_uri: String,
            /// The playback URL, when the space returns it.
            "PlayUrl" play_url: String,
            /// The workflow task started, kept as sent.
            "WorkflowInfo" workflow_info: serde_json::Value,
        }
    }
}

record! {
    /// `WorkflowComplete`: a workflow (transcoding, snapshots...) finished.
    VolcWorkflow {
        required {}
        optional {
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The video id.
            "Vid" vid: String,
            /// The workflow task's id.
            "RunId" run_id: String,
            /// The space.
            "SpaceName" space_name: String,
            /// The workflow's id.
            "TemplateId" template_id: String,
            /// What the trigger passed through.
            "CallbackArgs" callback_args: String,
            /// The source file.
            "SourceInfo" source_info: VolcSourceInfo,
            /// The cover image's URI.
            "PosterUri" poster_uri: String,
            /// The transcoded files.
            "TranscodeInfos" transcode_infos: Vec<serde_json::Value>,
            /// The adaptive-bitrate files.
            "AdaptBitrateTranscodeInfos" adapt_bitrate_transcode_infos: Vec<serde_json::Value>,
            /// The snapshots.
            "Snapshots" snapshots: Vec<serde_json::Value>,
        }
    }
}

record! {
    /// `ExecutionComplete`: a media processing task finished.
    VolcExecution {
        required {}
        optional {
            /// The task's id.
            "RunId" run_id: String,
            /// `Success`, `Failed`, `PendingStart`, `Running` or `Terminated`.
            "Status" status: String,
            /// The error code when it failed.
            "Code" code: String,
            /// The input, kept as sent.
            "Input" input: serde_json::Value,
            /// When and where it ran, kept as sent.
            "Meta" meta: serde_json::Value,
            /// Priority, idempotency and callback settings, kept as sent.
            "Control" control: serde_json::Value,
            /// The space.
            "SpaceName" space_name: String,
            /// The operation, kept as sent.
            "Operation" operation: serde_json::Value,
            /// The results, kept as sent.
            "Output" output: serde_json::Value,
        }
    }
}

record! {
    /// The fields every VOD event shares; the rest are kept as sent.
    VolcMediaEvent {
        required {}
        optional {
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The video id.
            "Vid" vid: String,
            /// The video ids (batch events).
            "Vids" vids: Vec<String>,
            /// The space.
            "SpaceName" space_name: String,
            /// What the request passed through.
            "CallbackArgs" callback_args: String,
        }
    }
}

event_family! {
    /// The typed `Data` of a Volcengine VOD event, by event type.
    VolcBody {
        FileUploadComplete(VolcFileUpload) = "FileUploadComplete";
        WorkflowComplete(VolcWorkflow) = "WorkflowComplete";
        ExecutionComplete(VolcExecution) = "ExecutionComplete";
        FileUploadByUrlComplete(VolcMediaEvent) = "FileUploadByUrlComplete";
        MaterialUploadComplete(VolcMediaEvent) = "MaterialUploadComplete";
        UploadGetMetaComplete(VolcMediaEvent) = "UploadGetMetaComplete";
        DeleteMediaComplete(VolcMediaEvent) = "DeleteMediaComplete";
        DeleteTranscodesComplete(VolcMediaEvent) = "DeleteTranscodesComplete";
        UpdateMediaStorageClassComplete(VolcMediaEvent) = "UpdateMediaStorageClassComplete";
    }
}

/// A Volcengine VOD event: the envelope and its typed `Data`.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct VolcEvent {
    /// `EventType`.
    pub event_type: String,
    /// `RequestId`.
    pub request_id: String,
    /// `EventTime` as sent (UTC).
    pub event_time: String,
    /// `Data`, typed by event type.
    pub data: VolcBody,
    /// Other top-level fields, kept as sent.
    pub extra: Map<String, Value>,
}

#[cfg(feature = "typed")]
impl VolcEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> VolcEvent {
        let mut m = super::object(value);
        VolcEvent {
            event_type: take_string(&mut m, "EventType"),
            request_id: take_string(&mut m, "RequestId"),
            event_time: take_string(&mut m, "EventTime"),
            data: VolcBody::from_normalised(event_type, take(&mut m, "Data")),
            extra: m,
        }
    }
}
