//! One poll of a pull source, free of any runtime, against the gateway's [`ports`](super::ports)
//! (the worker's pull Durable Object runs it on its alarm, in a loop):
//!
//! 1. **Pull**: `PullEvents` (Tencent) or `BatchReceiveMessage` (MNS), a long poll, signed.
//! 2. **Accept** each event exactly like a pushed one ([`GatewayConfig::decide_pulled`], then
//!    [`accept`]): typed, queued (or delivered at once in direct mode), or kept as a dead
//!    letter; the duplicate guard drops an event already pushed (same id).
//! 3. **Acknowledge** (`ConfirmEvents`, `DeleteMessage`) only what was durably accepted. An
//!    event whose queue send, guard or dead-letter write failed is not acknowledged: the
//!    provider hands it out again (Tencent after 30 s, MNS after the visibility timeout).

use futures_util::future::join_all;
use serde::Serialize;

use super::accept::{accept, after, Accepting};
use super::delivery::{DeadLetter, DeadReason, LetterState};
use super::log::LogLine;
use super::ports::{DeadLetters, Ports};
use super::pull::{ack_requests, pull_request, read_ack, read_pull, Pulled, PULL_TIMEOUT_MS};
use super::sources::PullSource;
use super::{Decision, GatewayConfig, VerifiedBy};
use crate::error::clip;

/// What one poll did: the `{"msg":"pull",…}` log line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PollReport {
    /// `"pull"`.
    pub msg: &'static str,
    /// The source's name.
    pub source: String,
    /// Events handed out.
    pub events: usize,
    /// Events durably accepted (queued, delivered, kept, filtered, or duplicates).
    pub accepted: usize,
    /// Events acknowledged to the provider.
    pub acknowledged: usize,
    /// `empty`, `acknowledged`, `partial` (some not accepted or not acknowledged: handed out
    /// again), `refused` (credentials), `api_error`, `not_configured`.
    pub outcome: &'static str,
    /// What failed (no secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl PollReport {
    /// Worth a log line: it returned events or failed.
    pub fn is_notable(&self) -> bool {
        self.events > 0 || self.error.is_some()
    }

    /// It failed: the loop backs off.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, "refused" | "api_error" | "not_configured")
    }

    /// The log line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The loop's wait after a poll: none after a poll that worked (the long poll waits itself),
/// else doubling from 1 s to 5 minutes with the failures in a row.
pub fn next_delay_ms(failures_in_a_row: u32) -> u64 {
    match failures_in_a_row {
        0 => 0,
        n => (1000u64 << (n - 1).min(9)).min(300_000),
    }
}

/// Poll `source` once.
pub async fn poll<P: Ports>(ports: &P, config: &GatewayConfig, source: &PullSource) -> PollReport {
    let mut report = PollReport { msg: "pull", source: source.name(), ..PollReport::default() };
    let api = match source {
        PullSource::Tencent { .. } => config.sources.tencent_vod.as_ref(),
        PullSource::Mns { .. } => config.sources.mns.as_ref(),
    };
    let Some(api) = api else {
        report.outcome = "not_configured";
        report.error = Some("the source's API is not configured".into());
        return report;
    };
    let request = pull_request(source, api, ports.now_ms() / 1000);
    let pulled = match ports.call(&request, PULL_TIMEOUT_MS).await {
        Ok((status, answer)) => read_pull(source, status, &answer),
        Err(e) => Err(super::pull::PullFailure { refused: false, detail: clip(&e, 160) }),
    };
    let pulled = match pulled {
        Ok(p) => p,
        Err(failure) => {
            report.outcome = if failure.refused { "refused" } else { "api_error" };
            report.error = Some(failure.detail);
            return report;
        }
    };
    report.events = pulled.len();
    if pulled.is_empty() {
        report.outcome = "empty";
        return report;
    }
    let accepted = join_all(pulled.iter().map(|p| accept_pulled(ports, config, source, p))).await;
    report.accepted = accepted.iter().filter(|ok| **ok).count();
    let handles: Vec<String> = pulled
        .iter()
        .zip(&accepted)
        .filter(|(p, ok)| **ok && !p.handle.is_empty())
        .map(|(p, _)| p.handle.clone())
        .collect();

    let now = ports.now_ms() / 1000;
    let answers =
        join_all(ack_requests(source, api, &handles, now).iter().map(|r| ports.call(r, PULL_TIMEOUT_MS))).await;
    let per_request = if matches!(source, PullSource::Tencent { .. }) { handles.len() } else { 1 };
    for answer in answers {
        match answer.map_err(|e| clip(&e, 160)).and_then(|(status, body)| read_ack(source, status, &body)) {
            Ok(()) => report.acknowledged += per_request,
            Err(e) => report.error = Some(e),
        }
    }
    report.outcome = if report.acknowledged == report.events { "acknowledged" } else { "partial" };
    if report.accepted < report.events && report.error.is_none() {
        report.error = Some(format!("{} events not accepted (handed out again)", report.events - report.accepted));
    }
    report
}

/// Accept one pulled event; whether it was durably accepted (and may be acknowledged).
async fn accept_pulled<P: Ports>(ports: &P, config: &GatewayConfig, source: &PullSource, pulled: &Pulled) -> bool {
    let body = &pulled.body;
    if let Some(e) = &pulled.unreadable {
        return keep_unreadable(ports, config, source, &pulled.handle, body, e.to_string()).await;
    }
    let decision = config.decide_pulled(source.provider(), body);
    let accepting = match &decision {
        Decision::Forward(fwd) => Accepting::Deliver(fwd),
        Decision::Keep(kept) => Accepting::Keep(kept),
        // Left out by FORWARD_EVENT_TYPES: nothing to keep.
        Decision::Filter { .. } => return true,
        // The provider's own copy of a body nobody could sign: not JSON mediahook can read.
        Decision::Reject(e) => {
            return keep_unreadable(ports, config, source, &pulled.handle, body, e.to_string()).await
        }
    };
    // The callback log line is a request's; a poll reports in its own line.
    let (answer, jobs) = accept(ports, config, accepting, &mut LogLine::callback()).await;
    after(ports, jobs).await;
    answer.is_ok()
}

/// Keep a pulled event mediahook cannot read as a dead letter (so that it can be acknowledged
/// without being lost); its id hashes the source and what was handed out.
async fn keep_unreadable<P: DeadLetters + Ports>(
    ports: &P,
    config: &GatewayConfig,
    source: &PullSource,
    handle: &str,
    body: &str,
    detail: String,
) -> bool {
    // Under its own marker, like an untyped event's: it never pre-claims a readable event's id.
    let identifying = format!("pulled-unreadable\0{}\0{handle}\0{body}", source.name());
    let now = ports.now_ms();
    let letter = DeadLetter {
        id: crate::events::event_id(source.provider(), identifying.as_bytes()),
        provider: source.provider().id().to_owned(),
        event_type: "unknown".into(),
        reason: DeadReason::InvalidEvent,
        detail: clip(&format!("pulled from {}: {detail}", source.name()), 500),
        last_status: None,
        attempts: 0,
        accepted_ms: now,
        died_ms: now,
        state: LetterState::Dead,
        body: Some(VerifiedBy::ProviderApi.mark(body)),
    };
    ports.put(letter, config.delivery.retention()).await.is_ok()
}
