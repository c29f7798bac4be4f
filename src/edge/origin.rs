//! One attempt to deliver an event to the origin: POST, Standard Webhooks headers signed for
//! this attempt, redirects never followed, a timeout. Direct mode, the queue consumer and the
//! admin API's redelivery all go through here.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{js_sys, AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use crate::delivery::parse_retry_after;
use crate::error::clip;
use crate::gateway::GatewayConfig;

/// What became of one attempt.
#[derive(Debug, Default)]
pub struct Attempt {
    /// The origin's status, when it answered in time.
    pub status: Option<u16>,
    /// No answer within the timeout.
    pub timed_out: bool,
    /// The runtime's words when the request failed (for the operator's log, clipped).
    pub error: Option<String>,
    /// The origin's `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
    /// The origin's answer body, when it was asked for (see [`ask`]).
    pub answer: Option<Vec<u8>>,
}

impl Attempt {
    /// Whether the origin took the event (2xx).
    pub fn delivered(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

/// POST `body` (event JSON) for event `id` to the origin, signed at `now` (UNIX seconds).
pub async fn attempt(config: &GatewayConfig, id: &str, body: &[u8], now: u64, timeout_ms: u64) -> Attempt {
    match send(config, id, body, now, timeout_ms, false).await {
        Ok(a) => a,
        Err(e) => Attempt { error: Some(clip(&e.to_string(), 120)), ..Attempt::default() },
    }
}

/// As [`attempt`], and read the origin's answer body too (within the same timeout): for the
/// callbacks whose sender reads the answer (Live's on-demand recording query).
pub async fn ask(config: &GatewayConfig, id: &str, body: &[u8], now: u64, timeout_ms: u64) -> Attempt {
    match send(config, id, body, now, timeout_ms, true).await {
        Ok(a) => a,
        Err(e) => Attempt { error: Some(clip(&e.to_string(), 120)), ..Attempt::default() },
    }
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
        let answer = if read_answer { Some(resp.bytes().await?) } else { None };
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
