//! The delivery queue's consumer, free of any runtime, against the gateway's
//! [`ports`](super::ports). For each batch:
//!
//! 1. **Claim.** A callback's first message claims its event id in the duplicate guard: one
//!    request per guard shard the batch touches, carrying every id of the batch in that shard
//!    and the signatures to count. A provider's retry of an event already delivered or kept,
//!    or a second copy in the same batch, is dropped here (`"outcome":"duplicate"`); a copy of
//!    an event another message is delivering right now goes back to the queue
//!    (`"outcome":"in_flight"`) and is dropped once that delivery is settled, so a claim whose
//!    holder died never makes its event disappear. The claim belongs to the queue message, so
//!    the queue's own retry of that message gets it back.
//! 2. **Deliver.** One attempt per message, all at once; Standard Webhooks headers are signed
//!    at each attempt (the origin port). A retry is a new message with the attempt counted
//!    and a backoff delay; when the retries are used up, or the origin refuses the event, it
//!    becomes a dead letter.
//! 3. **Settle.** What became of each claimed id (delivered, waiting for a retry, kept), one
//!    request per shard.
//!
//! Nothing fails the batch: each message gets a [`Disposition`] (ack, or the queue's retry),
//! which the worker applies. A message the consumer failed on repeatedly reaches the
//! dead-letter queue, whose consumer keeps it as a dead letter.

use std::collections::BTreeMap;

use futures_util::future::join_all;

use super::accept::send_new;
use super::confirm::{self, Judgement};
use super::delivery::{
    guard_shard, judge_attempt, signature_shard, AttemptVerdict, DeadLetter, DeadReason, DeliveryLog, LetterState,
    QueuedEvent,
};
use super::ports::{best_effort, signature_reuse, storage_error, GuardState, Ports, ShardClaims, Verdict};
use super::{GatewayConfig, VerifiedBy};
use crate::api::iso_date_time;
use crate::error::clip;
use crate::provider::Provider;

/// One message of a batch.
#[derive(Clone, Debug)]
pub struct Received {
    /// The queue's id of the message (the same when the queue delivers it again).
    pub message_id: String,
    /// The message, `None` when it could not be read.
    pub event: Option<QueuedEvent>,
}

/// What the worker does with a message once consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Done with (delivered, scheduled as a new message, kept, dropped as a duplicate).
    Ack,
    /// Not done: the queue delivers this message again after the delay.
    Retry {
        /// Seconds.
        delay_s: u32,
    },
}

/// A message's standing with the duplicate guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Claim {
    /// Claimed before (a retry, a redelivery, a message queued before the consumer claimed).
    NotNeeded,
    /// Claimed now, by this message.
    Accepted,
    /// Delivered or kept, or claimed earlier in this batch.
    Duplicate,
    /// Another message is delivering it right now: back to the queue, to be settled later.
    InFlight,
    /// The guard could not be asked: the queue retries the message.
    Failed,
}

/// Consume one batch; one disposition per message, in order. `dead_letter_queue`: the batch
/// comes from the dead-letter queue (every message becomes a dead letter).
pub async fn consume<P: Ports>(
    ports: &P,
    config: &GatewayConfig,
    batch: &[Received],
    dead_letter_queue: bool,
) -> Vec<Disposition> {
    if dead_letter_queue {
        let outcomes = join_all(batch.iter().map(|r| async move {
            match &r.event {
                Some(event) => {
                    let disposition = gave_up(ports, config, event).await;
                    // A claim this message may hold is settled: its event is a dead letter now.
                    (disposition, (disposition == Disposition::Ack).then_some(GuardState::Kept))
                }
                None => (unreadable(ports, r), None),
            }
        }))
        .await;
        let held = batch.iter().map(|r| r.event.as_ref().filter(|e| e.claim));
        settle(ports, held.zip(&outcomes)).await;
        return outcomes.into_iter().map(|(disposition, _)| disposition).collect();
    }
    let claims = claim(ports, config, batch).await;
    let outcomes = join_all(batch.iter().zip(&claims).map(|(r, claim)| async move {
        match (&r.event, claim) {
            (None, _) => (unreadable(ports, r), None),
            (Some(_), Claim::Failed) => (retry_soon(config), None),
            (Some(event), Claim::Duplicate) => {
                log_delivery(ports, &DeliveryLog { outcome: "duplicate", ..delivery_log(event, 0) });
                (Disposition::Ack, None)
            }
            (Some(event), Claim::InFlight) => {
                log_delivery(ports, &DeliveryLog { outcome: "in_flight", ..delivery_log(event, 0) });
                (retry_soon(config), None)
            }
            (Some(event), Claim::Accepted | Claim::NotNeeded) => deliver(ports, config, event).await,
        }
    }))
    .await;
    let held = batch.iter().zip(&claims).map(|(r, c)| r.event.as_ref().filter(|_| *c == Claim::Accepted));
    settle(ports, held.zip(&outcomes)).await;
    outcomes.into_iter().map(|(disposition, _)| disposition).collect()
}

/// Claim the batch's new events and count their signatures: one request per shard touched.
async fn claim<P: Ports>(ports: &P, config: &GatewayConfig, batch: &[Received]) -> Vec<Claim> {
    let mut shards: BTreeMap<usize, ShardClaims> = BTreeMap::new();
    for r in batch {
        let Some(event) = r.event.as_ref().filter(|e| e.claim) else { continue };
        shards.entry(guard_shard(&event.id)).or_default().claims.push((event.id.clone(), r.message_id.clone()));
        if let Some(sig) = &event.signature {
            shards.entry(signature_shard(sig)).or_default().signatures.push((sig.clone(), event.id.clone()));
        }
    }
    let (now_ms, ttl_ms) = (ports.now_ms() as i64, config.delivery.dedupe_seconds as i64 * 1000);
    let asked = join_all(shards.iter().map(|(&shard, claims)| async move {
        let answer = ports.claim_batch(shard, claims, now_ms, ttl_ms).await;
        (shard, claims, answer)
    }))
    .await;
    let warn_at = i64::from(config.delivery.signature_reuse_warn);
    let mut verdicts: BTreeMap<usize, std::vec::IntoIter<Verdict>> = BTreeMap::new();
    for (shard, claims, answer) in asked {
        match answer {
            Ok(answer) => {
                for ((sig, _), count) in claims.signatures.iter().zip(answer.counts) {
                    signature_reuse(ports, sig, count, warn_at);
                }
                verdicts.insert(shard, answer.verdicts.into_iter());
            }
            Err(e) => {
                let first = claims.claims.first().or(claims.signatures.first()).map_or("", |(_, id)| id.as_str());
                storage_error(ports, "claim_batch", first, &e);
            }
        }
    }
    batch
        .iter()
        .map(|r| match r.event.as_ref().filter(|e| e.claim) {
            None => Claim::NotNeeded,
            Some(event) => match verdicts.get_mut(&guard_shard(&event.id)).map(Iterator::next) {
                Some(Some(Verdict::Accepted)) => Claim::Accepted,
                Some(Some(Verdict::Duplicate)) => Claim::Duplicate,
                Some(Some(Verdict::Pending)) => Claim::InFlight,
                // The shard failed (or answered short): never deliver unclaimed.
                Some(None) | None => Claim::Failed,
            },
        })
        .collect()
}

/// Record what became of the events whose claim this batch holds (`Some`), when something
/// did (the state): one request per shard.
async fn settle<'a, P: Ports>(
    ports: &P,
    held: impl Iterator<Item = (Option<&'a QueuedEvent>, &'a (Disposition, Option<GuardState>))>,
) {
    let mut shards: BTreeMap<usize, Vec<(String, GuardState)>> = BTreeMap::new();
    for (event, (_, state)) in held {
        if let (Some(event), Some(state)) = (event, state) {
            shards.entry(guard_shard(&event.id)).or_default().push((event.id.clone(), *state));
        }
    }
    join_all(shards.iter().map(|(&shard, settled)| {
        let first = settled.first().map_or("", |(id, _)| id.as_str());
        best_effort(ports, "settle_batch", first, ports.settle_batch(shard, settled))
    }))
    .await;
}

/// One attempt; the disposition, and the guard state the event is in afterwards (`None`: the
/// message goes back to the queue, still holding its claim).
async fn deliver<P: Ports>(
    ports: &P,
    config: &GatewayConfig,
    event: &QueuedEvent,
) -> (Disposition, Option<GuardState>) {
    let attempt_no = event.attempts + 1;
    let body = match load_body(ports, event).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            let detail = "the event's stored body was gone (past its retention)".to_owned();
            return die(ports, config, event, None, attempt_no, DeadReason::BodyMissing, detail, None).await;
        }
        Err(()) => return (retry_soon(config), None),
    };
    // A pushed callback to confirm: looked up before the origin sees it.
    let (body, confirmed) = match &event.confirm {
        None => (body, false),
        Some(pending) => match confirm(ports, config, event, pending, attempt_no).await {
            Looked::Confirmed(confirmed) => (VerifiedBy::ProviderApi.mark_confirmed(&body, Some(&confirmed)), true),
            Looked::SignatureOnly => (VerifiedBy::Signature.mark(&body), true),
            Looked::Done(outcome) => return outcome,
            Looked::Die(reason, detail) => {
                let body = VerifiedBy::Signature.mark(&body);
                return die(ports, config, event, Some(body), attempt_no, reason, detail, None).await;
            }
        },
    };
    let attempt = ports.post(&event.id, body.as_bytes(), config.delivery_timeout_ms, false).await;
    let mut log = DeliveryLog {
        status: attempt.status,
        error: attempt.error.clone().or_else(|| attempt.timed_out.then(|| "timed out".to_owned())),
        ..delivery_log(event, attempt_no)
    };
    match judge_attempt(attempt.status) {
        AttemptVerdict::Delivered => {
            log_delivery(ports, &log);
            if event.stored {
                best_effort(ports, "delete_body", &event.id, ports.delete_body(&event.id)).await;
            }
            if event.redelivery {
                best_effort(ports, "delete_letter", &event.id, ports.delete(&event.id)).await;
            }
            (Disposition::Ack, Some(GuardState::Delivered))
        }
        AttemptVerdict::Rejected => {
            let detail = format!("the origin answered {}", attempt.status.unwrap_or(0));
            let reason = DeadReason::OriginRejected;
            die(ports, config, event, Some(body), attempt_no, reason, detail, attempt.status).await
        }
        AttemptVerdict::Retry if attempt_no > config.delivery.max_retries => {
            let detail = match (attempt.status, &log.error) {
                (Some(s), _) => format!("{attempt_no} attempts; the last was answered {s}"),
                (None, Some(e)) => format!("{attempt_no} attempts; the last got no answer: {e}"),
                (None, None) => format!("{attempt_no} attempts; the last got no answer"),
            };
            let reason = DeadReason::RetriesExhausted;
            die(ports, config, event, Some(body), attempt_no, reason, detail, attempt.status).await
        }
        AttemptVerdict::Retry => {
            let delay = config.delivery.retry_delay(attempt_no, attempt.retry_after, ports.random());
            log.outcome = "retry";
            log.delay_s = Some(delay);
            log_delivery(ports, &log);
            // The next attempt is a new message carrying the count (already claimed); if it
            // cannot be sent, the queue's own retry keeps this one (its count then one behind).
            let next = QueuedEvent {
                attempts: attempt_no,
                last_status: attempt.status,
                claim: false,
                signature: None,
                confirm: None,
                ..event.clone()
            };
            // Confirmed now: the next attempts carry what the API said, not another lookup.
            if confirmed {
                return match send_new(ports, next, body, delay).await {
                    Ok(()) => (Disposition::Ack, Some(GuardState::Queued)),
                    Err(_) => (Disposition::Retry { delay_s: delay }, None),
                };
            }
            requeue(ports, next, delay).await
        }
    }
}

/// What a lookup decided.
enum Looked {
    /// Deliver with what the API said.
    Confirmed(String),
    /// Nothing to look up with (a type without a row, or the provider's API no longer
    /// configured): deliver on the signature.
    SignatureOnly,
    /// Not now: the message was re-queued or is retried.
    Done((Disposition, Option<GuardState>)),
    /// A dead letter.
    Die(DeadReason, String),
}

/// Look a pushed callback up in its provider's API (see [`super::confirm`]).
async fn confirm<P: Ports>(
    ports: &P,
    config: &GatewayConfig,
    event: &QueuedEvent,
    pending: &confirm::Pending,
    attempt_no: u32,
) -> Looked {
    let provider = event.provider.parse::<Provider>().ok();
    let row = provider.and_then(|p| confirm::lookup(p, &event.event_type));
    let (Some(row), Some(api)) = (row, provider.and_then(|p| config.sources.api(p))) else {
        return Looked::SignatureOnly;
    };
    let now = ports.now_ms();
    let request = confirm::request(row, pending, api, now / 1000, &ports.nonce());
    let judgement = match ports.call(&request, config.delivery_timeout_ms).await {
        Ok((status, answer)) => confirm::judge(row, pending, status, &answer, &iso_date_time(now / 1000)),
        Err(e) => Judgement::Unavailable(format!("{} could not be reached: {}", row.action, clip(&e, 120))),
    };
    let log = |outcome: &'static str, delay_s: Option<u32>, error: String| {
        log_delivery(ports, &DeliveryLog { outcome, delay_s, error: Some(error), ..delivery_log(event, attempt_no) });
    };
    match judgement {
        Judgement::Confirmed(confirmed) => Looked::Confirmed(confirmed),
        // The API may lag the callback: look again until the grace period is over.
        Judgement::Differs(detail) => {
            let grace_ms = config.sources.confirm_grace_seconds * 1000;
            if now.saturating_sub(event.accepted_ms) >= grace_ms {
                return Looked::Die(DeadReason::Unconfirmed, detail);
            }
            let delay = config.delivery.retry_min_seconds.clamp(1, 10);
            log("confirm_wait", Some(delay), detail);
            Looked::Done(requeue(ports, QueuedEvent { claim: false, signature: None, ..event.clone() }, delay).await)
        }
        // Refused credentials and a failing API are retried like an origin failure.
        Judgement::Refused(detail) | Judgement::Unavailable(detail) if attempt_no > config.delivery.max_retries => {
            Looked::Die(DeadReason::ConfirmFailed, format!("{attempt_no} lookups; the last: {detail}"))
        }
        Judgement::Refused(detail) | Judgement::Unavailable(detail) => {
            let delay = config.delivery.retry_delay(attempt_no, None, ports.random());
            log("confirm_failed", Some(delay), detail);
            let next = QueuedEvent { attempts: attempt_no, claim: false, signature: None, ..event.clone() };
            Looked::Done(requeue(ports, next, delay).await)
        }
    }
}

/// Send `next` after `delay` seconds: acked and queued, or (if sending fails) the queue retries
/// this message.
async fn requeue<P: Ports>(ports: &P, next: QueuedEvent, delay: u32) -> (Disposition, Option<GuardState>) {
    match ports.send(&next, delay).await {
        Ok(()) => (Disposition::Ack, Some(GuardState::Queued)),
        Err(_) => (Disposition::Retry { delay_s: delay }, None),
    }
}

/// The event JSON: in the message, or kept in its guard shard. `Err` when storage failed.
async fn load_body<P: Ports>(ports: &P, event: &QueuedEvent) -> Result<Option<String>, ()> {
    if !event.stored {
        return Ok(event.body.clone());
    }
    ports.get_body(&event.id).await.map_err(|e| storage_error(ports, "get_body", &event.id, &e))
}

/// Store the event (with its body, as already loaded) as a dead letter and ack; if storing
/// fails, the queue retries the message.
#[allow(clippy::too_many_arguments)]
async fn die<P: Ports>(
    ports: &P,
    config: &GatewayConfig,
    event: &QueuedEvent,
    body: Option<String>,
    attempts: u32,
    reason: DeadReason,
    detail: String,
    last_status: Option<u16>,
) -> (Disposition, Option<GuardState>) {
    let letter = DeadLetter {
        id: event.id.clone(),
        provider: event.provider.clone(),
        event_type: event.event_type.clone(),
        reason,
        detail: clip(&detail, 500),
        last_status,
        attempts,
        accepted_ms: event.accepted_ms,
        died_ms: ports.now_ms(),
        state: LetterState::Dead,
        body,
    };
    let stored = match ports.put(letter, config.delivery.retention()).await {
        Ok(()) => {
            // The letter holds its own copy of a large body: the stored one can go.
            if event.stored {
                best_effort(ports, "delete_body", &event.id, ports.delete_body(&event.id)).await;
            }
            true
        }
        Err(e) => {
            storage_error(ports, "put_letter", &event.id, &e);
            false
        }
    };
    log_delivery(
        ports,
        &DeliveryLog {
            status: last_status,
            outcome: if stored { "dead" } else { "dead_store_failed" },
            reason: Some(reason.as_str()),
            ..delivery_log(event, attempts)
        },
    );
    if stored {
        (Disposition::Ack, Some(GuardState::Kept))
    } else {
        (retry_soon(config), None)
    }
}

/// A message from the dead-letter queue: the consumer failed on it repeatedly.
async fn gave_up<P: Ports>(ports: &P, config: &GatewayConfig, event: &QueuedEvent) -> Disposition {
    let detail = "the queue consumer failed on this message repeatedly (moved to the dead-letter queue)".to_owned();
    let body = load_body(ports, event).await.ok().flatten();
    let reason = DeadReason::RetriesExhausted;
    die(ports, config, event, body, event.attempts, reason, detail, event.last_status).await.0
}

fn unreadable<P: Ports>(ports: &P, r: &Received) -> Disposition {
    ports.log(
        &serde_json::json!({ "msg": "delivery", "outcome": "unreadable_message", "queue_message": r.message_id })
            .to_string(),
    );
    Disposition::Ack
}

fn retry_soon(config: &GatewayConfig) -> Disposition {
    Disposition::Retry { delay_s: config.delivery.retry_min_seconds.max(1) }
}

fn delivery_log(event: &QueuedEvent, attempt: u32) -> DeliveryLog<'_> {
    DeliveryLog {
        msg: "delivery",
        id: &event.id,
        attempt,
        status: None,
        outcome: "delivered",
        delay_s: None,
        reason: None,
        error: None,
        accepted_ms: event.accepted_ms,
    }
}

fn log_delivery<P: Ports>(ports: &P, line: &DeliveryLog<'_>) {
    ports.log(&serde_json::to_string(line).unwrap_or_default());
    ports.count_delivery(line);
}
