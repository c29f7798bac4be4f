//! Regression tests for the second security review (issue 23) in the core; the worker's and the
//! package's findings are tested through workerd and the packed package (tests/e2e/review2,
//! tests/js/review2), the accepting path natively in tests/accept.rs.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mediahook::{parse_event, Provider};

/// L5: a number sent as a string not in JSON's number form is written in its shortest form,
/// never with hundreds of digits.
#[test]
fn l5_numbers_from_strings_are_written_short() {
    for (sent, written) in [("+1e308", "1e308"), ("+5", "5"), (" 2.50 ", "2.50"), ("1E3", "1E3"), ("+0.1", "0.1")] {
        let body = format!(
            r#"{{"EventType":"EditMediaComplete","EditMediaCompleteEvent":{{"Input":{{"FileInfoSet":[{{"FileId":"f","StartTimeOffset":"{sent}"}}]}}}}}}"#
        );
        let event = parse_event(Provider::TencentVod, body.as_bytes(), "").unwrap();
        let json = event.as_json();
        assert!(json.contains(&format!(r#""StartTimeOffset":{written}}}"#)), "{sent}: {json}");
        assert!(json.len() < body.len() + 200, "{sent}: {} bytes from {}", json.len(), body.len());
    }
}

/// M1: whatever the walker accepts, serde_json reads back: numbers beyond f64 aside, the
/// forwarded event never nests deeper than serde_json's limit, and the serde view of the event
/// writes the same bytes (it used to re-parse them, and panic in the worker).
#[test]
fn m1_the_normalised_event_reads_back_and_serialises_as_is() {
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let mut accepted = 0;
    for levels in 120..130 {
        let body = format!(
            r#"{{"EventType":"ProduceMediaComplete","UserId":1,"EventTime":"2026-11-29T10:00:00Z","MessageBody":{{"Status":"Success","MediaId":"m","JobId":"j","ProjectId":"p","MediaURL":"u","Deep":{}}},"Far":1e400}}"#,
            deep(levels)
        );
        let Ok(event) = parse_event(Provider::AlibabaIms, body.as_bytes(), "") else { continue };
        accepted += 1;
        let without_far = event.as_json().replace("1e400", "1");
        serde_json::from_str::<serde_json::Value>(&without_far).expect("serde_json reads the event back");
        assert_eq!(serde_json::to_string(&event).unwrap(), event.as_json());
    }
    assert!(accepted >= 3, "{accepted}");
}

/// I6: the typed Tencent view of an unknown type name picks the payload member the walker
/// checked: the first one sent, not the first in sorted order.
#[test]
fn i6_the_typed_tencent_view_follows_the_order_sent() {
    let body = br#"{"EventType":"SomethingNew","ProcedureStateChangeEvent":{"TaskId":"t"},"FileDeleteEvent":{"FileIdSet":["1"]}}"#;
    let event = parse_event(Provider::TencentVod, body, "").unwrap();
    let mediahook::EventData::TencentVod(mediahook::events::TencentEvent::V3 { body_key, .. }) = event.data() else {
        panic!("a v3 Tencent event")
    };
    assert_eq!(body_key, "ProcedureStateChangeEvent");
}

/// I2 and I7: the origin's timeout stays below the 30 s claim takeover, and the body limit
/// within one Durable Object row.
#[test]
#[cfg(not(target_arch = "wasm32"))]
fn i2_i7_timeouts_and_body_limits_are_capped() {
    let config = |name: &str, value: &str| {
        mediahook::gateway::GatewayConfig::from_vars(|n| match n {
            "ORIGIN_URL" => Some("https://origin.example.com/events".into()),
            "ORIGIN_SECRET" => Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
            _ if n == name => Some(value.into()),
            _ => None,
        })
    };
    for (name, ok, refused) in [("ORIGIN_TIMEOUT_MS", "20000", "25000"), ("MAX_BODY_BYTES", "2097152", "2097153")] {
        assert!(config(name, ok).is_ok(), "{name}={ok}");
        let e = config(name, refused).unwrap_err();
        assert_eq!(e.code(), mediahook::ErrorCode::InvalidConfig, "{name}={refused}");
        assert!(e.to_string().contains(name), "{e}");
    }
}
