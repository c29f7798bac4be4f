//! The Cloudflare Worker: thin glue between workerd and [`crate::gateway`]. It reads the
//! environment, the clock and the body, lets the gateway decide, forwards with a timeout, and
//! writes one JSON log line per request.

use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{
    console_log, event, js_sys, AbortController, Context, Date, Delay, Env, Fetch, Headers, Method, Request,
    RequestInit, Response, Result,
};

use crate::error::{clip, Error};
use crate::gateway::{error_body, Decision, Forward, GatewayConfig, LogLine, Route};
use crate::request::CallbackRequest;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = Date::now().as_millis();
    let mut log = LogLine { msg: "callback", ..LogLine::default() };
    let response = handle(req, &env, &mut log).await;
    log.status = response.as_ref().map_or(500, Response::status_code);
    log.duration_ms = Date::now().as_millis().saturating_sub(started);
    console_log!("{}", log.to_json());
    response
}

async fn handle(mut req: Request, env: &Env, log: &mut LogLine) -> Result<Response> {
    let url = req.url()?;
    let Some(route) = Route::for_path(url.path()) else {
        log.outcome = "not_found";
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };
    let method = req.method().to_string();
    let method_ok = match route {
        Route::Health => method == "GET",
        Route::Callback(p) => p.allows_method(&method),
    };
    if !method_ok {
        log.outcome = "method_not_allowed";
        let e = Error::MethodNotAllowed { method: clip(&method, 16), allowed: route.allowed_methods() };
        let mut resp = json_response(&error_body(&e), e.http_status())?;
        resp.headers_mut().set("allow", route.allowed_methods())?;
        log.code = Some(e.code().as_str());
        return Ok(resp);
    }

    let config = match cached_config(env) {
        Ok(c) => c,
        Err(e) => {
            log.outcome = "bad_config";
            return reject(log, e);
        }
    };
    let provider = match route {
        Route::Health => {
            log.outcome = "health";
            let enabled: Vec<&str> = crate::Provider::ALL
                .into_iter()
                .filter(|p| config.verifier(*p).is_some())
                .map(|p| p.id())
                .collect();
            return json_response(&serde_json::json!({ "ok": true, "providers": enabled }).to_string(), 200);
        }
        Route::Callback(p) => p,
    };
    log.provider = Some(provider.id());
    let Some(verifier) = config.verifier(provider) else {
        log.outcome = "not_found";
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };

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
            return reject(log, Error::BodyTooLarge { size: seen, limit: limit as u64 });
        }
    };
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    let callback = CallbackRequest {
        method: &method,
        url: url.as_str(),
        headers: headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &body,
    };
    let now = (Date::now().as_millis() / 1000) as u64;

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
            forward(&config, &fwd, log).await
        }
    }
}

thread_local! {
    /// Vars and secrets are fixed for an isolate's life (a change deploys a new one), so the
    /// configuration is read and validated once per isolate, not per request.
    static CONFIG: std::cell::OnceCell<std::result::Result<std::rc::Rc<GatewayConfig>, Error>> =
        const { std::cell::OnceCell::new() };
}

fn cached_config(env: &Env) -> std::result::Result<std::rc::Rc<GatewayConfig>, Error> {
    CONFIG.with(|cell| {
        cell.get_or_init(|| {
            GatewayConfig::from_vars(|name| {
                env.secret(name).ok().map(|s| s.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string()))
            })
            .map(std::rc::Rc::new)
        })
        .clone()
    })
}

/// How much of an oversized upload is read (and dropped) before answering anyway.
const DRAIN_CAP: u64 = 64 * 1024 * 1024;

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
            // Keep nothing past the limit, but read the upload to its end (up to a hard cap):
            // answering mid-upload leaves the connection stuck in some runtimes.
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

/// Send the event to the origin; 200 to the provider only after the origin's 2xx.
async fn forward(config: &GatewayConfig, fwd: &Forward, log: &mut LogLine) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", concat!("mediahook/", env!("CARGO_PKG_VERSION")))?;
    for (name, value) in &fwd.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(js_sys::Uint8Array::from(fwd.body.as_slice()).into()));
    let request = Request::new_with_init(&config.origin_url, &init)?;

    let controller = AbortController::default();
    let (fetch, signal) = (Fetch::Request(request), controller.signal());
    let send = Box::pin(fetch.send_with_signal(&signal));
    let timeout = Box::pin(Delay::from(Duration::from_millis(config.origin_timeout_ms)));
    let answer = match select(send, timeout).await {
        Either::Left((answer, _)) => Some(answer),
        Either::Right(((), _)) => None,
    };
    match answer {
        Some(Ok(resp)) if (200..300).contains(&resp.status_code()) => {
            log.outcome = "forwarded";
            log.origin_status = Some(resp.status_code());
            let body = serde_json::json!({ "code": 0, "id": fwd.event.id, "outcome": "forwarded" });
            json_response(&body.to_string(), 200)
        }
        Some(Ok(resp)) => {
            log.outcome = "origin_failed";
            log.origin_status = Some(resp.status_code());
            reject(log, Error::OriginError { detail: format!("it answered {}", resp.status_code()) })
        }
        Some(Err(e)) => {
            log.outcome = "origin_failed";
            reject(log, Error::OriginError { detail: format!("it could not be reached ({})", clip(&e.to_string(), 120)) })
        }
        None => {
            controller.abort();
            log.outcome = "origin_timeout";
            reject(log, Error::OriginTimeout { ms: config.origin_timeout_ms })
        }
    }
}

fn fill_event(log: &mut LogLine, event_type: &str, id: &str) {
    log.event_type = Some(event_type.to_owned());
    log.id = Some(id.to_owned());
}

fn reject(log: &mut LogLine, e: Error) -> Result<Response> {
    log.code = Some(e.code().as_str());
    json_response(&error_body(&e), e.http_status())
}

fn json_response(body: &str, status: u16) -> Result<Response> {
    let mut resp = Response::ok(body)?.with_status(status);
    resp.headers_mut().set("content-type", "application/json")?;
    Ok(resp)
}
