//! The edge gateway's logic, free of any runtime: routes, configuration from string variables,
//! and the decision for one callback (forward, filter or reject). The `worker` feature wraps it
//! in a Cloudflare Worker; anything else that can read variables and send HTTP could too.

use serde::Serialize;

use crate::error::Error;
use crate::events::{parse_event, Event};
use crate::provider::Provider;
use crate::request::CallbackRequest;
use crate::standard_webhooks::WebhookSecret;
use crate::verifier::{Verifier, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS};

/// Default time the origin has to answer: below IMS's 3 s, so the provider still sees our answer.
pub const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 2000;

/// What a path leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// A provider's callback endpoint.
    Callback(Provider),
    /// `GET /healthz`.
    Health,
}

impl Route {
    /// The route for a URL path, if any.
    pub fn for_path(path: &str) -> Option<Route> {
        Some(match path {
            "/alibaba/ims" => Route::Callback(Provider::AlibabaIms),
            "/alibaba/vod" => Route::Callback(Provider::AlibabaVod),
            "/alibaba/live" => Route::Callback(Provider::AlibabaLive),
            "/tencent/vod" => Route::Callback(Provider::TencentVod),
            "/healthz" => Route::Health,
            _ => return None,
        })
    }

    /// The methods this route answers (for `405` and its `Allow` header).
    pub fn allowed_methods(self) -> &'static str {
        match self {
            Route::Callback(p) => p.allowed_methods(),
            Route::Health => "GET",
        }
    }
}

/// Per-provider variable names: keys (secret) and signed URLs or hosts (var).
const PROVIDER_VARS: [(Provider, &str, &str); 4] = [
    (Provider::AlibabaIms, "ALIBABA_IMS_AUTH_KEYS", "ALIBABA_IMS_CALLBACK_URLS"),
    (Provider::AlibabaVod, "ALIBABA_VOD_AUTH_KEYS", "ALIBABA_VOD_CALLBACK_URLS"),
    (Provider::AlibabaLive, "ALIBABA_LIVE_AUTH_KEYS", "ALIBABA_LIVE_HOSTS"),
    (Provider::TencentVod, "TENCENT_VOD_SIGN_KEYS", ""),
];

/// The gateway's configuration, validated as a whole.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// Where events are forwarded.
    pub origin_url: String,
    origin_secret: WebhookSecret,
    verifiers: Vec<Verifier>,
    /// How long the origin may take, in milliseconds.
    pub origin_timeout_ms: u64,
    /// Event types to forward; `None` forwards every known type.
    pub forward_event_types: Option<Vec<String>>,
    /// Whether events of types mediahook does not know are forwarded.
    pub forward_unknown_events: bool,
}

impl GatewayConfig {
    /// Read and validate the configuration from variables (`var(name)` returns a var or secret).
    /// Errors name the variable, never its value.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<GatewayConfig, Error> {
        let get = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let bad = |name: &str, reason: &str| Error::InvalidConfig { name: name.into(), reason: reason.into() };

        let origin_url = get("ORIGIN_URL").ok_or_else(|| bad("ORIGIN_URL", "it is not set"))?;
        if !(origin_url.starts_with("https://") || origin_url.starts_with("http://")) {
            return Err(bad("ORIGIN_URL", "expected an http:// or https:// URL"));
        }
        let origin_secret = get("ORIGIN_SECRET").ok_or_else(|| bad("ORIGIN_SECRET", "it is not set"))?;
        let origin_secret = WebhookSecret::new(&origin_secret).map_err(|_| {
            bad("ORIGIN_SECRET", "expected whsec_ followed by base64 of at least 16 bytes")
        })?;

        let number = |name: &str, default: u64, max: u64| -> Result<u64, Error> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| bad(name, &format!("expected a whole number from 0 to {max}"))),
            }
        };
        let tolerance = number("TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS, 86_400)?;
        let max_body = number("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES as u64, 100 * 1024 * 1024)?;
        let origin_timeout_ms = number("ORIGIN_TIMEOUT_MS", DEFAULT_ORIGIN_TIMEOUT_MS, 30_000)?;
        if origin_timeout_ms == 0 {
            return Err(bad("ORIGIN_TIMEOUT_MS", "expected a whole number from 1 to 30000"));
        }
        let forward_unknown_events = match get("FORWARD_UNKNOWN_EVENTS").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => return Err(bad("FORWARD_UNKNOWN_EVENTS", "expected true or false")),
        };
        let forward_event_types = get("FORWARD_EVENT_TYPES").map(|v| split_list(&v));

        let mut verifiers = Vec::new();
        for (provider, keys_var, urls_var) in PROVIDER_VARS {
            let Some(keys) = get(keys_var) else { continue };
            let named = |e: Error, name: &str| match e {
                Error::InvalidConfig { .. } => e,
                other => bad(name, &other.to_string()),
            };
            let mut v = Verifier::new(provider, split_list(&keys)).map_err(|e| named(e, keys_var))?;
            if let Some(urls) = get(urls_var) {
                v = v.with_signed_urls(split_list(&urls)).map_err(|e| named(e, urls_var))?;
            }
            verifiers.push(v.with_tolerance_seconds(tolerance).with_max_body_bytes(max_body as usize));
        }
        Ok(GatewayConfig { origin_url, origin_secret, verifiers, origin_timeout_ms, forward_event_types, forward_unknown_events })
    }

    /// The verifier of an enabled provider; `None` when no keys are configured (disabled: 404).
    pub fn verifier(&self, provider: Provider) -> Option<&Verifier> {
        self.verifiers.iter().find(|v| v.provider() == provider)
    }

    /// The body limit of an enabled provider.
    pub fn max_body_bytes(&self, provider: Provider) -> usize {
        self.verifier(provider).map_or(DEFAULT_MAX_BODY_BYTES, Verifier::max_body_bytes)
    }

    /// Decide what to do with one callback to an enabled provider, as of `now` (UNIX seconds).
    pub fn decide(&self, verifier: &Verifier, req: &CallbackRequest<'_>, now: u64) -> Decision {
        let verified = match verifier.verify(req, now) {
            Ok(v) => v,
            Err(e) => return Decision::Reject(e),
        };
        let event = match parse_event(verified.provider, verified.body, req.url) {
            Ok(e) => e,
            Err(e) => return Decision::Reject(e),
        };
        if !event.is_known() && !self.forward_unknown_events {
            return Decision::Filter { event, reason: "unknown_event_type" };
        }
        if let Some(allowed) = &self.forward_event_types {
            if !allowed.iter().any(|t| *t == event.event_type) {
                return Decision::Filter { event, reason: "event_type_not_allowed" };
            }
        }
        let body = serde_json::to_vec(&event).expect("an event serialises");
        let headers = self.origin_secret.headers(&event.id, now, &body).to_vec();
        Decision::Forward(Forward { event, body, headers, key_index: verified.key_index })
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// What to do with a callback.
#[derive(Debug)]
pub enum Decision {
    /// Send to the origin; answer the provider 200 only once the origin answered 2xx.
    Forward(Forward),
    /// Verified, but not to be forwarded: answer 200 so the provider stops retrying.
    Filter {
        /// The parsed event.
        event: Event,
        /// Why it was not forwarded (a stable code for the log).
        reason: &'static str,
    },
    /// Refused: answer with the error's status and code; nothing reaches the origin.
    Reject(Error),
}

/// An event ready to be sent to the origin.
#[derive(Debug)]
pub struct Forward {
    /// The event.
    pub event: Event,
    /// The JSON body to POST.
    pub body: Vec<u8>,
    /// `content-type` is the caller's; these are the Standard Webhooks headers.
    pub headers: Vec<(&'static str, String)>,
    /// Which key verified the callback.
    pub key_index: usize,
}

/// The JSON body of an error answer: `{"error": code, "message": ...}`.
pub fn error_body(e: &Error) -> String {
    serde_json::json!({ "error": e.code().as_str(), "message": e.to_string() }).to_string()
}

/// One structured log line per callback. Never a key, never the body.
#[derive(Debug, Default, Serialize)]
pub struct LogLine {
    /// Always `"callback"`.
    pub msg: &'static str,
    /// Provider id, when the route named one.
    pub provider: Option<&'static str>,
    /// Event type, once parsed.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Event id, once parsed.
    pub id: Option<String>,
    /// `forwarded`, `filtered`, `rejected`, `origin_failed`, `origin_timeout`, `not_found`...
    pub outcome: &'static str,
    /// Error or filter code.
    pub code: Option<&'static str>,
    /// The status answered to the caller.
    pub status: u16,
    /// The origin's status, when it answered.
    pub origin_status: Option<u16>,
    /// Which key matched, when verified.
    pub key_index: Option<usize>,
    /// Milliseconds spent.
    pub duration_ms: u64,
}

impl LogLine {
    /// The line as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a log line serialises")
    }
}
