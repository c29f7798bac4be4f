//! Writes docs/events.md from the event schemas: `cargo run --example event_docs`.
fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/events.md");
    std::fs::write(path, mediahook::events::docs::markdown()).expect("docs/events.md is writable");
    println!("wrote {path}");
}
