//! The delivery queue's consumer on workerd: reads the batch, lets [`consume`] decide, applies
//! each message's disposition, and logs one `batch` line (messages, Durable Object requests).
//! Nothing here returns an error to the runtime (the glue would panic and the whole batch be
//! retried): every message is acked or retried.
//!
//! The dead-letter queue (a queue whose name ends in `-dlq`) only receives messages this
//! consumer failed on repeatedly (a crash, not an origin failure): they become dead letters.

use worker::{
    console_log, event, js_sys, Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, RawMessage,
};

use super::cached_config;
use super::ports::Edge;
use crate::gateway::consume::{consume, Disposition, Received};
use crate::gateway::delivery::{BatchLog, QueuedEvent};

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
    let edge = Edge::new(env, config);
    let messages: Vec<RawMessage> = batch.raw_iter().collect();
    let received: Vec<Received> =
        messages.iter().map(|m| Received { message_id: m.id(), event: read_message(m) }).collect();
    let dispositions = consume(&edge, &edge.config, &received, dead_letter_queue).await;
    for (message, disposition) in messages.iter().zip(dispositions) {
        match disposition {
            Disposition::Ack => message.ack(),
            Disposition::Retry { delay_s } => {
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay_s).build())
            }
        }
    }
    let line = BatchLog {
        msg: "batch",
        queue: &batch.queue(),
        messages: messages.len(),
        store_requests: edge.store_requests(),
    };
    console_log!("{}", serde_json::to_string(&line).unwrap_or_default());
    super::stats::flush(&edge.env, false).await;
    Ok(())
}

fn read_message(message: &RawMessage) -> Option<QueuedEvent> {
    let text = js_sys::JSON::stringify(&message.body()).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}
