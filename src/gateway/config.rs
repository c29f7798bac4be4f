//! The gateway's configuration, read from string variables (a worker's vars and secrets, or
//! any other environment) and validated as a whole at start-up: errors name the variable,
//! never its value.

use super::delivery::{AdminToken, DeliveryMode, DeliverySettings, MAX_QUEUE_DELAY_SECONDS};
use super::sources::Sources;
use super::standard_webhooks::WebhookSecret;
use super::stats::AlertSettings;
use crate::error::Error;
use crate::provider::{Provider, ProviderSpec, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS};
use crate::verify::Verifier;

/// Default time the origin has to answer: below IMS's 3 s, so the provider still sees our answer.
pub const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 2000;
/// Default time the origin has for a queued delivery, where no provider is waiting.
pub const DEFAULT_DELIVERY_TIMEOUT_MS: u64 = 15_000;
/// The longest `ORIGIN_TIMEOUT_MS`: well below the 30 s after which a pending claim may be taken
/// over by the provider's retry (so a slow first attempt is not delivered a second time).
pub const MAX_ORIGIN_TIMEOUT_MS: u64 = 20_000;
/// The largest `MAX_BODY_BYTES`: an event's JSON must fit one Durable Object row (a large event
/// kept by reference, a dead letter), which Cloudflare limits to 2 MB.
pub const MAX_BODY_BYTES_LIMIT: u64 = 2 * 1024 * 1024;

/// The gateway's configuration, validated as a whole.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// Where events are forwarded.
    pub origin_url: String,
    origin_secret: WebhookSecret,
    verifiers: Vec<Verifier>,
    /// How long the origin may take while the provider waits (direct mode), in milliseconds.
    pub origin_timeout_ms: u64,
    /// How long the origin may take for a queued delivery or a redelivery, in milliseconds.
    pub delivery_timeout_ms: u64,
    /// Event types to forward; `None` forwards every known type.
    pub forward_event_types: Option<Vec<String>>,
    /// Whether events of types mediahook does not know are forwarded.
    pub forward_unknown_events: bool,
    /// Delivery mode, retries and retention.
    pub delivery: DeliverySettings,
    /// The admin API's token; `None` turns the admin API off (404).
    pub admin_token: Option<AdminToken>,
    /// Pull sources and confirmation through the providers' APIs.
    pub sources: Sources,
    /// Alerts to `ALERT_URL` (off when it is not set).
    pub alerts: Option<AlertSettings>,
    /// Things that work but should be changed (short keys), to log once at start-up; they
    /// name variables and positions, never values.
    pub warnings: Vec<String>,
}

impl GatewayConfig {
    /// Read and validate the configuration from variables (`var(name)` returns a var or secret).
    /// Errors name the variable, never its value.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<GatewayConfig, Error> {
        let get = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let bad = |name: &str, reason: &str| Error::InvalidConfig { name: name.into(), reason: reason.into() };

        let origin_url = get("ORIGIN_URL").ok_or_else(|| bad("ORIGIN_URL", "it is not set"))?;
        check_http_url(&origin_url).map_err(|reason| bad("ORIGIN_URL", reason))?;
        let origin_secret = get("ORIGIN_SECRET").ok_or_else(|| bad("ORIGIN_SECRET", "it is not set"))?;
        let origin_secret = WebhookSecret::new(&origin_secret)
            .map_err(|_| bad("ORIGIN_SECRET", "expected whsec_ followed by base64 of at least 16 bytes"))?;

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
        let max_body = number("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES as u64, MAX_BODY_BYTES_LIMIT)?;
        let origin_timeout_ms = number("ORIGIN_TIMEOUT_MS", DEFAULT_ORIGIN_TIMEOUT_MS, MAX_ORIGIN_TIMEOUT_MS)?;
        if origin_timeout_ms == 0 {
            return Err(bad(
                "ORIGIN_TIMEOUT_MS",
                &format!("expected a whole number from 1 to {MAX_ORIGIN_TIMEOUT_MS}"),
            ));
        }
        let delivery_timeout_ms = number("DELIVERY_TIMEOUT_MS", DEFAULT_DELIVERY_TIMEOUT_MS, 60_000)?.max(1);
        let forward_unknown_events = match get("FORWARD_UNKNOWN_EVENTS").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => return Err(bad("FORWARD_UNKNOWN_EVENTS", "expected true or false")),
        };
        let forward_event_types = get("FORWARD_EVENT_TYPES").map(|v| split_list(&v));

        let mode = match get("DELIVERY_MODE").as_deref() {
            None | Some("queue") => DeliveryMode::Queue,
            Some("direct") => DeliveryMode::Direct,
            Some(_) => return Err(bad("DELIVERY_MODE", "expected queue or direct")),
        };
        let max_delay = u64::from(MAX_QUEUE_DELAY_SECONDS);
        let defaults = DeliverySettings::default();
        let delivery = DeliverySettings {
            mode,
            retry_min_seconds: number("RETRY_MIN_SECONDS", defaults.retry_min_seconds.into(), max_delay)? as u32,
            retry_max_seconds: number("RETRY_MAX_SECONDS", defaults.retry_max_seconds.into(), max_delay)? as u32,
            max_retries: number("MAX_RETRIES", defaults.max_retries.into(), 1000)? as u32,
            dedupe_seconds: number("DEDUPE_SECONDS", defaults.dedupe_seconds, 30 * 86_400)?,
            signature_reuse_warn: number("SIGNATURE_REUSE_WARN", defaults.signature_reuse_warn.into(), 1_000_000)?
                as u32,
            dead_letter_days: number("DEAD_LETTER_DAYS", defaults.dead_letter_days.into(), 365)? as u32,
            dead_letter_max_count: number("DEAD_LETTER_MAX_COUNT", defaults.dead_letter_max_count.into(), 1_000_000)?
                as u32,
            dead_letter_max_bytes: number("DEAD_LETTER_MAX_BYTES", defaults.dead_letter_max_bytes, 8 << 30)?,
        };
        if delivery.retry_min_seconds > delivery.retry_max_seconds {
            return Err(bad("RETRY_MIN_SECONDS", "it is larger than RETRY_MAX_SECONDS"));
        }
        if delivery.dead_letter_days == 0 {
            return Err(bad("DEAD_LETTER_DAYS", "expected a whole number from 1 to 365"));
        }
        let admin_token = match get("ADMIN_TOKEN") {
            None => None,
            Some(t) => Some(AdminToken::new(&t).ok_or_else(|| {
                bad("ADMIN_TOKEN", "expected at least 24 visible ASCII characters (e.g. openssl rand -hex 32)")
            })?),
        };

        let sources = Sources::from_vars(&get, mode == DeliveryMode::Direct)?;
        let alerts = match get("ALERT_URL") {
            None => None,
            Some(url) => {
                check_http_url(&url).map_err(|reason| bad("ALERT_URL", reason))?;
                let minutes = number("ALERT_MINUTES", 15, 1440)?.max(1) as u32;
                let refusals = number("ALERT_REFUSALS", 20, 1_000_000)?.max(1) as i64;
                Some(AlertSettings { url, minutes, refusals })
            }
        };

        let mut verifiers = Vec::new();
        let mut warnings = Vec::new();
        for provider in Provider::ALL {
            let ProviderSpec { keys_var, urls_var, .. } = *provider.spec();
            let Some(keys) = get(keys_var) else { continue };
            let named = |e: Error, name: &str| match e {
                Error::InvalidConfig { .. } => e,
                other => bad(name, &other.to_string()),
            };
            let keys = split_list(&keys);
            // The providers allow keys of 1 to 32 characters, but the key is the MD5 schemes'
            // only secret: one captured callback lets a short key be found offline.
            for (i, key) in keys.iter().enumerate().filter(|(_, k)| k.len() < RECOMMENDED_KEY_LEN) {
                warnings.push(format!(
                    "{keys_var}: key {} has {} characters; use random keys of {RECOMMENDED_KEY_LEN} to 32 letters and digits",
                    i + 1,
                    key.len()
                ));
            }
            let mut v = Verifier::new(provider, keys).map_err(|e| named(e, keys_var))?;
            if let Some((urls_var, urls)) = urls_var.and_then(|name| Some((name, get(name)?))) {
                let urls = url_list(provider, &urls).map_err(|reason| bad(urls_var, &reason))?;
                v = v.with_signed_urls(urls).map_err(|e| named(e, urls_var))?;
            }
            verifiers.push(v.with_tolerance_seconds(tolerance).with_max_body_bytes(max_body as usize));
        }
        Ok(GatewayConfig {
            origin_url,
            origin_secret,
            verifiers,
            origin_timeout_ms,
            delivery_timeout_ms,
            forward_event_types,
            forward_unknown_events,
            delivery,
            admin_token,
            sources,
            alerts,
            warnings,
        })
    }

    /// The verifier of an enabled provider; `None` when no keys are configured (disabled: 404).
    pub fn verifier(&self, provider: Provider) -> Option<&Verifier> {
        self.verifiers.iter().find(|v| v.provider() == provider)
    }

    /// The body limit of an enabled provider.
    pub fn max_body_bytes(&self, provider: Provider) -> usize {
        self.verifier(provider).map_or(DEFAULT_MAX_BODY_BYTES, Verifier::max_body_bytes)
    }

    /// The Standard Webhooks headers for one attempt to deliver `body` at `now`.
    pub fn origin_headers(&self, id: &str, now: u64, body: &[u8]) -> Vec<(&'static str, String)> {
        self.origin_secret.headers(id, now, body).to_vec()
    }
}

/// Keys are shorter than this draw a configuration warning.
pub const RECOMMENDED_KEY_LEN: usize = 16;

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// A list of signed callback URLs (or Live hosts): a JSON array of strings, or entries
/// separated by whitespace or newlines, which never occur in a URL (a comma can: `?f=a,b`).
/// Each entry is checked here, at start-up, not when the first callback fails.
fn url_list(provider: Provider, s: &str) -> Result<Vec<String>, String> {
    let entries: Vec<String> = if s.starts_with('[') {
        serde_json::from_str(s).map_err(|_| "expected a JSON array of strings".to_owned())?
    } else {
        s.split_whitespace().map(str::to_owned).collect()
    };
    for (i, entry) in entries.iter().enumerate() {
        let n = i + 1;
        if entry.contains(",http://") || entry.contains(",https://") || entry.ends_with(',') {
            return Err(format!("entry {n} looks like a comma-separated list: separate URLs with spaces or newlines, or give a JSON array"));
        }
        match provider {
            Provider::AlibabaLive => {
                if entry.is_empty() || entry.contains(',') || entry.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(format!("entry {n} is not a host name or URL"));
                }
            }
            _ => check_http_url(entry).map_err(|reason| format!("entry {n}: {reason}"))?,
        }
    }
    Ok(entries)
}

/// An absolute `http(s)://host[:port][/...]` URL with nothing a fetch would refuse.
fn check_http_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("expected an http:// or https:// URL")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return Err("a URL cannot contain spaces, control characters or backslashes");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or("expected a ] after an IPv6 address")?;
            if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err("expected an IPv6 address between [ and ]");
            }
            (addr, after.strip_prefix(':'))
        }
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    if host.is_empty() {
        return Err("the URL has no host");
    }
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')) {
        return Err("the host may contain only letters, digits, dots, hyphens and underscores");
    }
    if let Some(p) = port {
        if p.is_empty()
            || p.len() > 5
            || !p.bytes().all(|b| b.is_ascii_digit())
            || p.parse::<u32>().map_or(true, |p| p > 65535)
        {
            return Err("the port must be a number from 0 to 65535");
        }
    }
    Ok(())
}
