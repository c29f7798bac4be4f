//! The edge gateway's logic, free of any runtime: routes ([`route`]), configuration from
//! string variables ([`config`]), the decision for one callback (forward, filter, keep or
//! reject: [`GatewayConfig::decide`]), accepting a decided event ([`accept`]) and consuming
//! the delivery queue ([`consume`]), both against small traits ([`ports`]), the delivery
//! rules ([`delivery`]), the origin's
//! signature ([`standard_webhooks`]) and the log lines ([`log`]). The `worker` feature wraps it
//! in a Cloudflare Worker; anything else that can read variables and send HTTP could too.

pub mod accept;
pub mod config;
pub mod confirm;
pub mod consume;
pub mod delivery;
pub mod log;
pub mod poll;
pub mod ports;
pub mod pull;
pub mod route;
pub mod sources;
pub mod standard_webhooks;
pub mod stats;

pub use config::{GatewayConfig, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_ORIGIN_TIMEOUT_MS, RECOMMENDED_KEY_LEN};
pub use log::{LogLine, Notice, Outcome};
pub use route::Route;

use delivery::DeadReason;

use crate::error::{clip, Error};
use crate::events::{parse_event, untyped_event, Event};
use crate::provider::Provider;
use crate::verify::request::CallbackRequest;
use crate::verify::{VerifiedHead, Verifier};

impl GatewayConfig {
    /// Decide what to do with one whole callback to an enabled provider, as of `now` (UNIX
    /// seconds): verify it, then [`GatewayConfig::decide_verified`].
    pub fn decide(&self, verifier: &Verifier, req: &CallbackRequest<'_>, now: u64) -> Decision {
        if let Err(e) = verifier.check_size(req.body.len() as u64) {
            return Decision::Reject(e);
        }
        match verifier.verify_head(req, now) {
            Ok(head) => self.decide_verified(verifier, head, req, now),
            Err(e) => Decision::Reject(e),
        }
    }

    /// Decide with the body, once the request's head has been verified (the Alibaba schemes'
    /// signature is not checked again).
    pub fn decide_verified(
        &self,
        verifier: &Verifier,
        head: VerifiedHead,
        req: &CallbackRequest<'_>,
        now: u64,
    ) -> Decision {
        let verified = match verifier.verify_body(head, req, now) {
            Ok(v) => v,
            Err(e) => return Decision::Reject(e),
        };
        let signature = signature_id(&verified);
        let by = Verification { verified_by: VerifiedBy::Signature, key_index: verified.key_index, signature };
        self.decide_event(verified.provider, verified.body, req.url, by)
    }

    /// Decide what to do with an event the provider handed out itself (pulled from its API, so
    /// nothing to verify): the same typing, filtering and keeping as a pushed one.
    pub fn decide_pulled(&self, provider: Provider, body: &str) -> Decision {
        let by = Verification { verified_by: VerifiedBy::ProviderApi, key_index: 0, signature: String::new() };
        self.decide_event(provider, body.as_bytes(), "", by)
    }

    /// Type, filter or keep a verified (or pulled) body.
    fn decide_event(&self, provider: Provider, body: &[u8], url: &str, by: Verification) -> Decision {
        let event = match parse_event(provider, body, url) {
            Ok(e) => e,
            // Signed by the provider but not what its schema says: our schema's problem, so the
            // event is kept (dead letter) rather than refused until the provider gives up.
            Err(why @ Error::InvalidEvent { .. }) => {
                return match untyped_event(provider, body, url, &why) {
                    Ok((id, event_type, json)) => Decision::Keep(Kept {
                        id,
                        provider,
                        event_type: clip(&event_type, 128),
                        body: by.verified_by.mark(&String::from_utf8_lossy(&json)),
                        reason: DeadReason::InvalidEvent,
                        detail: why.to_string(),
                        by,
                    }),
                    Err(e) => Decision::Reject(e),
                };
            }
            Err(e) => return Decision::Reject(e),
        };
        if let Some(allowed) = &self.forward_event_types {
            if !allowed.contains(&event.event_type) {
                return Decision::Filter { event, reason: "event_type_not_allowed" };
            }
        }
        if !event.is_known() && !self.forward_unknown_events {
            return Decision::Keep(Kept {
                id: event.id.clone(),
                provider: event.provider,
                event_type: clip(&event.event_type, 128),
                body: by.verified_by.mark(event.as_json()),
                reason: DeadReason::UnknownEventType,
                detail: "mediahook does not know this event type (FORWARD_UNKNOWN_EVENTS is off)".into(),
                by,
            });
        }
        // A pushed callback of a provider whose events are confirmed, of a type with a lookup:
        // the consumer looks it up before delivering it.
        let confirm = (by.verified_by == VerifiedBy::Signature && self.sources.confirms(provider))
            .then(|| confirm::pending(provider, &event.event_type, event.data_json()))
            .flatten();
        Decision::Forward(Forward { event, by, confirm })
    }
}

/// Who vouches for an event: what every delivered event says in `verified_by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifiedBy {
    /// The callback's signature (a pushed callback, not confirmed).
    Signature,
    /// The provider's API: pulled from it, or confirmed through it.
    ProviderApi,
}

impl VerifiedBy {
    /// The stable wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifiedBy::Signature => "signature",
            VerifiedBy::ProviderApi => "provider_api",
        }
    }

    /// The JSON the origin receives: the event as parsed, byte for byte, with `verified_by`
    /// (and, when confirmed, `confirmed`: a JSON object) added as its last members.
    pub fn mark_confirmed(self, event_json: &str, confirmed: Option<&str>) -> String {
        let body = event_json.trim_end();
        let Some(open) = body.strip_suffix('}') else { return event_json.to_owned() };
        let mut out = String::with_capacity(body.len() + 48 + confirmed.map_or(0, str::len));
        out.push_str(open);
        if !open.trim_end().ends_with('{') {
            out.push(',');
        }
        out.push_str("\"verified_by\":\"");
        out.push_str(self.as_str());
        out.push('"');
        if let Some(c) = confirmed {
            out.push_str(",\"confirmed\":");
            out.push_str(c);
        }
        out.push('}');
        out
    }

    /// [`VerifiedBy::mark_confirmed`] without `confirmed`.
    pub fn mark(self, event_json: &str) -> String {
        self.mark_confirmed(event_json, None)
    }
}

/// How an event was verified.
#[derive(Clone, Debug)]
pub struct Verification {
    /// Who vouches for it.
    pub verified_by: VerifiedBy,
    /// Which key verified the callback (0 for a pulled event).
    pub key_index: usize,
    /// What the signature covered (see [`signature_id`]); empty for a pulled event.
    pub signature: String,
}

/// What to do with a callback.
#[derive(Debug)]
pub enum Decision {
    /// Deliver to the origin (queued, or at once in direct mode).
    Forward(Forward),
    /// Verified but not deliverable as a typed event: keep it as a dead letter an operator
    /// can inspect and redeliver, and answer 200 so the provider stops retrying.
    Keep(Kept),
    /// Verified, but left out by the user's `FORWARD_EVENT_TYPES`: answer 200, nothing kept.
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
    /// The event; the origin receives its JSON ([`Forward::body`]) byte for byte.
    pub event: Event,
    /// How it was verified.
    pub by: Verification,
    /// What to look up before delivering it (queue mode, `CONFIRM_PROVIDERS`).
    pub confirm: Option<confirm::Pending>,
}

impl Forward {
    /// The JSON body to POST: the normalised event exactly as parsed ([`Event::as_json`]) with
    /// `verified_by` ([`VerifiedBy::mark`]). An event still to be confirmed is queued without it
    /// (the consumer adds it, with `confirmed`).
    pub fn body(&self) -> String {
        match self.confirm {
            Some(_) => self.event.as_json().to_owned(),
            None => self.by.verified_by.mark(self.event.as_json()),
        }
    }
}

/// A verified event kept as a dead letter instead of being delivered.
#[derive(Debug)]
pub struct Kept {
    /// The event id.
    pub id: String,
    /// Who sent it.
    pub provider: Provider,
    /// Its type as the body names it (clipped).
    pub event_type: String,
    /// The JSON to deliver if an operator redelivers it.
    pub body: String,
    /// Why it is kept.
    pub reason: DeadReason,
    /// Details for the operator.
    pub detail: String,
    /// How it was verified.
    pub by: Verification,
}

/// The identity of a signature without the signature itself: the Alibaba and Tencent schemes
/// sign only the URL (or host), the time and the key, so these determine it. Every callback a
/// provider sends in one second shares it; the guard counts the distinct events under each.
/// The schemes that sign the body (Mux, Cloudflare Stream, Volcengine) give each body its own
/// signature, so the body is part of the identity: many genuine events in one second are not
/// one signature reused.
pub fn signature_id(v: &crate::verify::VerifiedCallback<'_>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(v.provider.id());
    h.update([0]);
    h.update(v.signed_subject.as_deref().unwrap_or(""));
    h.update([0]);
    h.update(v.timestamp.to_string());
    h.update([0]);
    h.update(v.key_index.to_string());
    if v.provider.spec().signs_body() {
        h.update([0]);
        h.update(v.body);
    }
    crate::verify::digest::to_hex(&h.finalize()[..12])
}

/// The JSON body of an error answer: `{"error": code, "message": ...}`.
pub fn error_body(e: &Error) -> String {
    serde_json::json!({ "error": e.code().as_str(), "message": e.to_string() }).to_string()
}
