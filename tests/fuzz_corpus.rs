//! Replays every input the fuzzers kept (fuzz/seeds, fuzz/corpus and fuzz/regressions, per target) through
//! the same target bodies `cargo fuzz` runs, on stable Rust: a cheap fuzz pass in `npm test`.
//! Native only (the corpus is read from disk).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

use mediahook::Provider;

fn replay(target: &str, run: impl Fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["seeds", "corpus", "regressions"].map(|d| root.join(d).join(target)) {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let data = std::fs::read(&path).expect("a corpus file");
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data)));
            assert!(outcome.is_ok(), "{target} failed on {}", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no corpus for {target}: run scripts/fuzz.sh");
}

#[test]
fn request_headers() {
    replay("request_headers", targets::request_headers);
}

#[test]
fn verify_alibaba_ims() {
    replay("verify_alibaba_ims", |d| targets::verify_round_trip(Provider::AlibabaIms, d));
}

#[test]
fn verify_alibaba_vod() {
    replay("verify_alibaba_vod", |d| targets::verify_round_trip(Provider::AlibabaVod, d));
}

#[test]
fn verify_alibaba_live() {
    replay("verify_alibaba_live", |d| targets::verify_round_trip(Provider::AlibabaLive, d));
}

#[test]
fn verify_tencent_vod() {
    replay("verify_tencent_vod", |d| targets::verify_round_trip(Provider::TencentVod, d));
}

#[test]
fn verify_mux() {
    replay("verify_mux", |d| targets::verify_round_trip(Provider::Mux, d));
}

#[test]
fn verify_cloudflare_stream() {
    replay("verify_cloudflare_stream", |d| targets::verify_round_trip(Provider::CloudflareStream, d));
}

#[test]
fn verify_volcengine_vod() {
    replay("verify_volcengine_vod", |d| targets::verify_round_trip(Provider::VolcengineVod, d));
}

#[test]
fn parse_event() {
    replay("parse_event", targets::parse_event);
}

#[test]
fn gateway_config() {
    replay("gateway_config", targets::gateway_config);
}

#[test]
fn json_reader() {
    replay("json_reader", targets::json_reader);
}

/// A cheap differential fuzz pass on stable Rust: every seed of the JSON reader, mutated a few
/// thousand times (deterministically), against serde_json.
#[test]
fn json_reader_mutations() {
    const TOKENS: [&[u8]; 16] = [
        b"{", b"}", b"[", b"]", b",", b":", b"\"", b"\\", b"\\u", b"d800", b"1e400", b"-0.5e+3", b"null", b" ",
        b"\x01", b"\"k\":",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/json_reader");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("the json_reader seeds")
        .map(|e| std::fs::read(e.expect("an entry").path()).expect("a seed"))
        .collect();
    seeds.sort();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    for seed in &seeds {
        for _ in 0..400 {
            let mut input = seed.clone();
            for _ in 0..1 + next(3) {
                let at = next(input.len() + 1);
                match next(3) {
                    0 => input.splice(at..at, TOKENS[next(TOKENS.len())].iter().copied()).for_each(drop),
                    1 if at < input.len() => {
                        input.remove(at);
                    }
                    _ => input.truncate(at),
                }
            }
            targets::json_reader(&input);
        }
    }
}
