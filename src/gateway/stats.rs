//! What is happening, for the operator's console (`GET /admin/stats`): counts per minute for
//! the last 24 hours, kept by one Durable Object, fed without touching the provider's path.
//!
//! - A request adds its callback to a [`Tally`] kept in the isolate; the tally is flushed to
//!   the stats object after the answer (one flush in flight at a time per isolate, waiting a
//!   second for more counts, and carrying every count gathered meanwhile). An isolate that dies between the answer and the flush
//!   loses those counts: the numbers are a view, the log lines the record.
//! - The queue consumer adds its deliveries (results, delays from acceptance to the origin's
//!   2xx) and flushes once per batch; a pull loop adds its polls.
//! - Besides counts, the latest facts per provider (last callback, last verified, last
//!   refusal and its code), of the origin (last delivery, last failure) and of each pull source,
//!   and the events waiting for a retry (for the age of the oldest one).
//!
//! [`Summary::read`] turns the stored rows into the answer: series per minute, the delay's p50
//! and p99, health at a glance.

use serde::{Deserialize, Serialize};

use super::delivery::DeliveryLog;
use super::log::{LogLine, Outcome};
use super::poll::PollReport;

/// How long counts are kept.
pub const KEEP_MINUTES: i64 = 24 * 60;

/// Delay buckets per doubling (`bucket = floor(4·log2(ms + 1))`).
const BUCKETS_PER_DOUBLING: f64 = 4.0;

/// Counts and facts gathered since the last flush. Small lists, not maps: a flush holds a few
/// series, and the worker's size pays for every map type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// `(minute, series, count)`. Series: `callbacks.<provider>.<outcome>` (a refusal:
    /// `callbacks.<provider>.rejected.<code>`), `deliveries.<outcome>`, `pulls.<source>.<outcome>`.
    #[serde(default)]
    pub counts: Vec<(i64, String, i64)>,
    /// `(minute, delay bucket, deliveries)`.
    #[serde(default)]
    pub delays: Vec<(i64, u16, i64)>,
    /// The latest facts: `(key, at ms, value)`.
    #[serde(default)]
    pub last: Vec<(String, i64, String)>,
    /// Events that went back to the queue for a retry: `(id, accepted ms)`.
    #[serde(default)]
    pub waiting: Vec<(String, i64)>,
    /// Events done with (delivered, dead, duplicate).
    #[serde(default)]
    pub done: Vec<String>,
}

/// Add `n` to the row of `key` in a list of `(key, n)`-like rows.
fn bump<K: PartialEq>(rows: &mut Vec<(K, i64)>, key: K, n: i64) {
    match rows.iter_mut().find(|(k, _)| *k == key) {
        Some((_, count)) => *count += n,
        None => rows.push((key, n)),
    }
}

fn minute(ms: i64) -> i64 {
    ms.div_euclid(60_000)
}

impl Tally {
    /// Nothing to flush.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
            && self.delays.is_empty()
            && self.last.is_empty()
            && self.waiting.is_empty()
            && self.done.is_empty()
    }

    fn add(&mut self, at_ms: i64, series: String, n: i64) {
        let m = minute(at_ms);
        match self.counts.iter_mut().find(|(cm, cs, _)| *cm == m && *cs == series) {
            Some((_, _, count)) => *count += n,
            None => self.counts.push((m, series, n)),
        }
    }

    fn add_delay(&mut self, m: i64, b: u16, n: i64) {
        match self.delays.iter_mut().find(|(dm, db, _)| *dm == m && *db == b) {
            Some((_, _, count)) => *count += n,
            None => self.delays.push((m, b, n)),
        }
    }

    fn count(&mut self, at_ms: i64, series: String) {
        self.add(at_ms, series, 1);
    }

    /// Record a fact unless a newer one is kept.
    fn fact(&mut self, key: String, at_ms: i64, value: impl Into<String>) {
        match self.last.iter_mut().find(|(k, _, _)| *k == key) {
            Some(row) if row.1 > at_ms => {}
            Some(row) => *row = (key, at_ms, value.into()),
            None => self.last.push((key, at_ms, value.into())),
        }
    }

    fn wait(&mut self, id: &str, accepted_ms: i64) {
        self.waiting.retain(|(w, _)| w != id);
        self.waiting.push((id.to_owned(), accepted_ms));
    }

    /// A callback, from its log line.
    pub fn callback(&mut self, at_ms: i64, line: &LogLine) {
        if matches!(line.outcome, Outcome::Health | Outcome::Admin | Outcome::Unauthorized) {
            return;
        }
        // A path no provider owns (a scanner's guess) is not a callback.
        let Some(provider) = line.provider else { return };
        let outcome =
            serde_json::to_value(line.outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let series = match (line.outcome, line.code) {
            (Outcome::Rejected, Some(code)) => format!("callbacks.{provider}.rejected.{code}"),
            _ => format!("callbacks.{provider}.{outcome}"),
        };
        self.count(at_ms, series);
        self.fact(format!("provider.{provider}.seen"), at_ms, outcome.clone());
        match line.outcome {
            Outcome::Queued
            | Outcome::Forwarded
            | Outcome::Duplicate
            | Outcome::DeadLettered
            | Outcome::Filtered
            | Outcome::Answered => {
                self.fact(format!("provider.{provider}.verified"), at_ms, outcome);
            }
            Outcome::Rejected | Outcome::MethodNotAllowed => {
                self.fact(format!("provider.{provider}.refused"), at_ms, line.code.unwrap_or("rejected"));
            }
            Outcome::OriginFailed | Outcome::OriginTimeout => {
                let why = match line.origin_status {
                    Some(s) => format!("answered {s}"),
                    None => line.code.unwrap_or("unreachable").to_owned(),
                };
                self.fact("origin.failed".into(), at_ms, why);
            }
            Outcome::QueueFailed | Outcome::StorageFailed => {
                self.fact(format!("provider.{provider}.failed"), at_ms, line.code.unwrap_or(outcome.as_str()));
            }
            _ => {}
        }
        if line.outcome == Outcome::Forwarded {
            self.fact("origin.delivered".into(), at_ms, line.origin_status.map_or(String::new(), |s| s.to_string()));
        }
    }

    /// One delivery attempt (or a consumer's decision), from its log line.
    pub fn delivery(&mut self, at_ms: i64, line: &DeliveryLog<'_>) {
        let accepted_ms = line.accepted_ms;
        self.count(at_ms, format!("deliveries.{}", line.outcome));
        match line.outcome {
            "delivered" => {
                let delay = (at_ms - accepted_ms as i64).max(0);
                self.add_delay(minute(at_ms), bucket(delay), 1);
                self.fact("origin.delivered".into(), at_ms, line.status.map_or(String::new(), |s| s.to_string()));
                self.settled(line.id);
            }
            "dead" | "duplicate" => self.settled(line.id),
            "retry" | "confirm_wait" | "confirm_failed" | "in_flight" => self.wait(line.id, accepted_ms as i64),
            _ => {}
        }
        if line.outcome == "retry" || line.outcome == "dead" {
            if let Some(why) = line.status.map(|s| format!("answered {s}")).or_else(|| line.error.clone()) {
                if line.reason.is_none()
                    || line.reason == Some("retries_exhausted")
                    || line.reason == Some("origin_rejected")
                {
                    self.fact("origin.failed".into(), at_ms, why);
                }
            }
        }
        if line.outcome.starts_with("confirm") {
            self.fact("confirm.failed".into(), at_ms, line.error.clone().unwrap_or_default());
        }
    }

    fn settled(&mut self, id: &str) {
        self.waiting.retain(|(w, _)| w != id);
        self.done.push(id.to_owned());
    }

    /// A poll of a pull source that returned events or failed.
    pub fn pull(&mut self, at_ms: i64, report: &PollReport) {
        let source = &report.source;
        self.add(at_ms, format!("pulls.{source}.events"), report.events as i64);
        self.count(at_ms, format!("pulls.{source}.{}", report.outcome));
        self.fact(format!("source.{source}.polled"), at_ms, report.outcome);
        match &report.error {
            Some(e) => self.fact(format!("source.{source}.error"), at_ms, e.clone()),
            None => self.fact(format!("source.{source}.ok"), at_ms, report.events.to_string()),
        }
    }

    /// Add another tally to this one.
    pub fn merge(&mut self, other: Tally) {
        for (m, series, n) in other.counts {
            self.add(m * 60_000, series, n);
        }
        for (m, b, n) in other.delays {
            self.add_delay(m, b, n);
        }
        for (key, at_ms, value) in other.last {
            self.fact(key, at_ms, value);
        }
        for id in &other.done {
            self.waiting.retain(|(w, _)| w != id);
        }
        for (id, accepted_ms) in other.waiting {
            self.wait(&id, accepted_ms);
        }
        self.done.extend(other.done);
    }
}

/// The delay bucket of `ms`.
fn bucket(ms: i64) -> u16 {
    (BUCKETS_PER_DOUBLING * ((ms + 1) as f64).log2()).floor().clamp(0.0, 255.0) as u16
}

/// The largest delay in a bucket, in ms.
fn bucket_upper(b: u16) -> i64 {
    (2f64.powf(f64::from(b + 1) / BUCKETS_PER_DOUBLING) - 1.0).ceil() as i64
}

/// One minute of the answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Minute {
    /// UNIX ms of the minute's start.
    pub at_ms: i64,
    /// Series → count (a JSON object).
    #[serde(serialize_with = "as_object")]
    pub counts: Vec<(String, i64)>,
    /// Delivery delay from acceptance to the origin's 2xx: p50 and p99 (bucket upper bounds,
    /// about 19 % wide), when something was delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_p50_ms: Option<i64>,
    /// See `delay_p50_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_p99_ms: Option<i64>,
}

/// `GET /admin/stats`'s answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// When it was read.
    pub now_ms: i64,
    /// Each minute of the window that saw something, oldest first.
    pub minutes: Vec<Minute>,
    /// The window's totals per series (a JSON object).
    #[serde(serialize_with = "as_object")]
    pub totals: Vec<(String, i64)>,
    /// Delay percentiles over the whole window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_p50_ms: Option<i64>,
    /// See `delay_p50_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_p99_ms: Option<i64>,
    /// Age of the oldest event waiting for a retry, ms (`None`: nothing waits).
    pub oldest_waiting_ms: Option<i64>,
    /// Events waiting for a retry.
    pub waiting: usize,
    /// The latest facts: key → `{at_ms, value}` (a JSON object).
    #[serde(serialize_with = "as_object")]
    pub last: Vec<(String, Fact)>,
}

/// `(name, value)` rows as a JSON object.
fn as_object<S: serde::Serializer, V: Serialize>(rows: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(rows.iter().map(|(k, v)| (k, v)))
}

/// The value of `name` in `(name, value)` rows.
pub fn find<'a, V>(rows: &'a [(String, V)], name: &str) -> Option<&'a V> {
    rows.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A latest fact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// When.
    pub at_ms: i64,
    /// What (a code, a status, an outcome: never a body or a key).
    pub value: String,
}

impl Summary {
    /// The answer for the last `minutes`, from the stored tally.
    pub fn read(stored: &Tally, now_ms: i64, minutes: i64) -> Summary {
        let since = minute(now_ms) - minutes.clamp(1, KEEP_MINUTES) + 1;
        let mut by_minute: Vec<Minute> = Vec::new();
        let mut totals = Vec::new();
        let slot = |by_minute: &mut Vec<Minute>, m: i64| -> usize {
            match by_minute.iter().position(|x| x.at_ms == m * 60_000) {
                Some(i) => i,
                None => {
                    by_minute.push(Minute { at_ms: m * 60_000, ..Minute::default() });
                    by_minute.len() - 1
                }
            }
        };
        for (m, series, n) in stored.counts.iter().filter(|(m, _, _)| *m >= since) {
            let i = slot(&mut by_minute, *m);
            bump(&mut by_minute[i].counts, series.clone(), *n);
            bump(&mut totals, series.clone(), *n);
        }
        let mut all = Vec::new();
        let mut per_minute: Vec<(i64, Vec<(u16, i64)>)> = Vec::new();
        for (m, b, n) in stored.delays.iter().filter(|(m, _, _)| *m >= since) {
            bump(&mut all, *b, *n);
            match per_minute.iter_mut().find(|(pm, _)| pm == m) {
                Some((_, buckets)) => bump(buckets, *b, *n),
                None => per_minute.push((*m, vec![(*b, *n)])),
            }
        }
        for (m, buckets) in per_minute {
            let i = slot(&mut by_minute, m);
            by_minute[i].delay_p50_ms = percentile(&buckets, 0.5);
            by_minute[i].delay_p99_ms = percentile(&buckets, 0.99);
        }
        by_minute.sort_by_key(|m| m.at_ms);
        for m in &mut by_minute {
            m.counts.sort();
        }
        totals.sort();
        let mut last: Vec<(String, Fact)> =
            stored.last.iter().map(|(k, at, v)| (k.clone(), Fact { at_ms: *at, value: v.clone() })).collect();
        last.sort_by(|a, b| a.0.cmp(&b.0));
        Summary {
            now_ms,
            minutes: by_minute,
            totals,
            delay_p50_ms: percentile(&all, 0.5),
            delay_p99_ms: percentile(&all, 0.99),
            oldest_waiting_ms: stored.waiting.iter().map(|(_, accepted)| accepted).min().map(|a| (now_ms - a).max(0)),
            waiting: stored.waiting.len(),
            last,
        }
    }
}

fn percentile(buckets: &[(u16, i64)], q: f64) -> Option<i64> {
    let mut buckets = buckets.to_vec();
    buckets.sort_unstable();
    let total: i64 = buckets.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = (q * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (b, n) in &buckets {
        seen += n;
        if seen >= rank {
            return Some(bucket_upper(*b));
        }
    }
    None
}

/// `ALERT_URL`'s settings: a small signed JSON (Standard Webhooks, `ORIGIN_SECRET`) when dead
/// letters appear or refusals spike, at most once per `ALERT_MINUTES` per kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertSettings {
    /// Where alerts are POSTed.
    pub url: String,
    /// At most one alert per kind in this many minutes (`ALERT_MINUTES`, 15).
    pub minutes: u32,
    /// Refusals within [`REFUSAL_WINDOW_MINUTES`] that make a spike (`ALERT_REFUSALS`, 20).
    pub refusals: i64,
}

/// The window a refusal spike is counted over.
pub const REFUSAL_WINDOW_MINUTES: i64 = 5;

/// An alert to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Always `"mediahook.alert"`.
    #[serde(rename = "type")]
    pub kind_of: &'static str,
    /// `dead_letters` or `refusals`.
    pub kind: &'static str,
    /// New dead letters in the tally just added, or refusals in the window.
    pub count: i64,
    /// Minutes the count covers (refusals), or 0 (dead letters: this flush).
    pub window_minutes: i64,
    /// UNIX ms.
    pub at_ms: i64,
}

impl Tally {
    /// New dead letters in this tally (kept callbacks and dead deliveries).
    pub fn dead_letters(&self) -> i64 {
        self.counts
            .iter()
            .filter(|(_, series, _)| series == "deliveries.dead" || series.ends_with(".dead_lettered"))
            .map(|(_, _, n)| n)
            .sum()
    }

    /// Refusals counted from minute `since` on.
    pub fn refusals_since(&self, since: i64) -> i64 {
        self.counts
            .iter()
            .filter(|(m, series, _)| *m >= since && series.contains(".rejected."))
            .map(|(_, _, n)| n)
            .sum()
    }
}

/// The alerts a flush raises: `added` is the tally just flushed; `recent_refusals` the refusals
/// stored for the last [`REFUSAL_WINDOW_MINUTES`] (this flush included). The caller sends each
/// at most once per `ALERT_MINUTES`.
pub fn alerts(settings: &AlertSettings, added: &Tally, recent_refusals: i64, now_ms: i64) -> Vec<Alert> {
    let mut out = Vec::new();
    let dead = added.dead_letters();
    if dead > 0 {
        out.push(Alert {
            kind_of: "mediahook.alert",
            kind: "dead_letters",
            count: dead,
            window_minutes: 0,
            at_ms: now_ms,
        });
    }
    if added.refusals_since(i64::MIN) > 0 && recent_refusals >= settings.refusals {
        out.push(Alert {
            kind_of: "mediahook.alert",
            kind: "refusals",
            count: recent_refusals,
            window_minutes: REFUSAL_WINDOW_MINUTES,
            at_ms: now_ms,
        });
    }
    out
}
