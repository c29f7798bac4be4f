//! Tencent VOD: `Sign`/`T` in the body or query, expiry, lifetime bound.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::{CallbackRequest, ErrorCode, Provider, Verifier};

const T: u64 = 1519376590;
const SIGN: &str = "3eb51b374d429806a087e17684c371df"; // md5("Test123" + T)

fn tencent() -> Verifier {
    Verifier::new(Provider::TencentVod, ["Test123"]).unwrap()
}

fn body_req(body: &str) -> CallbackRequest<'_> {
    CallbackRequest::post("https://e.invalid/tencent/vod", body.as_bytes())
}

#[test]
fn body_fields_as_number_or_string() {
    let v = tencent();
    for body in [
        format!(r#"{{"EventType":"NewFileUpload","Sign":"{SIGN}","T":{T}}}"#),
        format!(r#"{{"T":"{T}","Sign":"{}","EventType":"NewFileUpload"}}"#, SIGN.to_uppercase()),
    ] {
        let ok = v.verify(&body_req(&body), T - 600).unwrap();
        assert_eq!((ok.key_index, ok.timestamp, ok.signed_subject), (0, T, None));
    }
}

#[test]
fn query_fallback() {
    let v = tencent();
    let url = format!("https://e.invalid/tencent/vod?sign={SIGN}&t={T}");
    let req = CallbackRequest::post(&url, br#"{"EventType":"NewFileUpload"}"#);
    assert!(v.verify(&req, T).is_ok());
    let upper = format!("https://e.invalid/tencent/vod?Sign={SIGN}&T={T}#frag");
    assert!(v.verify(&CallbackRequest::post(&upper, b"{}"), T).is_ok());
    // Body fields win over the query.
    let body = format!(r#"{{"Sign":"{}","T":{T}}}"#, "0".repeat(32));
    assert_eq!(code_of(&v, &CallbackRequest::post(&url, body.as_bytes()), T), ErrorCode::SignatureMismatch);
    let twice = format!("https://e.invalid/?sign={SIGN}&sign={SIGN}&t={T}");
    assert_eq!(code_of(&v, &CallbackRequest::post(&twice, b"{}"), T), ErrorCode::MalformedSignature);
}

#[test]
fn expiry_and_lifetime_edges() {
    let v = tencent();
    let body = format!(r#"{{"Sign":"{SIGN}","T":{T}}}"#);
    let req = body_req(&body);
    assert!(v.verify(&req, T).is_ok(), "at T");
    assert!(v.verify(&req, T + 60).is_ok(), "at T + skew");
    assert_eq!(code_of(&v, &req, T + 61), ErrorCode::Expired);
    assert!(v.verify(&req, T - 660).is_ok(), "T exactly lifetime + skew ahead");
    assert_eq!(code_of(&v, &req, T - 661), ErrorCode::TimestampInFuture);
    let no_skew = tencent().with_skew_seconds(0);
    assert_eq!(code_of(&no_skew, &req, T + 1), ErrorCode::Expired);
    let err = no_skew.verify(&req, T + 5).unwrap_err();
    assert_eq!(err.to_string(), "the signature expired 5 s ago (allowed clock skew 0 s)");
}

#[test]
fn missing_and_malformed_fields() {
    let v = tencent();
    let cases: [(String, ErrorCode); 9] = [
        (r#"{"EventType":"NewFileUpload"}"#.into(), ErrorCode::MissingSignature),
        (format!(r#"{{"Sign":"{SIGN}"}}"#), ErrorCode::MissingTimestamp),
        (format!(r#"{{"T":{T}}}"#), ErrorCode::MissingSignature),
        (format!(r#"{{"Sign":"{SIGN}","T":-1}}"#), ErrorCode::MalformedTimestamp),
        (format!(r#"{{"Sign":"{SIGN}","T":1.5}}"#), ErrorCode::MalformedTimestamp),
        (format!(r#"{{"Sign":"{SIGN}","T":"soon"}}"#), ErrorCode::MalformedTimestamp),
        (format!(r#"{{"Sign":"{SIGN}","T":18446744073709551616}}"#), ErrorCode::MalformedTimestamp),
        (format!(r#"{{"Sign":123,"T":{T}}}"#), ErrorCode::MalformedSignature),
        (format!(r#"{{"Sign":"{}","T":{T}}}"#, &SIGN[..30]), ErrorCode::MalformedSignature),
    ];
    for (body, code) in cases {
        assert_eq!(code_of(&v, &body_req(&body), T), code, "{body}");
    }
}

#[test]
fn non_json_bodies() {
    let v = tencent();
    assert_eq!(code_of(&v, &body_req("not json"), T), ErrorCode::MalformedJson);
    assert_eq!(code_of(&v, &body_req(r#"{"Sign":"#), T), ErrorCode::MalformedJson);
    assert_eq!(code_of(&v, &body_req("[1,2]"), T), ErrorCode::MissingSignature);
    assert_eq!(code_of(&v, &body_req(""), T), ErrorCode::MalformedJson);
    // Duplicate keys are ambiguous: rejected by the JSON parser.
    let dup = format!(r#"{{"Sign":"{SIGN}","Sign":"{SIGN}","T":{T}}}"#);
    assert_eq!(code_of(&v, &body_req(&dup), T), ErrorCode::MalformedJson);
}

#[test]
fn rotation_and_wrong_key() {
    let body = format!(r#"{{"Sign":"{SIGN}","T":{T}}}"#);
    let rotated = Verifier::new(Provider::TencentVod, ["NewKey9", "Test123"]).unwrap();
    assert_eq!(rotated.verify(&body_req(&body), T).unwrap().key_index, 1);
    let wrong = Verifier::new(Provider::TencentVod, ["test123"]).unwrap();
    assert_eq!(code_of(&wrong, &body_req(&body), T), ErrorCode::SignatureMismatch);
}

#[test]
fn signing_keeps_the_body_and_replaces_old_fields() {
    let s = signed(Provider::TencentVod, "", "Test123", T, b" { } ");
    assert_eq!(std::str::from_utf8(&s.body).unwrap(), format!(r#" {{"Sign":"{SIGN}","T":{T} }} "#));
    let resigned = signed(Provider::TencentVod, "", "Test123", T + 1, &s.body);
    let text = std::str::from_utf8(&resigned.body).unwrap();
    assert_eq!(text.matches("\"Sign\"").count(), 1);
    assert!(tencent().verify(&request(&resigned, ""), T).is_ok());
    let empty = signed(Provider::TencentVod, "", "Test123", T, b"");
    assert!(tencent().verify(&request(&empty, ""), T).is_ok());
    let err = mediahook::sign(
        Provider::TencentVod,
        &mediahook::SignInput { url: "", key: &key("Test123"), timestamp: T, body: b"[1]" },
    );
    assert_eq!(err_code(err), ErrorCode::MalformedJson);
}
