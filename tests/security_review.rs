//! Regression tests for the security review of commit d924179 (issue 12): each fails on that
//! commit. Worker findings (M1, L4–L6, I7, I8) are tested through workerd in tests/e2e.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::gateway::GatewayConfig;
use mediahook::{parse_event, CallbackRequest, ErrorCode, Provider, Verifier};

const T: u64 = 1519376590;
const SIGN: &str = "3eb51b374d429806a087e17684c371df"; // md5("Test123" + T), the documented vector

/// L1: `Sign` (or `T`) twice in the body is refused even when the query has a valid pair.
#[test]
fn l1_tencent_duplicate_sign_or_t_never_falls_back_to_the_query() {
    let v = Verifier::new(Provider::TencentVod, ["Test123"]).unwrap();
    let url = format!("https://h/tencent/vod?sign={SIGN}&t={T}");
    for body in [
        format!(r#"{{"Sign":"{}","Sign":"{}","EventType":"NewFileUpload"}}"#, "0".repeat(32), "1".repeat(32)),
        r#"{"T":1,"T":2,"EventType":"NewFileUpload"}"#.to_owned(),
        format!(r#"{{"Sign":"{SIGN}","T":{T},"\u0054":{T}}}"#),
    ] {
        for u in [url.as_str(), "https://h/tencent/vod"] {
            let req = CallbackRequest::post(u, body.as_bytes());
            assert_eq!(code_of(&v, &req, T - 10), ErrorCode::MalformedJson, "{body} at {u}");
        }
    }
    // The query is still used when the body carries neither field.
    let req = CallbackRequest::post(&url, br#"{"EventType":"NewFileUpload"}"#);
    assert!(v.verify(&req, T - 10).is_ok());
}

/// L3: a bare `host:port`, `host/path` or `host.` is signed as its host name, like the URL form,
/// by the verifier and by `sign`, checked against Alibaba's documented vector.
#[test]
fn l3_live_hosts_are_reduced_to_the_host_name_in_every_form() {
    const TS: u64 = 1519375990;
    let documented = "9e226fc2c250be266e3657e156f68c12"; // md5("learn.aliyundoc.com|1519375990|yourkey")
    let headers = [("ALI-LIVE-TIMESTAMP", "1519375990"), ("ALI-LIVE-SIGNATURE", documented)];
    for configured in [
        "https://learn.aliyundoc.com/your/callback",
        "learn.aliyundoc.com",
        "learn.aliyundoc.com:8443",
        "learn.aliyundoc.com/your/callback",
        "Learn.AliyunDoc.com.",
        "https://learn.aliyundoc.com.:8443/x",
        "user@learn.aliyundoc.com:8443",
    ] {
        let v = Verifier::new(Provider::AlibabaLive, ["yourkey"]).unwrap().with_signed_urls([configured]).unwrap();
        let req = with_headers("http://10.0.0.1/alibaba/live", b"", &headers);
        let ok = v.verify(&req, TS).unwrap_or_else(|e| panic!("{configured}: {e}"));
        assert_eq!(ok.signed_subject.as_deref(), Some("learn.aliyundoc.com"), "{configured}");
        let s = signed(Provider::AlibabaLive, configured, "yourkey", TS, b"");
        let sig = s.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("ALI-LIVE-SIGNATURE")).unwrap().1.clone();
        assert_eq!(sig, documented, "sign() for {configured}");
    }
}

/// I5: `\` ends the authority, as in WHATWG URLs: the received URL below names evil.com.
#[test]
fn i5_backslash_ends_the_host_of_a_received_url() {
    const TS: u64 = 1519375990;
    let headers = [("ALI-LIVE-TIMESTAMP", "1519375990"), ("ALI-LIVE-SIGNATURE", "9e226fc2c250be266e3657e156f68c12")];
    let v = Verifier::new(Provider::AlibabaLive, ["yourkey"]).unwrap();
    let req = with_headers("http://evil.com\\@learn.aliyundoc.com/alibaba/live", b"", &headers);
    assert_eq!(code_of(&v, &req, TS), ErrorCode::SignatureMismatch);
}

/// I2: Tencent's `T` is signed as sent: spaces around it are refused, not trimmed.
#[test]
fn i2_tencent_t_with_spaces_is_refused() {
    let v = Verifier::new(Provider::TencentVod, ["Test123"]).unwrap();
    let body = format!(r#"{{"Sign":"{SIGN}","T":" {T} ","EventType":"NewFileUpload"}}"#);
    let req = CallbackRequest::post("https://h/tencent/vod", body.as_bytes());
    assert_eq!(code_of(&v, &req, T - 10), ErrorCode::MalformedTimestamp);
}

/// I3: a UTF-8 BOM before a genuine body is skipped, for verification and parsing alike; the
/// id still hashes the body as sent.
#[test]
fn i3_a_bom_before_the_json_is_accepted() {
    let ims: &[u8] = include_bytes!("fixtures/alibaba-ims/ProduceMediaComplete.json");
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), ims].concat();
    let a = parse_event(Provider::AlibabaIms, ims, "").unwrap();
    let b = parse_event(Provider::AlibabaIms, &with_bom, "").unwrap();
    assert_eq!((a.event_type.as_str(), &a.data()), (b.event_type.as_str(), &b.data()));
    assert_ne!(a.id, b.id);
    let v = Verifier::new(Provider::TencentVod, ["Test123"]).unwrap();
    let body = format!("\u{feff}{{\"Sign\":\"{SIGN}\",\"T\":{T},\"EventType\":\"FileDeleted\",\"FileDeleteEvent\":{{\"FileIdSet\":[\"1\"]}}}}");
    let req = CallbackRequest::post("https://h/tencent/vod", body.as_bytes());
    assert!(v.verify(&req, T - 10).is_ok());
    assert_eq!(parse_event(Provider::TencentVod, body.as_bytes(), "").unwrap().event_type, "FileDeleted");
}

/// I1 (Live): only `%` and two hex digits decode, so `%+1` and `%01` are different events.
#[test]
fn i1_live_query_escapes_need_two_hex_digits() {
    let ev = |q: &str| {
        parse_event(Provider::AlibabaLive, b"", &format!("https://h/alibaba/live?action=publish&id=s&usrargs={q}"))
            .unwrap()
    };
    let (plus, escaped) = (ev("%+1"), ev("%01"));
    assert_ne!(plus.id, escaped.id);
    let json = plus.to_json();
    assert!(json.contains(r#""usrargs":"%+1""#) || json.contains(r#""usrargs":"% 1""#), "{json}");
    assert!(escaped.to_json().contains(r#""usrargs":"\u0001""#), "{}", escaped.to_json());
}

fn config(extra: &[(&str, &str)]) -> Result<GatewayConfig, mediahook::Error> {
    gateway_config(extra)
}

fn config_error(extra: &[(&str, &str)]) -> String {
    let e = config(extra).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidConfig, "{e}");
    e.to_string()
}

/// L4: callback URL lists hold URLs with commas (whitespace or JSON array), and every entry is
/// checked at start-up.
#[test]
fn l4_callback_url_lists() {
    let with_comma = "https://hooks.example.com/alibaba/ims?fields=a,b";
    for list in [
        with_comma.to_owned(),
        format!("[\"{with_comma}\", \"https://b.example.com/cb\"]"),
        format!("{with_comma}\n  https://b.example.com/cb"),
    ] {
        let c = config(&[("ALIBABA_IMS_CALLBACK_URLS", &list)]).unwrap_or_else(|e| panic!("{list}: {e}"));
        let v = c.verifier(Provider::AlibabaIms).unwrap();
        let s = signed(Provider::AlibabaIms, with_comma, "ImsKey1234567890", 1_700_000_000, b"{}");
        assert!(v.verify(&request(&s, "https://worker/alibaba/ims"), 1_700_000_000).is_ok(), "{list}");
    }
    for (list, says) in [
        ("https://a.example.com/cb,https://b.example.com/cb", "comma-separated"),
        ("https://a.example.com/cb b", "entry 2"),
        ("ftp://a.example.com/cb", "http:// or https://"),
        ("[\"https://a.example.com/cb\", 3]", "JSON array"),
        ("https:///cb", "no host"),
    ] {
        let msg = config_error(&[("ALIBABA_IMS_CALLBACK_URLS", list)]);
        assert!(msg.contains("ALIBABA_IMS_CALLBACK_URLS") && msg.contains(says), "{list}: {msg}");
    }
    let live = config(&[
        ("ALIBABA_LIVE_AUTH_KEYS", "LiveKey1234567890"),
        ("ALIBABA_LIVE_HOSTS", "live.example.com:8443 https://b.example.com/x"),
    ]);
    assert!(live.is_ok());
    assert!(config_error(&[
        ("ALIBABA_LIVE_AUTH_KEYS", "LiveKey1234567890"),
        ("ALIBABA_LIVE_HOSTS", "a.example.com,b.example.com")
    ])
    .contains("ALIBABA_LIVE_HOSTS"));
}

/// L5: ORIGIN_URL is parsed as a URL at start-up, not checked by its prefix.
#[test]
fn l5_origin_url_is_checked_as_a_url() {
    for bad in [
        "http://exa mple.com/events",
        "http://",
        "https://host:99999/x",
        "https://ho$t/x",
        "http://[::1/x",
        "https://h\\x/y",
    ] {
        let msg = config_error(&[("ORIGIN_URL", bad)]);
        assert!(msg.contains("ORIGIN_URL") && !msg.contains(bad), "{bad}: {msg}");
    }
    for good in ["http://127.0.0.1:8788/events", "https://user:pw@origin.example.com/a?b=c,d", "http://[::1]:80/"] {
        assert!(config(&[("ORIGIN_URL", good)]).is_ok(), "{good}");
    }
}

/// I6: short keys work (the providers allow them) but draw a warning naming the variable and
/// the key's position, never the key.
#[test]
fn i6_short_keys_are_warned_about() {
    let c = config(&[("TENCENT_VOD_SIGN_KEYS", "Test123,LongEnoughKey123456")]).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].starts_with("TENCENT_VOD_SIGN_KEYS: key 1 has 7 characters"), "{}", c.warnings[0]);
    assert!(!c.warnings[0].contains("Test123"));
    assert!(config(&[]).unwrap().warnings.is_empty());
}
