//! Volcengine (BytePlus) VOD event notifications: `{"RequestId", "Version", "EventType",
//! "EventTime", "Data": {...}}`, `Data` typed by `EventType`. The field tables are BytePlus's
//! event pages (the eight of its event list); `UpdateMediaStorageClassComplete`, which its
//! callback settings name without a page, is typed by the fields the others share.

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
    /// A video stream's metadata.
    VolcVideoStreamMeta {
        required {}
        optional {
            /// Height in pixels.
            "Height" height: i64,
            /// Width in pixels.
            "Width" width: i64,
            /// Duration in seconds.
            "Duration" duration: f64,
            /// Bitrate in bps.
            "Bitrate" bitrate: i64,
            /// The codec.
            "Codec" codec: String,
            /// Frames per second.
            "Fps" fps: f64,
            /// The definition (e.g. `720p`).
            "Definition" definition: String,
        }
    }
}

record! {
    /// An audio stream's metadata.
    VolcAudioStreamMeta {
        required {}
        optional {
            /// The codec.
            "Codec" codec: String,
            /// Duration in seconds.
            "Duration" duration: f64,
            /// Sample rate in Hz.
            "SampleRate" sample_rate: i64,
            /// Bitrate in bps.
            "Bitrate" bitrate: i64,
        }
    }
}

record! {
    /// A media file's metadata (the upload may not have all of it: BytePlus says only
    /// `StoreUri` and `FileName` are sure).
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
            /// The video stream.
            "VideoStreamMeta" video_stream_meta: VolcVideoStreamMeta,
            /// The audio stream.
            "AudioStreamMeta" audio_stream_meta: VolcAudioStreamMeta,
            /// The source inspection's result, kept as sent.
            "Inspection" inspection: serde_json::Value,
            /// The source adjustment's result, kept as sent.
            "SourceAdjustResult" source_adjust_result: serde_json::Value,
        }
    }
}

record! {
    /// The workflow an upload triggers.
    VolcOptionInfo {
        required {}
        optional {
            /// The workflow's id.
            "TemplateId" template_id: String,
            /// The workflows' configuration, kept as sent.
            "Templates" templates: serde_json::Value,
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
            /// The workflow the upload triggers.
            "OptionInfo" option_info: VolcOptionInfo,
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
    /// `FileUploadByUrlComplete`: one URL of a batch pull upload finished.
    VolcUrlUpload {
        required {}
        optional {
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The pull job's id.
            "JobId" job_id: String,
            /// The URL pulled.
            "SourceUrl" source_url: String,
            /// What the upload passed through.
            "CallbackArgs" callback_args: String,
            /// The video id.
            "Vid" vid: String,
            /// The space.
            "SpaceName" space_name: String,
            /// The uploaded file.
            "SourceInfo" source_info: VolcSourceInfo,
            /// The cover image's URI.
            "PosterUri" poster_uri: String,
            /// The workflow the upload triggers.
            "OptionInfo" option_info: VolcOptionInfo,
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
            /// The transcoded files, kept as sent.
            "TranscodeInfos" transcode_infos: Vec<serde_json::Value>,
            /// The adaptive-bitrate files, kept as sent.
            "AdaptBitrateTranscodeInfos" adapt_bitrate_transcode_infos: Vec<serde_json::Value>,
            /// The snapshots, kept as sent.
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
    /// `DeleteMediaComplete` and `DeleteTranscodesComplete`: files of a video were deleted.
    VolcDeleted {
        required {}
        optional {
            /// What the request passed through.
            "CallbackArgs" callback_args: String,
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The video id.
            "Vid" vid: String,
            /// The transcoded file deleted (`DeleteTranscodesComplete`; empty: all of them).
            "FileId" file_id: String,
            /// The paths deleted.
            "FileNames" file_names: Vec<String>,
        }
    }
}

record! {
    /// `MaterialUploadComplete`: a material file was uploaded.
    VolcMaterialUpload {
        required {}
        optional {
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The material's id.
            "Mid" mid: String,
            /// The space.
            "SpaceName" space_name: String,
            /// What the upload passed through.
            "CallbackArgs" callback_args: String,
            /// The cover image's URI.
            "PosterUri" poster_uri: String,
            /// The file, when it is audio or video.
            "SourceInfo" source_info: VolcSourceInfo,
        }
    }
}

record! {
    /// `UploadGetMetaComplete`: an upload's metadata was extracted.
    VolcMetaExtracted {
        required {}
        optional {
            /// The video id.
            "Vid" vid: String,
            /// The space.
            "SpaceName" space_name: String,
            /// `Success` or an error code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The file's metadata.
            "SourceInfo" source_info: VolcSourceInfo,
            /// The cover image's URI.
            "PosterUri" poster_uri: String,
        }
    }
}

record! {
    /// An event BytePlus lists without a field table (`UpdateMediaStorageClassComplete`): the
    /// fields its other events share; the rest are kept as sent.
    VolcMediaEvent {
        required {}
        optional {
            /// The status code.
            "Code" code: String,
            /// The message.
            "Message" message: String,
            /// The video id.
            "Vid" vid: String,
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
        FileUploadByUrlComplete(VolcUrlUpload) = "FileUploadByUrlComplete";
        WorkflowComplete(VolcWorkflow) = "WorkflowComplete";
        ExecutionComplete(VolcExecution) = "ExecutionComplete";
        DeleteMediaComplete(VolcDeleted) = "DeleteMediaComplete";
        DeleteTranscodesComplete(VolcDeleted) = "DeleteTranscodesComplete";
        MaterialUploadComplete(VolcMaterialUpload) = "MaterialUploadComplete";
        UploadGetMetaComplete(VolcMetaExtracted) = "UploadGetMetaComplete";
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
