//! The native ceiling for the Node side-by-side benchmark (bench/node.mjs): the same inputs,
//! the same measurement loop, ops/s as JSON on stdout. Not a test.
//!   cargo run --profile bench --example bench_native -- inputs.json

use std::hint::black_box;
use std::time::Instant;

use mediahook::{parse_event, CallbackRequest, Provider, Verifier};
use serde_json::{json, Value};

/// Median ops/s over `rounds` timed rounds, after a warm-up (as bench/node.mjs measures).
fn ops_per_second(mut f: impl FnMut(), ms: u64) -> f64 {
    let warm = Instant::now();
    while warm.elapsed().as_millis() < 300 {
        f();
    }
    let mut rates: Vec<f64> = (0..5)
        .map(|_| {
            let (start, mut n) = (Instant::now(), 0u64);
            while start.elapsed().as_millis() < u128::from(ms / 5) {
                for _ in 0..100 {
                    f();
                }
                n += 100;
            }
            n as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[2]
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: bench_native INPUTS.json [MS]");
    let ms: u64 = std::env::args().nth(2).map_or(1500, |s| s.parse().expect("milliseconds"));
    let inputs: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).expect("inputs")).expect("JSON");
    let mut out = serde_json::Map::new();
    for input in &inputs {
        let s = |k: &str| input[k].as_str().expect("a string field");
        let keys: Vec<&str> =
            input["keys"].as_array().expect("keys").iter().map(|k| k.as_str().expect("key")).collect();
        let headers: Vec<(&str, &str)> = input["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str().expect("header value")))
            .collect();
        let now = input["now"].as_u64().expect("now");
        let (url, body) = (s("url"), s("body").as_bytes());
        let provider: Provider = s("provider").parse().expect("a provider");
        let req = CallbackRequest { method: "POST", url, headers: headers.clone(), body };
        // Configured once, as the JS API keeps its verifier across calls.
        let verifier = Verifier::new(provider, &keys).and_then(|v| v.with_signed_urls([url])).expect("config");
        let signature = ops_per_second(
            || {
                black_box(verifier.verify(black_box(&req), now).expect("valid"));
            },
            ms,
        );
        let typed = ops_per_second(
            || {
                let v = verifier.verify(black_box(&req), now).expect("valid");
                black_box(parse_event(provider, v.body, url).expect("parses"));
            },
            ms,
        );
        out.insert(s("name").to_owned(), json!({ "signature": signature, "verify_parse": typed }));
    }
    println!("{}", Value::Object(out));
}
