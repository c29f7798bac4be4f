//! Cloudflare Stream webhooks: the video object itself (`uid`, `readyToStream`, `status`,
//! `meta`, `playback`...), sent when a video has finished processing or failed. The body names
//! no event type: mediahook names it by `status.state`, `video.ready` or `video.error` (any
//! other state is kept as sent, under `video.<state>`).

#[cfg(feature = "typed")]
use serde_json::Value;

use super::family::event_family;
use super::record::record;

/// The prefix of the event types mediahook gives Stream's notifications.
pub(crate) const TYPE_PREFIX: &str = "video.";
/// Where the state that names the type sits.
pub(crate) const STATE_PATH: [&str; 2] = ["status", "state"];

record! {
    /// The processing status.
    StreamStatus {
        required {
            /// `ready` when every quality level is encoded; `error` when processing failed.
            "state" state: String,
        }
        optional {
            /// How much of the processing is done, in percent (sent as a string).
            "pctComplete" pct_complete: f64,
            /// Why processing failed (`ERR_NON_VIDEO`, `ERR_MALFORMED_VIDEO`...); also sent as
            /// `errReasonCode`.
            "errorReasonCode" ("errReasonCode") error_reason_code: String,
            /// The failure, in words; also sent as `errReasonText`.
            "errorReasonText" ("errReasonText") error_reason_text: String,
            /// The processing step that failed (e.g. `encoding`).
            "step" step: String,
        }
    }
}

record! {
    /// The input's dimensions.
    StreamInput {
        required {}
        optional {
            /// Width in pixels.
            "width" width: i64,
            /// Height in pixels.
            "height" height: i64,
        }
    }
}

record! {
    /// Where the video plays.
    StreamPlayback {
        required {}
        optional {
            /// The HLS manifest URL.
            "hls" hls: String,
            /// The DASH manifest URL.
            "dash" dash: String,
        }
    }
}

record! {
    /// A Stream video, as the notification carries it.
    StreamVideo {
        required {
            /// The video's id.
            "uid" uid: String,
            /// The processing status.
            "status" status: StreamStatus,
        }
        optional {
            /// Whether at least one quality level is ready to stream.
            "readyToStream" ready_to_stream: bool,
            /// When it became ready to stream.
            "readyToStreamAt" ready_to_stream_at: String,
            /// The creator id given at upload.
            "creator" creator: String,
            /// The thumbnail URL.
            "thumbnail" thumbnail: String,
            /// Where in the video the thumbnail is taken (0 to 1).
            "thumbnailTimestampPct" thumbnail_timestamp_pct: f64,
            /// Metadata given at upload (`name`, `filename`...), kept as sent.
            "meta" meta: serde_json::Value,
            /// When the video record was created.
            "created" created: String,
            /// When it was last modified.
            "modified" modified: String,
            /// When the upload finished.
            "uploaded" uploaded: String,
            /// Until when a direct upload URL was valid.
            "uploadExpiry" upload_expiry: String,
            /// The file's size in bytes.
            "size" size: i64,
            /// The watch page URL.
            "preview" preview: String,
            /// Origins allowed to embed the video.
            "allowedOrigins" allowed_origins: Vec<String>,
            /// Whether playback needs a signed URL.
            "requireSignedURLs" require_signed_urls: bool,
            /// The upload's size limit, if one was set.
            "maxSizeBytes" max_size_bytes: i64,
            /// The upload's duration limit, if one was set.
            "maxDurationSeconds" max_duration_seconds: i64,
            /// The duration in seconds (-1 while unknown).
            "duration" duration: f64,
            /// The input's dimensions.
            "input" input: StreamInput,
            /// Where the video plays.
            "playback" playback: StreamPlayback,
            /// The watermark profile applied, kept as sent.
            "watermark" watermark: serde_json::Value,
            /// The live input a recording came from.
            "liveInput" live_input: String,
            /// The video a clip was cut from.
            "clippedFrom" clipped_from: String,
            /// When the video is scheduled to be deleted.
            "scheduledDeletion" scheduled_deletion: String,
        }
    }
}

event_family! {
    /// A Stream notification's video, by the type mediahook names it.
    StreamBody {
        Ready(StreamVideo) = "video.ready";
        Error(StreamVideo) = "video.error";
    }
}

/// A Cloudflare Stream notification.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEvent {
    /// `video.ready` or `video.error` (see the module docs).
    pub event_type: String,
    /// The video.
    pub body: StreamBody,
}

#[cfg(feature = "typed")]
impl StreamEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> StreamEvent {
        StreamEvent { event_type: event_type.to_owned(), body: StreamBody::from_normalised(event_type, value) }
    }
}
