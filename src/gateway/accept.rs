//! Accepting a verified event, free of any runtime, against the gateway's [`ports`](super::ports).
//!
//! - Queue mode: one queue send, then the answer. The duplicate guard is the consumer's
//!   ([`super::consume`]): a provider's retry is queued too and dropped there. An event too
//!   large for a queue message is kept by reference first (one Durable Object write); an
//!   unknown or invalid one is kept as a dead letter (one write, keyed by its id).
//! - Direct mode: claim the event in the duplicate guard, deliver it while the provider waits
//!   (or keep it), then settle the claim after the answer, or release it before answering an
//!   error.

use serde::Serialize;

use super::delivery::{DeadLetter, DeadReason, DeliveryMode, LetterState, QueuedEvent, MAX_QUEUE_MESSAGE_COST};
use super::log::{LogLine, Outcome};
use super::ports::{
    signature_reuse, storage_error, DeadLetters, Guard, GuardState, Host, Origin, Ports, Queue, Verdict,
};
use super::{Forward, GatewayConfig, Kept};
use crate::error::{clip, Error};

/// A verified event on its way past the duplicate guard.
#[derive(Clone, Copy, Debug)]
pub enum Accepting<'a> {
    /// To be delivered.
    Deliver(&'a Forward),
    /// To be kept as a dead letter.
    Keep(&'a Kept),
}

impl Accepting<'_> {
    fn id(&self) -> &str {
        match self {
            Accepting::Deliver(f) => &f.event.id,
            Accepting::Keep(k) => &k.id,
        }
    }

    fn signature(&self) -> &str {
        match self {
            Accepting::Deliver(f) => &f.by.signature,
            Accepting::Keep(k) => &k.by.signature,
        }
    }
}

/// Work left for after the answer (the worker runs it in `waitUntil`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    /// Record what became of the event in the guard.
    Settle {
        /// The event id.
        id: String,
        /// Its state.
        state: GuardState,
    },
    /// Count the event under its signature, and warn past the threshold.
    CountSignature {
        /// The signature's identity.
        signature: String,
        /// The event id.
        id: String,
        /// When it was accepted.
        now_ms: i64,
        /// How long to remember it.
        ttl_ms: i64,
        /// `SIGNATURE_REUSE_WARN`.
        warn_at: i64,
    },
}

/// The provider's answer: the JSON body of a 200, or the error to answer with.
pub type Answer = Result<String, Error>;

/// How long a request waits for another one that is accepting the same event.
const PENDING_WAIT_STEPS: u32 = 8;
const PENDING_WAIT_MS: u64 = 150;

/// Past verification: queue mode sends, direct mode claims, then delivers or keeps. The
/// answer, and what to do after answering. `log` gets the outcome.
pub async fn accept<P: Ports>(
    ports: &P,
    config: &GatewayConfig,
    event: Accepting<'_>,
    log: &mut LogLine,
) -> (Answer, Vec<After>) {
    if config.delivery.mode == DeliveryMode::Queue {
        return (accept_queued(ports, config, event, log).await, Vec::new());
    }
    let id = event.id().to_owned();
    let accepted_ms = ports.now_ms() as i64;
    let ttl_ms = config.delivery.dedupe_seconds as i64 * 1000;
    let mut verdict = Verdict::Pending;
    for step in 0..=PENDING_WAIT_STEPS {
        verdict = match ports.claim(&id, ports.now_ms() as i64, ttl_ms).await {
            Ok(v) => v,
            Err(e) => {
                log.outcome = Outcome::StorageFailed;
                log.error = Some(clip(&e, 120));
                return (Err(Error::StorageUnavailable { what: "duplicate guard" }), Vec::new());
            }
        };
        if verdict != Verdict::Pending || step == PENDING_WAIT_STEPS {
            break;
        }
        ports.sleep(PENDING_WAIT_MS).await;
    }
    match verdict {
        Verdict::Accepted => {}
        Verdict::Duplicate => {
            log.outcome = Outcome::Duplicate;
            return (Ok(answer_body(&id, Outcome::Duplicate, None)), Vec::new());
        }
        Verdict::Pending => {
            log.outcome = Outcome::InFlight;
            return (Err(Error::InFlight), Vec::new());
        }
    }
    // The distinct events under this signature are counted after answering (an anomaly signal).
    let count = After::CountSignature {
        signature: event.signature().to_owned(),
        id: id.clone(),
        now_ms: accepted_ms,
        ttl_ms,
        warn_at: i64::from(config.delivery.signature_reuse_warn),
    };

    let (result, settled, outcome, reason) = match event {
        Accepting::Keep(kept) => {
            let kept_now = keep(ports, config, kept, accepted_ms, log).await;
            (kept_now, GuardState::Kept, Outcome::DeadLettered, Some(kept.reason))
        }
        Accepting::Deliver(fwd) => {
            (deliver_now(ports, config, fwd, log).await, GuardState::Delivered, Outcome::Forwarded, None)
        }
    };
    match result {
        Ok(()) => {
            log.outcome = outcome;
            (Ok(answer_body(&id, outcome, reason)), vec![count, After::Settle { id, state: settled }])
        }
        Err(e) => {
            // Not taken: forget the claim, so that the provider's retry is accepted afresh.
            if let Err(why) = ports.release(&id).await {
                storage_error(ports, "release", &id, &why);
            }
            if log.outcome == Outcome::Error {
                log.outcome = match e {
                    Error::QueueUnavailable => Outcome::QueueFailed,
                    _ => Outcome::StorageFailed,
                };
            }
            (Err(e), vec![count])
        }
    }
}

/// Run what [`accept`] left for after the answer.
pub async fn after<P: Guard + Host>(ports: &P, jobs: Vec<After>) {
    for job in jobs {
        match job {
            After::Settle { id, state } => {
                if let Err(e) = ports.settle(&id, state).await {
                    storage_error(ports, "settle", &id, &e);
                }
            }
            After::CountSignature { signature, id, now_ms, ttl_ms, warn_at } => {
                match ports.count_signature(&signature, &id, now_ms, ttl_ms).await {
                    Ok(n) => signature_reuse(ports, &signature, n, warn_at),
                    Err(e) => storage_error(ports, "count_signature", &id, &e),
                }
            }
        }
    }
}

/// The JSON body of a 200 to the provider: `{"code":0,"id","outcome","reason"?}`.
pub fn answer_body(id: &str, outcome: Outcome, reason: Option<DeadReason>) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        code: u8,
        id: &'a str,
        outcome: Outcome,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<DeadReason>,
    }
    serde_json::to_string(&Body { code: 0, id, outcome, reason }).unwrap_or_default()
}

/// Queue mode: one queue send (an event to deliver) or one dead-letter write (an event to
/// keep), then the answer. No duplicate guard here: the consumer drops a provider's retry.
async fn accept_queued<P: Ports>(ports: &P, config: &GatewayConfig, event: Accepting<'_>, log: &mut LogLine) -> Answer {
    let accepted_ms = ports.now_ms() as i64;
    let (id, result, outcome, reason) = match event {
        Accepting::Deliver(fwd) => {
            let e = &fwd.event;
            let message = QueuedEvent {
                claim: true,
                signature: Some(fwd.by.signature.clone()).filter(|s| !s.is_empty()),
                confirm: fwd.confirm.clone(),
                ..QueuedEvent::new(&e.id, e.provider.id(), &clip(&e.event_type, 128), accepted_ms as u64)
            };
            let sent = send_new(ports, message, fwd.body(), 0).await.map_err(|(error, words)| {
                log.error = Some(clip(&words, 120));
                error
            });
            (&e.id, sent, Outcome::Queued, None)
        }
        // Keyed by the event id: a provider's retry replaces the same letter.
        Accepting::Keep(kept) => {
            (&kept.id, keep(ports, config, kept, accepted_ms, log).await, Outcome::DeadLettered, Some(kept.reason))
        }
    };
    match result {
        Ok(()) => {
            log.outcome = outcome;
            Ok(answer_body(id, outcome, reason))
        }
        Err(e) => {
            log.outcome = match e {
                Error::QueueUnavailable => Outcome::QueueFailed,
                _ => Outcome::StorageFailed,
            };
            Err(e)
        }
    }
}

/// Put an event on the delivery queue with its body, to be delivered after `delay_s`: in the
/// message, or, when the message would not fit a queue message, kept in the event's guard shard
/// with the message carrying a reference. On failure: the error to answer, and the runtime's
/// words for the log.
pub async fn send_new<P: Guard + Queue + Host>(
    ports: &P,
    mut message: QueuedEvent,
    body: String,
    delay_s: u32,
) -> Result<(), (Error, String)> {
    message.body = Some(body);
    message.stored = false;
    if message.cost() > MAX_QUEUE_MESSAGE_COST {
        let body = message.body.take().unwrap_or_default();
        ports
            .put_body(&message.id, &body, ports.now_ms() as i64)
            .await
            .map_err(|e| (Error::StorageUnavailable { what: "event store" }, e))?;
        message.stored = true;
    }
    ports.send(&message, delay_s).await.map_err(|e| (Error::QueueUnavailable, e))
}

/// Direct mode: deliver while the provider waits; `Ok` only after the origin's 2xx.
async fn deliver_now<P: Origin>(
    ports: &P,
    config: &GatewayConfig,
    fwd: &Forward,
    log: &mut LogLine,
) -> Result<(), Error> {
    let attempt = ports.post(&fwd.event.id, fwd.body().as_bytes(), config.origin_timeout_ms, false).await;
    log.origin_status = attempt.status;
    log.error = attempt.error.clone();
    if attempt.delivered() {
        return Ok(());
    }
    if attempt.timed_out {
        log.outcome = Outcome::OriginTimeout;
        return Err(Error::OriginTimeout { ms: config.origin_timeout_ms });
    }
    log.outcome = Outcome::OriginFailed;
    Err(Error::OriginError {
        detail: match attempt.status {
            Some(s @ 300..=399) => {
                format!("it answered {s}, a redirect, which is not followed: set ORIGIN_URL to the final URL")
            }
            Some(s) => format!("it answered {s}"),
            // The runtime's wording goes to the log for the operator, not to the caller.
            None => "it could not be reached".into(),
        },
    })
}

/// Keep a verified event that cannot be delivered as typed, as a dead letter.
async fn keep<P: DeadLetters>(
    ports: &P,
    config: &GatewayConfig,
    kept: &Kept,
    now_ms: i64,
    log: &mut LogLine,
) -> Result<(), Error> {
    let letter = DeadLetter {
        id: kept.id.clone(),
        provider: kept.provider.id().to_owned(),
        event_type: kept.event_type.clone(),
        reason: kept.reason,
        detail: clip(&kept.detail, 500),
        last_status: None,
        attempts: 0,
        accepted_ms: now_ms as u64,
        died_ms: now_ms as u64,
        state: LetterState::Dead,
        body: Some(kept.body.clone()),
    };
    ports.put(letter, config.delivery.retention()).await.map_err(|e| {
        log.error = Some(clip(&e, 120));
        Error::StorageUnavailable { what: "dead-letter store" }
    })
}

/// The largest answer Alibaba reads from an on-demand recording query (it truncates the rest).
pub const ON_DEMAND_ANSWER_BYTES: usize = 2048;

/// Live's on-demand recording query is a question, not a notification: it goes to the origin
/// at once in either mode (no queue, no duplicate guard: the same stream may be asked about
/// again) and the origin's answer is relayed as Alibaba's answer, when it is a JSON object of
/// at most 2 KB. Otherwise the answer is 502 (Alibaba then applies the domain's stored
/// recording configuration); nothing is kept, since a later answer would be too late.
pub async fn answer_on_demand<P: Origin>(
    ports: &P,
    config: &GatewayConfig,
    fwd: &Forward,
    log: &mut LogLine,
) -> Answer {
    let attempt = ports.post(&fwd.event.id, fwd.body().as_bytes(), config.origin_timeout_ms, true).await;
    log.origin_status = attempt.status;
    log.error = attempt.error.clone();
    if attempt.timed_out {
        log.outcome = Outcome::OriginTimeout;
        return Err(Error::OriginTimeout { ms: config.origin_timeout_ms });
    }
    let answer = attempt.answer.as_deref().filter(|_| attempt.delivered());
    let is_object = |a: &[u8]| std::str::from_utf8(a).is_ok_and(|t| crate::json::members(t).all(|m| m.is_ok()));
    match answer {
        Some(a) if a.len() <= ON_DEMAND_ANSWER_BYTES && is_object(a) => {
            log.outcome = Outcome::Answered;
            Ok(String::from_utf8_lossy(a).into_owned())
        }
        _ => {
            log.outcome = Outcome::OriginFailed;
            let detail = match (attempt.status, answer) {
                (Some(s), None) => format!("it answered {s}"),
                (Some(_), Some(a)) if a.len() > ON_DEMAND_ANSWER_BYTES => {
                    format!("its answer to an on-demand recording query is over {ON_DEMAND_ANSWER_BYTES} bytes")
                }
                (Some(_), Some(_)) => "its answer to an on-demand recording query is not a JSON object".into(),
                (None, _) => "it could not be reached".into(),
            };
            Err(Error::OriginError { detail })
        }
    }
}
