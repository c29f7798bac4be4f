//! Durable delivery, free of any runtime: what goes on the queue, how an origin's answer is
//! judged, how long to wait before the next attempt, what a dead letter records, and the
//! admin token. The worker adapter (`edge`) moves these between Cloudflare Queues, Durable
//! Objects and fetch; everything that decides is here and tested natively.

use std::fmt;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// How verified events reach the origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMode {
    /// Accept into a queue, answer the provider 200, deliver with retries (the default).
    Queue,
    /// Forward while the provider waits; its own retries are the only ones.
    Direct,
}

impl DeliveryMode {
    /// `queue` or `direct`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMode::Queue => "queue",
            DeliveryMode::Direct => "direct",
        }
    }
}

/// Retry and retention settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliverySettings {
    /// Queue or direct.
    pub mode: DeliveryMode,
    /// Shortest wait before a retry, in seconds.
    pub retry_min_seconds: u32,
    /// Longest wait before a retry, in seconds.
    pub retry_max_seconds: u32,
    /// Retries after the first attempt before an event becomes a dead letter.
    pub max_retries: u32,
    /// How long an accepted event id is remembered as a duplicate.
    pub dedupe_seconds: u64,
    /// Distinct bodies under one signature above which a warning is logged.
    pub signature_reuse_warn: u32,
    /// How long dead letters are kept, in days.
    pub dead_letter_days: u32,
    /// The most dead letters kept per provider; past it, new ones are refused (503).
    pub dead_letter_max_count: u32,
    /// The most bytes of dead-letter bodies kept per provider; past it, new ones are refused.
    pub dead_letter_max_bytes: u64,
}

/// How long and how many dead letters are kept, per provider (what the store enforces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Days a letter is kept.
    pub days: u32,
    /// Letters per provider.
    pub max_count: u32,
    /// Bytes of bodies per provider.
    pub max_bytes: u64,
}

/// The share of a cap past which every new dead letter logs a warning.
pub const DEAD_LETTER_WARN_PERCENT: u64 = 80;

/// Default shortest retry wait.
pub const DEFAULT_RETRY_MIN_SECONDS: u32 = 10;
/// Default longest retry wait.
pub const DEFAULT_RETRY_MAX_SECONDS: u32 = 3600;
/// Default retries: with the default waits (10 s doubling to 1 h) the 32nd retry comes about
/// 24 hours after the first attempt, so an origin may be down for a day without a loss.
pub const DEFAULT_MAX_RETRIES: u32 = 32;
/// Default duplicate window: a day.
pub const DEFAULT_DEDUPE_SECONDS: u64 = 86_400;
/// Default distinct bodies per signature before a warning.
pub const DEFAULT_SIGNATURE_REUSE_WARN: u32 = 20;
/// Default dead-letter retention.
pub const DEFAULT_DEAD_LETTER_DAYS: u32 = 14;
/// Default cap on dead letters per provider.
pub const DEFAULT_DEAD_LETTER_MAX_COUNT: u32 = 10_000;
/// Default cap on dead-letter bodies per provider: 256 MiB.
pub const DEFAULT_DEAD_LETTER_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The longest delay a Cloudflare Queue accepts on `send`/`retry` (12 h, the older and lower
/// of the documented limits).
pub const MAX_QUEUE_DELAY_SECONDS: u32 = 43_200;
/// A queue message whose JSON (the [`QueuedEvent`], the event JSON escaped inside it) would be
/// longer than this keeps the event JSON in Durable Object storage and carries a reference: a
/// queue message holds 128,000 bytes, and the runtime adds its own metadata.
pub const MAX_QUEUE_MESSAGE_COST: usize = 120_000;
/// Duplicate-guard shards: one Durable Object per leading hex digit of the event id.
pub const GUARD_SHARDS: usize = 16;

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            mode: DeliveryMode::Queue,
            retry_min_seconds: DEFAULT_RETRY_MIN_SECONDS,
            retry_max_seconds: DEFAULT_RETRY_MAX_SECONDS,
            max_retries: DEFAULT_MAX_RETRIES,
            dedupe_seconds: DEFAULT_DEDUPE_SECONDS,
            signature_reuse_warn: DEFAULT_SIGNATURE_REUSE_WARN,
            dead_letter_days: DEFAULT_DEAD_LETTER_DAYS,
            dead_letter_max_count: DEFAULT_DEAD_LETTER_MAX_COUNT,
            dead_letter_max_bytes: DEFAULT_DEAD_LETTER_MAX_BYTES,
        }
    }
}

impl DeliverySettings {
    /// What the dead-letter store enforces.
    pub fn retention(&self) -> Retention {
        Retention {
            days: self.dead_letter_days,
            max_count: self.dead_letter_max_count,
            max_bytes: self.dead_letter_max_bytes,
        }
    }
}

impl DeliverySettings {
    /// The wait before retry number `retry` (1 for the first retry): `min × 2^(retry−1)`, capped
    /// at `max`, lowered by up to a quarter at random (`jitter` in `[0, 1)`) so that events
    /// failed together do not come back together; an origin's `Retry-After` (seconds) is
    /// honoured as a lower bound, still within `[min, max]`.
    pub fn retry_delay(&self, retry: u32, retry_after: Option<u64>, jitter: f64) -> u32 {
        let (min, max) = (u64::from(self.retry_min_seconds), u64::from(self.retry_max_seconds));
        let exp = min.saturating_mul(1u64 << retry.saturating_sub(1).min(40)).min(max);
        let jittered = exp - (exp as f64 * 0.25 * jitter.clamp(0.0, 1.0)) as u64;
        let wanted = jittered.max(retry_after.unwrap_or(0)).max(min).min(max);
        wanted as u32
    }
}

/// What an origin's answer to one attempt means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptVerdict {
    /// 2xx: delivered.
    Delivered,
    /// 408, 429, 5xx, a redirect (never followed), a timeout or no connection: try again.
    Retry,
    /// Any other 4xx: the origin refused this event; retrying will not change its mind.
    Rejected,
}

/// Judge an attempt by the origin's status (`None`: no answer, or no answer in time).
pub fn judge_attempt(status: Option<u16>) -> AttemptVerdict {
    match status {
        Some(200..=299) => AttemptVerdict::Delivered,
        Some(408 | 429) | None => AttemptVerdict::Retry,
        Some(400..=499) => AttemptVerdict::Rejected,
        Some(_) => AttemptVerdict::Retry,
    }
}

/// `Retry-After` as seconds from `now`: delta-seconds, or an HTTP date (IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`). `None` when absent or unreadable.
pub fn parse_retry_after(value: &str, now: u64) -> Option<u64> {
    let v = value.trim();
    if let Ok(seconds) = v.parse::<u64>() {
        return Some(seconds);
    }
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = v.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let (day, year): (u64, u64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<u64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else { return None };
    let at = days_from_civil(year, month, day)? * 86_400 + h * 3600 + m * 60 + s;
    Some(at.saturating_sub(now))
}

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: u64, m: u64, d: u64) -> Option<u64> {
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// The duplicate-guard shard of an event id (`mh_` + hex): its first hex digit.
pub fn guard_shard(id: &str) -> usize {
    hex_shard(id.strip_prefix("mh_").unwrap_or(""))
}

/// The guard shard that counts the events under a signature id (hex): its first hex digit.
pub fn signature_shard(signature: &str) -> usize {
    hex_shard(signature)
}

fn hex_shard(hex: &str) -> usize {
    hex.chars().next().and_then(|c| c.to_digit(16)).map_or(0, |d| d as usize % GUARD_SHARDS)
}

/// One event on the delivery queue. The body is the normalised event JSON as the origin
/// receives it, or, when the message would be larger than [`MAX_QUEUE_MESSAGE_COST`], kept in
/// the event's guard shard (`stored`). A retry is sent as a new message with `attempts` counted, so the count,
/// the last status and the first acceptance time travel with the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedEvent {
    /// The event id (`webhook-id` at the origin).
    pub id: String,
    /// Provider id.
    pub provider: String,
    /// Event type (clipped for display).
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event JSON, unless `stored`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body is in the guard shard's storage.
    #[serde(default)]
    pub stored: bool,
    /// Attempts already made.
    #[serde(default)]
    pub attempts: u32,
    /// The origin's status at the last attempt (`None`: no answer).
    #[serde(default)]
    pub last_status: Option<u16>,
    /// When the event was first accepted, UNIX milliseconds.
    pub accepted_ms: u64,
    /// Sent again from the dead letters by an operator: leaves the list once delivered.
    #[serde(default)]
    pub redelivery: bool,
    /// A callback's first message: the consumer claims its id in the duplicate guard before
    /// delivering (a provider's retry is then dropped). Retries and redeliveries were claimed
    /// before; messages queued before the guard moved to the consumer were claimed on ingest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claim: bool,
    /// The identity of the callback's signature, counted by the consumer (with `claim`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// To be confirmed through the provider's API before delivery (`CONFIRM_PROVIDERS`): the
    /// body is the event without `verified_by` until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<super::confirm::Pending>,
}

impl QueuedEvent {
    /// A first attempt at an accepted event; the body is set by whoever sends it (inline or
    /// stored).
    pub fn new(id: &str, provider: &str, event_type: &str, accepted_ms: u64) -> QueuedEvent {
        QueuedEvent {
            id: id.to_owned(),
            provider: provider.to_owned(),
            event_type: event_type.to_owned(),
            body: None,
            stored: false,
            attempts: 0,
            last_status: None,
            accepted_ms,
            redelivery: false,
            claim: false,
            signature: None,
            confirm: None,
        }
    }

    /// The size of the message as the queue receives it: its JSON, where every `"` and `\\`
    /// of the event JSON costs one more byte.
    /// Counted as it is written, without building the JSON (it is on every callback's path).
    pub fn cost(&self) -> usize {
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0 += bytes.len();
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        serde_json::to_writer(&mut count, self).map_or(usize::MAX, |()| count.0)
    }
}

/// Why an event is a dead letter (stable codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadReason {
    /// The origin answered a 4xx other than 408/429.
    OriginRejected,
    /// Every retry failed.
    RetriesExhausted,
    /// Verified, but of a type mediahook does not know (and unknown types are not forwarded).
    UnknownEventType,
    /// Verified, but its body does not fit its type's schema.
    InvalidEvent,
    /// A large body kept in storage was gone when its delivery came (past its retention).
    BodyMissing,
    /// The provider's API did not find the job or media the callback names, or found it in
    /// another state, for `CONFIRM_GRACE_SECONDS` (a substituted body, or a lagging API).
    Unconfirmed,
    /// The provider's API refused mediahook's credentials, or failed on every retry.
    ConfirmFailed,
}

impl DeadReason {
    /// The stable wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadReason::OriginRejected => "origin_rejected",
            DeadReason::RetriesExhausted => "retries_exhausted",
            DeadReason::UnknownEventType => "unknown_event_type",
            DeadReason::InvalidEvent => "invalid_event",
            DeadReason::BodyMissing => "body_missing",
            DeadReason::Unconfirmed => "unconfirmed",
            DeadReason::ConfirmFailed => "confirm_failed",
        }
    }
}

/// A dead letter as stored and listed (the body only when one letter is asked for).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The event id.
    pub id: String,
    /// Provider id.
    pub provider: String,
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Why it is here.
    pub reason: DeadReason,
    /// Details for the operator (the schema error's path, the origin's answer).
    pub detail: String,
    /// The origin's status at the last attempt, if it answered.
    pub last_status: Option<u16>,
    /// Attempts made.
    pub attempts: u32,
    /// First accepted, UNIX milliseconds.
    pub accepted_ms: u64,
    /// Became a dead letter, UNIX milliseconds.
    pub died_ms: u64,
    /// Dead, or being redelivered.
    pub state: LetterState,
    /// The event JSON that is delivered on redelivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Where a dead letter stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    /// Waiting for an operator.
    Dead,
    /// An operator's redelivery is under way (it leaves the list once delivered).
    Redelivering,
}

impl LetterState {
    /// The stable name (as stored).
    pub fn as_str(self) -> &'static str {
        match self {
            LetterState::Dead => "dead",
            LetterState::Redelivering => "redelivering",
        }
    }
}

/// What became of one attempt to deliver to the origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    /// The origin's status, when it answered in time.
    pub status: Option<u16>,
    /// No answer within the timeout.
    pub timed_out: bool,
    /// The runtime's words when the request failed (for the operator's log, clipped).
    pub error: Option<String>,
    /// The origin's `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
    /// The origin's answer body, when it was asked for.
    pub answer: Option<Vec<u8>>,
}

impl Attempt {
    /// Whether the origin took the event (2xx).
    pub fn delivered(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

/// The admin API's bearer token. Compared in constant time; `Debug` never shows it.
#[derive(Clone)]
pub struct AdminToken(Vec<u8>);

/// Shortest admin token accepted: it guards every stored event.
pub const MIN_ADMIN_TOKEN_LEN: usize = 24;

impl AdminToken {
    /// A token of at least [`MIN_ADMIN_TOKEN_LEN`] visible ASCII characters.
    pub fn new(token: &str) -> Option<AdminToken> {
        let ok = token.len() >= MIN_ADMIN_TOKEN_LEN && token.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| AdminToken(token.as_bytes().to_vec()))
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`.
    pub fn authorizes(&self, authorization: Option<&str>) -> bool {
        let Some(given) = authorization.and_then(|a| a.strip_prefix("Bearer ")) else { return false };
        // Lengths may differ: ct_eq on unequal lengths is false without comparing contents.
        given.trim().as_bytes().ct_eq(&self.0).into()
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// A `batch` log line: one per queue batch the consumer took.
#[derive(Debug, Serialize)]
pub struct BatchLog<'a> {
    /// Always `"batch"`.
    pub msg: &'static str,
    /// The queue's name.
    pub queue: &'a str,
    /// Messages in the batch.
    pub messages: usize,
    /// Durable Object requests the batch made (guard claims and settles, bodies, letters).
    pub store_requests: u32,
}

/// A `delivery` log line: one per attempt. Never a key, secret or body.
#[derive(Debug, Serialize)]
pub struct DeliveryLog<'a> {
    /// Always `"delivery"`.
    pub msg: &'static str,
    /// The event id.
    pub id: &'a str,
    /// 1 for the first attempt (0 when none was made: `duplicate`, `in_flight`).
    pub attempt: u32,
    /// The origin's status, if it answered.
    pub status: Option<u16>,
    /// `delivered`, `retry`, `dead`, `dead_store_failed`; `duplicate` (dropped: the event was
    /// delivered or kept, or is in the same batch twice) or `in_flight` (another message is
    /// delivering it: back to the queue); `confirm_wait`, `confirm_failed` (a lookup in the
    /// provider's API found no agreement yet, or failed).
    pub outcome: &'static str,
    /// The wait before the next attempt, for `retry`.
    pub delay_s: Option<u32>,
    /// The dead-letter reason, for `dead`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The runtime's words when there was no answer (clipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the event was accepted (for the delay the console shows; not logged).
    #[serde(skip)]
    pub accepted_ms: u64,
}
