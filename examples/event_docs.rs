//! Writes docs/events.md, js/events.d.ts and js/samples.json from the event schemas:
//! `cargo run --example event_docs`. The samples prefer the provider's documentation samples in
//! tests/fixtures; tests/docs_up_to_date.rs checks all three are current.
fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let samples = mediahook::events::docs::samples(|provider, event_type| {
        let path = format!("{root}/tests/fixtures/{provider}/{event_type}.json");
        std::fs::read_to_string(path).ok().map(|text| serde_json::from_str(&text).expect("fixtures are JSON"))
    });
    for (path, text) in [
        (format!("{root}/docs/events.md"), mediahook::events::docs::markdown()),
        (format!("{root}/js/events.d.ts"), mediahook::events::docs::typescript()),
        (format!("{root}/js/samples.json"), serde_json::to_string_pretty(&samples).expect("JSON") + "\n"),
    ] {
        std::fs::write(&path, text).expect("writable");
        println!("wrote {path}");
    }
}
