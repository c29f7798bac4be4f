//! Writes docs/events.md and js/events.d.ts from the event schemas: `cargo run --example event_docs`.
fn main() {
    for (path, text) in [
        (concat!(env!("CARGO_MANIFEST_DIR"), "/docs/events.md"), mediahook::events::docs::markdown()),
        (concat!(env!("CARGO_MANIFEST_DIR"), "/js/events.d.ts"), mediahook::events::docs::typescript()),
    ] {
        std::fs::write(path, text).expect("writable");
        println!("wrote {path}");
    }
}
