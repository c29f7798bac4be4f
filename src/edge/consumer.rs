//! The delivery queue's consumer: one attempt per message, Standard Webhooks headers signed at
//! each attempt. A retry is a new message with the attempt counted and a backoff delay (worker
//! 0.8.7 cannot read a message's attempt count); when the retries are used up, or the origin
//! refuses the event, it becomes a dead letter. Nothing here returns an error to the runtime
//! (the glue would panic and the whole batch be retried): every message is acked or retried.
//!
//! The dead-letter queue (a queue whose name ends in `-dlq`) only receives messages this
//! consumer failed on repeatedly (a crash, not an origin failure): they become dead letters.

use futures_util::future::join_all;
use worker::{
    console_log, event, js_sys, Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, RawMessage,
};

use super::ports::Edge;
use super::{cached_config, store};
use crate::error::clip;
use crate::gateway::accept::{storage_error, DeadLetters, Host, Origin, Queue};
use crate::gateway::delivery::{
    judge_attempt, AttemptVerdict, DeadLetter, DeadReason, DeliveryLog, LetterState, QueuedEvent,
};

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> worker::Result<()> {
    let dead_letter_queue = batch.queue().ends_with("-dlq");
    let config = match cached_config(&env) {
        Ok(c) => c,
        Err(e) => {
            // Nothing can be delivered with a bad configuration: keep the messages queued.
            console_log!(
                "{}",
                serde_json::json!({ "msg": "delivery", "outcome": "bad_config", "code": e.code().as_str() })
            );
            batch.retry_all_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(60).build());
            return Ok(());
        }
    };
    let edge = Edge { env, config };
    let work = batch.raw_iter().map(|message| {
        let edge = &edge;
        async move {
            match read_message(&message) {
                Some(event) if dead_letter_queue => consumer_gave_up(edge, &message, event).await,
                Some(event) => deliver(edge, &message, event).await,
                None => {
                    console_log!("{}", serde_json::json!({ "msg": "delivery", "outcome": "unreadable_message", "queue_message": message.id() }));
                    message.ack();
                }
            }
        }
    });
    join_all(work).await;
    Ok(())
}

fn read_message(message: &RawMessage) -> Option<QueuedEvent> {
    let text = js_sys::JSON::stringify(&message.body()).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

async fn deliver(edge: &Edge, message: &RawMessage, mut event: QueuedEvent) {
    let config = &edge.config;
    let attempt_no = event.attempts + 1;
    let body = match load_body(edge, &event).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            let detail = "the event's stored body was gone (past its retention)".to_owned();
            return die(edge, message, &event, None, attempt_no, DeadReason::BodyMissing, detail, None).await;
        }
        Err(()) => return retry_message(message, config.delivery.retry_min_seconds.max(1)),
    };
    let attempt = edge.post(&event.id, body.as_bytes(), config.delivery_timeout_ms, false).await;
    let mut log = DeliveryLog {
        msg: "delivery",
        id: &event.id,
        attempt: attempt_no,
        status: attempt.status,
        outcome: "delivered",
        delay_s: None,
        reason: None,
        error: attempt.error.clone().or_else(|| attempt.timed_out.then(|| "timed out".to_owned())),
    };
    match judge_attempt(attempt.status) {
        AttemptVerdict::Delivered => {
            console_log!("{}", serde_json::to_string(&log).unwrap_or_default());
            message.ack();
            if event.stored {
                edge.delete_body(&event.id).await;
            }
            if event.redelivery {
                edge.delete_letter(&event.id).await;
            }
        }
        AttemptVerdict::Rejected => {
            let detail = format!("the origin answered {}", attempt.status.unwrap_or(0));
            die(edge, message, &event, Some(body), attempt_no, DeadReason::OriginRejected, detail, attempt.status)
                .await;
        }
        AttemptVerdict::Retry if attempt_no > config.delivery.max_retries => {
            let detail = match (attempt.status, &log.error) {
                (Some(s), _) => format!("{attempt_no} attempts; the last was answered {s}"),
                (None, Some(e)) => format!("{attempt_no} attempts; the last got no answer: {e}"),
                (None, None) => format!("{attempt_no} attempts; the last got no answer"),
            };
            die(edge, message, &event, Some(body), attempt_no, DeadReason::RetriesExhausted, detail, attempt.status)
                .await;
        }
        AttemptVerdict::Retry => {
            let delay = config.delivery.retry_delay(attempt_no, attempt.retry_after, js_sys::Math::random());
            log.outcome = "retry";
            log.delay_s = Some(delay);
            console_log!("{}", serde_json::to_string(&log).unwrap_or_default());
            event.attempts = attempt_no;
            event.last_status = attempt.status;
            // The next attempt is a new message carrying the count; if it cannot be sent, the
            // queue's own retry keeps this one (its count is then one behind, never lost).
            match edge.send(&event, delay).await {
                Ok(()) => message.ack(),
                Err(_) => retry_message(message, delay),
            }
        }
    }
}

/// The event JSON: in the message, or kept in its guard shard. `Err` when storage failed.
async fn load_body(edge: &Edge, event: &QueuedEvent) -> Result<Option<String>, ()> {
    if !event.stored {
        return Ok(event.body.clone());
    }
    match store::guard(&edge.env, &event.id, store::GuardOp::GetBody { id: event.id.clone() }).await {
        Ok((_, body, _)) => Ok(body),
        Err(_) => Err(()),
    }
}

fn retry_message(message: &RawMessage, delay: u32) {
    message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build());
}

/// Store the event (with its body, as already loaded) as a dead letter and ack; if storing
/// fails, the message is retried.
#[allow(clippy::too_many_arguments)]
async fn die(
    edge: &Edge,
    message: &RawMessage,
    event: &QueuedEvent,
    body: Option<String>,
    attempts: u32,
    reason: DeadReason,
    detail: String,
    last_status: Option<u16>,
) {
    let letter = DeadLetter {
        id: event.id.clone(),
        provider: event.provider.clone(),
        event_type: event.event_type.clone(),
        reason,
        detail: clip(&detail, 500),
        last_status,
        attempts,
        accepted_ms: event.accepted_ms,
        died_ms: edge.now_ms(),
        state: LetterState::Dead,
        body,
    };
    let config = &edge.config;
    let stored = match edge.put(letter, config.delivery.retention()).await {
        Ok(()) => {
            // The letter holds its own copy of a large body: the stored one can go.
            if event.stored {
                edge.delete_body(&event.id).await;
            }
            true
        }
        Err(e) => {
            storage_error(edge, "put_letter", &event.id, &e);
            false
        }
    };
    let log = DeliveryLog {
        msg: "delivery",
        id: &event.id,
        attempt: attempts,
        status: last_status,
        outcome: if stored { "dead" } else { "dead_store_failed" },
        delay_s: None,
        reason: Some(reason.as_str()),
        error: None,
    };
    console_log!("{}", serde_json::to_string(&log).unwrap_or_default());
    if stored {
        message.ack();
    } else {
        retry_message(message, config.delivery.retry_min_seconds.max(1));
    }
}

async fn consumer_gave_up(edge: &Edge, message: &RawMessage, event: QueuedEvent) {
    let detail = "the queue consumer failed on this message repeatedly (moved to the dead-letter queue)".to_owned();
    let body = load_body(edge, &event).await.ok().flatten();
    die(edge, message, &event, body, event.attempts, DeadReason::RetriesExhausted, detail, event.last_status).await;
}
