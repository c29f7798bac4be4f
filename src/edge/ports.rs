//! The gateway's ports on workerd: the duplicate guard and the dead letters (Durable Objects,
//! `store`), the delivery queue, the origin (fetch: Standard Webhooks headers signed for each
//! attempt, redirects never followed, a timeout), the clock, the timer and the log.

use std::cell::Cell;
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
use crate::api::HttpRequest;
use crate::error::clip;
use crate::gateway::accept::ON_DEMAND_ANSWER_BYTES;
use crate::gateway::delivery::{
    guard_shard, parse_retry_after, signature_shard, Attempt, DeadLetter, DeliveryLog, QueuedEvent, Retention,
};
use crate::gateway::ports::{
    DeadLetters, Guard, GuardState, Host, Origin, ProviderApi, Queue, ShardClaims, ShardVerdicts, Verdict,
};
use crate::gateway::{GatewayConfig, Notice};

/// The delivery queue's producer binding (wrangler.toml).
pub(crate) const QUEUE_BINDING: &str = "EVENTS";

/// The worker's environment and configuration, as the gateway's ports; counts the Durable
/// Object requests made through it (the log lines report them).
#[derive(Clone)]
pub(crate) struct Edge {
    pub env: Env,
    pub config: Rc<GatewayConfig>,
    requests: Rc<Cell<u32>>,
}

impl Edge {
    pub(crate) fn new(env: Env, config: Rc<GatewayConfig>) -> Edge {
        Edge { env, config, requests: Rc::default() }
    }

    /// Durable Object requests made so far.
    pub(crate) fn store_requests(&self) -> u32 {
        self.requests.get()
    }

    /// One Durable Object request, counted.
    pub(crate) async fn store<T>(&self, request: impl Future<Output = worker::Result<T>>) -> Result<T, String> {
        self.requests.set(self.requests.get() + 1);
        request.await.map_err(words)
    }

    /// One request to guard shard `shard`.
    async fn shard(&self, shard: usize, op: GuardOp) -> Result<store::GuardAnswer, String> {
        self.store(store::guard(&self.env, &store::shard_name(shard), &op)).await
    }

    /// One request to the guard shard that holds event `id`.
    async fn guard(&self, id: &str, op: GuardOp) -> Result<store::GuardAnswer, String> {
        self.shard(guard_shard(id), op).await
    }
}

fn words(e: worker::Error) -> String {
    clip(&e.to_string(), 200)
}

impl Guard for Edge {
    async fn claim(&self, id: &str, now_ms: i64, ttl_ms: i64) -> Result<Verdict, String> {
        let op = GuardOp::Claim { id: id.to_owned(), now_ms, ttl_ms };
        self.guard(id, op).await?.verdict.ok_or_else(|| "the duplicate guard gave no verdict".into())
    }

    async fn settle(&self, id: &str, state: GuardState) -> Result<(), String> {
        self.guard(id, GuardOp::Settle { id: id.to_owned(), state }).await.map(drop)
    }

    async fn release(&self, id: &str) -> Result<(), String> {
        self.guard(id, GuardOp::Release { id: id.to_owned() }).await.map(drop)
    }

    async fn count_signature(&self, signature: &str, id: &str, now_ms: i64, ttl_ms: i64) -> Result<i64, String> {
        let op = GuardOp::CountSignature { sig: signature.to_owned(), id: id.to_owned(), now_ms, ttl_ms };
        let answer = self.shard(signature_shard(signature), op).await?;
        answer.count.ok_or_else(|| "the guard gave no count".into())
    }

    async fn claim_batch(
        &self,
        shard: usize,
        batch: &ShardClaims,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<ShardVerdicts, String> {
        let answer = self.shard(shard, GuardOp::ClaimBatch { batch: batch.clone(), now_ms, ttl_ms }).await?;
        answer.batch.ok_or_else(|| "the duplicate guard gave no verdicts".into())
    }

    async fn settle_batch(&self, shard: usize, settled: &[(String, GuardState)]) -> Result<(), String> {
        self.shard(shard, GuardOp::SettleBatch { settled: settled.to_vec() }).await.map(drop)
    }

    async fn put_body(&self, id: &str, body: &str, now_ms: i64) -> Result<(), String> {
        self.guard(id, GuardOp::PutBody { id: id.to_owned(), body: body.to_owned(), now_ms }).await.map(drop)
    }

    async fn get_body(&self, id: &str) -> Result<Option<String>, String> {
        self.guard(id, GuardOp::GetBody { id: id.to_owned() }).await.map(|a| a.body)
    }

    async fn delete_body(&self, id: &str) -> Result<(), String> {
        self.guard(id, GuardOp::DeleteBody { id: id.to_owned() }).await.map(drop)
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
        let fill: PutAnswer = self
            .store(store::dead_letters(&self.env, op))
            .await?
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

    async fn delete(&self, id: &str) -> Result<(), String> {
        let op = DeadLetterOp::Delete { id: id.to_owned() };
        self.store(store::dead_letters::<serde_json::Value>(&self.env, op)).await.map(drop)
    }
}

impl Host for Edge {
    fn now_ms(&self) -> u64 {
        now_ms()
    }

    async fn sleep(&self, ms: u64) {
        Delay::from(Duration::from_millis(ms)).await;
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn log(&self, line: &str) {
        console_log!("{line}");
    }

    fn count_delivery(&self, line: &DeliveryLog<'_>) {
        super::stats::record(|t| t.delivery(now_ms() as i64, line));
    }
}

impl Origin for Edge {
    async fn post(&self, id: &str, body: &[u8], timeout_ms: u64, read_answer: bool) -> Attempt {
        match send(&self.config, &self.config.origin_url, id, body, now_ms() / 1000, timeout_ms, read_answer).await {
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
    // A 204 (an MNS DeleteMessage) or an empty answer has no body to stream.
    if !matches!(resp.body(), worker::ResponseBody::Stream(_)) {
        return Ok(out);
    }
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

/// POST `body` to `url`, signed with `ORIGIN_SECRET` as a Standard Webhooks message `id` (the
/// origin's deliveries, and alerts to `ALERT_URL`), never following a redirect.
pub(crate) async fn send(
    config: &GatewayConfig,
    url: &str,
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
    let request = Request::new_with_init(url, &init)?;
    let limit = read_answer.then_some(ON_DEMAND_ANSWER_BYTES + 1);
    Ok(match fetch_within(request, timeout_ms, limit).await? {
        Some((resp, answer)) => {
            let retry_after = resp.headers().get("retry-after").ok().flatten().and_then(|v| parse_retry_after(&v, now));
            Attempt { status: Some(resp.status_code()), retry_after, answer, ..Attempt::default() }
        }
        None => Attempt { timed_out: true, ..Attempt::default() },
    })
}

/// Fetch `request` within `timeout_ms` (aborted after it: `None`); with `read`, the first
/// `read` bytes of the answer's body too.
async fn fetch_within(
    request: Request,
    timeout_ms: u64,
    read: Option<usize>,
) -> worker::Result<Option<(worker::Response, Option<Vec<u8>>)>> {
    let controller = AbortController::default();
    let (fetch, signal) = (Fetch::Request(request), controller.signal());
    let send = Box::pin(async {
        let mut resp = fetch.send_with_signal(&signal).await?;
        let answer = match read {
            Some(limit) => Some(read_at_most(&mut resp, limit).await?),
            None => None,
        };
        Ok::<_, worker::Error>((resp, answer))
    });
    let timeout = Box::pin(Delay::from(Duration::from_millis(timeout_ms)));
    // Bound before returning: the unfinished future borrows `fetch` and `signal`.
    #[allow(clippy::let_and_return)]
    let outcome = match select(send, timeout).await {
        Either::Left((answer, _)) => answer.map(Some),
        Either::Right(((), _)) => {
            controller.abort();
            Ok(None)
        }
    };
    outcome
}

/// The most of a provider API's answer read: 16 events of up to 2 MB each, and a margin.
const API_ANSWER_BYTES: usize = 36 << 20;

impl ProviderApi for Edge {
    async fn call(&self, request: &HttpRequest, timeout_ms: u64) -> Result<(u16, String), String> {
        let call = async {
            let headers = Headers::new();
            for (name, value) in &request.headers {
                headers.set(name, value)?;
            }
            let mut init = RequestInit::new();
            let method = Method::from(request.method.to_owned());
            init.with_method(method).with_headers(headers).with_redirect(RequestRedirect::Manual);
            if !request.body.is_empty() {
                init.with_body(Some(js_sys::Uint8Array::from(request.body.as_slice()).into()));
            }
            let req = Request::new_with_init(&request.url, &init)?;
            fetch_within(req, timeout_ms, Some(API_ANSWER_BYTES)).await
        };
        match call.await.map_err(words)? {
            Some((resp, answer)) => {
                Ok((resp.status_code(), String::from_utf8_lossy(&answer.unwrap_or_default()).into_owned()))
            }
            None => Err(format!("timed out after {timeout_ms} ms")),
        }
    }

    fn nonce(&self) -> String {
        let mut bytes = [0u8; 16];
        let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok();
        let filled = crypto.and_then(|c| {
            let array = js_sys::Uint8Array::new_with_length(16);
            let get = js_sys::Reflect::get(&c, &"getRandomValues".into()).ok()?;
            js_sys::Function::from(get).call1(&c, &array).ok()?;
            array.copy_to(&mut bytes);
            Some(())
        });
        if filled.is_none() {
            // Unique enough for a nonce if the runtime has no crypto (it always has).
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (js_sys::Math::random() * 256.0) as u8 ^ (now_ms() >> (i % 8)) as u8;
            }
        }
        crate::verify::digest::to_hex(&bytes)
    }
}
