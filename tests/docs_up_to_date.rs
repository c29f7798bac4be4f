//! The committed event reference is what the code generates (native only: it reads the file).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../tools/event_docs/docs.rs"]
#[allow(dead_code)]
mod docs;

#[test]
fn docs_events_md_is_generated_from_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/events.md")).unwrap_or_default();
    let generated = docs::markdown();
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
    let generated = docs::typescript();
    assert!(committed == generated, "js/events.d.ts is stale: run `cargo run --example event_docs`");
    assert!(generated.contains("export interface FileMeta {"));
    assert!(generated.contains("type: \"ApsaraVideoForMediaProcessingOutputGroupComplete\""));
}

fn samples() -> serde_json::Value {
    docs::samples(|provider, event_type| {
        let dir = format!("{}/tests/fixtures/{provider}", env!("CARGO_MANIFEST_DIR"));
        [format!("{dir}/{event_type}.json"), format!("{dir}/v3_{event_type}.json")]
            .iter()
            .find_map(|path| std::fs::read_to_string(path).ok())
            .map(|text| serde_json::from_str(&text).unwrap())
    })
}

#[test]
fn tencent_payload_records_are_generated_from_the_spec() {
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = std::fs::read_to_string(format!("{root}/data/tencent-vod-event-schema.json")).unwrap();
    let committed = std::fs::read_to_string(format!("{root}/src/events/tencent_vod_spec.rs")).unwrap_or_default();
    let generated = docs::tencent_records(&spec);
    assert!(committed == generated, "src/events/tencent_vod_spec.rs is stale: run `cargo run --example event_docs`");
    // Every object type of the spec (less the envelope) is a record.
    let objects = serde_json::from_str::<serde_json::Value>(&spec).unwrap()["objects"].as_object().unwrap().len();
    assert_eq!(generated.matches("\nrecord! {").count(), objects - 1);
}

#[test]
fn mux_records_and_event_types_are_generated_from_its_webhook_types() {
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = std::fs::read_to_string(format!("{root}/data/mux-webhook-schema.json")).unwrap();
    let committed = std::fs::read_to_string(format!("{root}/src/events/mux_spec.rs")).unwrap_or_default();
    let generated = docs::mux_records(&spec);
    assert!(committed == generated, "src/events/mux_spec.rs is stale: run `cargo run --example event_docs`");
    let spec: serde_json::Value = serde_json::from_str(&spec).unwrap();
    assert_eq!(generated.matches("\nrecord! {").count(), spec["objects"].as_object().unwrap().len());
    // Every event type of Mux's description is one mediahook knows, typed as its data object.
    let events = spec["events"].as_object().unwrap();
    let known = mediahook::known_event_types(mediahook::Provider::Mux);
    assert_eq!(known.len(), events.len());
    for (event_type, object) in events {
        let schema = mediahook::events::MuxBody::schema_of(event_type).expect(event_type);
        assert_eq!(schema.schema.name, object.as_str().unwrap(), "{event_type}");
    }
}

#[test]
fn every_known_event_type_has_a_sample_that_parses_as_that_type() {
    use mediahook::{known_event_types, parse_event, Provider};
    let samples = samples();
    for provider in Provider::ALL {
        for event_type in known_event_types(provider) {
            let body = &samples[provider.id()][*event_type];
            assert!(body.is_object(), "{provider} {event_type}: no sample");
            let event = parse_event(provider, body.to_string().as_bytes(), "https://h/cb")
                .unwrap_or_else(|e| panic!("{provider} {event_type}: {e}\n{body}"));
            assert!(event.is_known(), "{provider} {event_type}");
            assert_eq!(event.event_type, *event_type, "{provider}");
        }
    }
}

#[test]
fn js_samples_json_is_generated_from_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/samples.json")).unwrap_or_default();
    let generated = serde_json::to_string_pretty(&samples()).unwrap() + "\n";
    assert!(committed == generated, "js/samples.json is stale: run `cargo run --example event_docs`");
}

#[test]
fn js_facts_mjs_is_generated_from_the_tables() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/facts.mjs")).unwrap_or_default();
    let generated = docs::facts();
    assert!(committed == generated, "js/facts.mjs is stale: run `cargo run --example event_docs`");
    for p in mediahook::Provider::ALL {
        assert!(generated.contains(&format!("\"{}\"", p.spec().route)), "{p}");
    }
    for c in mediahook::ErrorCode::ALL {
        assert!(generated.contains(&format!("\"{}\": {{", c.as_str())), "{c}");
    }
}
