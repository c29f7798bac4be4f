//! sign → verify round trips, and any single change fails with the right code.
//! The seeded loop runs natively and under wasm; proptest adds shrinking natively.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::*;
use mediahook::{ErrorCode, Provider, Verifier};

/// One generated case: provider, signed URL, key, time, body.
struct Case {
    provider: Provider,
    url: String,
    key: String,
    ts: u64,
    body: Vec<u8>,
}

fn case(rng: &mut Rng) -> Case {
    let provider = Provider::ALL[rng.below(Provider::ALL.len() as u64) as usize];
    let (host_len, path_len, key_len) = (1 + rng.below(12), rng.below(20), 1 + rng.below(32));
    let host = format!("{}.example.com", rng.alnum(host_len as usize).to_lowercase());
    let path = rng.alnum(path_len as usize);
    let url = format!("https://{host}/{path}?q={}", rng.below(1000));
    let key = rng.alnum(key_len as usize);
    let ts = rng.below(4_000_000_000);
    let mut body = if provider == Provider::TencentVod {
        format!(r#"{{"EventType":"NewFileUpload","N":{}}}"#, rng.next()).into_bytes()
    } else {
        let len = rng.below(200) as usize;
        rng.bytes(len)
    };
    if provider == Provider::AlibabaLive && rng.below(2) == 0 {
        body.clear();
    }
    Case { provider, url, key, ts, body }
}

fn verifier(c: &Case, key: &str, url: &str) -> Verifier {
    Verifier::new(c.provider, [key]).unwrap().with_signed_urls([url]).unwrap()
}

/// Checks one case; returns nothing, panics with context on failure.
fn check(c: &Case, mutation: u64) {
    let s = signed(c.provider, &c.url, &c.key, c.ts, &c.body);
    let req = request(&s, "https://receiver.invalid/cb");
    let now = c.ts;
    let ok = verifier(c, &c.key, &c.url).verify(&req, now).unwrap_or_else(|e| panic!("{}: {e}", c.provider));
    assert_eq!(ok.timestamp, c.ts);

    // A different key always fails.
    // Keys are at most 32 characters: change the last one (appending would overflow at 32).
    let last = if c.key.ends_with('x') { 'y' } else { 'x' };
    let other_key = format!("{}{last}", &c.key[..c.key.len() - 1]);
    assert_eq!(code_of(&verifier(c, &other_key, &c.url), &req, now), ErrorCode::SignatureMismatch);

    // Where the body is signed (Mux, Cloudflare Stream, Volcengine), one changed byte fails.
    if c.provider.spec().signs_body() && !c.body.is_empty() {
        let mut changed = c.body.clone();
        let i = (mutation % c.body.len() as u64) as usize;
        changed[i] ^= 0x20;
        let mut req2 = request(&s, "https://receiver.invalid/cb");
        req2.body = &changed;
        assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req2, now), ErrorCode::SignatureMismatch);
    }

    match c.provider {
        Provider::TencentVod => {
            // T is signed: moving it breaks the signature; the URL is not signed.
            let moved = String::from_utf8(s.body.clone())
                .unwrap()
                .replace(&format!("\"T\":{}", c.ts), &format!("\"T\":{}", c.ts + 1 + mutation % 100));
            let mut req2 = request(&s, "https://receiver.invalid/cb");
            req2.body = moved.as_bytes();
            assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req2, now), ErrorCode::SignatureMismatch);
            assert!(verifier(c, &c.key, "https://elsewhere.invalid/").verify(&req, now).is_ok());
            assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req, now + 61), ErrorCode::Expired);
        }
        Provider::Mux | Provider::CloudflareStream => {
            // The time inside the header is signed.
            let mut tampered = s.clone();
            let header = &mut tampered.headers[0].1;
            *header = header.replacen(&format!("={},", c.ts), &format!("={},", c.ts + 1 + mutation % 300), 1);
            assert_eq!(
                code_of(&verifier(c, &c.key, &c.url), &request(&tampered, ""), now),
                ErrorCode::SignatureMismatch
            );
            // No URL is signed.
            assert!(verifier(c, &c.key, "https://elsewhere.invalid/").verify(&req, now).is_ok());
            assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req, now + 301), ErrorCode::TimestampTooOld);
        }
        _ => {
            // Another signed URL (or host for Live) fails.
            let other_url = c.url.replacen("https://", "https://x", 1);
            assert_eq!(code_of(&verifier(c, &c.key, &other_url), &req, now), ErrorCode::SignatureMismatch);
            // A changed timestamp fails.
            let mut tampered = s.clone();
            tampered.headers[0].1 = (c.ts + 1 + mutation % 300).to_string();
            assert_eq!(
                code_of(&verifier(c, &c.key, &c.url), &request(&tampered, ""), now),
                ErrorCode::SignatureMismatch
            );
            // One changed signature digit fails.
            let mut flipped = s.clone();
            let sig = &mut flipped.headers[1].1;
            let i = (mutation % 32) as usize;
            let c0 = sig.as_bytes()[i];
            let replacement = if c0 == b'0' { "1" } else { "0" };
            sig.replace_range(i..=i, replacement);
            assert_eq!(
                code_of(&verifier(c, &c.key, &c.url), &request(&flipped, ""), now),
                ErrorCode::SignatureMismatch
            );
            // The window, one past each edge.
            assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req, now + 301), ErrorCode::TimestampTooOld);
            if c.ts >= 301 {
                assert_eq!(code_of(&verifier(c, &c.key, &c.url), &req, now - 301), ErrorCode::TimestampInFuture);
            }
        }
    }
}

#[test]
fn seeded_round_trips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let c = case(&mut rng);
        let m = rng.next();
        check(&c, m);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn provider() -> impl Strategy<Value = Provider> {
        prop::sample::select(Provider::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn sign_then_verify(
            provider in provider(),
            path in "[a-zA-Z0-9/_.~%-]{0,40}",
            host in "[a-z0-9]{1,20}(\\.[a-z0-9]{1,10}){0,3}",
            key in "[A-Za-z0-9]{1,32}",
            ts in 0u64..(1u64 << 40),
            n in any::<u64>(),
            raw in prop::collection::vec(any::<u8>(), 0..300),
            mutation in any::<u64>(),
        ) {
            let body = if provider == Provider::TencentVod {
                format!(r#"{{"EventType":"FileDeleted","N":{n}}}"#).into_bytes()
            } else {
                raw
            };
            let c = Case { provider, url: format!("https://{host}/{path}"), key, ts, body };
            check(&c, mutation);
        }

        #[test]
        fn any_header_value_gives_a_code_never_a_panic(sig in "\\PC{0,40}", ts in "\\PC{0,24}") {
            let v = Verifier::new(Provider::AlibabaIms, ["k1"]).unwrap();
            let req = with_headers("https://e.invalid/", b"{}", &[("X-ICE-SIGNATURE", &sig), ("X-ICE-TIMESTAMP", &ts)]);
            if let Err(e) = v.verify(&req, 1_700_000_000) {
                prop_assert!(matches!(e.code(), ErrorCode::MalformedSignature | ErrorCode::MalformedTimestamp | ErrorCode::SignatureMismatch));
            }
        }

        #[test]
        fn any_tencent_body_gives_a_code_never_a_panic(body in prop::collection::vec(any::<u8>(), 0..200)) {
            let v = Verifier::new(Provider::TencentVod, ["k1"]).unwrap();
            let _ = v.verify(&mediahook::CallbackRequest::post("https://e.invalid/?sign=x&t=1", &body), 1);
        }
    }
}
