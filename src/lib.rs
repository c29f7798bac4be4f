//! # mediahook
//!
//! Verify and parse the media callbacks of Alibaba Cloud (Intelligent Media Services,
//! ApsaraVideo VOD, ApsaraVideo Live) and Tencent Cloud VOD, whose MD5 signature schemes no
//! webhook library speaks.
//!
//! | provider id | signature | signed string | freshness |
//! |---|---|---|---|
//! | `alibaba-ims` | `X-ICE-TIMESTAMP`, `X-ICE-SIGNATURE` headers | `URL\|ts\|key` | `\|now − ts\| ≤ tolerance` |
//! | `alibaba-vod` | `X-VOD-TIMESTAMP`, `X-VOD-SIGNATURE` headers | `URL\|ts\|key` | same |
//! | `alibaba-live` | `ALI-LIVE-TIMESTAMP`, `ALI-LIVE-SIGNATURE` headers | `host\|ts\|key` | same |
//! | `tencent-vod` | `Sign`, `T` body fields (or `sign`, `t` query) | `key` + `T` | `now ≤ T + skew` |
//!
//! The core is pure Rust: no JS, no worker types, no clock (every check takes `now`). The
//! `wasm` feature adds the npm/browser exports, the `worker` feature the Cloudflare Worker.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod delivery;
mod error;
pub mod events;
pub mod gateway;
mod key;
mod provider;
mod request;
mod schemes;
mod sign;
mod standard_webhooks;
mod verifier;
mod wire;

#[cfg(feature = "worker")]
mod edge;
#[cfg(feature = "wasm")]
mod js;

pub use error::{Error, ErrorCode};
pub use events::{known_event_types, parse_event, untyped_event, Event, EventData};
pub use key::{AuthKey, MAX_KEY_LEN};
pub use provider::Provider;
pub use request::CallbackRequest;
pub use sign::{sign, SignInput, SignedCallback};
pub use standard_webhooks::WebhookSecret;
pub use verifier::{
    VerifiedCallback, Verifier, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LIFETIME_SECONDS, DEFAULT_SKEW_SECONDS,
    DEFAULT_TOLERANCE_SECONDS,
};
