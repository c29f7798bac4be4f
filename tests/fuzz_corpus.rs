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
fn parse_event() {
    replay("parse_event", targets::parse_event);
}

#[test]
fn gateway_config() {
    replay("gateway_config", targets::gateway_config);
}
