//! The Cloudflare Worker: thin glue between workerd and [`crate::gateway`]. It reads the
//! environment, the clock and the body, lets the gateway decide and accept, and answers. One
//! JSON log line per request, one per delivery attempt.
//!
//! - `ports`: the gateway's ports on workerd (guard, queue, origin, dead letters, clock, log).
//! - `store`: the Durable Objects (duplicate guard, dead letters).
//! - `consumer`: the queue consumer (duplicate guard, retries, dead letters).
//! - `admin`: the operator's dead-letter API.
//! - `pull`: the pull sources' loops (Durable Object alarms) and the cron trigger.

mod admin;
mod consumer;
mod ports;
mod pull;
mod stats;
mod store;

use std::rc::Rc;

use futures_util::StreamExt;
use worker::{console_log, event, Context, Env, Request, Response, Result, Url};

use crate::error::{clip, Error};
use crate::gateway::accept::{self, Accepting};
use crate::gateway::delivery::DeliveryMode;
use crate::gateway::{error_body, Decision, GatewayConfig, LogLine, Notice, Outcome, Route};
use crate::provider::Provider;
use crate::verify::request::CallbackRequest;
use ports::{now_ms, Edge, QUEUE_BINDING};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let started = now_ms();
    let mut log = LogLine::callback();
    let response = route(req, env.clone(), &ctx, &mut log).await;
    log.status = response.as_ref().map_or(500, Response::status_code);
    log.duration_ms = now_ms().saturating_sub(started);
    console_log!("{}", log.to_json());
    // Counted for the console after the answer: no Durable Object request on the provider's path.
    // (A provider is named only once the configuration, bindings included, was read.)
    if log.provider.is_some() {
        stats::record(|t| t.callback(started as i64, &log));
        // Under load a flush is nearly always on its way: no promise per request then.
        if !stats::flushing() {
            ctx.wait_until(async move { stats::flush(&env, true).await });
        }
    }
    response
}

/// The route table: which path goes where (the paths are in [`Route`] and the provider table).
async fn route(req: Request, env: Env, ctx: &Context, log: &mut LogLine) -> Result<Response> {
    let url = req.url()?;
    let Some(route) = Route::for_path(url.path()) else {
        log.outcome = Outcome::NotFound;
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };
    let config = match cached_config(&env) {
        Ok(c) => c,
        Err(e) => {
            log.outcome = Outcome::BadConfig;
            return reject(log, e);
        }
    };
    // The first request an isolate serves makes sure the pull loops run (so does the cron).
    if !config.sources.pull.is_empty() && pull::first_in_isolate() {
        let (env, config) = (env.clone(), config.clone());
        ctx.wait_until(async move { pull::ensure_loops(&env, &config).await });
    }
    match route {
        Route::Admin => admin::handle(req, Edge::new(env, config), log).await,
        Route::Health => health(&req, &config, log),
        Route::Callback(provider) => callback(req, url, provider, Edge::new(env, config), ctx, log).await,
    }
}

/// `GET /healthz`: the enabled providers and the delivery mode.
fn health(req: &Request, config: &GatewayConfig, log: &mut LogLine) -> Result<Response> {
    let method = req.method().to_string();
    if !Route::Health.allows_method(&method) {
        log.outcome = Outcome::MethodNotAllowed;
        return reject(
            log,
            Error::MethodNotAllowed { method: clip(&method, 16), allowed: Route::Health.allowed_methods() },
        );
    }
    log.outcome = Outcome::Health;
    let enabled: Vec<&str> =
        Provider::ALL.into_iter().filter(|p| config.verifier(*p).is_some()).map(|p| p.id()).collect();
    let body = serde_json::json!({ "ok": true, "providers": enabled, "delivery": config.delivery.mode.as_str() });
    json_response(&body.to_string(), 200)
}

/// A provider's callback: verify the head, read the body, decide, accept.
async fn callback(
    mut req: Request,
    url: Url,
    provider: Provider,
    edge: Edge,
    ctx: &Context,
    log: &mut LogLine,
) -> Result<Response> {
    log.provider = Some(provider.id());
    let config = edge.config.clone();
    let Some(verifier) = config.verifier(provider) else {
        log.outcome = Outcome::NotFound;
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };
    let now = now_ms() / 1000;
    let method = req.method().to_string();
    // Only the headers the scheme reads cross into Rust. `Headers.get` joins a repeated header
    // with ", ", which the verifier refuses like a repeat.
    let headers: Vec<(&str, String)> = verifier
        .header_names()
        .iter()
        .filter_map(|name| req.headers().get(name).ok().flatten().map(|value| (*name, value)))
        .collect();
    let mut callback = CallbackRequest {
        method: &method,
        url: url.as_str(),
        headers: headers.iter().map(|(n, v)| (*n, v.as_str())).collect(),
        body: &[],
    };
    // The method, and for the Alibaba schemes the whole signature (they sign the URL or host and
    // the time, not the body), for the body-signing ones the signature headers' form: checked
    // before a byte of the body is read.
    let head = match verifier.verify_head(&callback, now) {
        Ok(head) => head,
        Err(e) => {
            log.outcome =
                if matches!(e, Error::MethodNotAllowed { .. }) { Outcome::MethodNotAllowed } else { Outcome::Rejected };
            return reject(log, e);
        }
    };
    // Refuse an announced oversized body before reading it.
    let announced = req.headers().get("content-length")?.and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(e) = announced.and_then(|size| verifier.check_size(size).err()) {
        log.outcome = Outcome::Rejected;
        return reject(log, e);
    }
    // A body within its announced length is read at once; chunked bodies announce none: count
    // while reading and stop at the limit.
    let body = match read_body(&mut req, announced, verifier.max_body_bytes()).await? {
        Ok(body) => body,
        Err(seen) => {
            log.outcome = Outcome::Rejected;
            log.body_bytes = Some(seen);
            return reject(log, Error::BodyTooLarge { size: seen, limit: verifier.max_body_bytes() as u64 });
        }
    };
    log.body_bytes = Some(body.len() as u64);
    callback.body = &body;

    let decision = config.decide_verified(verifier, head, &callback, now);
    let accepting = match &decision {
        Decision::Reject(e) => {
            log.outcome = Outcome::Rejected;
            return reject(log, e.clone());
        }
        Decision::Filter { event, reason } => {
            log.outcome = Outcome::Filtered;
            log.code = Some(reason);
            fill_event(log, &event.event_type, &event.id);
            let body = serde_json::json!({ "code": 0, "id": event.id, "outcome": Outcome::Filtered, "reason": reason });
            return json_response(&body.to_string(), 200);
        }
        Decision::Forward(fwd) => {
            fill_event(log, &fwd.event.event_type, &fwd.event.id);
            log.key_index = Some(fwd.by.key_index);
            if fwd.event.provider == Provider::AlibabaLive
                && fwd.event.event_type == crate::events::alibaba_live::ON_DEMAND_RECORD
            {
                let answer = accept::answer_on_demand(&edge, &config, fwd, log).await;
                return respond(log, answer);
            }
            Accepting::Deliver(fwd)
        }
        Decision::Keep(kept) => {
            fill_event(log, &kept.event_type, &kept.id);
            log.key_index = Some(kept.by.key_index);
            Accepting::Keep(kept)
        }
    };
    let (answer, after) = accept::accept(&edge, &config, accepting, log).await;
    log.store_requests = edge.store_requests();
    if !after.is_empty() {
        ctx.wait_until(async move { accept::after(&edge, after).await });
    }
    respond(log, answer)
}

/// The cron trigger (wrangler.toml, every minute): make sure the pull loops run.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    if let Ok(config) = cached_config(&env) {
        pull::ensure_loops(&env, &config).await;
    }
}

thread_local! {
    /// Vars and secrets are fixed for an isolate's life (a change deploys a new one), so the
    /// configuration is read and validated once per isolate, not per request.
    static CONFIG: std::cell::OnceCell<std::result::Result<Rc<GatewayConfig>, Error>> =
        const { std::cell::OnceCell::new() };
}

pub(crate) fn cached_config(env: &Env) -> std::result::Result<Rc<GatewayConfig>, Error> {
    CONFIG.with(|cell| {
        cell.get_or_init(|| {
            let config = GatewayConfig::from_vars(|name| {
                env.secret(name).ok().map(|s| s.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string()))
            })?;
            check_bindings(env, &config)?;
            for warning in &config.warnings {
                console_log!("{}", Notice::ConfigWarning { warning }.to_json());
            }
            Ok(Rc::new(config))
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
    for name in [store::GUARD_BINDING, store::DEAD_LETTERS_BINDING, stats::STATS_BINDING] {
        if env.durable_object(name).is_err() {
            return Err(missing(name, "Durable Object"));
        }
    }
    if !config.sources.pull.is_empty() && env.durable_object(pull::PULL_BINDING).is_err() {
        return Err(missing(pull::PULL_BINDING, "Durable Object"));
    }
    Ok(())
}

/// How much of an oversized upload is read (and dropped) before answering anyway: enough for
/// a client that sent a little too much to get its 413, not a sink for unbounded uploads.
const DRAIN_CAP: u64 = 4 * 1024 * 1024;

/// The body: at once when its length was announced (and checked against the limit: the
/// runtime holds a body to its `content-length`), else [`read_capped`].
async fn read_body(
    req: &mut Request,
    announced: Option<u64>,
    limit: usize,
) -> Result<std::result::Result<Vec<u8>, u64>> {
    match announced {
        Some(_) if req.inner().body().is_none() => Ok(Ok(Vec::new())),
        Some(size) if size <= limit as u64 => {
            let body = req.bytes().await?;
            Ok(if body.len() > limit { Err(body.len() as u64) } else { Ok(body) })
        }
        _ => read_capped(req, limit).await,
    }
}

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

fn fill_event(log: &mut LogLine, event_type: &str, id: &str) {
    // The type is the sender's text (verified, but of any length): clipped like paths.
    log.event_type = Some(clip(event_type, 128));
    log.id = Some(id.to_owned());
}

/// The gateway's answer as a response: a 200 with its JSON, or the error's.
fn respond(log: &mut LogLine, answer: accept::Answer) -> Result<Response> {
    match answer {
        Ok(body) => json_response(&body, 200),
        Err(e) => reject(log, e),
    }
}

/// The error's status and JSON body (`Allow` with a 405: the error names the methods).
pub(crate) fn reject(log: &mut LogLine, e: Error) -> Result<Response> {
    log.code = Some(e.code().as_str());
    let mut resp = json_response(&error_body(&e), e.http_status())?;
    if let Error::MethodNotAllowed { allowed, .. } = e {
        resp.headers_mut().set("allow", allowed)?;
    }
    Ok(resp)
}

pub(crate) fn json_response(body: &str, status: u16) -> Result<Response> {
    let mut resp = Response::ok(body)?.with_status(status);
    resp.headers_mut().set("content-type", "application/json")?;
    Ok(resp)
}
