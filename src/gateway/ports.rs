//! The gateway's ports: the small traits accepting ([`super::accept`]) and consuming
//! ([`super::consume`]) are written against. The worker implements them on workerd (`edge`),
//! the tests in memory. Errors are the runtime's words, for the log.

use serde::{Deserialize, Serialize};

use super::delivery::{Attempt, DeadLetter, DeliveryLog, QueuedEvent, Retention};
use super::log::Notice;
use crate::api::HttpRequest;
use crate::error::clip;

/// What the duplicate guard remembers of an event id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardState {
    /// Claimed by a request (direct mode) or a queue message (queue mode) that is delivering
    /// or keeping it right now.
    Pending,
    /// On the delivery queue, waiting for a retry.
    Queued,
    /// Delivered.
    Delivered,
    /// Kept as a dead letter.
    Kept,
}

impl GuardState {
    /// The stable name (as stored).
    pub fn as_str(self) -> &'static str {
        match self {
            GuardState::Pending => "pending",
            GuardState::Queued => "queued",
            GuardState::Delivered => "delivered",
            GuardState::Kept => "kept",
        }
    }
}

/// The guard's answer to a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// First time (or the same claimant again): go ahead.
    Accepted,
    /// Seen before, and no longer pending: a duplicate.
    Duplicate,
    /// Another claimant is delivering or keeping it right now.
    Pending,
}

/// One guard shard's part of a queue batch, sent in one request: the ids to claim, each for
/// the queue message that carries it, and the signatures to count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardClaims {
    /// `(event id, queue message id)`: a message delivered again by the queue (same message
    /// id) gets its own claim back; another message with the same event id does not.
    pub claims: Vec<(String, String)>,
    /// `(signature id, event id)`: the distinct events seen under each signature.
    pub signatures: Vec<(String, String)>,
}

/// A shard's answer to [`ShardClaims`], in the same order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardVerdicts {
    /// One per claim.
    pub verdicts: Vec<Verdict>,
    /// Distinct events under each signature, one per signature.
    pub counts: Vec<i64>,
}

/// The duplicate guard (sharded), large bodies, signature counts.
#[allow(async_fn_in_trait)]
pub trait Guard {
    /// Direct mode: remember `id` for `ttl_ms` unless already seen.
    async fn claim(&self, id: &str, now_ms: i64, ttl_ms: i64) -> Result<Verdict, String>;
    /// Direct mode: record what became of a claimed id.
    async fn settle(&self, id: &str, state: GuardState) -> Result<(), String>;
    /// Direct mode: forget a pending claim whose delivery or keeping failed.
    async fn release(&self, id: &str) -> Result<(), String>;
    /// Direct mode: count the distinct events seen under one signature; the count.
    async fn count_signature(&self, signature: &str, id: &str, now_ms: i64, ttl_ms: i64) -> Result<i64, String>;
    /// Queue mode: one shard's claims and signature counts for a batch, in one request.
    async fn claim_batch(
        &self,
        shard: usize,
        batch: &ShardClaims,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<ShardVerdicts, String>;
    /// Queue mode: what became of a batch's claimed ids in one shard, in one request.
    async fn settle_batch(&self, shard: usize, settled: &[(String, GuardState)]) -> Result<(), String>;
    /// Keep a body too large for a queue message.
    async fn put_body(&self, id: &str, body: &str, now_ms: i64) -> Result<(), String>;
    /// A kept body (`None`: gone).
    async fn get_body(&self, id: &str) -> Result<Option<String>, String>;
    /// Drop a kept body no message needs any more.
    async fn delete_body(&self, id: &str) -> Result<(), String>;
}

/// The delivery queue.
#[allow(async_fn_in_trait)]
pub trait Queue {
    /// Send a message, to be delivered after `delay_s` seconds.
    async fn send(&self, message: &QueuedEvent, delay_s: u32) -> Result<(), String>;
}

/// The user's origin.
#[allow(async_fn_in_trait)]
pub trait Origin {
    /// POST the event JSON `body` of event `id`, signed for this attempt, within `timeout_ms`;
    /// with `read_answer`, the answer's body too.
    async fn post(&self, id: &str, body: &[u8], timeout_ms: u64, read_answer: bool) -> Attempt;
}

/// The dead-letter store.
#[allow(async_fn_in_trait)]
pub trait DeadLetters {
    /// Keep (or replace) a letter as `retention` says; refused (`Err`) past its caps.
    async fn put(&self, letter: DeadLetter, retention: Retention) -> Result<(), String>;
    /// Drop a letter (its event was delivered).
    async fn delete(&self, id: &str) -> Result<(), String>;
}

/// The providers' APIs: pull sources and confirmation.
#[allow(async_fn_in_trait)]
pub trait ProviderApi {
    /// Send a signed request (never following a redirect) within `timeout_ms`; the answer's
    /// status and body, or the runtime's words.
    async fn call(&self, request: &HttpRequest, timeout_ms: u64) -> Result<(u16, String), String>;
    /// A single-use random string (a request's nonce).
    fn nonce(&self) -> String;
}

/// The runtime's clock, timer, randomness and log.
#[allow(async_fn_in_trait)]
pub trait Host {
    /// UNIX milliseconds.
    fn now_ms(&self) -> u64;
    /// Wait.
    async fn sleep(&self, ms: u64);
    /// A number in `[0, 1)` (retry jitter).
    fn random(&self) -> f64;
    /// Write one log line.
    fn log(&self, line: &str);
    /// Count a delivery line for the operator's console ([`super::stats`]); by default nothing.
    fn count_delivery(&self, _line: &DeliveryLog<'_>) {}
}

/// Everything accepting, consuming and polling need, implemented by one value.
pub trait Ports: Guard + Queue + Origin + DeadLetters + ProviderApi + Host {}
impl<T: Guard + Queue + Origin + DeadLetters + ProviderApi + Host> Ports for T {}

/// Log a storage write that failed where nothing waits for it.
pub fn storage_error<H: Host + ?Sized>(host: &H, op: &'static str, id: &str, error: &str) {
    host.log(&Notice::StorageError { op, id, error: clip(error, 200) }.to_json());
}

/// Run a write nothing waits for: a failure is logged ([`storage_error`]), not answered.
pub async fn best_effort<H: Host + ?Sized>(
    host: &H,
    op: &'static str,
    id: &str,
    write: impl std::future::Future<Output = Result<(), String>>,
) {
    if let Err(e) = write.await {
        storage_error(host, op, id, &e);
    }
}

/// The warning when `distinct_events` under one signature passed `warn_at` (logged at the
/// first event past it, then once more every `warn_at` events).
pub fn signature_reuse(host: &impl Host, signature: &str, distinct_events: i64, warn_at: i64) {
    if distinct_events > warn_at && (distinct_events - warn_at - 1) % warn_at.max(1) == 0 {
        host.log(&Notice::SignatureReuse { signature, distinct_events, threshold: warn_at }.to_json());
    }
}
