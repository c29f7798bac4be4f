//! Alibaba Cloud ApsaraVideo VOD events: flat bodies (`EventTime`, `EventType`, then the
//! event's fields at the top level). Only `EventType` and `EventTime` are required: the
//! provider's own samples omit fields its tables list (`Status`, `VideoId`), and a genuine
//! callback must never be refused. Unknown fields are kept.

use serde_json::Value;

use super::family::event_family;
use super::record::record;
use super::schema::Embedded;
use super::take_string;

record! {
    /// FileUploadComplete: a video or audio file is uploaded.
    VodFileUploadComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The file size in bytes.
            "Size" size: i64,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// ImageUploadComplete: an image is uploaded.
    VodImageUploadComplete {
        required {}
        optional {
            /// The image ID.
            "ImageId" image_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The file size in bytes.
            "Size" size: i64,
            /// The image URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The application ID.
            "AppId" app_id: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// AttachedMediaUploadComplete: an auxiliary media asset is uploaded.
    VodAttachedMediaUploadComplete {
        required {}
        optional {
            /// The auxiliary media asset ID.
            "AttachedMediaId" attached_media_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The file size in bytes.
            "Size" size: i64,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The application ID.
            "AppId" app_id: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// StreamTranscodeComplete: one definition of a video is transcoded.
    VodStreamTranscodeComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The bitrate in Kbps.
            "Bitrate" bitrate: f64,
            /// The definition (LD, SD, HD, FHD, OD...).
            "Definition" definition: String,
            /// The duration in seconds.
            "Duration" duration: f64,
            /// Whether the stream is encrypted.
            "Encrypt" encrypt: i64,
            /// The stream's URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The container format (mp4, m3u8...).
            "Format" format: String,
            /// The frame rate.
            "Fps" fps: f64,
            /// The height in pixels.
            "Height" height: i64,
            /// The width in pixels.
            "Width" width: i64,
            /// The size in bytes.
            "Size" size: i64,
            /// The transcoding job ID.
            "JobId" job_id: String,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// One transcoded stream of TranscodeComplete.
    VodStreamInfo {
        required {}
        optional {
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The bitrate in Kbps.
            "Bitrate" bitrate: f64,
            /// The definition (LD, SD, HD, FHD, OD...).
            "Definition" definition: String,
            /// The duration in seconds.
            "Duration" duration: f64,
            /// Whether the stream is encrypted.
            "Encrypt" encrypt: i64,
            /// The stream's URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The container format (mp4, m3u8...).
            "Format" format: String,
            /// The frame rate.
            "Fps" fps: f64,
            /// The height in pixels.
            "Height" height: i64,
            /// The width in pixels.
            "Width" width: i64,
            /// The size in bytes.
            "Size" size: i64,
            /// The transcoding job ID.
            "JobId" job_id: String,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// TranscodeComplete: every definition of a video is transcoded.
    VodTranscodeComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The transcoded streams.
            "StreamInfos" stream_infos: Vec<VodStreamInfo>,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// SnapshotComplete: snapshots of a video are taken.
    VodSnapshotComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The thumbnail URL.
            "CoverUrl" cover_url: String,
            /// The snapshot format.
            "SnapshotFormat" snapshot_format: String,
            /// The snapshot URL pattern.
            "SnapshotRegular" snapshot_regular: String,
            /// The number of snapshots.
            "Count" count: i64,
            /// The snapshots.
            "SnapshotInfos" snapshot_infos: Vec<serde_json::Value>,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// DynamicImageComplete: an animated image is generated.
    VodDynamicImageComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The animated image ID.
            "DynamicImageId" dynamic_image_id: String,
            /// The image URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The definition.
            "Definition" definition: String,
            /// The format (gif...).
            "Format" format: String,
            /// The frame rate.
            "Fps" fps: f64,
            /// The height in pixels.
            "Height" height: i64,
            /// The width in pixels.
            "Width" width: i64,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// AddLiveRecordVideoComplete: a live recording is added to VOD.
    VodAddLiveRecordVideoComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The stream name.
            "StreamName" stream_name: String,
            /// The streaming domain.
            "DomainName" domain_name: String,
            /// The application name.
            "AppName" app_name: String,
            /// When recording started.
            "RecordStartTime" record_start_time: String,
            /// When recording ended.
            "RecordEndTime" record_end_time: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// LiveRecordVideoComposeStart: live recordings start being composed.
    VodLiveRecordVideoComposeStart {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The stream name.
            "StreamName" stream_name: String,
            /// The streaming domain.
            "DomainName" domain_name: String,
            /// The application name.
            "AppName" app_name: String,
            /// When recording started.
            "RecordStartTime" record_start_time: String,
            /// When recording ended.
            "RecordEndTime" record_end_time: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// UploadByURLComplete: a file is uploaded from a URL.
    VodUploadByUrlComplete {
        required {}
        optional {
            /// The upload job ID.
            "JobId" job_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The video ID.
            "VideoId" video_id: String,
            /// The source URL.
            "SourceURL" source_url: String,
            /// The file size in bytes.
            "Size" size: i64,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// CreateAuditComplete: a manual review is complete.
    VodCreateAuditComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The review result.
            "AuditStatus" audit_status: String,
            /// The reason.
            "Reason" reason: String,
            /// The comment.
            "Comment" comment: String,
            /// The reviewer.
            "Auditor" auditor: String,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// AIMediaAuditComplete, AIMediaDNAComplete, AIVideoTagComplete: an AI job is complete.
    VodAiJobComplete {
        required {}
        optional {
            /// The AI job ID.
            "JobId" job_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The media ID.
            "MediaId" media_id: String,
            /// The AI job type.
            "Type" ai_type: String,
            /// The result code.
            "Code" code: String,
            /// The result message.
            "Message" message: String,
            /// The job's result (a JSON string).
            "Data" data: Embedded,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// VideoAnalysisComplete: a video is analysed.
    VodVideoAnalysisComplete {
        required {}
        optional {
            /// The video ID.
            "VideoId" video_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The size in bytes.
            "Size" size: i64,
            /// The duration in seconds.
            "Duration" duration: f64,
            /// The width in pixels.
            "Width" width: i64,
            /// The height in pixels.
            "Height" height: i64,
            /// The bitrate in Kbps.
            "Bitrate" bitrate: f64,
            /// The frame rate.
            "Fps" fps: f64,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// ProduceMediaComplete: an editing production is complete.
    VodProduceMediaComplete {
        required {}
        optional {
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The video ID.
            "VideoId" video_id: String,
            /// The editing project ID.
            "ProjectId" project_id: String,
            /// The produced media ID.
            "MediaId" media_id: String,
            /// The produced file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// DeleteMediaComplete: media assets are deleted.
    VodDeleteMediaComplete {
        required {}
        optional {
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The deleted media IDs.
            "MediaIds" media_ids: String,
            /// What was deleted.
            "DeleteType" delete_type: String,
            /// The media type.
            "MediaType" media_type: String,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

record! {
    /// MediaBaseChangeComplete: a media asset's basic information is updated.
    VodMediaBaseChangeComplete {
        required {}
        optional {
            /// The media ID.
            "MediaId" media_id: String,
            /// success or fail (other values are kept).
            "Status" status: String,
            /// The media type.
            "MediaType" media_type: String,
            /// The operation (update...).
            "OperateMode" operate_mode: String,
            /// What changed (a JSON string).
            "MediaContent" media_content: Embedded,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// The custom parameters (a JSON string).
            "Extend" extend: Embedded,
        }
    }
}

event_family! {
    /// The typed body of a VOD event, by event type.
    VodBody {
        FileUploadComplete(VodFileUploadComplete) = "FileUploadComplete";
        ImageUploadComplete(VodImageUploadComplete) = "ImageUploadComplete";
        StreamTranscodeComplete(VodStreamTranscodeComplete) = "StreamTranscodeComplete";
        TranscodeComplete(VodTranscodeComplete) = "TranscodeComplete";
        SnapshotComplete(VodSnapshotComplete) = "SnapshotComplete";
        DynamicImageComplete(VodDynamicImageComplete) = "DynamicImageComplete";
        AddLiveRecordVideoComplete(VodAddLiveRecordVideoComplete) = "AddLiveRecordVideoComplete";
        LiveRecordVideoComposeStart(VodLiveRecordVideoComposeStart) = "LiveRecordVideoComposeStart";
        UploadByUrlComplete(VodUploadByUrlComplete) = "UploadByURLComplete";
        CreateAuditComplete(VodCreateAuditComplete) = "CreateAuditComplete";
        AiMediaAuditComplete(VodAiJobComplete) = "AIMediaAuditComplete";
        AiMediaDNAComplete(VodAiJobComplete) = "AIMediaDNAComplete";
        AiVideoTagComplete(VodAiJobComplete) = "AIVideoTagComplete";
        VideoAnalysisComplete(VodVideoAnalysisComplete) = "VideoAnalysisComplete";
        AttachedMediaUploadComplete(VodAttachedMediaUploadComplete) = "AttachedMediaUploadComplete";
        ProduceMediaComplete(VodProduceMediaComplete) = "ProduceMediaComplete";
        DeleteMediaComplete(VodDeleteMediaComplete) = "DeleteMediaComplete";
        MediaBaseChangeComplete(VodMediaBaseChangeComplete) = "MediaBaseChangeComplete";
    }
}

/// A VOD event: `EventType`, `EventTime`, and the typed rest of the body.
#[derive(Clone, Debug, PartialEq)]
pub struct VodEvent {
    /// `EventType`.
    pub event_type: String,
    /// `EventTime` as sent.
    pub event_time: String,
    /// The other fields, typed.
    pub body: VodBody,
}

impl VodEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> VodEvent {
        let mut m = super::object(value);
        VodEvent {
            event_type: take_string(&mut m, "EventType"),
            event_time: take_string(&mut m, "EventTime"),
            body: VodBody::from_normalised(event_type, Value::Object(m)),
        }
    }
}
