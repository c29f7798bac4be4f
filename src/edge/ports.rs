//! The gateway's ports on workerd: the duplicate guard and the dead letters (Durable Objects,
//! `store`), the delivery queue, the origin (fetch: Standard Webhooks headers signed for each
//! attempt, redirects never followed, a timeout), the clock, the timer and the log.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{
    console_log, js_sys, AbortController, Date, Delay, Env, Fetch, Headers, MessageBuilder, Method, Request,
    RequestInit, RequestRedirect,
};

use super::store::{self, DeadLetterOp, GuardOp, PutAnswer};
use crate::error::clip;
use crate::gateway::accept::{
    storage_error, DeadLetters, Guard, GuardState, Host, Origin, Queue, Verdict, ON_DEMAND_ANSWER_BYTES,
};
use crate::gateway::delivery::{parse_retry_after, Attempt, DeadLetter, QueuedEvent, Retention};
use crate::gateway::{GatewayConfig, Notice};

/// The delivery queue's producer binding (wrangler.toml).
pub(crate) const QUEUE_BINDING: &str = "EVENTS";

/// The worker's environment and configuration, as the gateway's ports.
#[derive(Clone)]
pub(crate) struct Edge {
    pub env: Env,
    pub config: Rc<GatewayConfig>,
}

impl Edge {
    /// A write that nothing waits for: a failure is logged (`storage_error`), not answered.
    pub(crate) async fn best_effort<T>(
        &self,
        op: &'static str,
        id: &str,
        write: impl Future<Output = worker::Result<T>>,
    ) {
        if let Err(e) = write.await {
            storage_error(self, op, id, &e.to_string());
        }
    }

    /// Drop a large body kept for an event that no message needs any more.
    pub(crate) async fn delete_body(&self, id: &str) {
        let op = GuardOp::DeleteBody { id: id.to_owned() };
        self.best_effort("delete_body", id, store::guard(&self.env, id, op)).await;
    }

    /// Drop a dead letter whose event was delivered.
    pub(crate) async fn delete_letter(&self, id: &str) {
        let op = DeadLetterOp::Delete { id: id.to_owned() };
        self.best_effort("delete_letter", id, store::dead_letters::<serde_json::Value>(&self.env, op)).await;
    }
}

fn words(e: worker::Error) -> String {
    clip(&e.to_string(), 200)
}

impl Guard for Edge {
    async fn claim(&self, id: &str, now_ms: i64, ttl_ms: i64) -> Result<Verdict, String> {
        let op = GuardOp::Claim { id: id.to_owned(), now_ms, ttl_ms };
        match store::guard(&self.env, id, op).await.map_err(words)? {
            (Some(v), _, _) => Ok(v),
            _ => Err("the duplicate guard gave no verdict".into()),
        }
    }

    async fn settle(&self, id: &str, state: GuardState) -> Result<(), String> {
        store::guard(&self.env, id, GuardOp::Settle { id: id.to_owned(), state }).await.map(|_| ()).map_err(words)
    }

    async fn release(&self, id: &str) -> Result<(), String> {
        store::guard(&self.env, id, GuardOp::Release { id: id.to_owned() }).await.map(|_| ()).map_err(words)
    }

    async fn put_body(&self, id: &str, body: &str, now_ms: i64) -> Result<(), String> {
        let op = GuardOp::PutBody { id: id.to_owned(), body: body.to_owned(), now_ms };
        store::guard(&self.env, id, op).await.map(|_| ()).map_err(words)
    }

    async fn count_signature(&self, signature: &str, id: &str, now_ms: i64, ttl_ms: i64) -> Result<i64, String> {
        store::count_signature(&self.env, signature, id, now_ms, ttl_ms)
            .await
            .map_err(words)?
            .ok_or_else(|| "the guard gave no count".into())
    }
}

impl Queue for Edge {
    async fn send(&self, message: &QueuedEvent, delay_s: u32) -> Result<(), String> {
        let queue = self.env.queue(QUEUE_BINDING).map_err(words)?;
        queue.send(MessageBuilder::new(message).delay_seconds(delay_s).build()).await.map_err(words)
    }
}

impl DeadLetters for Edge {
    async fn put(&self, letter: DeadLetter, retention: Retention) -> Result<(), String> {
        let provider = letter.provider.clone();
        let op = DeadLetterOp::Put { letter, retention };
        let fill: PutAnswer = store::dead_letters(&self.env, op)
            .await
            .map_err(words)?
            .ok_or_else(|| "the dead-letter store gave no answer".to_owned())?;
        let notice =
            Notice::DeadLetters { provider: &provider, stored: fill.stored, letters: fill.letters, bytes: fill.bytes };
        if !fill.stored || fill.near_cap {
            self.log(&notice.to_json());
        }
        if !fill.stored {
            return Err(format!(
                "the dead letters of {provider} are full ({} letters, {} bytes; DEAD_LETTER_MAX_COUNT, DEAD_LETTER_MAX_BYTES)",
                fill.letters, fill.bytes
            ));
        }
        Ok(())
    }
}

impl Host for Edge {
    fn now_ms(&self) -> u64 {
        now_ms()
    }

    async fn sleep(&self, ms: u64) {
        Delay::from(Duration::from_millis(ms)).await;
    }

    fn log(&self, line: &str) {
        console_log!("{line}");
    }
}

impl Origin for Edge {
    async fn post(&self, id: &str, body: &[u8], timeout_ms: u64, read_answer: bool) -> Attempt {
        match send(&self.config, id, body, now_ms() / 1000, timeout_ms, read_answer).await {
            Ok(a) => a,
            Err(e) => Attempt { error: Some(clip(&e.to_string(), 120)), ..Attempt::default() },
        }
    }
}

/// The worker's clock, read here only: the core takes `now` as an argument.
pub(crate) fn now_ms() -> u64 {
    Date::now().as_millis()
}

/// The first `limit` bytes of an answer's body (a broken origin cannot fill the isolate's memory).
async fn read_at_most(resp: &mut worker::Response, limit: usize) -> worker::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut stream = resp.stream()?;
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
        if out.len() >= limit {
            out.truncate(limit);
            break;
        }
    }
    Ok(out)
}

async fn send(
    config: &GatewayConfig,
    id: &str,
    body: &[u8],
    now: u64,
    timeout_ms: u64,
    read_answer: bool,
) -> worker::Result<Attempt> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", concat!("mediahook/", env!("CARGO_PKG_VERSION")))?;
    for (name, value) in config.origin_headers(id, now, body) {
        headers.set(name, &value)?;
    }
    let mut init = RequestInit::new();
    // Never follow a redirect with a signed event: a 302 would turn it into a body-less GET
    // whose 200 looks like delivery, a 307 would re-POST it to whatever host it names.
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(js_sys::Uint8Array::from(body).into()));
    let request = Request::new_with_init(&config.origin_url, &init)?;

    let controller = AbortController::default();
    let (fetch, signal) = (Fetch::Request(request), controller.signal());
    let send = Box::pin(async {
        let mut resp = fetch.send_with_signal(&signal).await?;
        let answer = if read_answer { Some(read_at_most(&mut resp, ON_DEMAND_ANSWER_BYTES + 1).await?) } else { None };
        Ok::<_, worker::Error>((resp, answer))
    });
    let timeout = Box::pin(Delay::from(Duration::from_millis(timeout_ms)));
    // Bound before returning: the unfinished future borrows `fetch` and `signal`.
    #[allow(clippy::let_and_return)]
    let outcome = match select(send, timeout).await {
        Either::Left((answer, _)) => {
            let (resp, answer) = answer?;
            let retry_after = resp.headers().get("retry-after").ok().flatten().and_then(|v| parse_retry_after(&v, now));
            Ok(Attempt { status: Some(resp.status_code()), retry_after, answer, ..Attempt::default() })
        }
        Either::Right(((), _)) => {
            controller.abort();
            Ok(Attempt { timed_out: true, ..Attempt::default() })
        }
    };
    outcome
}
