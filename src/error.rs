//! The one error type of mediahook, with stable string codes.
//!
//! The codes are the contract: the worker puts them in its JSON responses, the npm package in
//! `VerifyError.code`, the browser page on screen. A code is never reused for a second meaning.
//! Messages are for humans, may change, and never contain a key.

use std::fmt;

/// The one table of error codes: variant, wire code, HTTP status, what it means (the docs), and
/// the plain reason the page and the CLI show (`js/facts.mjs` is generated from it).
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $status:literal, $reason:literal;)*) => {
        /// Stable, machine-readable error codes (`ErrorCode::as_str` gives the wire form).
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in documentation order.
            pub const ALL: [ErrorCode; [$($code),*].len()] = [$(ErrorCode::$variant),*];

            /// The code's row of the table: wire form, HTTP status, reason.
            const fn row(self) -> (&'static str, u16, &'static str) {
                match self {
                    $(ErrorCode::$variant => ($code, $status, $reason),)*
                }
            }

            /// The stable wire form, e.g. `"signature_mismatch"`.
            pub const fn as_str(self) -> &'static str {
                self.row().0
            }

            /// The HTTP status a receiver should answer with: 400 for input it cannot read, 401
            /// for failed authentication, 404, 405, 413, 500 for its own bad configuration,
            /// 502/504 when the origin failed and 503 when its own storage or queue did (so the
            /// provider retries).
            pub const fn http_status(self) -> u16 {
                self.row().1
            }

            /// What the code means for a person looking at a failed callback (the page, the CLI).
            pub const fn reason(self) -> &'static str {
                self.row().2
            }
        }
    };
}

error_codes! {
    /// The signature header or field is absent.
    MissingSignature = "missing_signature", 401,
        "The signature is not there. Check the header names (any case) or, for Tencent, the Sign field.";
    /// The timestamp header or field (Tencent: `T`) is absent.
    MissingTimestamp = "missing_timestamp", 401, "The timestamp is not there.";
    /// The signature is not of the scheme's form (32 hexadecimal characters for MD5, 64 for
    /// HMAC-SHA256), or was sent more than once.
    MalformedSignature = "malformed_signature", 400,
        "The signature is not the hexadecimal digest of the provider's scheme, or was sent twice.";
    /// The timestamp is not a plain non-negative decimal integer, or was sent more than once.
    MalformedTimestamp = "malformed_timestamp", 400,
        "The timestamp is not a plain number of UNIX seconds, or was sent twice.";
    /// No configured key (and signed URL or host) reproduces the signature; for Mux, Cloudflare
    /// Stream and Volcengine, over the body as received.
    SignatureMismatch = "signature_mismatch", 401,
        "No key, with this URL, reproduces the signature (where the body is signed: over this exact body).";
    /// The signature is right but its timestamp is older than the tolerance.
    TimestampTooOld = "timestamp_too_old", 401,
        "The signature is right, but the callback is older than the tolerance.";
    /// The timestamp lies further in the future than allowed.
    TimestampInFuture = "timestamp_in_future", 401,
        "The signature is right, but its time is too far in the future: check clocks.";
    /// Tencent: the signature's expiry time `T` has passed.
    Expired = "expired", 401, "The signature is right, but its expiry time T has passed.";
    /// No key is configured: nothing can be verified.
    NoKeys = "no_keys", 500, "Enter at least one key.";
    /// A configured key is not of its provider's form: 1 to 32 ASCII letters and digits, or for
    /// Mux's and Cloudflare's signing secrets 1 to 256 visible ASCII characters.
    InvalidKey = "invalid_key", 500,
        "Keys are 1 to 32 ASCII letters and digits (Mux and Cloudflare secrets: 1 to 256 visible ASCII characters).";
    /// The body is larger than the configured limit.
    BodyTooLarge = "body_too_large", 413, "The body is larger than the limit (1 MiB by default).";
    /// The body is not JSON (or not the JSON shape every event has).
    MalformedJson = "malformed_json", 400, "The body is not valid JSON.";
    /// The JSON is well formed but a known event is missing a field or has one of an impossible type.
    InvalidEvent = "invalid_event", 400,
        "The signature is right, but the body is not a valid event of its type.";
    /// The provider id is not one mediahook knows.
    UnsupportedProvider = "unsupported_provider", 400, "mediahook does not know this provider.";
    /// The HTTP method is not one the provider uses for callbacks.
    MethodNotAllowed = "method_not_allowed", 405, "The provider does not call back with this HTTP method.";
    /// The request URL (or a configured callback URL or host) cannot be used.
    InvalidUrl = "invalid_url", 400, "The URL has no host.";
    /// A configuration value (tolerance, limit, secret...) is invalid.
    InvalidConfig = "invalid_config", 500, "A setting is invalid: the message names it.";
    /// No such route, or the provider is not enabled (no keys configured).
    NotFound = "not_found", 404, "Nothing is served at this path, or the provider has no keys configured.";
    /// The origin could not be reached or answered with a non-2xx status.
    OriginError = "origin_error", 502, "The origin could not be reached or did not answer 2xx.";
    /// The origin did not answer in time.
    OriginTimeout = "origin_timeout", 504, "The origin did not answer in time.";
    /// The delivery queue did not take the event: the provider should retry.
    QueueUnavailable = "queue_unavailable", 503, "The delivery queue did not take the event; the provider retries.";
    /// The duplicate guard or dead-letter storage (Durable Objects) could not be reached.
    StorageUnavailable = "storage_unavailable", 503, "The gateway's storage could not be reached; the provider retries.";
    /// The same event is being accepted by another request right now: retry shortly.
    InFlight = "in_flight", 503, "Another request is accepting the same event; the provider retries.";
    /// The admin API's bearer token is missing or wrong.
    Unauthorized = "unauthorized", 401, "A valid admin bearer token is required.";
}

impl ErrorCode {
    /// The code for a wire string, if it is one.
    pub fn from_str_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a callback was rejected or a configuration refused.
///
/// Match on [`Error::code`] for behaviour; the variants carry details for the message.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// See [`ErrorCode::MissingSignature`]. `field` names the header or field looked for.
    #[error("the {field} signature is missing")]
    MissingSignature {
        /// Header or field name.
        field: &'static str,
    },
    /// See [`ErrorCode::MissingTimestamp`].
    #[error("the {field} timestamp is missing")]
    MissingTimestamp {
        /// Header or field name.
        field: &'static str,
    },
    /// See [`ErrorCode::MalformedSignature`].
    #[error("the {field} signature is malformed: {reason}")]
    MalformedSignature {
        /// Header or field name.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// See [`ErrorCode::MalformedTimestamp`].
    #[error("the {field} timestamp is malformed: {reason}")]
    MalformedTimestamp {
        /// Header or field name.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// See [`ErrorCode::SignatureMismatch`].
    #[error("the signature does not match any of the {keys} configured key(s) for {subjects}")]
    SignatureMismatch {
        /// How many keys were tried.
        keys: usize,
        /// What was signed with them, e.g. `1 callback URL`.
        subjects: String,
    },
    /// See [`ErrorCode::TimestampTooOld`].
    #[error("the timestamp is {age} s old; the tolerance is {tolerance} s")]
    TimestampTooOld {
        /// Seconds between the timestamp and now.
        age: u64,
        /// The configured tolerance in seconds.
        tolerance: u64,
    },
    /// See [`ErrorCode::TimestampInFuture`].
    #[error("the timestamp is {ahead} s in the future; at most {allowed} s is allowed")]
    TimestampInFuture {
        /// Seconds between now and the timestamp.
        ahead: u64,
        /// How far ahead is accepted.
        allowed: u64,
    },
    /// See [`ErrorCode::Expired`].
    #[error("the signature expired {ago} s ago (allowed clock skew {skew} s)")]
    Expired {
        /// Seconds since the expiry time.
        ago: u64,
        /// The configured skew in seconds.
        skew: u64,
    },
    /// See [`ErrorCode::NoKeys`].
    #[error("no key is configured")]
    NoKeys,
    /// See [`ErrorCode::InvalidKey`]. The key itself is never part of the message.
    #[error("key {index} is invalid: {reason}")]
    InvalidKey {
        /// 1-based position of the key in the configured list.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// See [`ErrorCode::BodyTooLarge`].
    #[error("the body is {size} bytes; the limit is {limit} bytes")]
    BodyTooLarge {
        /// The body's size (or a lower bound when it was cut off while reading).
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// See [`ErrorCode::MalformedJson`].
    #[error("the body is not valid JSON: {detail}")]
    MalformedJson {
        /// The parser's description, with line and column.
        detail: String,
    },
    /// See [`ErrorCode::InvalidEvent`].
    #[error("invalid event at {path}: {detail}")]
    InvalidEvent {
        /// JSON path of the problem, e.g. `$.MessageBody.JobId`.
        path: String,
        /// What is wrong there.
        detail: String,
    },
    /// See [`ErrorCode::UnsupportedProvider`].
    #[error("unsupported provider {name:?}; expected one of alibaba-ims, alibaba-vod, alibaba-live, tencent-vod")]
    UnsupportedProvider {
        /// The name given (cut to 64 characters).
        name: String,
    },
    /// See [`ErrorCode::MethodNotAllowed`].
    #[error("method {method:?} is not allowed here; use {allowed}")]
    MethodNotAllowed {
        /// The method received (cut to 16 characters).
        method: String,
        /// The accepted methods, e.g. `POST` or `GET, POST`.
        allowed: &'static str,
    },
    /// See [`ErrorCode::InvalidUrl`].
    #[error("invalid URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// See [`ErrorCode::InvalidConfig`].
    #[error("invalid configuration {name}: {reason}")]
    InvalidConfig {
        /// The setting's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// See [`ErrorCode::NotFound`].
    #[error("nothing is served at {path}")]
    NotFound {
        /// The path asked for (cut to 128 characters).
        path: String,
    },
    /// See [`ErrorCode::OriginError`].
    #[error("the origin did not accept the event: {detail}")]
    OriginError {
        /// What happened (status or network error).
        detail: String,
    },
    /// See [`ErrorCode::OriginTimeout`].
    #[error("the origin did not answer within {ms} ms")]
    OriginTimeout {
        /// The configured timeout.
        ms: u64,
    },
    /// See [`ErrorCode::QueueUnavailable`].
    #[error("the delivery queue did not take the event; retry later")]
    QueueUnavailable,
    /// See [`ErrorCode::StorageUnavailable`].
    #[error("the {what} could not be reached; retry later")]
    StorageUnavailable {
        /// Which store, e.g. `duplicate guard`.
        what: &'static str,
    },
    /// See [`ErrorCode::InFlight`].
    #[error("this event is being accepted by another request; retry shortly")]
    InFlight,
    /// See [`ErrorCode::Unauthorized`].
    #[error("a valid bearer token is required")]
    Unauthorized,
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::MissingSignature { .. } => ErrorCode::MissingSignature,
            Error::MissingTimestamp { .. } => ErrorCode::MissingTimestamp,
            Error::MalformedSignature { .. } => ErrorCode::MalformedSignature,
            Error::MalformedTimestamp { .. } => ErrorCode::MalformedTimestamp,
            Error::SignatureMismatch { .. } => ErrorCode::SignatureMismatch,
            Error::TimestampTooOld { .. } => ErrorCode::TimestampTooOld,
            Error::TimestampInFuture { .. } => ErrorCode::TimestampInFuture,
            Error::Expired { .. } => ErrorCode::Expired,
            Error::NoKeys => ErrorCode::NoKeys,
            Error::InvalidKey { .. } => ErrorCode::InvalidKey,
            Error::BodyTooLarge { .. } => ErrorCode::BodyTooLarge,
            Error::MalformedJson { .. } => ErrorCode::MalformedJson,
            Error::InvalidEvent { .. } => ErrorCode::InvalidEvent,
            Error::UnsupportedProvider { .. } => ErrorCode::UnsupportedProvider,
            Error::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Error::InvalidUrl { .. } => ErrorCode::InvalidUrl,
            Error::InvalidConfig { .. } => ErrorCode::InvalidConfig,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::OriginError { .. } => ErrorCode::OriginError,
            Error::OriginTimeout { .. } => ErrorCode::OriginTimeout,
            Error::QueueUnavailable => ErrorCode::QueueUnavailable,
            Error::StorageUnavailable { .. } => ErrorCode::StorageUnavailable,
            Error::InFlight => ErrorCode::InFlight,
            Error::Unauthorized => ErrorCode::Unauthorized,
        }
    }

    /// The HTTP status a receiver should answer with for this error (see
    /// [`ErrorCode::http_status`]).
    pub fn http_status(&self) -> u16 {
        self.code().http_status()
    }
}

/// Cut a caller-supplied string for an error message so messages stay short.
pub(crate) fn clip(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}
