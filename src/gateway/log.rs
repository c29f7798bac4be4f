//! The worker's log lines, one JSON object each: one per callback ([`LogLine`]), one per
//! delivery attempt ([`super::delivery::DeliveryLog`]), and the operator's warnings
//! ([`Notice`]). Never a key, a secret or a body.

use serde::Serialize;

/// What became of a request, as its log line says (stable names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The runtime failed before the request was decided (answered 500).
    #[default]
    Error,
    /// Accepted into the delivery queue.
    Queued,
    /// Delivered while the provider waited (direct mode).
    Forwarded,
    /// Left out by `FORWARD_EVENT_TYPES`.
    Filtered,
    /// Kept as a dead letter (unknown or invalid type).
    DeadLettered,
    /// Already accepted before.
    Duplicate,
    /// Another request is accepting the same event.
    InFlight,
    /// Refused (the code says why).
    Rejected,
    /// No such route, or the provider is not enabled.
    NotFound,
    /// The method is not one the route answers.
    MethodNotAllowed,
    /// The configuration is invalid.
    BadConfig,
    /// `GET /healthz`.
    Health,
    /// The duplicate guard or the dead letters could not be reached.
    StorageFailed,
    /// The queue did not take the event.
    QueueFailed,
    /// The origin answered with an error (direct mode, on-demand answers).
    OriginFailed,
    /// The origin did not answer in time.
    OriginTimeout,
    /// An on-demand recording query answered with the origin's answer.
    Answered,
    /// An admin API call.
    Admin,
    /// An admin API call without the right token.
    Unauthorized,
}

/// One structured log line per callback. Never a key, never the body.
#[derive(Debug, Default, Serialize)]
pub struct LogLine {
    /// Always `"callback"`.
    pub msg: &'static str,
    /// Provider id, when the route named one.
    pub provider: Option<&'static str>,
    /// Event type, once parsed.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Event id, once parsed.
    pub id: Option<String>,
    /// What became of the request.
    pub outcome: Outcome,
    /// Error or filter code.
    pub code: Option<&'static str>,
    /// The status answered to the caller.
    pub status: u16,
    /// The origin's status, when it answered.
    pub origin_status: Option<u16>,
    /// Which key matched, when verified.
    pub key_index: Option<usize>,
    /// Milliseconds spent.
    pub duration_ms: u64,
    /// Bytes of the body the worker read (for an oversized upload: where it stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_bytes: Option<u64>,
    /// Durable Object requests made before answering (queue mode: none, unless the event was
    /// too large for a queue message or is kept as a dead letter).
    #[serde(skip_serializing_if = "is_zero")]
    pub store_requests: u32,
    /// The runtime's own words when the origin could not be reached (clipped; for the
    /// operator only, never sent to the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl LogLine {
    /// A callback's line, before anything is known.
    pub fn callback() -> LogLine {
        LogLine { msg: "callback", ..LogLine::default() }
    }

    /// The line as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A line for the operator beside the request lines.
#[derive(Debug, Serialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum Notice<'a> {
    /// A write to the guard or the dead letters failed where nothing waits for it (a settle,
    /// a release, a delete): the event is safe, but may be delivered twice or linger.
    StorageError {
        /// What was being done: `settle`, `settle_batch`, `claim_batch`, `release`,
        /// `get_body`, `delete_body`, `delete_letter`, `mark`, `put_letter`.
        op: &'static str,
        /// The event id.
        id: &'a str,
        /// The runtime's words (clipped).
        error: String,
    },
    /// More distinct events arrived under one signature than `SIGNATURE_REUSE_WARN`.
    SignatureReuse {
        /// The signature's identity (see [`super::signature_id`]).
        signature: &'a str,
        /// Distinct events seen under it.
        distinct_events: i64,
        /// The configured threshold.
        threshold: i64,
    },
    /// A provider's dead letters are near a cap (`stored`), or past it and a new one was refused
    /// (the provider is answered 503 and retries; the consumer retries its message).
    DeadLetters {
        /// The provider.
        provider: &'a str,
        /// Whether this letter was kept.
        stored: bool,
        /// The provider's letters, counting this one.
        letters: i64,
        /// Their bodies' bytes, counting this one.
        bytes: i64,
    },
    /// A configuration that works but should be changed.
    ConfigWarning {
        /// What to change (names variables and positions, never values).
        warning: &'a str,
    },
}

impl Notice<'_> {
    /// The line as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
