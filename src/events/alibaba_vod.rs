//! Alibaba Cloud ApsaraVideo VOD events: flat bodies (`EventTime`, `EventType`, then the
//! event's fields at the top level). Only `EventType` and `EventTime` are required: the
//! provider's own samples omit fields its tables list (`Status`, `VideoId`), and a genuine
//! callback must never be refused. Unknown fields are kept.

#[cfg(feature = "typed")]
use serde_json::Value;

use super::family::event_family;
use super::record::record;
use super::schema::Embedded;
#[cfg(feature = "typed")]
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
            "Encrypt" encrypt: bool,
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
            /// The codec (current docs).
            "Codec" codec: String,
            /// The encryption type (current docs).
            "EncryptType" encrypt_type: String,
            /// The watermark IDs, comma-separated (current docs).
            "WatermarkId" watermark_id: String,
            /// Whether the stream is audio only (current docs).
            "IsAudio" is_audio: bool,
            /// When transcoding started, UTC (current docs).
            "StartTime" start_time: String,
            /// When transcoding finished, UTC (current docs).
            "FinishTime" finish_time: String,
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
            "Encrypt" encrypt: bool,
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
            /// The codec (current docs).
            "Codec" codec: String,
            /// The encryption type (current docs).
            "EncryptType" encrypt_type: String,
            /// The watermark IDs, comma-separated (current docs).
            "WatermarkId" watermark_id: String,
            /// Whether the stream is audio only (current docs).
            "IsAudio" is_audio: bool,
            /// When transcoding started, UTC (current docs).
            "StartTime" start_time: String,
            /// When transcoding finished, UTC (current docs).
            "FinishTime" finish_time: String,
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
            "SnapshotInfos" snapshot_infos: Vec<VodSnapshotInfo>,
            /// The error code, on failure.
            "ErrorCode" error_code: String,
            /// The error message, on failure.
            "ErrorMessage" error_message: String,
            /// `SpecifiedTime` for SubmitSnapshotJob snapshots.
            "SubType" sub_type: String,
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
            /// The job ID.
            "JobId" job_id: String,
            /// The animated image (a JSON string in the docs' sample, or the object).
            "DynamicImageJobInfo" dynamic_image_job_info: Embedded<VodDynamicImageJobInfo>,
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
            /// `Stream` for a pulled transcoded stream.
            "FileType" file_type: String,
            /// The OSS URL of a pulled transcoded stream.
            "StreamFileURL" stream_file_url: String,
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
            /// The media ID (the docs' table has no VideoId).
            "MediaId" media_id: String,
            /// `video`.
            "SubType" sub_type: String,
            /// When the review was created, UTC.
            "CreationTime" creation_time: String,
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
            /// When the job completed, UTC (AIMediaDNAComplete, current docs).
            "CompleteTime" complete_time: String,
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
            /// The media ID.
            "MediaId" media_id: String,
            /// The deleted streams' job IDs (DeleteType `stream`).
            "JobIds" job_ids: String,
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
            "MediaContent" media_content: Embedded<super::alibaba_ims::MediaContentChange>,
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
    /// One snapshot set of a SnapshotComplete.
    VodSnapshotInfo {
        required {}
        optional {
            /// success or fail.
            "Status" status: String,
            /// CoverSnapshot, NormalSnapshot or SpriteSnapshot.
            "SnapshotType" snapshot_type: String,
            /// How many snapshots.
            "SnapshotCount" snapshot_count: i64,
            /// The path template, with a `{SnapshotCount}` placeholder.
            "SnapshotFormat" snapshot_format: String,
            /// The URL template.
            "SnapshotRegular" snapshot_regular: String,
            /// The job ID.
            "JobId" job_id: String,
        }
    }
}

record! {
    /// The animated image of a DynamicImageComplete.
    VodDynamicImageJobInfo {
        required {}
        optional {
            /// The job ID.
            "JobId" job_id: String,
            /// success or fail.
            "Status" status: String,
            /// The image URL.
            "FileURL" file_url: String,
            /// The size in bytes.
            "FileSize" file_size: i64,
            /// The frame rate.
            "Fps" fps: f64,
            /// The height.
            "Height" height: i64,
            /// The width.
            "Width" width: i64,
        }
    }
}

record! {
    /// UpdateMediaStorageClassComplete: a media asset's storage class changed.
    VodUpdateMediaStorageClassComplete {
        required {}
        optional {
            /// Success or Failed.
            "Status" status: String,
            /// The media ID.
            "MediaId" media_id: String,
            /// All or SourceFile.
            "Scope" scope: String,
            /// Standard, IA, Archive or ColdArchive.
            "StorageClass" storage_class: String,
            /// LifeCycle or API.
            "TriggerBy" trigger_by: String,
            /// The error code.
            "ErrorCode" error_code: String,
            /// The error message.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// RestoreMediaComplete: an archived media asset is restored.
    VodRestoreMediaComplete {
        required {}
        optional {
            /// Success or Failed.
            "Status" status: String,
            /// The media ID.
            "MediaId" media_id: String,
            /// Until when the restored copy is readable, UTC.
            "RestoreExpiration" restore_expiration: String,
            /// The error code.
            "ErrorCode" error_code: String,
            /// The error message.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// SubmitMediaRefreshComplete: a CDN refresh or preload of a media asset's URLs is done.
    VodSubmitMediaRefreshComplete {
        required {}
        optional {
            /// success or fail.
            "Status" status: String,
            /// The refresh job ID.
            "MediaRefreshJobId" media_refresh_job_id: String,
            /// The media ID.
            "MediaId" media_id: String,
            /// Refresh or Preload.
            "TaskType" task_type: String,
            /// The refreshed playback URLs, comma-separated.
            "SuccessPlayUrls" success_play_urls: String,
            /// The CDN task IDs, comma-separated, one per URL.
            "TaskIds" task_ids: String,
            /// The request's filter parameters (a JSON string).
            "FilterPolicy" filter_policy: Embedded,
            /// The custom parameters.
            "Extend" extend: Embedded,
            /// The error code.
            "ErrorCode" error_code: String,
            /// The error message.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// WorkflowTaskComplete: a new-version workflow task is done.
    VodWorkflowTaskComplete {
        required {}
        optional {
            /// The workflow ID.
            "WorkflowId" workflow_id: String,
            /// Succeed or Failed.
            "Status" status: String,
            /// The video ID.
            "VideoId" video_id: String,
            /// The task ID.
            "TaskId" task_id: String,
            /// The result of each activity, by activity ID (a JSON string).
            "ActivityResults" activity_results: Embedded,
            /// The task's input (a JSON string).
            "TaskInput" task_input: Embedded,
            /// When the task was created, UTC.
            "CreateTime" create_time: String,
            /// When it last changed, UTC.
            "ModifiedTime" modified_time: String,
            /// When it finished, UTC.
            "FinishTime" finish_time: String,
            /// The account ID (a string here).
            "UserId" user_id: String,
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
        UpdateMediaStorageClassComplete(VodUpdateMediaStorageClassComplete) = "UpdateMediaStorageClassComplete";
        RestoreMediaComplete(VodRestoreMediaComplete) = "RestoreMediaComplete";
        SubmitMediaRefreshComplete(VodSubmitMediaRefreshComplete) = "SubmitMediaRefreshComplete";
        WorkflowTaskComplete(VodWorkflowTaskComplete) = "WorkflowTaskComplete";
    }
}

/// A VOD event: `EventType`, `EventTime`, and the typed rest of the body.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct VodEvent {
    /// `EventType`.
    pub event_type: String,
    /// `EventTime` as sent.
    pub event_time: String,
    /// The other fields, typed.
    pub body: VodBody,
}

#[cfg(feature = "typed")]
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
