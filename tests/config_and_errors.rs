//! Keys, configuration, redaction, error codes and messages, Standard Webhooks signing.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::{AuthKey, Error, ErrorCode, Provider, Verifier, WebhookSecret};

#[test]
fn keys_are_validated_as_the_providers_define_them() {
    assert!(AuthKey::new(&"a".repeat(32), 1).is_ok());
    for (k, reason) in [
        ("", "it is empty"),
        (&"a".repeat(33) as &str, "it is longer than 32 characters"),
        ("with space", "it may contain only ASCII letters and digits"),
        ("dash-ed", "it may contain only ASCII letters and digits"),
        ("ключ", "it may contain only ASCII letters and digits"),
        ("key\n", "it may contain only ASCII letters and digits"),
    ] {
        assert_eq!(AuthKey::new(k, 3).unwrap_err(), Error::InvalidKey { index: 3, reason }, "{k:?}");
    }
    assert_eq!(err_code(Verifier::new(Provider::AlibabaIms, Vec::<String>::new())), ErrorCode::NoKeys);
    let e = Verifier::new(Provider::TencentVod, ["good1", "bad key"]).unwrap_err();
    assert_eq!(e.to_string(), "key 2 is invalid: it may contain only ASCII letters and digits");
}

#[test]
fn keys_and_secrets_never_show() {
    let v = Verifier::new(Provider::AlibabaIms, ["SuperSecret42", "OtherSecret7"]).unwrap();
    let shown = format!("{v:?} {} {:?}", key("SuperSecret42"), key("SuperSecret42"));
    assert!(!shown.contains("SuperSecret42") && !shown.contains("OtherSecret7"), "{shown}");
    assert!(shown.contains("<redacted>"));
    let s = WebhookSecret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(format!("{s:?}"), "WebhookSecret(<redacted>)");
    // Error messages of every verification failure leave the key out.
    let req = with_headers(
        "https://e.invalid/",
        b"{}",
        &[("X-ICE-TIMESTAMP", "1"), ("X-ICE-SIGNATURE", "0".repeat(32).leak())],
    );
    let msg = v.verify(&req, 1).unwrap_err().to_string();
    assert!(!msg.contains("SuperSecret42"), "{msg}");
    assert_eq!(msg, "the signature does not match any of the 2 configured key(s) for 1 callback URL");
}

#[test]
fn codes_are_stable_unique_and_round_trip() {
    let wire: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    for required in [
        "missing_signature",
        "missing_timestamp",
        "malformed_signature",
        "malformed_timestamp",
        "signature_mismatch",
        "timestamp_too_old",
        "timestamp_in_future",
        "expired",
        "no_keys",
        "invalid_key",
        "body_too_large",
        "malformed_json",
        "invalid_event",
        "unsupported_provider",
    ] {
        assert!(wire.contains(&required), "{required}");
    }
    let mut sorted = wire.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), wire.len(), "no code used twice");
    for c in ErrorCode::ALL {
        assert_eq!(ErrorCode::from_str_code(c.as_str()), Some(c));
        assert_eq!(c.to_string(), c.as_str());
    }
    assert_eq!(ErrorCode::from_str_code("nope"), None);
}

#[test]
fn http_statuses() {
    let cases = [
        (Error::MissingSignature { field: "X" }, 401),
        (Error::TimestampTooOld { age: 1, tolerance: 0 }, 401),
        (Error::Expired { ago: 1, skew: 0 }, 401),
        (Error::MalformedSignature { field: "X", reason: "r" }, 400),
        (Error::MalformedJson { detail: "d".into() }, 400),
        (Error::InvalidEvent { path: "$".into(), detail: "d".into() }, 400),
        (Error::BodyTooLarge { size: 2, limit: 1 }, 413),
        (Error::MethodNotAllowed { method: "GET".into(), allowed: "POST" }, 405),
        (Error::NoKeys, 500),
    ];
    for (e, status) in cases {
        assert_eq!(e.http_status(), status, "{e}");
    }
}

#[test]
fn providers_parse_by_id() {
    for p in Provider::ALL {
        assert_eq!(p.id().parse::<Provider>().unwrap(), p);
    }
    let e = "aliyun".parse::<Provider>().unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnsupportedProvider);
    assert!("x".repeat(500).parse::<Provider>().unwrap_err().to_string().len() < 200);
}

#[test]
fn empty_signed_url_is_refused() {
    let e = Verifier::new(Provider::AlibabaIms, ["k"]).unwrap().with_signed_urls([" "]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidUrl);
    let e = Verifier::new(Provider::AlibabaLive, ["k"]).unwrap().with_signed_urls(["https:///path"]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidUrl);
}

/// The example from the Standard Webhooks reference libraries.
#[test]
fn standard_webhooks_reference_vector() {
    let s = WebhookSecret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(
        s.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    let h = s.headers("msg_1", 5, b"x");
    assert_eq!((h[0].0, h[1].1.as_str()), ("webhook-id", "5"));
    assert_eq!(err_code(WebhookSecret::new("whsec_not base64!")), ErrorCode::InvalidConfig);
    assert_eq!(err_code(WebhookSecret::new("whsec_c2hvcnQ=")), ErrorCode::InvalidConfig);
}

/// The three body-signing providers are configured like the others: their variables, checked at
/// start-up, errors naming the variable and never the value.
#[test]
fn body_signing_providers_are_configured_from_their_variables() {
    let config = gateway_config(&[
        ("MUX_WEBHOOK_SECRETS", "new-secret_0123456789, old-secret_0123456789"),
        ("CLOUDFLARE_STREAM_WEBHOOK_SECRETS", "85011ed3a913c6ad5f9cf6c5573cc0a7"),
        ("VOLCENGINE_VOD_KEYS", "VolcKey0123456789"),
        ("VOLCENGINE_VOD_CALLBACK_URLS", "https://hooks.example.com/volcengine/vod"),
    ])
    .unwrap();
    for provider in [Provider::Mux, Provider::CloudflareStream, Provider::VolcengineVod] {
        assert!(config.verifier(provider).is_some(), "{provider}");
        assert_eq!(Provider::for_route(provider.spec().route), Some(provider));
    }
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    let bad = [
        ("MUX_WEBHOOK_SECRETS", "has a space"),
        ("CLOUDFLARE_STREAM_WEBHOOK_SECRETS", "tab\tsecret"),
        ("VOLCENGINE_VOD_KEYS", "not-alphanumeric"),
        ("VOLCENGINE_VOD_CALLBACK_URLS", "ftp://hooks.example.com/cb"),
    ];
    for (name, value) in bad {
        let keys = ("VOLCENGINE_VOD_KEYS", "VolcKey0123456789");
        let e = gateway_config(&[keys, (name, value)]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig, "{name}");
        let text = e.to_string();
        assert!(text.contains(name) && !text.contains(value), "{text}");
    }
    // Without their variables the providers are off (404 at their routes).
    let off = gateway_config(&[]).unwrap();
    assert!(off.verifier(Provider::Mux).is_none());
    assert_eq!("mux".parse::<Provider>().unwrap(), Provider::Mux);
    assert_eq!("cloudflare-stream".parse::<Provider>().unwrap(), Provider::CloudflareStream);
    assert_eq!("volcengine-vod".parse::<Provider>().unwrap(), Provider::VolcengineVod);
}
