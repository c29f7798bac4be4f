//! Alibaba Cloud ApsaraVideo Live callbacks. Stream publish/unpublish callbacks arrive as GETs
//! whose query is the event (`action=publish&app=...&appname=...&id=...&time=...`); recording
//! and snapshot callbacks arrive as POSTed JSON. The event type is `action` for stream
//! callbacks, `event` when the body names one, `RecordFileCreated` for a recording-file body
//! (`uri` + `duration`), which names none, and `on_demand_record` for the on-demand recording
//! query (a GET with `domain`, `app`, `stream`), which expects an answer.

use serde_json::Value;

use super::family::event_family;
use super::record::record;
use super::schema::Record;
use crate::verify::request::query_pairs;

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
            "push_args" push_args: serde_json::Value,
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
    /// A live snapshot was taken. Alibaba's docs do not publish this body's fields: beyond the
    /// stream's names, everything is kept as sent, untyped.
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
        }
    }
}

record! {
    /// On-demand recording: Alibaba asks, with a GET whose query is this record, whether to
    /// record a stream that just arrived, and reads the answer (`{"NeedRecord": true, ...}`)
    /// from the response body. The worker relays the origin's answer (see the README).
    OnDemandRecordQuery {
        required {}
        optional {
            /// The streaming domain.
            "domain" domain: String,
            /// The application name.
            "app" app: String,
            /// The stream name.
            "stream" stream: String,
            /// h264 or h265.
            "codec" codec: String,
            /// The video bitrate in Kbps.
            "vbitrate" vbitrate: i64,
        }
    }
}

/// The event type of an on-demand recording query (it names none itself).
pub const ON_DEMAND_RECORD: &str = "on_demand_record";

event_family! {
    /// The typed body of a Live callback, by event type.
    LiveBody {
        Publish(StreamCallback) = "publish";
        PublishDone(StreamCallback) = "publish_done";
        RecordFileCreated(RecordFileCreated) = "RecordFileCreated";
        OnDemandRecord(OnDemandRecordQuery) = "on_demand_record";
        RecordStarted(RecordStatus) = "record_started";
        RecordPaused(RecordStatus) = "record_paused";
        RecordResumed(RecordStatus) = "record_resumed";
        Snapshot(SnapshotCreated) = "snapshot";
    }
}

/// A Live callback.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEvent {
    /// The event type (see the module docs).
    pub event_type: String,
    /// The typed body (all fields, including those the type is read from).
    pub body: LiveBody,
}

/// A GET callback's query as a JSON object of strings (percent-decoded).
///
/// Alibaba does not percent-encode `usrargs` (the client's own ingest query), so its `&k=v`
/// pairs arrive as top-level parameters: pairs after `usrargs` that are not stream-callback
/// parameters are put back into it.
pub(crate) fn query_object(url: &str) -> Value {
    let known = |k: &str| StreamCallback::SCHEMA.fields.iter().any(|f| f.name == k.trim());
    let mut out = serde_json::Map::new();
    let mut in_usrargs = false;
    for (k, v) in query_pairs(url) {
        let (key, value) = (decode(k), decode(v));
        if in_usrargs && !known(&key) {
            if let Some(Value::String(args)) = out.get_mut("usrargs") {
                args.push('&');
                args.push_str(&key);
                args.push('=');
                args.push_str(&value);
                continue;
            }
        }
        in_usrargs = key == "usrargs";
        out.insert(key, Value::String(value));
    }
    Value::Object(out)
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

#[cfg(feature = "typed")]
impl LiveEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> LiveEvent {
        LiveEvent { event_type: event_type.to_owned(), body: LiveBody::from_normalised(event_type, value) }
    }
}
