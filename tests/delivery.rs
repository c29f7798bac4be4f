//! Durable delivery's pure logic: backoff, judging the origin's answers, Retry-After, guard
//! shards, the admin token, configuration, and which verified events are kept as dead letters.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mediahook::delivery::{
    guard_shard, judge_attempt, parse_retry_after, AdminToken, AttemptVerdict, DeadReason, DeliveryMode,
    DeliverySettings, DEFAULT_MAX_RETRIES,
};
mod common;
use common::gateway_config;
use mediahook::gateway::{Decision, GatewayConfig};
use mediahook::{sign, AuthKey, CallbackRequest, ErrorCode, Provider, SignInput};

#[test]
fn backoff_doubles_from_min_to_max_with_jitter_and_retry_after() {
    let s = DeliverySettings::default();
    let no_jitter: Vec<u32> = (1..=12).map(|n| s.retry_delay(n, None, 0.0)).collect();
    assert_eq!(no_jitter, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]);
    // Jitter lowers by at most a quarter, never below the minimum.
    for n in 1..=40 {
        let d = s.retry_delay(n, None, 0.999);
        let full = s.retry_delay(n, None, 0.0);
        assert!(d <= full && d * 4 >= full * 3 - 4 && d >= 10, "retry {n}: {d} of {full}");
    }
    assert_eq!(s.retry_delay(1, Some(120), 0.0), 120, "Retry-After is a lower bound");
    assert_eq!(s.retry_delay(1, Some(99_999), 0.0), 3600, "but capped at the maximum");
    assert_eq!(s.retry_delay(u32::MAX, None, 0.0), 3600);
    // The defaults ride out a day: the sum of the waits before the last retry.
    let total: u64 = (1..=DEFAULT_MAX_RETRIES).map(|n| u64::from(s.retry_delay(n, None, 0.0))).sum();
    assert!((86_400..100_000).contains(&total), "{total} s");
    const { assert!(DEFAULT_MAX_RETRIES >= 20) };
}

#[test]
fn origin_answers_are_judged() {
    for (status, verdict) in [
        (Some(200), AttemptVerdict::Delivered),
        (Some(204), AttemptVerdict::Delivered),
        (Some(301), AttemptVerdict::Retry),
        (Some(302), AttemptVerdict::Retry),
        (Some(307), AttemptVerdict::Retry),
        (Some(400), AttemptVerdict::Rejected),
        (Some(401), AttemptVerdict::Rejected),
        (Some(404), AttemptVerdict::Rejected),
        (Some(408), AttemptVerdict::Retry),
        (Some(429), AttemptVerdict::Retry),
        (Some(500), AttemptVerdict::Retry),
        (Some(503), AttemptVerdict::Retry),
        (None, AttemptVerdict::Retry),
    ] {
        assert_eq!(judge_attempt(status), verdict, "{status:?}");
    }
}

#[test]
fn retry_after_seconds_and_http_dates() {
    assert_eq!(parse_retry_after(" 120 ", 0), Some(120));
    // 2026-11-23T16:00:00Z = 1795449600
    assert_eq!(parse_retry_after("Mon, 23 Nov 2026 16:00:30 GMT", 1_795_449_600), Some(30));
    assert_eq!(parse_retry_after("Mon, 23 Nov 2026 16:00:30 GMT", 1_795_449_700), Some(0), "a past date");
    for bad in ["", "soon", "-5", "Mon, 23 Nov 2026 16:00:30 PST", "Mon, 32 Foo 2026 16:00:30 GMT"] {
        assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
    }
}

#[test]
fn guard_shards_spread_by_the_first_hex_digit() {
    assert_eq!(guard_shard("mh_0abc"), 0);
    assert_eq!(guard_shard("mh_f123"), 15);
    assert_eq!(guard_shard("mh_A123"), 10);
    assert_eq!(guard_shard("junk"), 0);
}

#[test]
fn admin_token_is_checked_exactly_and_never_shown() {
    assert!(AdminToken::new("short").is_none());
    assert!(AdminToken::new("has a space in it 0123456789").is_none());
    let t = AdminToken::new("0123456789abcdef0123456789").unwrap();
    assert!(t.authorizes(Some("Bearer 0123456789abcdef0123456789")));
    for wrong in [
        None,
        Some(""),
        Some("0123456789abcdef0123456789"),
        Some("Bearer 0123456789abcdef012345678"),
        Some("Bearer 0123456789abcdef0123456789x"),
        Some("Basic 0123456789abcdef0123456789"),
    ] {
        assert!(!t.authorizes(wrong), "{wrong:?}");
    }
    assert_eq!(format!("{t:?}"), "AdminToken(<redacted>)");
}

fn config(extra: &[(&str, &str)]) -> Result<GatewayConfig, mediahook::Error> {
    gateway_config(extra)
}

#[test]
fn delivery_configuration() {
    let c = config(&[]).unwrap();
    assert_eq!(c.delivery, DeliverySettings::default());
    assert_eq!(c.delivery.mode, DeliveryMode::Queue);
    assert!(c.admin_token.is_none());
    let c = config(&[
        ("DELIVERY_MODE", "direct"),
        ("RETRY_MIN_SECONDS", "1"),
        ("RETRY_MAX_SECONDS", "2"),
        ("ADMIN_TOKEN", "0123456789abcdef0123456789"),
    ])
    .unwrap();
    assert_eq!(
        (c.delivery.mode, c.delivery.retry_min_seconds, c.delivery.retry_max_seconds),
        (DeliveryMode::Direct, 1, 2)
    );
    assert!(c.admin_token.is_some());
    for (name, value) in [
        ("DELIVERY_MODE", "later"),
        ("RETRY_MIN_SECONDS", "100000"),
        ("RETRY_MAX_SECONDS", "-1"),
        ("DEAD_LETTER_DAYS", "0"),
        ("ADMIN_TOKEN", "tooshort"),
    ] {
        let e = config(&[(name, value)]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig, "{name}");
        assert!(e.to_string().contains(name) && !e.to_string().contains(value), "{e}");
    }
    let e = config(&[("RETRY_MIN_SECONDS", "60"), ("RETRY_MAX_SECONDS", "30")]).unwrap_err();
    assert!(e.to_string().contains("RETRY_MIN_SECONDS"), "{e}");
}

fn decide(body: &[u8]) -> Decision {
    let c = config(&[]).unwrap();
    let key = AuthKey::new("ImsKey1234567890", 1).unwrap();
    let url = "https://hooks.example.com/alibaba/ims";
    let s = sign(Provider::AlibabaIms, &SignInput { url, key: &key, timestamp: 1_700_000_000, body }).unwrap();
    let req = CallbackRequest {
        method: "POST",
        url,
        headers: s.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &s.body,
    };
    c.decide(c.verifier(Provider::AlibabaIms).unwrap(), &req, 1_700_000_000)
}

#[test]
fn verified_events_that_cannot_be_typed_are_kept_not_refused() {
    let unknown = br#"{"EventType":"SomethingNew","UserId":1,"EventTime":"2026-11-23T10:00:00Z","MessageBody":{}}"#;
    let Decision::Keep(k) = decide(unknown) else { panic!("an unknown type is kept") };
    assert_eq!((k.reason, k.event_type.as_str()), (DeadReason::UnknownEventType, "SomethingNew"));
    let invalid =
        br#"{"EventType":"ProduceMediaComplete","UserId":1,"EventTime":"2026-11-23T10:00:00Z","MessageBody":{}}"#;
    let Decision::Keep(k) = decide(invalid) else { panic!("an invalid body is kept") };
    assert_eq!(k.reason, DeadReason::InvalidEvent);
    assert!(k.detail.contains("$.MessageBody"), "{}", k.detail);
    let kept: serde_json::Value = serde_json::from_str(&k.body).unwrap();
    assert_eq!(kept["type"], "ProduceMediaComplete");
    assert_eq!(kept["data"]["MessageBody"], serde_json::json!({}));
    assert!(kept["invalid"].as_str().unwrap().contains("$.MessageBody"));
    // Malformed JSON is still refused.
    let Decision::Reject(e) = decide(b"{nope") else { panic!("malformed JSON is refused") };
    assert_eq!(e.code(), ErrorCode::MalformedJson);
    // Two bodies under one signature have one signature identity and two ids.
    let (Decision::Keep(a), Decision::Keep(b)) = (decide(unknown), decide(invalid)) else { panic!() };
    assert_eq!(a.by.signature, b.by.signature);
    assert_ne!(a.id, b.id);
}
