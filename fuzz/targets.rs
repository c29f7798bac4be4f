//! Fuzz target bodies, shared by `cargo fuzz` (fuzz_targets/*.rs, nightly) and the corpus replay
//! test (tests/fuzz_corpus.rs, stable), so every input the fuzzer kept is re-checked by
//! `npm test`. Each body asserts properties, not just "no panic".
#![allow(dead_code)]

use mediahook::gateway::{Decision, GatewayConfig};
use mediahook::{
    parse_event as parse, sign, AuthKey, CallbackRequest, Error, ErrorCode, Event, Provider, SignInput, Verifier,
};

/// Keys the fuzzer never sees in clear (only their MD5s), so finding one in a message is a leak.
const KEYS: [&str; 2] = ["FuzzKey0uvW9x", "FuzzKey1Rotated"];
const NOW: u64 = 1_519_375_990;
const ORIGIN_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A rejection must be a client error with a message that holds no key.
fn check_rejection(e: &Error, keys: &[&str]) {
    let status = e.http_status();
    assert!((400..500).contains(&status), "{:?} answered {status}", e.code());
    let shown = format!("{e} {e:?}");
    // A short key ("1") can occur in any text; 8 characters or more cannot by chance.
    for k in keys.iter().filter(|k| k.len() >= 8) {
        assert!(!shown.contains(*k), "a key leaked into {shown:?}");
    }
}

/// `METHOD URL\nname: value\n...\n\nbody`, verified as every provider (URL from the request and
/// configured) and decided by the gateway.
pub fn request_headers(data: &[u8]) {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &data[data.len()..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let (method, url) = lines.next().unwrap_or("").split_once(' ').unwrap_or(("POST", ""));
    let headers: Vec<(&str, &str)> =
        lines.map(|l| l.split_once(':').map_or((l, ""), |(n, v)| (n, v.strip_prefix(' ').unwrap_or(v)))).collect();
    let req = CallbackRequest { method, url, headers, body };

    let config = gateway(&[]).expect("the fixed configuration is valid");
    for provider in Provider::ALL {
        let verifier = Verifier::new(provider, KEYS).expect("fixed keys are valid");
        let configured = verifier.clone().with_signed_urls(["https://example.com/cb"]).expect("a valid URL");
        for v in [&verifier, &configured] {
            match v.verify(&req, NOW) {
                Ok(ok) => assert!(ok.key_index < KEYS.len() && ok.body == body),
                Err(e) => check_rejection(&e, &KEYS),
            }
        }
        match config.decide(config.verifier(provider).expect("every provider is enabled"), &req, NOW) {
            Decision::Forward(f) => {
                let round: Event = serde_json::from_str(&f.body()).expect("forwarded bodies read back");
                assert_eq!(round.id, f.event.id);
            }
            // Kept events carry their id and a JSON body to redeliver; unknown types still read
            // back as events.
            Decision::Keep(k) => {
                let kept: serde_json::Value = serde_json::from_str(&k.body).expect("kept bodies are JSON");
                assert_eq!(kept["id"], k.id.as_str());
                if k.reason == mediahook::delivery::DeadReason::UnknownEventType {
                    let round: Event = serde_json::from_str(&k.body).expect("unknown events read back");
                    assert!(!round.is_known());
                }
            }
            Decision::Filter { .. } => panic!("no FORWARD_EVENT_TYPES is configured, so nothing is filtered"),
            Decision::Reject(e) => check_rejection(&e, &KEYS),
        }
    }
}

fn gateway(extra: &[(&str, &str)]) -> Result<GatewayConfig, Error> {
    let keys = KEYS.join(",");
    let base = [
        ("ORIGIN_URL", "http://127.0.0.1:9/"),
        ("ORIGIN_SECRET", ORIGIN_SECRET),
        ("ALIBABA_IMS_AUTH_KEYS", keys.as_str()),
        ("ALIBABA_VOD_AUTH_KEYS", keys.as_str()),
        ("ALIBABA_LIVE_AUTH_KEYS", keys.as_str()),
        ("TENCENT_VOD_SIGN_KEYS", keys.as_str()),
        ("MUX_WEBHOOK_SECRETS", keys.as_str()),
        ("CLOUDFLARE_STREAM_WEBHOOK_SECRETS", keys.as_str()),
        ("VOLCENGINE_VOD_KEYS", keys.as_str()),
    ];
    GatewayConfig::from_vars(|name| {
        extra.iter().chain(base.iter()).find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    })
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Sign a fuzzer-made callback, then verify it as received: it must pass. Then one mutation,
/// chosen by the first byte, must give its own code.
/// Layout: `[mutation, key_len, ts(5 bytes), key bytes..., url bytes..., '\n', body...]`.
pub fn verify_round_trip(provider: Provider, data: &[u8]) {
    if data.len() < 7 {
        return;
    }
    let mutation = data[0] % 6;
    let key_len = usize::from(data[1] % 32) + 1;
    let ts = data[2..7].iter().fold(0u64, |n, b| n << 8 | u64::from(*b)) + 2_000; // < 2^40, and room for every shift below
    let rest = &data[7..];
    let key: String = rest.iter().take(key_len).map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()])).collect();
    if key.is_empty() {
        return; // the input ended before the key
    }
    let rest = &rest[rest.len().min(key_len)..];
    let (url, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&rest[..i]).into_owned(), &rest[i + 1..]),
        None => (String::from_utf8_lossy(rest).into_owned(), &rest[rest.len()..]),
    };
    let auth = AuthKey::new(&key, 1).expect("1-32 letters and digits make a key");
    let Ok(signed) = sign(provider, &SignInput { url: &url, key: &auth, timestamp: ts, body }) else {
        return; // e.g. no host for Live, or a Tencent body that is not a JSON object
    };
    let Ok(verifier) = Verifier::new(provider, [key.as_str()]).and_then(|v| v.with_signed_urls([url.as_str()])) else {
        return;
    };
    // Alibaba signs the send time; Tencent's T is the expiry, a minute ahead here.
    let now = if provider == Provider::TencentVod { ts - 60 } else { ts };
    let mut headers: Vec<(String, String)> = signed.headers.clone();
    let mut now_checked = now;
    let mut verifier = verifier;
    let mut body = signed.body.clone();
    let expected = match mutation {
        0 => None,
        1 if !headers.is_empty() => {
            // One hex digit of the signature changed (the last: every scheme's header ends in it).
            let sig = &mut headers
                .iter_mut()
                .find(|(n, _)| n.to_ascii_uppercase().ends_with("SIGNATURE"))
                .expect("a signature header")
                .1;
            let last = if sig.ends_with('0') { "1" } else { "0" };
            sig.replace_range(sig.len() - 1.., last);
            Some(ErrorCode::SignatureMismatch)
        }
        1 | 2 => {
            // Another key (the same key with its last character changed).
            let mut other = key.clone();
            let last = other.pop().expect("a key has a character");
            other.push(if last == 'a' { 'b' } else { 'a' });
            verifier =
                Verifier::new(provider, [other]).expect("a valid key").with_signed_urls([url.as_str()]).expect("valid");
            Some(ErrorCode::SignatureMismatch)
        }
        3 => {
            now_checked = now + 301 + if provider == Provider::TencentVod { 60 } else { 0 };
            Some(if provider == Provider::TencentVod { ErrorCode::Expired } else { ErrorCode::TimestampTooOld })
        }
        4 => {
            now_checked = now - 301 - if provider == Provider::TencentVod { 600 } else { 0 };
            Some(ErrorCode::TimestampInFuture)
        }
        _ => {
            // One byte over the limit (a small limit keeps each run fast).
            verifier = verifier.with_max_body_bytes(body.len());
            body.push(b' ');
            Some(ErrorCode::BodyTooLarge)
        }
    };
    let req = CallbackRequest {
        method: signed.method,
        url: &url,
        headers: headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &body,
    };
    match (verifier.verify(&req, now_checked), expected) {
        (Ok(v), None) => assert_eq!(v.body, &signed.body[..]),
        // Tencent rejects a body with duplicate keys before looking at Sign: ambiguous.
        (Err(e), _) if provider == Provider::TencentVod && e.code() == ErrorCode::MalformedJson => {}
        (Err(e), Some(code)) => {
            assert_eq!(e.code(), code, "{e}");
            check_rejection(&e, &[key.as_str()]);
        }
        (got, want) => panic!("mutation {mutation}: expected {want:?}, got {:?}", got.map(|v| v.key_index)),
    }
}

/// First byte: the provider; the rest: the body (a Live body starting with `?` is a GET query).
/// Parsed events must read back from their normalised JSON to the same JSON.
pub fn parse_event(data: &[u8]) {
    let Some((first, body)) = data.split_first() else { return };
    let provider = Provider::ALL[usize::from(*first) % Provider::ALL.len()];
    let (url, body) = match (provider, body.strip_prefix(b"?")) {
        (Provider::AlibabaLive, Some(query)) => {
            (format!("https://h/alibaba/live?{}", String::from_utf8_lossy(query)), &b""[..])
        }
        _ => (String::from("https://h/cb"), body),
    };
    match parse(provider, body, &url) {
        Ok(event) => {
            let json = event.to_json();
            let back: Event = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
            assert_eq!(back.to_json(), json);
            assert!(event.id.starts_with("mh_"));
            // The typed structs read the normalised event (a known type reads as Unknown only
            // when a field documented as a string held an object or a list, kept as sent).
            if !event.is_known() {
                assert!(!event.data().is_known(), "{json}");
            }
        }
        Err(e) => assert!(matches!(e.code(), ErrorCode::MalformedJson | ErrorCode::InvalidEvent), "{e}"),
    }
}

/// `NAME=value` lines over a valid base configuration: accepted, or `invalid_config`; and the
/// message never depends on a key's or secret's value (it is the same when every secret
/// character is rotated), so no value can leak through it.
pub fn gateway_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let vars: Vec<(&str, &str)> = text.split('\n').filter_map(|l| l.split_once('=')).collect();
    let rotated: Vec<(&str, String)> = vars
        .iter()
        .map(|(n, v)| match (*n == "ORIGIN_SECRET", n.ends_with("_KEYS")) {
            (true, _) => (*n, v.strip_prefix("whsec_").map_or_else(|| rotate(v), |b| format!("whsec_{}", rotate(b)))),
            (_, true) => (*n, rotate(v)),
            _ => (*n, (*v).to_owned()),
        })
        .collect();
    let rotated: Vec<(&str, &str)> = rotated.iter().map(|(n, v)| (*n, v.as_str())).collect();
    match (gateway(&vars), gateway(&rotated)) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => {
            assert_eq!(a.code(), ErrorCode::InvalidConfig, "{a}");
            // Base64's last character may carry bits a strict decoder refuses, so rotation may
            // turn a secret invalid and move the error from another variable to ORIGIN_SECRET.
            let secret_error = |e: &Error| e.to_string().contains("ORIGIN_SECRET");
            if secret_error(&a) == secret_error(&b) {
                assert_eq!(format!("{a} {a:?}"), format!("{b} {b:?}"), "the message depends on a secret value");
            }
        }
        (a, b) => assert!(
            a.as_ref().err().or(b.as_ref().err()).is_some_and(|e| e.to_string().contains("ORIGIN_SECRET")),
            "rotating secret characters changed validity: {:?} vs {:?}",
            a.err(),
            b.err()
        ),
    }
}

/// Each ASCII letter and digit moved to the next in its class; anything else kept.
fn rotate(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            'a'..='y' | 'A'..='Y' | '0'..='8' => char::from(c as u8 + 1),
            _ => c,
        })
        .collect()
}

/// Differential: the JSON reader under every body accepts exactly what serde_json accepts, with
/// one documented difference: a number beyond f64 (`1e400`) is valid JSON that the reader keeps
/// as written and serde_json refuses. The member iterator agrees with serde_json's object, key
/// by key, and its raw slices are themselves JSON.
pub fn json_reader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = mediahook::json::Reader::check(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(()), Ok(_)) | (Err(_), Err(_)) => {}
        (Ok(()), Err(e)) if e.to_string().starts_with("number out of range") => return,
        _ => panic!("the reader says {ours:?}, serde_json says {theirs:?} for {text:?}"),
    }
    let Ok(serde_json::Value::Object(map)) = theirs else { return };
    let members: Vec<_> =
        mediahook::json::members(text).collect::<Result<_, _>>().expect("members of valid JSON are read");
    let mut last = std::collections::HashMap::new();
    for m in &members {
        let value: serde_json::Value = serde_json::from_str(m.value).expect("a member's raw value is JSON");
        last.insert(m.key().into_owned(), value);
    }
    // serde_json keeps the last of repeated keys, as does this map.
    assert_eq!(last.len(), map.len(), "{text:?}");
    for (k, v) in &map {
        assert_eq!(last.get(k), Some(v), "member {k:?} of {text:?}");
    }
}
