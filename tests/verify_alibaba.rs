//! Alibaba IMS, VOD and Live: headers, signed URLs and hosts, key rotation, the time window.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::{CallbackRequest, ErrorCode, Provider, Verifier};

const SIG: &str = "c72b60894140fa98920f1279219b7ed4"; // IMS_URL|TS|test123
const BODY: &[u8] = br#"{"EventType":"ProduceMediaComplete"}"#;

fn ims() -> Verifier {
    Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap().with_signed_urls([IMS_URL]).unwrap()
}

fn ims_req<'a>(ts: &'a str, sig: &'a str) -> CallbackRequest<'a> {
    with_headers("https://edge.invalid/alibaba/ims", BODY, &[("X-ICE-TIMESTAMP", ts), ("X-ICE-SIGNATURE", sig)])
}

#[test]
fn window_edges() {
    let v = ims();
    let req = ims_req("1519375990", SIG);
    assert!(v.verify(&req, TS).is_ok());
    assert!(v.verify(&req, TS + 300).is_ok(), "exactly at the tolerance");
    assert!(v.verify(&req, TS - 300).is_ok(), "exactly at the tolerance, ahead");
    assert_eq!(code_of(&v, &req, TS + 301), ErrorCode::TimestampTooOld);
    assert_eq!(code_of(&v, &req, TS - 301), ErrorCode::TimestampInFuture);
    let strict = ims().with_tolerance_seconds(0);
    assert!(strict.verify(&req, TS).is_ok());
    assert_eq!(code_of(&strict, &req, TS + 1), ErrorCode::TimestampTooOld);
}

#[test]
fn too_old_message_gives_age_and_tolerance() {
    let err = ims().verify(&ims_req("1519375990", SIG), TS + 412).unwrap_err();
    assert_eq!(err.to_string(), "the timestamp is 412 s old; the tolerance is 300 s");
    assert_eq!(err.http_status(), 401);
}

#[test]
fn signature_is_checked_before_freshness() {
    // A forged signature on a stale timestamp reports the forgery, not the age.
    let bad = "00000000000000000000000000000000";
    assert_eq!(code_of(&ims(), &ims_req("1519375990", bad), TS + 10_000), ErrorCode::SignatureMismatch);
}

#[test]
fn header_names_are_case_insensitive_and_hex_any_case() {
    let v = ims();
    for (tn, sn) in [("x-ice-timestamp", "x-ice-signature"), ("X-Ice-Timestamp", "X-ICE-Signature")] {
        for sig in [SIG.to_owned(), SIG.to_uppercase()] {
            let req = with_headers("https://e.invalid/", BODY, &[(tn, "1519375990"), (sn, &sig)]);
            assert!(v.verify(&req, TS).is_ok(), "{tn} {sn} {sig}");
        }
    }
}

#[test]
fn surrounding_whitespace_is_trimmed_inner_is_not() {
    let v = ims();
    assert!(v.verify(&ims_req(" 1519375990\t", &format!(" {SIG} ")), TS).is_ok());
    assert_eq!(code_of(&v, &ims_req("1519 375990", SIG), TS), ErrorCode::MalformedTimestamp);
    assert_eq!(
        code_of(&v, &ims_req("1519375990", &format!("{} {}", &SIG[..16], &SIG[16..])), TS),
        ErrorCode::MalformedSignature
    );
}

#[test]
fn missing_headers() {
    let v = ims();
    let none = with_headers("https://e.invalid/", BODY, &[]);
    assert_eq!(code_of(&v, &none, TS), ErrorCode::MissingSignature);
    let no_ts = with_headers("https://e.invalid/", BODY, &[("X-ICE-SIGNATURE", SIG)]);
    assert_eq!(code_of(&v, &no_ts, TS), ErrorCode::MissingTimestamp);
    let no_sig = with_headers("https://e.invalid/", BODY, &[("X-ICE-TIMESTAMP", "1519375990")]);
    assert_eq!(code_of(&v, &no_sig, TS), ErrorCode::MissingSignature);
    // Another provider's headers are not these.
    let vod_headers =
        with_headers("https://e.invalid/", BODY, &[("X-VOD-TIMESTAMP", "1519375990"), ("X-VOD-SIGNATURE", SIG)]);
    assert_eq!(code_of(&v, &vod_headers, TS), ErrorCode::MissingSignature);
}

#[test]
fn duplicate_headers_are_rejected_in_both_forms() {
    let v = ims();
    let twice = with_headers(
        "https://e.invalid/",
        BODY,
        &[("X-ICE-TIMESTAMP", "1519375990"), ("X-ICE-SIGNATURE", SIG), ("x-ice-signature", SIG)],
    );
    assert_eq!(code_of(&v, &twice, TS), ErrorCode::MalformedSignature);
    let joined = format!("{SIG}, {SIG}");
    assert_eq!(code_of(&v, &ims_req("1519375990", &joined), TS), ErrorCode::MalformedSignature);
    let ts_twice = with_headers(
        "https://e.invalid/",
        BODY,
        &[("X-ICE-TIMESTAMP", "1519375990"), ("X-ICE-TIMESTAMP", "1519375990"), ("X-ICE-SIGNATURE", SIG)],
    );
    assert_eq!(code_of(&v, &ts_twice, TS), ErrorCode::MalformedTimestamp);
    assert_eq!(code_of(&v, &ims_req("1519375990, 1519375990", SIG), TS), ErrorCode::MalformedTimestamp);
}

#[test]
fn malformed_signatures() {
    let v = ims();
    for sig in [
        "",
        "c72b",
        &SIG[..31],
        &format!("{SIG}0"),
        &format!("{}g", &SIG[..31]),
        "zz2b60894140fa98920f1279219b7ed4",
        "é72b60894140fa98920f1279219b7ed",
    ] {
        assert_eq!(code_of(&v, &ims_req("1519375990", sig), TS), ErrorCode::MalformedSignature, "{sig:?}");
    }
}

#[test]
fn malformed_timestamps() {
    let v = ims();
    for ts in [
        "",
        "-1519375990",
        "+1519375990",
        "1519375990.0",
        "0x5A8F",
        "1e9",
        "99999999999999999999",
        "1519375990s",
        "١٥١٩",
    ] {
        assert_eq!(code_of(&v, &ims_req(ts, SIG), TS), ErrorCode::MalformedTimestamp, "{ts:?}");
    }
}

#[test]
fn leading_zeros_are_signed_as_sent() {
    let s = signed(Provider::AlibabaIms, IMS_URL, "test123", 5, b"{}");
    let v = Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap().with_signed_urls([IMS_URL]).unwrap();
    let sig = &s.headers[1].1;
    assert!(v.verify(&ims_req("5", sig), 5).is_ok());
    // "05" is another signed string: the signature no longer matches.
    assert_eq!(code_of(&v, &ims_req("05", sig), 5), ErrorCode::SignatureMismatch);
}

#[test]
fn key_rotation_reports_which_key_matched() {
    let old = signed(Provider::AlibabaIms, IMS_URL, "OldKey1", TS, BODY);
    let new = signed(Provider::AlibabaIms, IMS_URL, "NewKey2", TS, BODY);
    let v = Verifier::new(Provider::AlibabaIms, ["NewKey2", "OldKey1"]).unwrap().with_signed_urls([IMS_URL]).unwrap();
    assert_eq!(v.verify(&request(&new, "https://e.invalid/"), TS).unwrap().key_index, 0);
    assert_eq!(v.verify(&request(&old, "https://e.invalid/"), TS).unwrap().key_index, 1);
    let only_new = Verifier::new(Provider::AlibabaIms, ["NewKey2"]).unwrap().with_signed_urls([IMS_URL]).unwrap();
    assert_eq!(code_of(&only_new, &request(&old, "https://e.invalid/"), TS), ErrorCode::SignatureMismatch);
}

#[test]
fn several_signed_urls_and_which_matched() {
    let per_job = "https://jobs.example.com/cb/42";
    let s = signed(Provider::AlibabaIms, per_job, "test123", TS, BODY);
    let v = Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap().with_signed_urls([IMS_URL, per_job]).unwrap();
    assert_eq!(v.verify(&request(&s, "https://e.invalid/"), TS).unwrap().signed_subject.as_deref(), Some(per_job));
}

#[test]
fn url_is_compared_byte_for_byte() {
    let s = signed(Provider::AlibabaIms, IMS_URL, "test123", TS, BODY);
    for configured in [
        "http://www.example.com/your/callback",
        "https://www.example.com/your/callback/",
        "https://www.example.com:443/your/callback",
        "https://WWW.example.com/your/callback",
        "https://www.example.com/your/callback?x=1",
    ] {
        let v = Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap().with_signed_urls([configured]).unwrap();
        assert_eq!(code_of(&v, &request(&s, "https://e.invalid/"), TS), ErrorCode::SignatureMismatch, "{configured}");
    }
}

#[test]
fn without_configured_urls_the_received_url_is_signed() {
    let received = "https://hooks.example.com/alibaba/ims?tenant=1";
    let s = signed(Provider::AlibabaIms, received, "test123", TS, BODY);
    let v = Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap();
    assert!(v.verify(&request(&s, received), TS).is_ok());
    assert_eq!(code_of(&v, &request(&s, "https://hooks.example.com/alibaba/ims"), TS), ErrorCode::SignatureMismatch);
}

#[test]
fn vod_and_ims_do_not_accept_each_others_headers() {
    let s = signed(Provider::AlibabaVod, IMS_URL, "test123", TS, BODY);
    assert_eq!(code_of(&ims(), &request(&s, "https://e.invalid/"), TS), ErrorCode::MissingSignature);
    let vod = Verifier::new(Provider::AlibabaVod, ["test123"]).unwrap().with_signed_urls([IMS_URL]).unwrap();
    assert!(vod.verify(&request(&s, "https://e.invalid/"), TS).is_ok());
}

#[test]
fn live_signs_the_host_from_config_or_request() {
    let s = signed(Provider::AlibabaLive, LIVE_HOST, "yourkey", TS, b"");
    let configured = Verifier::new(Provider::AlibabaLive, ["yourkey"])
        .unwrap()
        .with_signed_urls(["https://Learn.AliyunDoc.com/cb"])
        .unwrap();
    let req = request(&s, "http://10.0.0.1:8080/alibaba/live?action=publish");
    assert_eq!(req.method, "GET");
    assert_eq!(configured.verify(&req, TS).unwrap().signed_subject.as_deref(), Some(LIVE_HOST));
    let from_request = Verifier::new(Provider::AlibabaLive, ["yourkey"]).unwrap();
    assert!(from_request.verify(&request(&s, "https://learn.aliyundoc.com:8443/alibaba/live?x=1"), TS).is_ok());
    assert_eq!(code_of(&from_request, &req, TS), ErrorCode::SignatureMismatch);
    let no_host = Verifier::new(Provider::AlibabaLive, ["yourkey"]).unwrap();
    assert_eq!(code_of(&no_host, &request(&s, "/alibaba/live"), TS), ErrorCode::InvalidUrl);
}

#[test]
fn methods() {
    let s = signed(Provider::AlibabaIms, IMS_URL, "test123", TS, BODY);
    let mut req = request(&s, "https://e.invalid/");
    for m in ["GET", "PUT", "DELETE", "OPTIONS", ""] {
        req.method = m;
        assert_eq!(code_of(&ims(), &req, TS), ErrorCode::MethodNotAllowed, "{m}");
    }
    req.method = "post";
    assert!(ims().verify(&req, TS).is_ok());
}

#[test]
fn body_limit_is_checked_before_anything_else() {
    let big = vec![b' '; 1024 * 1024 + 1];
    let req = CallbackRequest { method: "GET", url: "", headers: vec![], body: &big };
    let err = ims().verify(&req, TS).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BodyTooLarge);
    assert_eq!(err.http_status(), 413);
    let exact = vec![b' '; 1024 * 1024];
    let req = CallbackRequest { method: "POST", url: "", headers: vec![], body: &exact };
    assert_eq!(code_of(&ims(), &req, TS), ErrorCode::MissingSignature);
    let small = ims().with_max_body_bytes(10);
    let s = signed(Provider::AlibabaIms, IMS_URL, "test123", TS, BODY);
    assert_eq!(code_of(&small, &request(&s, ""), TS), ErrorCode::BodyTooLarge);
}

#[test]
fn the_body_is_returned_untouched() {
    let s = signed(Provider::AlibabaIms, IMS_URL, "test123", TS, BODY);
    let ok = ims().verify(&request(&s, "https://e.invalid/"), TS).unwrap();
    assert_eq!(ok.body, BODY);
    assert_eq!(ok.provider, Provider::AlibabaIms);
}

#[test]
fn the_head_is_verified_once_then_the_body_without_checking_again() {
    let v = ims();
    let head_only = ims_req("1519375990", SIG);
    let head = v.verify_head(&CallbackRequest { body: &[], ..head_only.clone() }, TS).unwrap();
    // verify_body does not look at the headers again: what the head proved is carried over.
    let stripped = CallbackRequest { headers: Vec::new(), body: BODY, ..head_only.clone() };
    let verified = v.verify_body(head, &stripped, TS).unwrap();
    assert_eq!((verified.key_index, verified.timestamp, verified.body), (0, TS, BODY));
    // ...but it still checks the body's size, and the method is checked with the head.
    let small = v.clone().with_max_body_bytes(4);
    let head = small.verify_head(&head_only, TS).unwrap();
    assert_eq!(small.verify_body(head, &stripped, TS).unwrap_err().code(), ErrorCode::BodyTooLarge);
    let put = CallbackRequest { method: "PUT", ..head_only.clone() };
    let e = v.verify_head(&put, TS).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MethodNotAllowed);
    assert!(matches!(e, mediahook::Error::MethodNotAllowed { allowed: "POST", .. }), "{e:?}");
    // A head verified by another provider's verifier proves nothing here.
    let vod = Verifier::new(Provider::AlibabaVod, ["test123"]).unwrap().with_signed_urls([IMS_URL]).unwrap();
    let head = v.verify_head(&head_only, TS).unwrap();
    assert_eq!(vod.verify_body(head, &stripped, TS).unwrap_err().code(), ErrorCode::MissingSignature);
    // verify() is the two halves.
    let whole = CallbackRequest { body: BODY, ..head_only };
    assert_eq!(v.verify(&whole, TS).unwrap(), v.verify_body(v.verify_head(&whole, TS).unwrap(), &whole, TS).unwrap());
}

#[test]
fn the_bare_check_reads_no_body_byte_and_checks_the_announced_size() {
    // The Alibaba schemes sign no byte of the body: the bare check needs only its length.
    let v = ims().with_max_body_bytes(100);
    let mut req = ims_req("1519375990", SIG);
    let full = v.verify(&req, TS).unwrap();
    req.body = &[];
    assert_eq!(v.verify_signature(&req, 100, TS).unwrap(), (full.key_index, full.timestamp));
    assert_eq!(v.verify_signature(&req, 101, TS).unwrap_err().code(), ErrorCode::BodyTooLarge);
    assert_eq!(
        v.verify_signature(&ims_req("1519375990", &"0".repeat(32)), 1, TS).unwrap_err().code(),
        ErrorCode::SignatureMismatch
    );
    // The received URL as the subject (none configured): the same answer, and the signed
    // subject the full check reports is that URL.
    let any = Verifier::new(Provider::AlibabaIms, ["test123"]).unwrap();
    let at = with_headers(IMS_URL, BODY, &[("X-ICE-TIMESTAMP", "1519375990"), ("X-ICE-SIGNATURE", SIG)]);
    assert_eq!(any.verify_signature(&at, 0, TS).unwrap().0, 0);
    assert_eq!(any.verify(&at, TS).unwrap().signed_subject.as_deref(), Some(IMS_URL));
}
