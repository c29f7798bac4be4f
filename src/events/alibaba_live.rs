//! Alibaba Cloud ApsaraVideo Live callbacks. Stream publish/unpublish callbacks arrive as GETs
//! whose query is the event (`action=publish&app=...&appname=...&id=...&time=...`); recording
//! and snapshot callbacks arrive as POSTed JSON. The event type is `action` for stream
//! callbacks, `event` when the body names one, and `RecordFileCreated` for a recording-file
//! body (`uri` + `duration`), which names none.

use serde_json::Value;

use super::family::event_family;
use super::record::record;
use crate::request::query_pairs;

record! {
    /// `publish` / `publish_done`: a stream started or stopped being pushed.
    StreamCallback {
        required {
            /// publish or publish_done.
            "action" action: String,
            /// The stream name.
            "id" id: String,
        }
        optional {
            /// The ingest domain (or app name, by configuration).
            "app" app: String,
            /// The application name.
            "appname" appname: String,
            /// The client IP.
            "ip" ip: String,
            /// UNIX time of the event.
            "time" time: i64,
            /// The user parameters of the push URL.
            "usrargs" usrargs: String,
            /// The CDN node.
            "node" node: String,
            /// The stream height in pixels.
            "height" height: i64,
            /// The stream width in pixels.
            "width" width: i64,
        }
    }
}

record! {
    /// A recording file was created (POST JSON).
    RecordFileCreated {
        required {
            /// The OSS path of the file.
            "uri" uri: String,
            /// The duration in seconds.
            "duration" duration: f64,
        }
        optional {
            /// The streaming domain.
            "domain" domain: String,
            /// The application name.
            "app" app: String,
            /// The stream name.
            "stream" stream: String,
            /// UNIX time the recording started.
            "start_time" start_time: i64,
            /// UNIX time the recording stopped.
            "stop_time" stop_time: i64,
            /// The push arguments.
            "push_args" push_args: String,
        }
    }
}

record! {
    /// A recording status event (record_started, record_paused, record_resumed...).
    RecordStatus {
        required {
            /// The status event.
            "event" event: String,
        }
        optional {
            /// The streaming domain.
            "domain" domain: String,
            /// The application name.
            "app" app: String,
            /// The stream name.
            "stream" stream: String,
        }
    }
}

record! {
    /// A live snapshot was written to OSS.
    SnapshotCreated {
        required {
            /// Always `snapshot`.
            "event" event: String,
        }
        optional {
            /// The streaming domain.
            "domain" domain: String,
            /// The application name.
            "app" app: String,
            /// The stream name.
            "stream" stream: String,
            /// The OSS bucket.
            "OssBucket" oss_bucket: String,
            /// The OSS endpoint.
            "OssEndpoint" oss_endpoint: String,
            /// The OSS object.
            "OssObject" oss_object: String,
            /// When the snapshot was taken.
            "CreateTime" create_time: String,
        }
    }
}

event_family! {
    /// The typed body of a Live callback, by event type.
    LiveBody {
        Publish(StreamCallback) = "publish";
        PublishDone(StreamCallback) = "publish_done";
        RecordFileCreated(RecordFileCreated) = "RecordFileCreated";
        RecordStarted(RecordStatus) = "record_started";
        RecordPaused(RecordStatus) = "record_paused";
        RecordResumed(RecordStatus) = "record_resumed";
        Snapshot(SnapshotCreated) = "snapshot";
    }
}

/// A Live callback.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEvent {
    /// The event type (see the module docs).
    pub event_type: String,
    /// The typed body (all fields, including those the type is read from).
    pub body: LiveBody,
}

/// A GET callback's query as a JSON object of strings (percent-decoded).
pub(crate) fn query_object(url: &str) -> Value {
    Value::Object(query_pairs(url).map(|(k, v)| (decode(k), Value::String(decode(v)))).collect())
}

/// Percent-decoding (and `+` as space) of a query component; invalid escapes stay as written.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            // Only `%` and two hex digits is an escape (`%+1` is not `%01`).
            b'%' if i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                out.push(hex_digit(b[i + 1]) << 4 | hex_digit(b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => (c | 0x20) - b'a' + 10,
    }
}

impl LiveEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> LiveEvent {
        LiveEvent { event_type: event_type.to_owned(), body: LiveBody::from_normalised(event_type, value) }
    }
}
