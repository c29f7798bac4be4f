//! The console's numbers: a tally of callbacks, deliveries and polls, and the summary read from
//! it (per-minute series, delay percentiles, the oldest event waiting, the latest facts).
#![cfg(not(target_arch = "wasm32"))]

use mediahook::delivery::DeliveryLog;
use mediahook::gateway::poll::PollReport;
use mediahook::gateway::stats::{find, Summary, Tally};
use mediahook::gateway::{LogLine, Outcome};

const T0: i64 = 1_795_000_000_000 - 1_795_000_000_000 % 60_000;

fn callback(provider: &'static str, outcome: Outcome, code: Option<&'static str>) -> LogLine {
    LogLine { provider: Some(provider), outcome, code, ..LogLine::callback() }
}

fn delivery<'a>(id: &'a str, outcome: &'static str, accepted_ms: i64, status: Option<u16>) -> DeliveryLog<'a> {
    DeliveryLog {
        msg: "delivery",
        id,
        attempt: 1,
        status,
        outcome,
        delay_s: None,
        reason: None,
        error: None,
        accepted_ms: accepted_ms as u64,
    }
}

#[test]
fn callbacks_are_counted_per_minute_provider_and_outcome_with_refusals_by_code() {
    let mut t = Tally::default();
    t.callback(T0, &callback("alibaba-ims", Outcome::Queued, None));
    t.callback(T0 + 1_000, &callback("alibaba-ims", Outcome::Queued, None));
    t.callback(T0 + 2_000, &callback("alibaba-ims", Outcome::Rejected, Some("signature_mismatch")));
    t.callback(T0 + 61_000, &callback("tencent-vod", Outcome::DeadLettered, None));
    // Not callbacks: the health check, the admin API, a path no provider owns.
    t.callback(T0, &LogLine { outcome: Outcome::Health, ..LogLine::callback() });
    t.callback(T0, &LogLine { outcome: Outcome::NotFound, ..LogLine::callback() });
    let s = Summary::read(&t, T0 + 120_000, 60);
    assert_eq!(s.minutes.len(), 2);
    assert_eq!(s.minutes[0].at_ms, T0);
    assert_eq!(find(&s.minutes[0].counts, "callbacks.alibaba-ims.queued").copied().unwrap(), 2);
    assert_eq!(find(&s.minutes[0].counts, "callbacks.alibaba-ims.rejected.signature_mismatch").copied().unwrap(), 1);
    assert_eq!(find(&s.minutes[1].counts, "callbacks.tencent-vod.dead_lettered").copied().unwrap(), 1);
    assert_eq!(s.totals.iter().map(|(_, n)| n).sum::<i64>(), 4);
    assert_eq!(find(&s.last, "provider.alibaba-ims.refused").unwrap().value, "signature_mismatch");
    assert_eq!(find(&s.last, "provider.alibaba-ims.verified").unwrap().at_ms, T0 + 1_000);
    // A window of one minute sees the last minute only.
    assert_eq!(Summary::read(&t, T0 + 61_000, 1).totals.iter().map(|(_, n)| n).sum::<i64>(), 1);
}

#[test]
fn delays_give_percentiles_and_retries_the_oldest_waiting_event() {
    let mut t = Tally::default();
    // 98 deliveries 100 ms after acceptance, 2 after 60 s.
    for i in 0..100 {
        let id = format!("e{i}");
        let delay = if i < 98 { 100 } else { 60_000 };
        t.delivery(T0 + delay, &delivery(&id, "delivered", T0, Some(204)));
    }
    let s = Summary::read(&t, T0 + 120_000, 60);
    let p50 = s.delay_p50_ms.unwrap();
    let p99 = s.delay_p99_ms.unwrap();
    assert!((100..=120).contains(&p50), "p50 {p50}: the bucket holding 100 ms, at most 19 % wider");
    assert!((60_000..=72_000).contains(&p99), "p99 {p99}");
    assert_eq!(find(&s.totals, "deliveries.delivered").copied().unwrap(), 100);
    assert_eq!(s.oldest_waiting_ms, None);
    // A retry waits; its delivery (in a later tally, merged) ends the wait.
    t.delivery(T0 + 1_000, &delivery("slow", "retry", T0 - 30_000, Some(503)));
    let s = Summary::read(&t, T0 + 90_000, 60);
    assert_eq!((s.waiting, s.oldest_waiting_ms), (1, Some(120_000)));
    assert_eq!(find(&s.last, "origin.failed").unwrap().value, "answered 503");
    let mut later = Tally::default();
    later.delivery(T0 + 100_000, &delivery("slow", "delivered", T0 - 30_000, Some(200)));
    t.merge(later);
    assert_eq!(Summary::read(&t, T0 + 110_000, 60).waiting, 0);
}

#[test]
fn polls_and_merging_keep_the_newest_facts_and_the_tally_survives_json() {
    let mut a = Tally::default();
    let report = PollReport {
        msg: "pull",
        source: "tencent-vod:1".into(),
        events: 16,
        accepted: 16,
        acknowledged: 16,
        outcome: "acknowledged",
        error: None,
    };
    a.pull(T0, &report);
    let mut b = Tally::default();
    b.pull(
        T0 - 5_000,
        &PollReport { outcome: "refused", error: Some("AuthFailure".into()), events: 0, ..report.clone() },
    );
    a.merge(b);
    let s = Summary::read(&a, T0 + 1_000, 60);
    assert_eq!(
        find(&s.last, "source.tencent-vod:1.polled").unwrap().value,
        "acknowledged",
        "the older fact does not win"
    );
    assert_eq!(find(&s.totals, "pulls.tencent-vod:1.events").copied().unwrap(), 16);
    assert_eq!(find(&s.totals, "pulls.tencent-vod:1.refused").copied().unwrap(), 1);
    let json = serde_json::to_string(&a).unwrap();
    let back: Tally = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(!serde_json::to_string(&s).unwrap().contains("AuthFailure\\u"), "facts are plain strings");
}

#[test]
fn alerts_are_raised_by_new_dead_letters_and_by_a_spike_of_refusals() {
    use mediahook::gateway::stats::{alerts, AlertSettings};
    let settings = AlertSettings { url: "https://alerts.example.com/hook".into(), minutes: 15, refusals: 3 };
    let mut t = Tally::default();
    t.callback(T0, &callback("alibaba-ims", Outcome::Queued, None));
    assert!(alerts(&settings, &t, 0, T0).is_empty(), "nothing to say");
    t.callback(T0, &callback("alibaba-ims", Outcome::DeadLettered, None));
    t.delivery(T0, &delivery("gone", "dead", T0 - 1_000, Some(400)));
    let raised = alerts(&settings, &t, 0, T0);
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].kind, raised[0].count), ("dead_letters", 2));
    // Refusals: only when this flush has one and the window holds the threshold.
    let mut r = Tally::default();
    r.callback(T0, &callback("tencent-vod", Outcome::Rejected, Some("timestamp_too_old")));
    assert!(alerts(&settings, &r, 2, T0).is_empty());
    let raised = alerts(&settings, &r, 3, T0);
    assert_eq!((raised[0].kind, raised[0].count, raised[0].window_minutes), ("refusals", 3, 5));
    let json = serde_json::to_string(&raised[0]).unwrap();
    assert!(json.starts_with(r#"{"type":"mediahook.alert","kind":"refusals""#), "{json}");
}
