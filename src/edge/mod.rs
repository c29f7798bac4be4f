//! The Cloudflare Worker: thin glue between workerd and [`crate::gateway`] /
//! [`crate::delivery`]. It reads the environment, the clock and the body, lets the gateway
//! decide, then moves the event: through the duplicate guard into the delivery queue (queue
//! mode) or straight to the origin (direct mode), or into the dead letters. One JSON log line
//! per request, one per delivery attempt.
//!
//! - `origin`: one delivery attempt (shared by every path).
//! - `store`: the Durable Objects (duplicate guard, dead letters).
//! - `consumer`: the queue consumer (retries, dead letters).
//! - `admin`: the operator's dead-letter API.

mod admin;
mod consumer;
mod origin;
mod store;

use futures_util::StreamExt;
use worker::{console_log, event, Context, Date, Env, MessageBuilder, Request, Response, Result};

use crate::delivery::{DeliveryMode, QueuedEvent, MAX_INLINE_BODY_BYTES};
use crate::error::{clip, Error};
use crate::gateway::{error_body, Decision, Forward, GatewayConfig, Kept, LogLine, Route};
use crate::request::CallbackRequest;

/// The delivery queue's producer binding (wrangler.toml).
pub(crate) const QUEUE_BINDING: &str = "EVENTS";

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let started = now_ms();
    let mut log = LogLine { msg: "callback", ..LogLine::default() };
    let response = handle(req, &env, &ctx, &mut log).await;
    log.status = response.as_ref().map_or(500, Response::status_code);
    log.duration_ms = now_ms().saturating_sub(started);
    console_log!("{}", log.to_json());
    response
}

async fn handle(mut req: Request, env: &Env, ctx: &Context, log: &mut LogLine) -> Result<Response> {
    let url = req.url()?;
    let Some(route) = Route::for_path(url.path()) else {
        log.outcome = "not_found";
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };
    let method = req.method().to_string();
    let config = match cached_config(env) {
        Ok(c) => c,
        Err(e) => {
            log.outcome = "bad_config";
            return reject(log, e);
        }
    };
    let method_ok = match route {
        Route::Health => method == "GET",
        Route::Callback(p) => p.allows_method(&method),
        Route::Admin => return admin::handle(req, env, &config, log).await,
    };
    if !method_ok {
        log.outcome = "method_not_allowed";
        let e = Error::MethodNotAllowed { method: clip(&method, 16), allowed: route.allowed_methods() };
        let mut resp = json_response(&error_body(&e), e.http_status())?;
        resp.headers_mut().set("allow", route.allowed_methods())?;
        log.code = Some(e.code().as_str());
        return Ok(resp);
    }
    let provider = match route {
        Route::Callback(p) => p,
        _ => {
            log.outcome = "health";
            let enabled: Vec<&str> =
                crate::Provider::ALL.into_iter().filter(|p| config.verifier(*p).is_some()).map(|p| p.id()).collect();
            let body =
                serde_json::json!({ "ok": true, "providers": enabled, "delivery": config.delivery.mode.as_str() });
            return json_response(&body.to_string(), 200);
        }
    };
    log.provider = Some(provider.id());
    let Some(verifier) = config.verifier(provider) else {
        log.outcome = "not_found";
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };

    let now = now_seconds();
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    // The Alibaba schemes sign the URL (or host) and the time, not the body: check that
    // before reading a byte of it, so an unsigned upload costs nothing.
    if provider.signs_headers_only() {
        let without_body = CallbackRequest {
            method: &method,
            url: url.as_str(),
            headers: headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
            body: &[],
        };
        if let Err(e) = verifier.verify(&without_body, now) {
            log.outcome = "rejected";
            return reject(log, e);
        }
    }

    // Refuse an announced oversized body before reading it.
    let limit = config.max_body_bytes(provider);
    let announced = req.headers().get("content-length")?.and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(size) = announced.filter(|s| *s > limit as u64) {
        log.outcome = "rejected";
        return reject(log, Error::BodyTooLarge { size, limit: limit as u64 });
    }
    // Chunked bodies announce no length: count while reading and stop at the limit.
    let body = match read_capped(&mut req, limit).await? {
        Ok(body) => body,
        Err(seen) => {
            log.outcome = "rejected";
            log.body_bytes = Some(seen);
            return reject(log, Error::BodyTooLarge { size: seen, limit: limit as u64 });
        }
    };
    log.body_bytes = Some(body.len() as u64);
    let callback = CallbackRequest {
        method: &method,
        url: url.as_str(),
        headers: headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &body,
    };

    match config.decide(verifier, &callback, now) {
        Decision::Reject(e) => {
            log.outcome = "rejected";
            reject(log, e)
        }
        Decision::Filter { event, reason } => {
            log.outcome = "filtered";
            log.code = Some(reason);
            let body = serde_json::json!({ "code": 0, "id": event.id, "outcome": "filtered", "reason": reason });
            fill_event(log, &event.event_type, &event.id);
            json_response(&body.to_string(), 200)
        }
        Decision::Forward(fwd) => {
            fill_event(log, &fwd.event.event_type, &fwd.event.id);
            log.key_index = Some(fwd.key_index);
            if fwd.event.provider == crate::Provider::AlibabaLive
                && fwd.event.event_type == crate::events::alibaba_live::ON_DEMAND_RECORD
            {
                return answer_on_demand(&config, &fwd, log).await;
            }
            accept(env, ctx, &config, Accepted::Deliver(&fwd), log).await
        }
        Decision::Keep(kept) => {
            fill_event(log, &kept.event_type, &kept.id);
            log.key_index = Some(kept.key_index);
            accept(env, ctx, &config, Accepted::Keep(&kept), log).await
        }
    }
}

/// A verified event on its way past the duplicate guard.
enum Accepted<'a> {
    Deliver(&'a Forward),
    Keep(&'a Kept),
}

impl Accepted<'_> {
    fn id(&self) -> &str {
        match self {
            Accepted::Deliver(f) => &f.event.id,
            Accepted::Keep(k) => &k.id,
        }
    }
    fn signature(&self) -> &str {
        match self {
            Accepted::Deliver(f) => &f.signature,
            Accepted::Keep(k) => &k.signature,
        }
    }
}

/// How long a request waits for another one that is accepting the same event.
const PENDING_WAIT_STEPS: u32 = 8;
const PENDING_WAIT_MS: u64 = 150;

/// Past verification: the duplicate guard, then queue, direct delivery or dead letter.
async fn accept(
    env: &Env,
    ctx: &Context,
    config: &GatewayConfig,
    event: Accepted<'_>,
    log: &mut LogLine,
) -> Result<Response> {
    let id = event.id().to_owned();
    let accepted_ms = now_ms() as i64;
    let ttl_ms = config.delivery.dedupe_seconds as i64 * 1000;
    let mut verdict = None;
    for step in 0..=PENDING_WAIT_STEPS {
        let claim = store::GuardOp::Claim { id: id.clone(), now_ms: now_ms() as i64, ttl_ms };
        verdict = match store::guard(env, &id, claim).await {
            Ok((v, _, _)) => v,
            Err(e) => {
                log.outcome = "storage_failed";
                log.error = Some(clip(&e.to_string(), 120));
                return reject(log, Error::StorageUnavailable { what: "duplicate guard" });
            }
        };
        if verdict != Some(store::Verdict::Pending) || step == PENDING_WAIT_STEPS {
            break;
        }
        worker::Delay::from(std::time::Duration::from_millis(PENDING_WAIT_MS)).await;
    }
    match verdict {
        Some(store::Verdict::Accepted) => {}
        Some(store::Verdict::Duplicate) => {
            log.outcome = "duplicate";
            return outcome_response(&id, "duplicate", None);
        }
        _ => {
            log.outcome = "in_flight";
            return reject(log, Error::InFlight);
        }
    }
    // Count the distinct events under this signature after answering (an anomaly signal).
    let (sig, warn_at) = (event.signature().to_owned(), i64::from(config.delivery.signature_reuse_warn));
    let (env2, sig_id) = (env.clone(), id.clone());
    ctx.wait_until(async move {
        if let Ok(Some(n)) = store::count_signature(&env2, &sig, &sig_id, accepted_ms, ttl_ms).await {
            if n > warn_at && (n - warn_at - 1) % warn_at.max(1) == 0 {
                console_log!("{}", serde_json::json!({ "msg": "signature_reuse", "signature": sig, "distinct_events": n, "threshold": warn_at }));
            }
        }
    });

    // What to remember in the guard, and what to answer and log, once the event is taken.
    let (result, settled, outcome, reason) = match event {
        Accepted::Keep(kept) => {
            (keep(env, config, kept, accepted_ms).await, "kept", "dead_lettered", Some(kept.reason.as_str()))
        }
        Accepted::Deliver(fwd) => match config.delivery.mode {
            DeliveryMode::Queue => (enqueue(env, fwd, accepted_ms).await, "queued", "queued", None),
            DeliveryMode::Direct => (deliver_now(config, fwd, log).await, "delivered", "forwarded", None),
        },
    };
    match result {
        Ok(()) => {
            let env2 = env.clone();
            let op = store::GuardOp::Settle { id: id.clone(), state: settled.into() };
            let answer = outcome_response(&id, outcome, reason);
            ctx.wait_until(async move {
                let _ = store::guard(&env2, &id, op).await;
            });
            log.outcome = outcome;
            answer
        }
        Err(e) => {
            // Not taken: forget the claim, so that the provider's retry is accepted afresh.
            let _ = store::guard(env, &id, store::GuardOp::Release { id: id.clone() }).await;
            if log.outcome.is_empty() {
                log.outcome =
                    if e.code() == crate::ErrorCode::QueueUnavailable { "queue_failed" } else { "storage_failed" };
            }
            reject(log, e)
        }
    }
}

/// Queue mode: put the event on the delivery queue (a large body goes to its guard shard and
/// the message carries a reference).
async fn enqueue(env: &Env, fwd: &Forward, now_ms: i64) -> std::result::Result<(), Error> {
    let e = &fwd.event;
    let message = QueuedEvent::new(&e.id, e.provider.id(), &clip(&e.event_type, 128), now_ms as u64);
    send_new(env, message, String::from_utf8_lossy(&fwd.body).into_owned()).await
}

/// Put an event on the delivery queue with its body: in the message, or, when too large for
/// one, kept in the event's guard shard with the message carrying a reference.
pub(crate) async fn send_new(env: &Env, mut message: QueuedEvent, body: String) -> std::result::Result<(), Error> {
    if body.len() > MAX_INLINE_BODY_BYTES {
        let op = store::GuardOp::PutBody { id: message.id.clone(), body, now_ms: now_ms() as i64 };
        store::guard(env, &message.id, op).await.map_err(|_| Error::StorageUnavailable { what: "event store" })?;
        message.stored = true;
    } else {
        message.body = Some(body);
    }
    send_to_queue(env, &message, 0).await
}

/// Send a message to the delivery queue, after `delay_s` seconds.
pub(crate) async fn send_to_queue(env: &Env, message: &QueuedEvent, delay_s: u32) -> std::result::Result<(), Error> {
    let queue = env.queue(QUEUE_BINDING).map_err(|_| Error::QueueUnavailable)?;
    let built = MessageBuilder::new(message).delay_seconds(delay_s).build();
    queue.send(built).await.map_err(|_| Error::QueueUnavailable)
}

/// Direct mode: deliver while the provider waits; 200 only after the origin's 2xx.
async fn deliver_now(config: &GatewayConfig, fwd: &Forward, log: &mut LogLine) -> std::result::Result<(), Error> {
    let now = now_seconds();
    let attempt = origin::attempt(config, &fwd.event.id, &fwd.body, now, config.origin_timeout_ms).await;
    log.origin_status = attempt.status;
    log.error = attempt.error.clone();
    if attempt.delivered() {
        return Ok(());
    }
    if attempt.timed_out {
        log.outcome = "origin_timeout";
        return Err(Error::OriginTimeout { ms: config.origin_timeout_ms });
    }
    log.outcome = "origin_failed";
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

/// The largest answer Alibaba reads from an on-demand recording query (it truncates the rest).
const ON_DEMAND_ANSWER_BYTES: usize = 2048;

/// Live's on-demand recording query is a question, not a notification: it goes to the origin
/// at once in either mode (no queue, no duplicate guard: the same stream may be asked about
/// again) and the origin's answer is relayed as Alibaba's answer, when it is a JSON object of
/// at most 2 KB. Otherwise the answer is 502 (Alibaba then applies the domain's stored
/// recording configuration); nothing is kept, since a later answer would be too late.
async fn answer_on_demand(config: &GatewayConfig, fwd: &Forward, log: &mut LogLine) -> Result<Response> {
    let attempt = origin::ask(config, &fwd.event.id, &fwd.body, now_seconds(), config.origin_timeout_ms).await;
    log.origin_status = attempt.status;
    log.error = attempt.error.clone();
    if attempt.timed_out {
        log.outcome = "origin_timeout";
        return reject(log, Error::OriginTimeout { ms: config.origin_timeout_ms });
    }
    let answer = attempt.answer.as_deref().filter(|_| attempt.delivered());
    match answer {
        Some(a)
            if a.len() <= ON_DEMAND_ANSWER_BYTES
                && serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(a).is_ok() =>
        {
            log.outcome = "answered";
            json_response(&String::from_utf8_lossy(a), 200)
        }
        _ => {
            log.outcome = "origin_failed";
            let detail = match (attempt.status, answer) {
                (Some(s), None) => format!("it answered {s}"),
                (Some(_), Some(a)) if a.len() > ON_DEMAND_ANSWER_BYTES => {
                    format!("its answer to an on-demand recording query is over {ON_DEMAND_ANSWER_BYTES} bytes")
                }
                (Some(_), Some(_)) => "its answer to an on-demand recording query is not a JSON object".into(),
                (None, _) => "it could not be reached".into(),
            };
            reject(log, Error::OriginError { detail })
        }
    }
}

/// Keep a verified event that cannot be delivered as typed, as a dead letter.
async fn keep(env: &Env, config: &GatewayConfig, kept: &Kept, now_ms: i64) -> std::result::Result<(), Error> {
    let letter = crate::delivery::DeadLetter {
        id: kept.id.clone(),
        provider: kept.provider.id().to_owned(),
        event_type: kept.event_type.clone(),
        reason: kept.reason.as_str().to_owned(),
        detail: clip(&kept.detail, 500),
        last_status: None,
        attempts: 0,
        accepted_ms: now_ms as u64,
        died_ms: now_ms as u64,
        state: "dead".into(),
        body: Some(String::from_utf8_lossy(&kept.body).into_owned()),
    };
    let op = store::DeadLetterOp::Put { letter, keep_days: config.delivery.dead_letter_days };
    store::dead_letters::<serde_json::Value>(env, op)
        .await
        .map(|_| ())
        .map_err(|_| Error::StorageUnavailable { what: "dead-letter store" })
}

fn outcome_response(id: &str, outcome: &str, reason: Option<&str>) -> Result<Response> {
    let mut body = serde_json::json!({ "code": 0, "id": id, "outcome": outcome });
    if let Some(r) = reason {
        body["reason"] = r.into();
    }
    json_response(&body.to_string(), 200)
}

thread_local! {
    /// Vars and secrets are fixed for an isolate's life (a change deploys a new one), so the
    /// configuration is read and validated once per isolate, not per request.
    static CONFIG: std::cell::OnceCell<std::result::Result<std::rc::Rc<GatewayConfig>, Error>> =
        const { std::cell::OnceCell::new() };
}

pub(crate) fn cached_config(env: &Env) -> std::result::Result<std::rc::Rc<GatewayConfig>, Error> {
    CONFIG.with(|cell| {
        cell.get_or_init(|| {
            let config = GatewayConfig::from_vars(|name| {
                env.secret(name).ok().map(|s| s.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string()))
            })?;
            check_bindings(env, &config)?;
            for warning in &config.warnings {
                console_log!("{}", serde_json::json!({ "msg": "config_warning", "warning": warning }));
            }
            Ok(std::rc::Rc::new(config))
        })
        .clone()
    })
}

/// The bindings the chosen delivery mode needs, named when missing.
fn check_bindings(env: &Env, config: &GatewayConfig) -> std::result::Result<(), Error> {
    let missing = |name: &str, what: &str| Error::InvalidConfig {
        name: name.into(),
        reason: format!("the {what} binding is missing (see wrangler.toml)"),
    };
    if config.delivery.mode == DeliveryMode::Queue && env.queue(QUEUE_BINDING).is_err() {
        return Err(missing(QUEUE_BINDING, "queue producer"));
    }
    for name in [store::GUARD_BINDING, store::DEAD_LETTERS_BINDING] {
        if env.durable_object(name).is_err() {
            return Err(missing(name, "Durable Object"));
        }
    }
    Ok(())
}

/// How much of an oversized upload is read (and dropped) before answering anyway: enough for
/// a client that sent a little too much to get its 413, not a sink for unbounded uploads.
const DRAIN_CAP: u64 = 4 * 1024 * 1024;

/// The body, or `Err(bytes seen)` when it exceeds `limit` (nothing past the limit is kept).
async fn read_capped(req: &mut Request, limit: usize) -> Result<std::result::Result<Vec<u8>, u64>> {
    if req.inner().body().is_none() {
        return Ok(Ok(Vec::new()));
    }
    let mut stream = req.stream()?;
    let mut body = Vec::new();
    let mut seen = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        if seen > limit as u64 {
            // Keep nothing past the limit, but read on a little (up to the cap): answering
            // mid-upload leaves the connection stuck in some runtimes.
            body = Vec::new();
            if seen > DRAIN_CAP {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(if seen > limit as u64 { Err(seen) } else { Ok(body) })
}

/// The worker's clock, read here only: the core takes `now` as an argument.
pub(crate) fn now_ms() -> u64 {
    Date::now().as_millis()
}

/// [`now_ms`] in UNIX seconds.
pub(crate) fn now_seconds() -> u64 {
    now_ms() / 1000
}

fn fill_event(log: &mut LogLine, event_type: &str, id: &str) {
    // The type is the sender's text (verified, but of any length): clipped like paths.
    log.event_type = Some(clip(event_type, 128));
    log.id = Some(id.to_owned());
}

pub(crate) fn reject(log: &mut LogLine, e: Error) -> Result<Response> {
    log.code = Some(e.code().as_str());
    json_response(&error_body(&e), e.http_status())
}

pub(crate) fn json_response(body: &str, status: u16) -> Result<Response> {
    let mut resp = Response::ok(body)?.with_status(status);
    resp.headers_mut().set("content-type", "application/json")?;
    Ok(resp)
}
