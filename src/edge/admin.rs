//! The operator's console and API, on only when the `ADMIN_TOKEN` secret is set (otherwise
//! every `/admin/` path is 404). The console's page (`GET /admin/`, its script and style) holds
//! no data; every API call needs `Authorization: Bearer <token>`, compared in constant time (401
//! otherwise). Every answer carries [`SECURITY_HEADERS`].
//!
//! - `GET /admin/dead-letters?limit=N&cursor=C&provider=P&type=T&reason=R`: newest first,
//!   without bodies, narrowed to the filters given; `next` is the cursor of the following page.
//! - `GET /admin/dead-letters/{id}`: one letter with the event JSON that redelivery sends.
//! - `POST /admin/dead-letters/{id}/redeliver`, `POST /admin/dead-letters/redeliver` (all):
//!   queue mode queues them again (202) and they leave the list once delivered; direct mode
//!   delivers at once and removes what the origin took.
//! - `DELETE /admin/dead-letters/{id}`.
//! - `GET /admin/stats?minutes=N`: the console's numbers (see [`crate::gateway::stats`]).

use worker::{Env, Request, Response, Result};

use super::ports::Edge;
use super::store::{self, DeadLetterOp, DeadLetterPage, LetterFilter};
use super::{json_response, reject};
use crate::error::{clip, Error};
use crate::gateway::accept::send_new;
use crate::gateway::delivery::{DeadLetter, DeliveryMode, LetterState, QueuedEvent};
use crate::gateway::ports::{best_effort, storage_error, DeadLetters, Origin};
use crate::gateway::stats::{Summary, KEEP_MINUTES};
use crate::gateway::{GatewayConfig, LogLine, Outcome};
use crate::provider::Provider;

/// The console's files, in the worker's bundle: no data in them, so served without the token
/// (but only when `ADMIN_TOKEN` is set).
const CONSOLE: [(&str, &str, &str); 4] = [
    ("/admin", "text/html; charset=utf-8", include_str!("console/index.html")),
    ("/admin/", "text/html; charset=utf-8", include_str!("console/index.html")),
    ("/admin/console.js", "text/javascript; charset=utf-8", include_str!("console/console.js")),
    ("/admin/console.css", "text/css; charset=utf-8", include_str!("console/console.css")),
];

/// Headers on every `/admin/` answer: only this worker's own files run (no inline script), the
/// page is never framed, never cached, and sends no referrer.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
];

pub async fn handle(req: Request, edge: Edge, log: &mut LogLine) -> Result<Response> {
    let mut resp = answer(req, edge, log).await?;
    for (name, value) in SECURITY_HEADERS {
        resp.headers_mut().set(name, value)?;
    }
    Ok(resp)
}

async fn answer(req: Request, edge: Edge, log: &mut LogLine) -> Result<Response> {
    let url = req.url()?;
    let (env, config) = (&edge.env, &*edge.config);
    let Some(token) = &config.admin_token else {
        log.outcome = Outcome::NotFound;
        return reject(log, Error::NotFound { path: clip(url.path(), 128) });
    };
    log.outcome = Outcome::Admin;
    if req.method() == worker::Method::Get {
        if let Some((_, kind, text)) = CONSOLE.iter().find(|(path, _, _)| *path == url.path()) {
            let mut resp = Response::ok(*text)?;
            resp.headers_mut().set("content-type", kind)?;
            return Ok(resp);
        }
    }
    if !token.authorizes(req.headers().get("authorization")?.as_deref()) {
        log.outcome = Outcome::Unauthorized;
        let mut resp = reject(log, Error::Unauthorized)?;
        resp.headers_mut().set("www-authenticate", "Bearer")?;
        return Ok(resp);
    }
    let method = req.method().to_string();
    let segments: Vec<&str> = url.path().trim_start_matches('/').split('/').collect();
    let answer = match (method.as_str(), segments.as_slice()) {
        ("GET", ["admin", "dead-letters"]) => list(env, config, &url).await,
        ("GET", ["admin", "stats"]) => stats(env, config, &url).await,
        ("GET", ["admin", "dead-letters", id]) => match get(env, id).await? {
            Some(letter) => Response::from_json(&letter),
            None => not_found(log, &url),
        },
        ("DELETE", ["admin", "dead-letters", id]) => {
            let r: Option<serde_json::Value> =
                store::dead_letters(env, DeadLetterOp::Delete { id: (*id).to_owned() }).await?;
            match r.and_then(|v| v["deleted"].as_bool()) {
                Some(true) => json_response(&serde_json::json!({ "id": id, "deleted": true }).to_string(), 200),
                _ => not_found(log, &url),
            }
        }
        ("POST", ["admin", "dead-letters", "redeliver"]) => redeliver_all(&edge).await,
        ("POST", ["admin", "dead-letters", id, "redeliver"]) => match get(env, id).await? {
            Some(letter) => {
                let (status, body) = redeliver(&edge, letter).await;
                json_response(&body.to_string(), status)
            }
            None => not_found(log, &url),
        },
        _ => not_found(log, &url),
    };
    answer.or_else(|_| reject(log, Error::StorageUnavailable { what: "dead-letter store" }))
}

/// `GET /admin/stats?minutes=N` (default 60, at most 1440): the console's numbers
/// ([`Summary`]) and what is configured (providers, delivery mode, pull sources, confirmation).
async fn stats(env: &Env, config: &GatewayConfig, url: &worker::Url) -> Result<Response> {
    let minutes = url.query_pairs().find(|(k, _)| k == "minutes").and_then(|(_, v)| v.parse().ok()).unwrap_or(60);
    let tally = super::stats::read(env).await?;
    let summary = Summary::read(&tally, super::ports::now_ms() as i64, minutes);
    let mut body = serde_json::to_value(&summary)?;
    body["minutes_asked"] = minutes.clamp(1, KEEP_MINUTES).into();
    body["delivery"] = config.delivery.mode.as_str().into();
    body["providers"] =
        Provider::ALL.iter().filter(|p| config.verifier(**p).is_some()).map(|p| p.id()).collect::<Vec<_>>().into();
    body["sources"] = config.sources.pull.iter().map(|s| s.name()).collect::<Vec<_>>().into();
    body["confirm"] = config.sources.confirm.iter().map(|p| p.id()).collect::<Vec<_>>().into();
    json_response(&body.to_string(), 200)
}

fn not_found(log: &mut LogLine, url: &worker::Url) -> Result<Response> {
    log.outcome = Outcome::NotFound;
    reject(log, Error::NotFound { path: clip(url.path(), 128) })
}

async fn get(env: &Env, id: &str) -> Result<Option<DeadLetter>> {
    store::dead_letters(env, DeadLetterOp::Get { id: id.to_owned() }).await
}

async fn page(
    env: &Env,
    config: &GatewayConfig,
    limit: u32,
    cursor: Option<&str>,
    filter: LetterFilter,
) -> Result<DeadLetterPage> {
    let before = cursor.and_then(|c| c.split_once(':')).and_then(|(ms, id)| Some((ms.parse().ok()?, id.to_owned())));
    let now_ms = super::ports::now_ms() as i64;
    let op = DeadLetterOp::List { limit, before, now_ms, keep_days: config.delivery.dead_letter_days, filter };
    Ok(store::dead_letters(env, op).await?.unwrap_or(DeadLetterPage { items: Vec::new(), next: None }))
}

async fn list(env: &Env, config: &GatewayConfig, url: &worker::Url) -> Result<Response> {
    let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let limit = query("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
    let filter = LetterFilter { provider: query("provider"), event_type: query("type"), reason: query("reason") };
    Response::from_json(&page(env, config, limit, query("cursor").as_deref(), filter).await?)
}

/// Send one dead letter again. Returns the HTTP status and JSON answer for it.
async fn redeliver(edge: &Edge, letter: DeadLetter) -> (u16, serde_json::Value) {
    let (env, config) = (&edge.env, &edge.config);
    let id = letter.id.clone();
    let Some(body) = letter.body else {
        return (
            409,
            serde_json::json!({ "id": id, "outcome": "failed", "error": "the letter has no body to deliver" }),
        );
    };
    match config.delivery.mode {
        DeliveryMode::Queue => {
            let first = QueuedEvent::new(&id, &letter.provider, &letter.event_type, letter.accepted_ms);
            let message = QueuedEvent { redelivery: true, ..first };
            if let Err((e, words)) = send_new(edge, message, body, 0).await {
                storage_error(edge, "redeliver", &id, &words);
                return (503, serde_json::json!({ "id": id, "outcome": "failed", "error": e.code().as_str() }));
            }
            let mark = DeadLetterOp::Mark { id: id.clone(), state: LetterState::Redelivering };
            best_effort(edge, "mark", &id, async {
                edge.store(store::dead_letters::<serde_json::Value>(env, mark)).await.map(drop)
            })
            .await;
            (202, serde_json::json!({ "id": id, "outcome": Outcome::Queued }))
        }
        DeliveryMode::Direct => {
            let attempt = edge.post(&id, body.as_bytes(), config.delivery_timeout_ms, false).await;
            if attempt.delivered() {
                best_effort(edge, "delete_letter", &id, edge.delete(&id)).await;
                (200, serde_json::json!({ "id": id, "outcome": "delivered", "origin_status": attempt.status }))
            } else {
                (502, serde_json::json!({ "id": id, "outcome": "failed", "origin_status": attempt.status }))
            }
        }
    }
}

/// Redeliver every dead letter (paged through, so the list may be long).
async fn redeliver_all(edge: &Edge) -> Result<Response> {
    let (env, config) = (&edge.env, &*edge.config);
    let (mut done, mut failed) = (0u32, 0u32);
    let mut cursor: Option<String> = None;
    loop {
        let p = page(env, config, 100, cursor.as_deref(), LetterFilter::default()).await?;
        // A letter already being redelivered is not sent twice.
        for item in p.items.into_iter().filter(|l| l.state != LetterState::Redelivering) {
            // The list has no bodies: read each letter whole.
            let status = match get(env, &item.id).await? {
                Some(letter) => redeliver(edge, letter).await.0,
                None => 404,
            };
            if (200..300).contains(&status) {
                done += 1;
            } else {
                failed += 1;
            }
        }
        match p.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let outcome = if config.delivery.mode == DeliveryMode::Queue { "queued" } else { "delivered" };
    json_response(
        &serde_json::json!({ "outcome": outcome, "redelivered": done, "failed": failed }).to_string(),
        if failed == 0 { 200 } else { 207 },
    )
}
