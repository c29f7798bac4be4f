//! Alibaba Cloud Intelligent Media Services: the 29 callback events of the IMS event list.
//! Field names, types and required-ness follow the provider's tables; a field is required only
//! where the table says so and every sample has it.

#[cfg(feature = "typed")]
use serde_json::Map;
use serde_json::Value;

use super::family::event_family;
use super::record::record;
use super::schema::{Embedded, Id64};
#[cfg(feature = "typed")]
use super::{take, take_string};

record! {
    /// FileUploadComplete, ImageUploadComplete, AttachedMediaUploadComplete: a file is uploaded.
    UploadComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The media asset type (video, audio, image, text...).
            "MediaType" media_type: String,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// The file size in bytes.
            "Size" size: i64,
            /// The application ID.
            "AppId" app_id: String,
            /// Success or Fail.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// UploadByURLComplete: a file is uploaded from a URL.
    UploadByUrlComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The media asset type.
            "MediaType" media_type: String,
            /// The source file URL.
            "SourceURL" source_url: String,
            /// The task ID.
            "JobId" job_id: String,
            /// The application ID.
            "AppId" app_id: String,
            /// Success or Fail.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// RegisterStreamComplete, StreamUploadComplete: a media stream is registered or uploaded.
    StreamComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// Success or Fail.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// UploadStreamByURLComplete: a media stream is uploaded from a URL.
    UploadStreamByUrlComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The source file URL.
            "SourceURL" source_url: String,
            /// The job ID.
            "JobId" job_id: String,
            /// Success or Fail.
            "Status" status: String,
        }
        optional {
            /// The user data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// CreateAuditComplete: a manual review is complete.
    CreateAuditComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The review result (Normal, Blocked...).
            "AuditStatus" audit_status: String,
            /// The reviewer.
            "Auditor" auditor: String,
            /// The reason for the result.
            "Reason" reason: String,
            /// The reviewer's comment.
            "Comment" comment: String,
            /// When the review task was created (UTC).
            "CreationTime" creation_time: String,
            /// The review task's state.
            "Status" status: String,
        }
        optional {}
    }
}

record! {
    /// RegisterMediaComplete: a media asset is registered.
    RegisterMediaComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The registration task's status.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
            /// The error code if the task failed.
            "ErrorCode" error_code: String,
            /// The error message if the task failed.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// DeleteMediaComplete: a media asset is deleted.
    DeleteMediaComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The deletion task's status.
            "Status" status: String,
            /// What was deleted (all, ...).
            "DeleteType" delete_type: String,
        }
        optional {
            /// The deleted file URLs (present for some delete types).
            "FileURLs" file_urls: String,
            /// The error code.
            "ErrorCode" error_code: String,
            /// The error message.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// One changed value: `{"OldValue", "NewValue"}`.
    ValueChange {
        required {}
        optional {
            /// The value before the change.
            "OldValue" old_value: Value,
            /// The value after the change.
            "NewValue" new_value: Value,
        }
    }
}

record! {
    /// The basic information changed by MediaBaseChangeComplete; each entry is itself a JSON
    /// document in a string.
    MediaContentChange {
        required {}
        optional {
            /// The title change.
            "Title" title: Embedded<ValueChange>,
            /// The description change.
            "Description" description: Embedded<ValueChange>,
            /// The thumbnail URL change.
            "CoverURL" cover_url: Embedded<ValueChange>,
            /// The category ID change.
            "CateId" cate_id: Embedded<ValueChange>,
            /// The tags change.
            "Tags" tags: Embedded<ValueChange>,
        }
    }
}

record! {
    /// MediaBaseChangeComplete: a media asset's basic information is updated.
    MediaBaseChangeComplete {
        required {
            /// The update task's status.
            "Status" status: String,
            /// The media type.
            "MediaType" media_type: String,
            /// The media ID.
            "MediaId" media_id: String,
            /// The operation (update, ...).
            "OperateMode" operate_mode: String,
            /// What changed.
            "MediaContent" media_content: Embedded<MediaContentChange>,
        }
        optional {}
    }
}

record! {
    /// WorkflowTaskComplete: a workflow task is complete.
    WorkflowTaskComplete {
        required {
            /// The workflow task input.
            "TaskInput" task_input: Embedded,
            /// The workflow task ID.
            "TaskId" task_id: String,
            /// The workflow ID.
            "WorkflowId" workflow_id: String,
            /// The task's status (Succeed, Fail...).
            "Status" status: String,
            /// When the task was created (UTC).
            "CreateTime" create_time: String,
        }
        optional {}
    }
}

record! {
    /// The analysis result of VideoAnalysisComplete.
    MetaInfo {
        required {
            /// The duration in seconds.
            "Duration" duration: f64,
            /// The height in pixels.
            "Height" height: i64,
            /// The width in pixels.
            "Width" width: i64,
            /// The bitrate in Kbps.
            "Bitrate" bitrate: f64,
            /// The size in bytes.
            "Size" size: i64,
            /// The frame rate.
            "Fps" fps: f64,
        }
        optional {}
    }
}

record! {
    /// VideoAnalysisComplete: audio or video analysis is complete.
    VideoAnalysisComplete {
        required {
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The file URL.
            "FileUrl" ("FileURL") file_url: String,
            /// Success or Fail.
            "Status" status: String,
            /// The analysis result.
            "MetaInfo" meta_info: MetaInfo,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// SnapshotComplete: video snapshotting is complete.
    SnapshotComplete {
        required {
            /// The task ID.
            "JobId" job_id: String,
            /// What triggered the task (API, Console, Workflow...).
            "TriggerSource" trigger_source: String,
            /// The task name.
            "Name" name: String,
            /// The snapshot type (Normal, Sprite...).
            "Type" snapshot_type: String,
            /// The task input.
            "Input" input: Embedded,
            /// The task output.
            "Output" output: Embedded,
            /// The number of snapshots.
            "Count" count: i64,
            /// The task parameters.
            "TemplateConfig" template_config: Embedded,
            /// The template ID.
            "TemplateId" template_id: String,
            /// When the task was submitted (UTC).
            "SubmitTime" submit_time: String,
            /// When the task finished (UTC).
            "FinishTime" finish_time: String,
            /// The task status.
            "Status" status: String,
        }
        optional {
            /// The pipeline ID.
            "PipelineId" pipeline_id: String,
            /// The user-defined data.
            "UserData" user_data: Embedded,
            /// The error code if the task failed.
            "ErrorCode" error_code: String,
            /// The error message if the task failed.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// DynamicImageComplete: a dynamic image (GIF...) is generated.
    DynamicImageComplete {
        required {
            /// The task ID.
            "JobId" job_id: String,
            /// What triggered the task.
            "TriggerSource" trigger_source: String,
            /// The task name.
            "Name" name: String,
            /// The task input.
            "Input" input: Embedded,
            /// The task output.
            "Output" output: Embedded,
            /// The task parameters.
            "TemplateConfig" template_config: Embedded,
            /// The template ID.
            "TemplateId" template_id: String,
            /// When the task was submitted (UTC).
            "SubmitTime" submit_time: String,
            /// When the task finished (UTC).
            "FinishTime" finish_time: String,
            /// The task status.
            "Status" status: String,
        }
        optional {
            /// The pipeline ID.
            "PipelineId" pipeline_id: String,
            /// The user-defined data.
            "UserData" user_data: Embedded,
            /// The error code if the task failed.
            "ErrorCode" error_code: String,
            /// The error message if the task failed.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// `fileBasicInfo` of an output file.
    FileBasicInfo {
        required {}
        optional {
            /// The file name.
            "fileName" file_name: String,
            /// The file size in bytes.
            "fileSize" file_size: i64,
            /// The file status.
            "fileStatus" file_status: String,
            /// The file type (transcode_file...).
            "fileType" file_type: String,
            /// The file URL.
            "fileUrl" file_url: String,
            /// The container format names.
            "formatName" format_name: String,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The bitrate in Kbps.
            "bitrate" bitrate: f64,
            /// The width in pixels.
            "width" width: i64,
            /// The height in pixels.
            "height" height: i64,
            /// The storage region.
            "region" region: String,
            /// The media ID.
            "mediaId" media_id: String,
            /// The creation time.
            "createTime" create_time: String,
        }
    }
}

record! {
    /// One video stream of an output file (the provider mixes snake_case and camelCase here).
    VideoStreamInfo {
        required {}
        optional {
            /// The stream index.
            "index" index: i64,
            /// The codec name.
            "codec_name" codec_name: String,
            /// The codec's long name.
            "codec_long_name" codec_long_name: String,
            /// The codec profile.
            "profile" profile: String,
            /// The codec time base.
            "codec_time_base" codec_time_base: String,
            /// The codec tag as text.
            "codec_tag_string" codec_tag_string: String,
            /// The codec tag.
            "codec_tag" codec_tag: String,
            /// The width in pixels.
            "width" width: i64,
            /// The height in pixels.
            "height" height: i64,
            /// Whether (how many) B-frames are used.
            "has_b_frames" has_b_frames: i64,
            /// The sample aspect ratio.
            "sar" sar: String,
            /// The display aspect ratio.
            "dar" dar: String,
            /// The pixel format.
            "pixFmt" pix_fmt: String,
            /// The codec level.
            "level" level: String,
            /// The frame rate.
            "fps" fps: f64,
            /// The average frame rate.
            "avg_fps" avg_fps: f64,
            /// The time base.
            "time_base" time_base: String,
            /// The start time in seconds.
            "start_time" start_time: f64,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The bitrate in Kbps.
            "bit_rate" bit_rate: f64,
            /// The number of frames.
            "numFrames" num_frames: i64,
            /// The language.
            "lang" lang: String,
            /// The rotation in degrees.
            "rotate" rotate: String,
            /// The job that produced it.
            "jobId" job_id: String,
        }
    }
}

record! {
    /// One audio stream of an output file.
    AudioStreamInfo {
        required {}
        optional {
            /// The stream index.
            "index" index: i64,
            /// The codec name.
            "codecName" codec_name: String,
            /// The codec's long name.
            "codecLongName" codec_long_name: String,
            /// The codec time base.
            "codecTimeBase" codec_time_base: String,
            /// The codec tag as text.
            "codecTagString" codec_tag_string: String,
            /// The codec tag.
            "codecTag" codec_tag: String,
            /// The codec profile.
            "profile" profile: String,
            /// The sample format.
            "sampleFmt" sample_fmt: String,
            /// The sample rate in Hz.
            "sampleRate" sample_rate: i64,
            /// The number of channels.
            "channels" channels: i64,
            /// The channel layout.
            "channelLayout" channel_layout: String,
            /// The time base.
            "timebase" timebase: String,
            /// The start time in seconds.
            "startTime" start_time: f64,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The bitrate in Kbps.
            "bitrate" bitrate: f64,
            /// The language.
            "lang" lang: String,
            /// The job that produced it.
            "jobId" job_id: String,
        }
    }
}

record! {
    /// One subtitle stream of an output file.
    SubtitleStreamInfo {
        required {}
        optional {
            /// The stream index.
            "index" index: i64,
            /// The codec name.
            "codecName" codec_name: String,
            /// The codec's long name.
            "codecLongName" codec_long_name: String,
            /// The time base.
            "timebase" timebase: String,
            /// The start time in seconds.
            "startTime" start_time: f64,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The language.
            "lang" lang: String,
            /// The job that produced it.
            "jobId" job_id: String,
        }
    }
}

record! {
    /// `playStreamInfo` of an output file (numbers here are sent as numbers or strings).
    PlayStreamInfo {
        required {}
        optional {
            /// The bitrate in Kbps.
            "bitrate" bitrate: f64,
            /// The creation time (UTC).
            "creationTime" creation_time: String,
            /// The definition code.
            "definition" definition: i64,
            /// The duration in seconds.
            "duration" duration: f64,
            /// The encryption flag.
            "encrypt" encrypt: i64,
            /// The file size in bytes.
            "fileSize" file_size: i64,
            /// The file URL.
            "fileUrl" file_url: String,
            /// The format (mp4, m3u8...).
            "format" format: String,
            /// The frame rate.
            "fps" fps: f64,
            /// The height in pixels.
            "height" height: i64,
            /// The width in pixels.
            "width" width: i64,
            /// The job that produced it.
            "jobId" job_id: String,
            /// The state code.
            "state" state: i64,
            /// The transcoding template type code.
            "transTemplateType" trans_template_type: i64,
            /// The stream type code.
            "type" stream_type: i64,
            /// The user ID (64-bit, as a string).
            "userId" user_id: Id64,
        }
    }
}

record! {
    /// `OutFileMeta`: the metadata of an output file.
    FileMeta {
        required {}
        optional {
            /// Container-level information.
            "fileBasicInfo" file_basic_info: FileBasicInfo,
            /// The video streams.
            "videoStreamInfoList" video_stream_info_list: Vec<VideoStreamInfo>,
            /// The audio streams.
            "audioStreamInfoList" audio_stream_info_list: Vec<AudioStreamInfo>,
            /// The subtitle streams.
            "subtitleStreamInfoList" subtitle_stream_info_list: Vec<SubtitleStreamInfo>,
            /// The playable stream's information.
            "playStreamInfo" play_stream_info: PlayStreamInfo,
        }
    }
}

record! {
    /// TranscodeComplete: a transcoding subtask is complete (deprecated by the provider).
    TranscodeComplete {
        required {
            /// The main task ID.
            "ParentJobId" parent_job_id: String,
            /// The subtask ID.
            "JobId" job_id: String,
            /// What triggered the task.
            "TriggerSource" trigger_source: String,
            /// The output file's metadata.
            "OutFileMeta" out_file_meta: FileMeta,
            /// The output file URL.
            "OutputUrl" output_url: String,
            /// When the task finished (UTC).
            "FinishTime" finish_time: String,
            /// The task status.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
            /// The error code if the task failed.
            "ErrorCode" error_code: String,
            /// The error message if the task failed.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// One subtask of TranscodeParentComplete.
    TranscodeSubJob {
        required {
            /// The subtask ID.
            "JobId" job_id: String,
            /// The subtask status.
            "Status" status: String,
        }
        optional {
            /// The output file URL.
            "OutputUrl" output_url: String,
            /// The error code if the subtask failed.
            "ErrorCode" error_code: String,
            /// The error message if the subtask failed.
            "ErrorMessage" error_message: String,
        }
    }
}

record! {
    /// TranscodeParentComplete: the parent transcoding task is complete (deprecated by the provider).
    TranscodeParentComplete {
        required {
            /// The main task ID.
            "ParentJobId" parent_job_id: String,
            /// The subtasks.
            "Jobs" jobs: Vec<TranscodeSubJob>,
            /// What triggered the task.
            "TriggerSource" trigger_source: String,
            /// The task name.
            "Name" name: String,
            /// When the task finished (UTC).
            "FinishTime" finish_time: String,
            /// The final state of the main task.
            "Status" status: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// MediaConvertComplete: a media transcoding job is complete.
    MediaConvertComplete {
        required {
            /// The job ID.
            "JobId" job_id: String,
            /// The job status (Complete, ...).
            "Status" status: String,
            /// What triggered the job.
            "TriggerSource" trigger_source: String,
            /// When the job finished (UTC).
            "FinishTime" finish_time: String,
        }
        optional {
            /// The user data (the table says required; the sample has none).
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// MediaConvertOutputGroupComplete (sent as ApsaraVideoForMediaProcessingOutputGroupComplete
    /// in the provider's sample): an output group of a transcoding job is complete.
    MediaConvertOutputGroupComplete {
        required {
            /// What triggered the job.
            "TriggerSource" trigger_source: String,
            /// The job ID.
            "JobId" job_id: String,
            /// The output group ID.
            "TaskId" task_id: String,
            /// The output group name.
            "Name" name: String,
            /// The output group status.
            "Status" status: String,
        }
        optional {
            /// The user data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// MediaConvertOutputComplete: one output of a transcoding job is complete.
    MediaConvertOutputComplete {
        required {
            /// What triggered the job.
            "TriggerSource" trigger_source: String,
            /// The job ID.
            "JobId" job_id: String,
            /// The output ID.
            "TaskId" task_id: String,
            /// The output name.
            "Name" name: String,
            /// The output status.
            "Status" status: String,
        }
        optional {
            /// The user data.
            "UserData" user_data: Embedded,
            /// The output media ID.
            "MediaId" media_id: String,
            /// The output file URL.
            "OutputUrl" output_url: String,
            /// The output file's metadata.
            "OutFileMeta" out_file_meta: FileMeta,
        }
    }
}

record! {
    /// AIMediaAuditComplete: an AI-powered review is complete.
    AiMediaAuditComplete {
        required {
            /// The job ID.
            "JobId" job_id: String,
            /// The task status.
            "Status" status: String,
            /// The media: the provider's sample sends a JSON document (`{"media", "type"}`) in a
            /// string here; a plain ID stays in `raw`.
            "MediaId" media_id: Embedded,
        }
        optional {}
    }
}

record! {
    /// AIProduceComplete: an AI-powered production task is complete.
    AiProduceComplete {
        required {
            /// The task ID.
            "JobId" job_id: String,
            /// The task state.
            "Status" status: String,
            /// The AI function (Cover, ...).
            "FunctionName" function_name: String,
            /// The generated files.
            "OutputFiles" output_files: Vec<String>,
            /// Extra algorithm output (confidence...).
            "Result" result: Embedded,
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
        optional {}
    }
}

record! {
    /// MediaAiAnalysisComplete: AI analysis of a media asset is complete and saved.
    MediaAiAnalysisComplete {
        required {
            /// Whether the result was stored.
            "Status" status: String,
            /// The AI task's status.
            "JobStatus" job_status: String,
            /// The AI task's type.
            "Type" analysis_type: String,
            /// The media asset ID.
            "MediaId" media_id: String,
        }
        optional {}
    }
}

record! {
    /// ProduceMediaComplete: media production (online editing) is complete.
    ProduceMediaComplete {
        required {
            /// Success or Fail.
            "Status" status: String,
            /// The output media URL.
            "MediaURL" media_url: String,
            /// The media asset ID.
            "MediaId" media_id: String,
            /// The online editing project ID.
            "ProjectId" project_id: String,
            /// The online editing job ID.
            "JobId" job_id: String,
        }
        optional {
            /// The error code if the task failed.
            "ErrorCode" error_code: String,
            /// The error message if the task failed.
            "ErrorMessage" error_message: String,
            /// The user-defined data.
            "UserData" user_data: Embedded,
            /// The main task ID, for a subtask of a batch production.
            "MasterJobId" master_job_id: String,
        }
    }
}

record! {
    /// BatchProduceMediaComplete: a batch intelligent video production job is complete.
    BatchProduceMediaComplete {
        required {
            /// The job status.
            "Status" status: String,
            /// The job ID.
            "JobId" job_id: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// SmartJobComplete: an intelligent task is complete.
    SmartJobComplete {
        required {
            /// The job type (TextToSpeech, ...).
            "JobType" job_type: String,
            /// The job status.
            "Status" status: String,
            /// The job ID.
            "JobId" job_id: String,
            /// When the job was last modified (UTC).
            "ModifiedTime" modified_time: String,
            /// When the job was created (UTC).
            "CreateTime" create_time: String,
        }
        optional {
            /// The user-defined data.
            "UserData" user_data: Embedded,
        }
    }
}

record! {
    /// LiveRecordFileCreated: a live recording file is generated.
    LiveRecordFileCreated {
        required {
            /// The recording duration in seconds.
            "duration" duration: f64,
            /// The recording task ID (UUID).
            "jobId" job_id: String,
            /// The recording file ID (UUID).
            "record_id" record_id: String,
            /// UNIX time the recording started.
            "start_time" start_time: i64,
            /// UNIX time the recording ended.
            "stop_time" stop_time: i64,
            /// The file's path in the OSS bucket.
            "uri" uri: String,
        }
        optional {}
    }
}

record! {
    /// `error_info` of LiveRecordTaskStatus.
    RecordErrorInfo {
        required {
            /// The error code.
            "code" code: String,
            /// The error message.
            "message" message: String,
        }
        optional {}
    }
}

record! {
    /// `file_info` of LiveRecordTaskStatus.
    RecordFileInfo {
        required {
            /// The file path.
            "uri" uri: String,
            /// UNIX time the file starts.
            "start_time" start_time: i64,
            /// UNIX time the file ends.
            "stop_time" stop_time: i64,
        }
        optional {}
    }
}

record! {
    /// LiveRecordTaskStatus: a live recording task's status is updated.
    LiveRecordTaskStatus {
        required {
            /// The recording event (record_started, record_paused...).
            "event" event: String,
            /// The recording task ID (UUID).
            "jobId" job_id: String,
        }
        optional {
            /// The recording session ID.
            "session" session: String,
            /// When the session was created.
            "created" created: String,
            /// The recording error.
            "error_info" error_info: RecordErrorInfo,
            /// The file information.
            "file_info" file_info: RecordFileInfo,
        }
    }
}

record! {
    /// LiveSnapshotFileCreated: a snapshot file is created during live streaming.
    LiveSnapshotFileCreated {
        required {
            /// The snapshot URL.
            "SnapshotUrl" snapshot_url: String,
            /// The task ID (UUID). The table says `jobId`, the sample `JobId`.
            "jobId" ("JobId") job_id: String,
            /// The live stream's input URL.
            "StreamInputUrl" stream_input_url: String,
            /// The OSS bucket.
            "Bucket" bucket: String,
            /// The height in pixels.
            "Height" height: i64,
            /// The width in pixels.
            "Width" width: i64,
            /// The OSS endpoint.
            "Endpoint" endpoint: String,
            /// The OSS object path.
            "Object" object: String,
            /// The file size in bytes.
            "Size" size: i64,
        }
        optional {}
    }
}

event_family! {
    /// The typed `MessageBody` of an IMS event, by event type.
    ImsBody {
        FileUploadComplete(UploadComplete) = "FileUploadComplete";
        UploadByUrlComplete(UploadByUrlComplete) = "UploadByURLComplete";
        ImageUploadComplete(UploadComplete) = "ImageUploadComplete";
        AttachedMediaUploadComplete(UploadComplete) = "AttachedMediaUploadComplete";
        RegisterStreamComplete(StreamComplete) = "RegisterStreamComplete";
        StreamUploadComplete(StreamComplete) = "StreamUploadComplete";
        UploadStreamByUrlComplete(UploadStreamByUrlComplete) = "UploadStreamByURLComplete";
        CreateAuditComplete(CreateAuditComplete) = "CreateAuditComplete";
        RegisterMediaComplete(RegisterMediaComplete) = "RegisterMediaComplete";
        DeleteMediaComplete(DeleteMediaComplete) = "DeleteMediaComplete";
        MediaBaseChangeComplete(MediaBaseChangeComplete) = "MediaBaseChangeComplete";
        WorkflowTaskComplete(WorkflowTaskComplete) = "WorkflowTaskComplete";
        VideoAnalysisComplete(VideoAnalysisComplete) = "VideoAnalysisComplete";
        SnapshotComplete(SnapshotComplete) = "SnapshotComplete";
        DynamicImageComplete(DynamicImageComplete) = "DynamicImageComplete";
        TranscodeComplete(TranscodeComplete) = "TranscodeComplete";
        TranscodeParentComplete(TranscodeParentComplete) = "TranscodeParentComplete";
        MediaConvertComplete(MediaConvertComplete) = "MediaConvertComplete";
        MediaConvertOutputGroupComplete(MediaConvertOutputGroupComplete) =
            "MediaConvertOutputGroupComplete" | "ApsaraVideoForMediaProcessingOutputGroupComplete";
        MediaConvertOutputComplete(MediaConvertOutputComplete) = "MediaConvertOutputComplete";
        AiMediaAuditComplete(AiMediaAuditComplete) = "AIMediaAuditComplete";
        AiProduceComplete(AiProduceComplete) = "AIProduceComplete";
        MediaAiAnalysisComplete(MediaAiAnalysisComplete) = "MediaAiAnalysisComplete";
        ProduceMediaComplete(ProduceMediaComplete) = "ProduceMediaComplete";
        BatchProduceMediaComplete(BatchProduceMediaComplete) = "BatchProduceMediaComplete";
        SmartJobComplete(SmartJobComplete) = "SmartJobComplete";
        LiveRecordFileCreated(LiveRecordFileCreated) = "LiveRecordFileCreated";
        LiveRecordTaskStatus(LiveRecordTaskStatus) = "LiveRecordTaskStatus";
        LiveSnapshotFileCreated(LiveSnapshotFileCreated) = "LiveSnapshotFileCreated";
    }
}

/// An IMS event: the envelope and its typed `MessageBody`.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct ImsEvent {
    /// `EventType`.
    pub event_type: String,
    /// `UserId`: a 64-bit integer, normalised as a decimal string.
    pub user_id: Id64,
    /// `EventTime` as sent (UTC).
    pub event_time: String,
    /// `MessageBody`, typed by event type.
    pub message_body: ImsBody,
    /// Other top-level fields, kept as sent.
    pub extra: Map<String, Value>,
}

#[cfg(feature = "typed")]
impl ImsEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> ImsEvent {
        let mut m = super::object(value);
        ImsEvent {
            event_type: take_string(&mut m, "EventType"),
            user_id: Id64(take_string(&mut m, "UserId").parse().unwrap_or(0)),
            event_time: take_string(&mut m, "EventTime"),
            message_body: ImsBody::from_normalised(event_type, take(&mut m, "MessageBody")),
            extra: m,
        }
    }
}
