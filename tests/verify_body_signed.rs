//! The schemes that sign the body: Mux and Cloudflare Stream (`<ts>.<body>` under HMAC-SHA256,
//! in one header) and Volcengine VOD (`URL|ts|key|base64(body)` under MD5). The published
//! vectors, vectors computed with independent tools, the header grammar, rotation, the window,
//! and the property that is new with these: a captured signature cannot carry another body.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::{sign, AuthKey, CallbackRequest, ErrorCode, Provider, SignInput, SignedCallback, Verifier};

const MUX_SECRET: &str = "SuperSecret123";
const MUX_TS: u64 = 1565125718;
const MUX_BODY: &[u8] = br#"{"test":"body"}"#;
/// Mux's Node SDK test (tests/api-resources/webhooks.test.ts).
const MUX_V1: &str = "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7";

fn secret_signed(provider: Provider, url: &str, secret: &str, ts: u64, body: &[u8]) -> SignedCallback {
    let key = AuthKey::for_provider(provider, secret, 1).unwrap();
    sign(provider, &SignInput { url, key: &key, timestamp: ts, body }).unwrap()
}

fn mux(secrets: &[&str]) -> Verifier {
    Verifier::new(Provider::Mux, secrets).unwrap()
}

fn with_signature<'a>(name: &'a str, value: &'a str, body: &'a [u8]) -> CallbackRequest<'a> {
    CallbackRequest::post("https://edge.example.net/mux", body).header(name, value)
}

#[test]
fn mux_published_vector_signs_and_verifies() {
    let s = secret_signed(Provider::Mux, "", MUX_SECRET, MUX_TS, MUX_BODY);
    assert_eq!(s.headers, vec![("Mux-Signature".to_owned(), format!("t={MUX_TS},v1={MUX_V1}"))]);
    assert_eq!(s.body, MUX_BODY);
    let header = format!("t={MUX_TS},v1={MUX_V1}");
    let v = mux(&[MUX_SECRET]).verify(&with_signature("mux-signature", &header, MUX_BODY), MUX_TS).unwrap();
    assert_eq!((v.key_index, v.timestamp, v.signed_subject), (0, MUX_TS, None));
}

#[test]
fn mux_second_published_vector() {
    // The SDK's `unwrap_times` case: the same secret and time over another body.
    let body = br#"{"test":{"nested":{"nanos":718234, "seconds":1691711005}}}"#;
    let header = format!("t={MUX_TS},v1=bd315c24bce1c2b8ad325696f26530c8ef7d7d830afb7c1381903705d04607be");
    assert!(mux(&[MUX_SECRET]).verify(&with_signature("Mux-Signature", &header, body), MUX_TS).is_ok());
}

#[test]
fn mux_header_grammar_follows_the_sdk() {
    let v = mux(&[MUX_SECRET]);
    let check = |value: &str| err_code(v.verify(&with_signature("Mux-Signature", value, MUX_BODY), MUX_TS));
    let ok = |value: &str| v.verify(&with_signature("Mux-Signature", value, MUX_BODY), MUX_TS).is_ok();
    // Several v1 (one not even hex) pass when one matches; other versions are ignored.
    assert!(ok(&format!("t={MUX_TS},v1=invalid-sig,v1={MUX_V1}")));
    assert!(ok(&format!("t={MUX_TS},v2={MUX_V1},v1={MUX_V1}")));
    assert!(ok(&format!(" t={MUX_TS} , v1={} ", MUX_V1.to_uppercase())));
    // Only another version: no v1 signature.
    assert_eq!(check(&format!("t={MUX_TS},v2={MUX_V1}")), ErrorCode::MissingSignature);
    // The bare hash, without t=.
    assert_eq!(check(MUX_V1), ErrorCode::MissingTimestamp);
    assert_eq!(check(&format!("t=soon,v1={MUX_V1}")), ErrorCode::MalformedTimestamp);
    assert_eq!(check(&format!("t={MUX_TS},t={MUX_TS},v1={MUX_V1}")), ErrorCode::MalformedTimestamp);
    assert_eq!(check(&format!("t={MUX_TS},v1=abc")), ErrorCode::MalformedSignature);
    assert_eq!(check(&format!("t={MUX_TS},v1={}", "0".repeat(64))), ErrorCode::SignatureMismatch);
    let absent = CallbackRequest::post("https://edge.example.net/mux", MUX_BODY);
    assert_eq!(err_code(v.verify(&absent, MUX_TS)), ErrorCode::MissingSignature);
    let twice = with_signature("Mux-Signature", "x", MUX_BODY).header("mux-signature", "y");
    assert_eq!(err_code(v.verify(&twice, MUX_TS)), ErrorCode::MalformedSignature);
}

#[test]
fn mux_window_is_the_sdk_tolerance() {
    let v = mux(&[MUX_SECRET]);
    let header = format!("t={MUX_TS},v1={MUX_V1}");
    let req = with_signature("Mux-Signature", &header, MUX_BODY);
    assert!(v.verify(&req, MUX_TS + 300).is_ok());
    // The SDK's "6 minutes" case.
    assert_eq!(err_code(v.verify(&req, MUX_TS + 360)), ErrorCode::TimestampTooOld);
    assert_eq!(err_code(v.verify(&req, MUX_TS - 301)), ErrorCode::TimestampInFuture);
    assert!(v.clone().with_tolerance_seconds(600).verify(&req, MUX_TS + 360).is_ok());
}

#[test]
fn a_captured_signature_cannot_carry_another_body() {
    let cases = [
        (Provider::Mux, "", "whsec-like_secret.with/odd+chars=", "Mux-Signature"),
        (Provider::CloudflareStream, "", "85011ed3a913c6ad5f9cf6c5573cc0a7", "Webhook-Signature"),
        (Provider::VolcengineVod, "https://hooks.example.com/volcengine/vod", "ABCDabcd1234", "X-VOD-SIGNATURE"),
    ];
    let body = br#"{"EventType":"FileUploadComplete","uid":"a","status":{"state":"ready"},"type":"video.asset.ready"}"#;
    for (provider, url, secret, _) in cases {
        let s = secret_signed(provider, url, secret, TS, body);
        let v = Verifier::new(provider, [secret])
            .unwrap()
            .with_signed_urls([url].iter().filter(|u| !u.is_empty()))
            .unwrap();
        let req = |body: &'static [u8]| {
            let mut r = CallbackRequest::post(if url.is_empty() { "https://edge.example.net/x" } else { url }, body);
            for (n, value) in &s.headers {
                r = r.header(n, value);
            }
            r
        };
        let original: &'static [u8] = Box::leak(s.body.clone().into_boxed_slice());
        assert!(v.verify(&req(original), TS).is_ok(), "{provider}");
        // Every one-byte change, anywhere in the body, is refused.
        for i in 0..original.len() {
            let mut changed = original.to_vec();
            changed[i] ^= 0x01;
            let changed: &'static [u8] = Box::leak(changed.into_boxed_slice());
            assert_eq!(err_code(v.verify(&req(changed), TS)), ErrorCode::SignatureMismatch, "{provider} byte {i}");
        }
        // As are a byte added and a byte removed.
        let mut longer = original.to_vec();
        longer.push(b' ');
        assert_eq!(err_code(v.verify(&req(Box::leak(longer.into_boxed_slice())), TS)), ErrorCode::SignatureMismatch);
        let shorter = &original[..original.len() - 1];
        assert_eq!(err_code(v.verify(&req(shorter), TS)), ErrorCode::SignatureMismatch);
    }
}

#[test]
fn rotation_reports_the_key_that_matched() {
    for provider in [Provider::Mux, Provider::CloudflareStream, Provider::VolcengineVod] {
        let url = "https://hooks.example.com/cb";
        let s = secret_signed(provider, url, "OldSecret0123456", TS, b"{}");
        let v = Verifier::new(provider, ["NewSecret0123456", "OldSecret0123456"]).unwrap();
        let mut req = CallbackRequest::post(url, b"{}");
        for (n, value) in &s.headers {
            req = req.header(n, value);
        }
        assert_eq!(v.verify(&req, TS).unwrap().key_index, 1, "{provider}");
        let only_new = Verifier::new(provider, ["NewSecret0123456"]).unwrap();
        assert_eq!(err_code(only_new.verify(&req, TS)), ErrorCode::SignatureMismatch, "{provider}");
    }
}

/// Cloudflare publishes the algorithm but no vector: this one was computed with
/// `printf %s '1230811200.<body>' | openssl dgst -sha256 -hmac <secret>`, with the secret and the
/// time of Cloudflare's documentation.
#[test]
fn cloudflare_stream_vector_computed_with_openssl() {
    let body = br#"{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":true,"status":{"state":"ready"}}"#;
    let secret = "85011ed3a913c6ad5f9cf6c5573cc0a7";
    let sig = "8ea5112f08034d4823b6a997f7b66c68366929b4441940259360189d7c1ae51b";
    let s = secret_signed(Provider::CloudflareStream, "", secret, 1230811200, body);
    assert_eq!(s.headers, vec![("Webhook-Signature".to_owned(), format!("time=1230811200,sig1={sig}"))]);
    let v = Verifier::new(Provider::CloudflareStream, [secret]).unwrap();
    let header = format!("time=1230811200,sig1={sig}");
    let req =
        CallbackRequest::post("https://edge.example.net/cloudflare/stream", body).header("webhook-signature", &header);
    assert!(v.verify(&req, 1230811200).is_ok());
    // Mux's names are not Cloudflare's.
    let mux_style = format!("t=1230811200,v1={sig}");
    let req = CallbackRequest::post("https://edge.example.net/cloudflare/stream", body)
        .header("Webhook-Signature", &mux_style);
    assert_eq!(err_code(v.verify(&req, 1230811200)), ErrorCode::MissingTimestamp);
}

/// BytePlus's documentation gives the inputs (URL, time, key and the base64 of its sample
/// body) but not the result: computed with `printf %s '<URL>|<ts>|<key>|<base64>' | md5sum`.
#[test]
fn volcengine_vector_from_the_documented_inputs() {
    let body = b"{\n\"a\":1,\n\"b\":2\n}";
    let url = "https://www.example1.com/your/callback";
    let s = sign(Provider::VolcengineVod, &SignInput { url, key: &key("ABCDabcd1234"), timestamp: 1545675780, body })
        .unwrap();
    assert_eq!(
        s.headers,
        vec![
            ("X-VOD-TIMESTAMP".to_owned(), "1545675780".to_owned()),
            ("X-VOD-SIGNATURE".to_owned(), "3161fa89a722ee715937b7af60b9ad75".to_owned())
        ]
    );
    let v = Verifier::new(Provider::VolcengineVod, ["ABCDabcd1234"]).unwrap().with_signed_urls([url]).unwrap();
    let req = CallbackRequest::post("https://edge.example.net/volcengine/vod", body)
        .header("X-VOD-TIMESTAMP", "1545675780")
        .header("X-VOD-SIGNATURE", "3161fa89a722ee715937b7af60b9ad75");
    let verified = v.verify(&req, 1545675780).unwrap();
    assert_eq!(verified.signed_subject.as_deref(), Some(url));
    // The same headers without the body in the signed string (Alibaba VOD's scheme) do not pass.
    let alibaba = signed(Provider::AlibabaVod, url, "ABCDabcd1234", 1545675780, body);
    let req = CallbackRequest::post("https://edge.example.net/volcengine/vod", body)
        .header("X-VOD-TIMESTAMP", "1545675780")
        .header("X-VOD-SIGNATURE", &alibaba.headers[1].1);
    assert_eq!(err_code(v.verify(&req, 1545675780)), ErrorCode::SignatureMismatch);
}

#[test]
fn secrets_follow_their_providers_rules() {
    // Signing secrets may hold any visible ASCII; the MD5 keys stay letters and digits.
    assert!(Verifier::new(Provider::Mux, ["a-b_c.d/e+f=g"]).is_ok());
    assert!(Verifier::new(Provider::CloudflareStream, ["x".repeat(256)]).is_ok());
    assert_eq!(err_code(Verifier::new(Provider::Mux, ["x".repeat(257)])), ErrorCode::InvalidKey);
    assert_eq!(err_code(Verifier::new(Provider::Mux, ["has space"])), ErrorCode::InvalidKey);
    assert_eq!(err_code(Verifier::new(Provider::VolcengineVod, ["a-b"])), ErrorCode::InvalidKey);
    assert_eq!(err_code(Verifier::new(Provider::AlibabaIms, ["a-b"])), ErrorCode::InvalidKey);
    // A secret never shows.
    let v = Verifier::new(Provider::Mux, ["TopSecretValue123"]).unwrap();
    assert!(!format!("{v:?}").contains("TopSecretValue123"));
}

/// Round trips over random bodies, secrets and times: sign, then verify with the secret among
/// others; any other time outside the window is refused.
#[test]
fn sign_verify_round_trips() {
    let mut rng = Rng(0x5eed_0027);
    for provider in [Provider::Mux, Provider::CloudflareStream, Provider::VolcengineVod] {
        for _ in 0..64 {
            let secret_len = 1 + rng.below(32) as usize;
            let secret = rng.alnum(secret_len);
            let body_len = rng.below(300) as usize;
            let body = rng.bytes(body_len);
            let ts = 1_600_000_000 + rng.below(100_000_000);
            let url = "https://hooks.example.com/cb?x=1";
            let s = secret_signed(provider, url, &secret, ts, &body);
            let mut req = CallbackRequest::post(url, &s.body);
            for (n, value) in &s.headers {
                req = req.header(n, value);
            }
            let v = Verifier::new(provider, ["Other0123456789ab", secret.as_str()]).unwrap();
            assert_eq!(v.verify(&req, ts + rng.below(300)).unwrap().key_index, 1);
            assert_eq!(err_code(v.verify(&req, ts + 301 + rng.below(10_000))), ErrorCode::TimestampTooOld);
        }
    }
}

/// The signature-reuse count (`SIGNATURE_REUSE_WARN`) is for schemes whose one signature covers
/// every body of a second; a body-signing scheme's bursts are not reuse.
#[test]
fn a_body_signing_schemes_signature_identity_includes_the_body() {
    use mediahook::gateway::signature_id;
    let url = "https://hooks.example.com/cb";
    let identity = |provider: Provider, body: &[u8]| {
        let s = secret_signed(provider, url, "Secret0123456789", TS, body);
        let mut req = CallbackRequest::post(url, body);
        for (n, value) in &s.headers {
            req = req.header(n, value);
        }
        let v = Verifier::new(provider, ["Secret0123456789"]).unwrap().with_signed_urls([url]).unwrap();
        signature_id(&v.verify(&req, TS).unwrap())
    };
    for provider in [Provider::Mux, Provider::CloudflareStream, Provider::VolcengineVod] {
        assert_ne!(identity(provider, b"{\"a\":1}"), identity(provider, b"{\"a\":2}"), "{provider}");
        assert_eq!(identity(provider, b"{\"a\":1}"), identity(provider, b"{\"a\":1}"), "{provider}");
    }
    assert_eq!(identity(Provider::AlibabaIms, b"{\"a\":1}"), identity(Provider::AlibabaIms, b"{\"a\":2}"));
}

/// What the head can prove before the body is read: the signature headers' presence and form
/// (the body-signing schemes need the body for the rest).
#[test]
fn the_head_refuses_a_missing_or_malformed_signature_before_the_body() {
    let v = mux(&[MUX_SECRET]);
    let bare = CallbackRequest::post("https://edge.example.net/mux", b"");
    assert_eq!(err_code(v.verify_head(&bare, MUX_TS)), ErrorCode::MissingSignature);
    let malformed = with_signature("Mux-Signature", "t=1,v1=zz", b"");
    assert_eq!(err_code(v.verify_head(&malformed, MUX_TS)), ErrorCode::MalformedSignature);
    // Well formed: the head passes, the body decides.
    let header = format!("t={MUX_TS},v1={MUX_V1}");
    let head = v.verify_head(&with_signature("Mux-Signature", &header, b""), MUX_TS).unwrap();
    let full = with_signature("Mux-Signature", &header, MUX_BODY);
    assert!(v.verify_body(head.clone(), &full, MUX_TS).is_ok());
    let other = with_signature("Mux-Signature", &header, b"{}");
    assert_eq!(err_code(v.verify_body(head, &other, MUX_TS)), ErrorCode::SignatureMismatch);
    let volc = Verifier::new(Provider::VolcengineVod, ["VolcKey0123"]).unwrap();
    let bare = CallbackRequest::post("https://edge.example.net/volcengine/vod", b"");
    assert_eq!(err_code(volc.verify_head(&bare, TS)), ErrorCode::MissingSignature);
}
