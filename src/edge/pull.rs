//! Pull sources on workerd: one [`PullLoop`] Durable Object per configured source (named by the
//! source), polling on its alarm ([`crate::gateway::poll`]) and logging one
//! `{"msg":"pull",…}` line per poll that returned events or failed.
//!
//! The alarm is the loop: each run first sets a watchdog alarm (a run that dies is resumed a
//! minute later; alarms survive restarts and deploys), polls once, then sets the next alarm:
//! at once after a poll that worked (the long poll does the waiting), later after failures
//! in a row (1 s doubling to 5 min). The first request an isolate serves and the cron trigger
//! (every minute) make sure every configured source's loop is running ([`ensure_loops`]).

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use worker::{console_log, durable_object, DurableObject, Env, Request, Response, Result, State};

use super::cached_config;
use super::ports::{now_ms, Edge};
use super::store::call;
use crate::gateway::poll::{next_delay_ms, poll};
use crate::gateway::GatewayConfig;

/// The Durable Object binding (wrangler.toml).
pub const PULL_BINDING: &str = "PULL";

/// How long a poll may run before the watchdog alarm restarts the loop.
const WATCHDOG_MS: i64 = 60_000;

/// A request to a [`PullLoop`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum PullOp {
    /// Make sure the loop of `source` runs.
    Ensure { source: String },
}

/// The loop state a [`PullLoop`] keeps.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LoopState {
    /// The source's name.
    source: String,
    /// Polls that failed in a row (the backoff).
    failures: u32,
}

/// One pull source's loop (see the module docs).
#[durable_object(alarm)]
pub struct PullLoop {
    state: State,
    env: Env,
}

impl DurableObject for PullLoop {
    fn new(state: State, env: Env) -> Self {
        PullLoop { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let PullOp::Ensure { source } = req.json().await?;
        let storage = self.state.storage();
        let mut kept: LoopState = storage.get("loop").await?.unwrap_or_default();
        if kept.source != source {
            kept = LoopState { source, failures: 0 };
            storage.put("loop", &kept).await?;
        }
        // A running poll has set its watchdog alarm: only a stopped loop has none.
        if storage.get_alarm().await?.is_none() {
            storage.set_alarm(0).await?;
        }
        Response::from_json(&serde_json::json!({ "ok": true }))
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let Some(mut kept) = storage.get::<LoopState>("loop").await? else {
            return Response::ok("no source");
        };
        let config = match cached_config(&self.env) {
            Ok(c) => c,
            Err(e) => {
                console_log!(
                    "{}",
                    serde_json::json!({ "msg": "pull", "source": kept.source, "outcome": "bad_config", "code": e.code().as_str() })
                );
                storage.set_alarm(WATCHDOG_MS).await?;
                return Response::ok("bad config");
            }
        };
        // A source taken out of the configuration: its loop ends.
        let Some(source) = config.sources.source(&kept.source).cloned() else {
            return Response::ok("source not configured");
        };
        storage.set_alarm(WATCHDOG_MS).await?;
        let edge = Edge::new(self.env.clone(), config.clone());
        let report = poll(&edge, &config, &source).await;
        if report.is_notable() {
            console_log!("{}", report.to_json());
            super::stats::record(|t| t.pull(now_ms() as i64, &report));
            super::stats::flush(&self.env, false).await;
        }
        kept.failures = if report.failed() { kept.failures.saturating_add(1) } else { 0 };
        storage.put("loop", &kept).await?;
        storage.set_alarm(next_delay_ms(kept.failures) as i64).await?;
        Response::ok("polled")
    }
}

thread_local! {
    /// Whether this isolate has made sure the loops run (on its first request).
    static ENSURED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this isolate still has to make sure the loops run (true once).
pub(crate) fn first_in_isolate() -> bool {
    !ENSURED.with(|e| e.replace(true))
}

/// Make sure every configured source's loop runs: one request to each loop object.
pub(crate) async fn ensure_loops(env: &Env, config: &GatewayConfig) {
    for source in &config.sources.pull {
        let op = PullOp::Ensure { source: source.name() };
        if let Err(e) = call::<serde_json::Value>(env, PULL_BINDING, &source.name(), &op).await {
            console_log!(
                "{}",
                serde_json::json!({ "msg": "pull", "source": source.name(), "outcome": "start_failed", "error": crate::error::clip(&e.to_string(), 160), "at_ms": now_ms() })
            );
        }
    }
}
