//! The console's numbers on workerd ([`crate::gateway::stats`]): a [`Tally`] per isolate,
//! flushed after the answer to the one [`Stats`] Durable Object (SQLite: counts and delay
//! buckets per minute, the latest facts, the events waiting for a retry), which keeps 24 hours.

use std::cell::{Cell, RefCell};

use serde::{Deserialize, Serialize};
use worker::{console_log, durable_object, DurableObject, Env, Request, Response, Result, State};

use super::store::call;
use crate::gateway::stats::{alerts, Tally, KEEP_MINUTES, REFUSAL_WINDOW_MINUTES};

/// The Durable Object binding (wrangler.toml).
pub const STATS_BINDING: &str = "STATS";
const NAME: &str = "stats";

thread_local! {
    /// What this isolate counted since its last flush.
    static PENDING: RefCell<Tally> = RefCell::new(Tally::default());
    /// A flush is on its way (the next one waits for it, and takes everything gathered).
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a flush is on its way (it will take what is counted now).
pub(crate) fn flushing() -> bool {
    FLUSHING.with(Cell::get)
}

/// Count something in this isolate's tally.
pub(crate) fn record(f: impl FnOnce(&mut Tally)) {
    PENDING.with(|p| f(&mut p.borrow_mut()));
}

/// How long a request's flush waits for more counts to join it: under load, one Durable
/// Object request a second per isolate, whatever the rate of callbacks.
const FLUSH_AFTER_MS: u64 = 1_000;

/// Send what this isolate counted to the stats object, unless a flush is already on its way
/// (it takes this too). A failed flush puts its counts back for the next one. `gather`: wait
/// [`FLUSH_AFTER_MS`] first (after a callback's answer; the consumer and the pull loops flush
/// at once, once per batch or poll).
pub(crate) async fn flush(env: &Env, gather: bool) {
    if FLUSHING.with(|f| f.replace(true)) {
        return;
    }
    if gather {
        worker::Delay::from(std::time::Duration::from_millis(FLUSH_AFTER_MS)).await;
    }
    loop {
        let tally = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
        if tally.is_empty() {
            break;
        }
        if call::<serde_json::Value>(env, STATS_BINDING, NAME, &StatsOp::Add { tally: tally.clone() }).await.is_err() {
            PENDING.with(|p| {
                let newer = std::mem::take(&mut *p.borrow_mut());
                let mut back = tally;
                back.merge(newer);
                *p.borrow_mut() = back;
            });
            break;
        }
    }
    FLUSHING.with(|f| f.set(false));
}

/// Everything stored (the last 24 hours).
pub(crate) async fn read(env: &Env) -> Result<Tally> {
    Ok(call(env, STATS_BINDING, NAME, &StatsOp::Read).await?.unwrap_or_default())
}

/// A request to the [`Stats`] object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum StatsOp {
    /// Add a tally.
    Add { tally: Tally },
    /// Read everything kept.
    Read,
}

/// The console's numbers (see the module docs).
#[durable_object(fetch)]
pub struct Stats {
    state: State,
    env: Env,
}

#[derive(Deserialize)]
struct CountRow {
    minute: i64,
    series: String,
    n: i64,
}

#[derive(Deserialize)]
struct DelayRow {
    minute: i64,
    bucket: i64,
    n: i64,
}

#[derive(Deserialize)]
struct FactRow {
    key: String,
    at_ms: i64,
    value: String,
}

#[derive(Deserialize)]
struct Sum {
    n: i64,
}

#[derive(Deserialize)]
struct SentRow {
    sent_ms: i64,
}

impl Stats {
    /// Send the alerts this flush raises (`ALERT_URL`), each kind at most once per
    /// `ALERT_MINUTES`; one that could not be sent is tried again with the next flush.
    async fn alert(&self, added: &Tally) -> Result<()> {
        let Ok(config) = super::cached_config(&self.env) else { return Ok(()) };
        let Some(settings) = &config.alerts else { return Ok(()) };
        let sql = self.state.storage().sql();
        let now = super::ports::now_ms() as i64;
        let since = now.div_euclid(60_000) - REFUSAL_WINDOW_MINUTES + 1;
        let recent = sql
            .exec(
                "SELECT COALESCE(SUM(n), 0) AS n FROM counts WHERE minute >= ? AND series LIKE '%.rejected.%'",
                vec![since.into()],
            )?
            .one::<Sum>()?
            .n;
        for alert in alerts(settings, added, recent, now) {
            let last = sql
                .exec("SELECT sent_ms FROM alerts WHERE kind = ?", vec![alert.kind.into()])?
                .to_array::<SentRow>()?
                .pop()
                .map_or(i64::MIN / 2, |r| r.sent_ms);
            if now - last < i64::from(settings.minutes) * 60_000 {
                continue;
            }
            // Taken before sending: another flush arriving while this one waits on the network
            // sees it (a Durable Object interleaves requests at I/O); given back on failure.
            let reserve = |at: i64| {
                sql.exec(
                    "INSERT OR REPLACE INTO alerts (kind, sent_ms) VALUES (?, ?)",
                    vec![alert.kind.into(), at.into()],
                )
            };
            reserve(now)?;
            let body = serde_json::to_vec(&alert)?;
            let id = format!("alert_{}_{}", alert.kind, now.div_euclid(60_000));
            let attempt =
                super::ports::send(&config, &settings.url, &id, &body, (now / 1000) as u64, 5_000, false).await;
            let status = attempt.as_ref().ok().and_then(|a| a.status);
            console_log!(
                "{}",
                serde_json::json!({ "msg": "alert", "kind": alert.kind, "count": alert.count, "status": status })
            );
            if !attempt.is_ok_and(|a| a.delivered()) {
                reserve(last)?;
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct WaitingRow {
    id: String,
    accepted_ms: i64,
}

impl DurableObject for Stats {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        for ddl in [
            "CREATE TABLE IF NOT EXISTS counts (minute INTEGER NOT NULL, series TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (minute, series))",
            "CREATE TABLE IF NOT EXISTS delays (minute INTEGER NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (minute, bucket))",
            "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, value TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS waiting (id TEXT PRIMARY KEY, accepted_ms INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS alerts (kind TEXT PRIMARY KEY, sent_ms INTEGER NOT NULL)",
        ] {
            let _ = sql.exec(ddl, None);
        }
        Stats { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: StatsOp = req.json().await?;
        let sql = self.state.storage().sql();
        match op {
            StatsOp::Add { tally } => {
                let added = tally.clone();
                let newest =
                    tally.counts.iter().map(|(m, _, _)| *m).chain(tally.delays.iter().map(|(m, _, _)| *m)).max();
                if let Some(now) = newest {
                    let oldest = now - KEEP_MINUTES;
                    sql.exec("DELETE FROM counts WHERE minute < ?", vec![oldest.into()])?;
                    sql.exec("DELETE FROM delays WHERE minute < ?", vec![oldest.into()])?;
                    sql.exec("DELETE FROM waiting WHERE accepted_ms < ?", vec![(oldest * 60_000).into()])?;
                }
                for (minute, series, n) in tally.counts {
                    sql.exec(
                        "INSERT INTO counts (minute, series, n) VALUES (?, ?, ?) ON CONFLICT (minute, series) DO UPDATE SET n = n + excluded.n",
                        vec![minute.into(), series.into(), n.into()],
                    )?;
                }
                for (minute, bucket, n) in tally.delays {
                    sql.exec(
                        "INSERT INTO delays (minute, bucket, n) VALUES (?, ?, ?) ON CONFLICT (minute, bucket) DO UPDATE SET n = n + excluded.n",
                        vec![minute.into(), i64::from(bucket).into(), n.into()],
                    )?;
                }
                for (key, at_ms, value) in tally.last {
                    sql.exec(
                        "INSERT INTO facts (key, at_ms, value) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET at_ms = excluded.at_ms, value = excluded.value WHERE excluded.at_ms >= facts.at_ms",
                        vec![key.into(), at_ms.into(), value.into()],
                    )?;
                }
                for (id, accepted_ms) in tally.waiting {
                    sql.exec(
                        "INSERT OR REPLACE INTO waiting (id, accepted_ms) VALUES (?, ?)",
                        vec![id.into(), accepted_ms.into()],
                    )?;
                }
                for id in tally.done {
                    sql.exec("DELETE FROM waiting WHERE id = ?", vec![id.into()])?;
                }
                self.alert(&added).await?;
                Response::from_json(&serde_json::json!({ "ok": true }))
            }
            StatsOp::Read => {
                let mut tally = Tally::default();
                for r in sql.exec("SELECT minute, series, n FROM counts", None)?.to_array::<CountRow>()? {
                    tally.counts.push((r.minute, r.series, r.n));
                }
                for r in sql.exec("SELECT minute, bucket, n FROM delays", None)?.to_array::<DelayRow>()? {
                    tally.delays.push((r.minute, r.bucket as u16, r.n));
                }
                for r in sql.exec("SELECT key, at_ms, value FROM facts", None)?.to_array::<FactRow>()? {
                    tally.last.push((r.key, r.at_ms, r.value));
                }
                for r in sql.exec("SELECT id, accepted_ms FROM waiting", None)?.to_array::<WaitingRow>()? {
                    tally.waiting.push((r.id, r.accepted_ms));
                }
                Response::from_json(&tally)
            }
        }
    }
}
