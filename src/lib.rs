//! # mediahook
//!
//! Verify and parse the media callbacks of Alibaba Cloud (Intelligent Media Services,
//! ApsaraVideo VOD, ApsaraVideo Live) and Tencent Cloud VOD, whose MD5 signature schemes no
//! webhook library speaks, and of Mux, Cloudflare Stream and Volcengine (BytePlus) VOD.
//!
//! | provider id | signature | signed string | freshness |
//! |---|---|---|---|
//! | `alibaba-ims` | `X-ICE-TIMESTAMP`, `X-ICE-SIGNATURE` headers | `URL\|ts\|key` | `\|now − ts\| ≤ tolerance` |
//! | `alibaba-vod` | `X-VOD-TIMESTAMP`, `X-VOD-SIGNATURE` headers | `URL\|ts\|key` | same |
//! | `alibaba-live` | `ALI-LIVE-TIMESTAMP`, `ALI-LIVE-SIGNATURE` headers | `host\|ts\|key` | same |
//! | `tencent-vod` | `Sign`, `T` body fields (or `sign`, `t` query) | `key` + `T` | `now ≤ T + skew` |
//! | `mux` | `Mux-Signature: t=…,v1=…` | HMAC-SHA256(secret, `ts.body`) | `\|now − ts\| ≤ tolerance` |
//! | `cloudflare-stream` | `Webhook-Signature: time=…,sig1=…` | HMAC-SHA256(secret, `ts.body`) | same |
//! | `volcengine-vod` | `X-VOD-TIMESTAMP`, `X-VOD-SIGNATURE` headers | `URL\|ts\|key\|base64(body)` | same |
//!
//! ## The floors
//! Each module imports only from the floors below it:
//!
//! | floor | module | what it holds |
//! |---|---|---|
//! | 0 | `error`, `provider` | the facts: one error table, one provider table |
//! | 1 | [`json`] | the byte reader, one member iterator, the writer |
//! | 2 | `verify`, [`api`] | the signature schemes, keys, requests, signing; requests to the providers' APIs, signed (TC3, ACS3, MNS) |
//! | 3 | [`events`] | schemas, the schema walk, envelopes, typed records |
//! | 4 | [`gateway`] | routes, configuration, the decision, accepting (guard → queue/deliver/keep), consuming (confirm → deliver), polling pull sources, against traits; delivery rules, log lines |
//! | 5 | `edge` (feature `worker`), `js` (feature `wasm`) | the adapters: workerd, and the npm/browser boundary |
//!
//! The core (floors 0–4) is pure Rust: no JS, no worker types, no clock (every check takes
//! `now`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod provider;

pub mod json;

mod verify;

pub mod api;

pub mod events;

pub mod gateway;

#[cfg(feature = "worker")]
mod edge;
#[cfg(feature = "wasm")]
mod js;

pub use error::{Error, ErrorCode};
#[cfg(feature = "typed")]
pub use events::EventData;
pub use events::{known_event_types, parse_event, untyped_event, Event};
pub use gateway::delivery;
pub use gateway::standard_webhooks::WebhookSecret;
pub use provider::{KeyRule, Provider, ProviderSpec, Scheme};
pub use verify::key::{AuthKey, MAX_KEY_LEN};
pub use verify::request::CallbackRequest;
pub use verify::sign::{sign, SignInput, SignedCallback};
pub use verify::{
    VerifiedCallback, VerifiedHead, Verifier, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LIFETIME_SECONDS,
    DEFAULT_SKEW_SECONDS, DEFAULT_TOLERANCE_SECONDS,
};
