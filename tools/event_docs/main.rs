//! Writes the generated sources and docs: `cargo run --example event_docs`. A tool of the
//! repository, outside the published library (`docs.rs` beside it does the work).
//! - src/events/tencent_vod_spec.rs from data/tencent-vod-event-schema.json (Tencent's spec);
//! - src/events/mux_spec.rs from data/mux-webhook-schema.json (Mux's webhook types);
//! - docs/events.md, js/events.d.ts and js/samples.json from the event schemas. The samples
//!   prefer the provider's documentation samples in tests/fixtures.
//!
//! tests/docs_up_to_date.rs checks all four are current. After a change to the spec, run this
//! twice: the docs are generated from the compiled tables.
mod docs;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = std::fs::read_to_string(format!("{root}/data/tencent-vod-event-schema.json")).expect("the spec");
    let mux = std::fs::read_to_string(format!("{root}/data/mux-webhook-schema.json")).expect("Mux's types");
    let samples = docs::samples(|provider, event_type| fixture(root, provider, event_type));
    for (path, text) in [
        (format!("{root}/src/events/tencent_vod_spec.rs"), docs::tencent_records(&spec)),
        (format!("{root}/src/events/mux_spec.rs"), docs::mux_records(&mux)),
        (format!("{root}/docs/events.md"), docs::markdown()),
        (format!("{root}/js/events.d.ts"), docs::typescript()),
        (format!("{root}/js/samples.json"), serde_json::to_string_pretty(&samples).expect("JSON") + "\n"),
        (format!("{root}/js/facts.mjs"), docs::facts()),
    ] {
        std::fs::write(&path, text).expect("writable");
        println!("wrote {path}");
    }
}

/// A provider's documentation sample of an event type, if tests/fixtures has one.
fn fixture(root: &str, provider: &str, event_type: &str) -> Option<serde_json::Value> {
    [
        format!("{root}/tests/fixtures/{provider}/{event_type}.json"),
        format!("{root}/tests/fixtures/{provider}/v3_{event_type}.json"),
    ]
    .iter()
    .find_map(|path| std::fs::read_to_string(path).ok())
    .map(|text| serde_json::from_str(&text).expect("fixtures are JSON"))
}
