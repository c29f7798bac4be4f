//! The committed event reference is what the code generates (native only: it reads the file).
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn docs_events_md_is_generated_from_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/events.md")).unwrap_or_default();
    let generated = mediahook::events::docs::markdown();
    assert!(committed == generated, "docs/events.md is stale: run `cargo run --example event_docs`");
    for t in [
        "FileUploadComplete",
        "ApsaraVideoForMediaProcessingOutputGroupComplete",
        "NewFileUpload",
        "publish",
        "AIMediaDNAComplete",
    ] {
        assert!(generated.contains(&format!("`{t}`")), "{t}");
    }
    assert!(generated.contains("### FileMeta") && generated.contains("### VideoStreamInfo"));
}

#[test]
fn js_events_d_ts_is_generated_from_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/events.d.ts")).unwrap_or_default();
    let generated = mediahook::events::docs::typescript();
    assert!(committed == generated, "js/events.d.ts is stale: run `cargo run --example event_docs`");
    assert!(generated.contains("export interface FileMeta {"));
    assert!(generated.contains("type: \"ApsaraVideoForMediaProcessingOutputGroupComplete\""));
}
