//! Every provider documentation sample in tests/fixtures (Alibaba VOD, Tencent VOD v3 and the
//! legacy 2.0 format) parses to its known type, and every field it carries is typed, except the
//! few the provider's own field tables or API spec do not have (listed here, with why).
#![cfg(not(target_arch = "wasm32"))]

use mediahook::events::{Kind, RecordSchema, TencentBody, VodBody};
use mediahook::{parse_event, ErrorCode, Provider};
use serde_json::Value;

/// Fields of the samples that the provider's tables or spec do not list.
const NOT_IN_THE_SPEC: &[&str] = &[
    // The ComposeMedia sample has track-item fields the SDK lacks.
    "tencent-vod v3_ComposeMediaComplete.json $.ComposeMediaCompleteEvent.Input.Tracks[0].TrackItems[0].AudioOperations",
    "tencent-vod v3_ComposeMediaComplete.json $.ComposeMediaCompleteEvent.Input.Tracks[0].TrackItems[0].SourceMedia",
    // The old PullComplete sample nests a FileId and a second MediaBasicInfo in MediaBasicInfo.
    "tencent-vod v3_PullComplete.json $.PullCompleteEvent.MediaBasicInfo.FileId",
    "tencent-vod v3_PullComplete.json $.PullCompleteEvent.MediaBasicInfo.MediaBasicInfo",
    // The ReduceMediaBitrate sample's trace watermark has a field the SDK lacks.
    "tencent-vod v3_ReduceMediaBitrateComplete.json $.ReduceMediaBitrateCompleteEvent.MediaProcessResultSet[0].TranscodeTask.Input.TraceWatermark.DefinitionForBStream",
    "tencent-vod v3_ReduceMediaBitrateComplete.json $.ReduceMediaBitrateCompleteEvent.MediaProcessResultSet[1].AdaptiveDynamicStreamingTask.Input.TraceWatermark.DefinitionForBStream",
];

fn fixtures(dir: &str) -> Vec<(String, String)> {
    files(dir, ".json")
}

fn files(dir: &str, suffix: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Paths of `v`'s keys that `fields` does not name, recursively through typed kinds.
fn extras(v: &Value, record: &RecordSchema, at: &str, out: &mut Vec<String>) {
    let Value::Object(map) = v else { return };
    for (k, x) in map {
        match record.fields.iter().find(|f| f.name == k) {
            None => out.push(format!("{at}.{k}")),
            Some(f) => kind_extras(x, &f.kind, &format!("{at}.{k}"), out),
        }
    }
}

fn kind_extras(v: &Value, kind: &Kind, at: &str, out: &mut Vec<String>) {
    match (kind, v) {
        (Kind::Record(r), _) => extras(v, r, at, out),
        (Kind::List(item), Value::Array(items)) => {
            items.iter().enumerate().for_each(|(i, x)| kind_extras(x, item, &format!("{at}[{i}]"), out))
        }
        (Kind::Embedded(Some(r)), _) => extras(&v["json"], r, &format!("{at}(json)"), out),
        _ => {}
    }
}

fn data(event: &mediahook::Event) -> Value {
    serde_json::from_str(event.data_json()).unwrap()
}

#[test]
fn alibaba_vod_samples_are_known_and_fully_typed() {
    let mut found = Vec::new();
    for (file, body) in fixtures("alibaba-vod") {
        let event = parse_event(Provider::AlibabaVod, body.as_bytes(), "").unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(event.is_known(), "{file}");
        assert!(event.data().is_known(), "{file}: the typed structs read it");
        assert_eq!(format!("{}.json", event.event_type), file);
        let mut data = data(&event);
        let object = data.as_object_mut().unwrap();
        object.remove("EventType");
        object.remove("EventTime");
        let schema = VodBody::schema_of(&event.event_type).unwrap().schema;
        let mut out = Vec::new();
        extras(&data, schema, "$", &mut out);
        found.extend(out.into_iter().map(|p| format!("alibaba-vod {file} {p}")));
    }
    assert_eq!(found, Vec::<String>::new(), "fields outside the tables");
}

#[test]
fn tencent_vod_samples_are_known_and_fully_typed() {
    let mut found = Vec::new();
    for (file, body) in fixtures("tencent-vod") {
        let event = parse_event(Provider::TencentVod, body.as_bytes(), "").unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(event.is_known(), "{file}");
        assert!(event.data().is_known(), "{file}: the typed structs read it");
        let data = data(&event);
        let mut out = Vec::new();
        if let Some(legacy) = file.strip_prefix("v2_") {
            assert_eq!(format!("{}.json", event.event_type), legacy);
            assert_eq!(data["version"], "4.0");
            let schema =
                mediahook::events::tencent_vod::TencentLegacyBody::schema_of(&event.event_type).unwrap().schema;
            extras(&data["data"], schema, "$.data", &mut out);
        } else {
            assert_eq!(format!("v3_{}.json", event.event_type), file);
            let schema = TencentBody::schema_of(&event.event_type).unwrap().schema;
            // Only EventType and the one payload member: other types' null members are left out.
            let members: Vec<&String> = data.as_object().unwrap().keys().filter(|k| *k != "EventType").collect();
            assert_eq!(members.len(), 1, "{file}: {members:?}");
            extras(&data[members[0].as_str()], schema, &format!("$.{}", members[0]), &mut out);
        }
        found.extend(out.into_iter().map(|p| format!("tencent-vod {file} {p}")));
    }
    assert_eq!(found, NOT_IN_THE_SPEC, "fields outside the spec");
}

#[test]
fn the_two_doc_samples_that_are_not_json_are_malformed_json() {
    let files = files("alibaba-vod/doc-typos", ".invalid-json.txt");
    assert_eq!(files.len(), 2);
    for (file, body) in files {
        let err = parse_event(Provider::AlibabaVod, body.as_bytes(), "").unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedJson, "{file}: {err}");
    }
}

#[test]
fn every_catalogue_is_complete() {
    let types = |p| mediahook::known_event_types(p);
    assert_eq!(TencentBody::SCHEMAS.len(), 36);
    for t in ["TranscodeComplete", "EditMediaComplete", "ReviewAudioVideoComplete", "PullComplete", "RemoveWatermark"] {
        assert!(types(Provider::TencentVod).contains(&t), "{t}");
    }
    assert_eq!(VodBody::SCHEMAS.len(), 22);
    for t in [
        "UpdateMediaStorageClassComplete",
        "RestoreMediaComplete",
        "SubmitMediaRefreshComplete",
        "WorkflowTaskComplete",
    ] {
        assert!(types(Provider::AlibabaVod).contains(&t), "{t}");
    }
    assert!(types(Provider::AlibabaLive).contains(&"on_demand_record"));
}

#[test]
fn cloudflare_stream_sample_is_known_and_fully_typed() {
    for (file, body) in fixtures("cloudflare-stream") {
        let event =
            parse_event(Provider::CloudflareStream, body.as_bytes(), "").unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(event.is_known() && event.data().is_known(), "{file}");
        assert_eq!(format!("{}.json", event.event_type), file);
        assert_eq!(event.time.as_deref(), Some("2022-06-30T17:53:21.774299Z"), "the modification time");
        let data = data(&event);
        // The percentage sent as a string is a number; what was sent as null stays out.
        assert_eq!(data["status"]["pctComplete"], serde_json::json!(39.0));
        assert_eq!(data["uid"], "6b9e68b07dfee8cc2d116e4c51d6a957");
        let schema = mediahook::events::StreamBody::schema_of(&event.event_type).unwrap().schema;
        let mut out = Vec::new();
        extras(&data, schema, "$", &mut out);
        assert_eq!(out, Vec::<String>::new(), "fields outside the table");
    }
    // The error example of the same page is not JSON.
    let typo = std::fs::read_to_string(format!(
        "{}/tests/fixtures/cloudflare-stream/doc-typos/error-example.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let e = parse_event(Provider::CloudflareStream, typo.as_bytes(), "").unwrap_err();
    assert_eq!(e.code(), mediahook::ErrorCode::MalformedJson);
}

#[test]
fn volcengine_vod_samples_are_known_and_fully_typed() {
    let files = fixtures("volcengine-vod");
    assert_eq!(files.len(), 2);
    for (file, body) in files {
        let event = parse_event(Provider::VolcengineVod, body.as_bytes(), "").unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(event.is_known() && event.data().is_known(), "{file}");
        assert_eq!(format!("{}.json", event.event_type), file);
        assert_eq!(event.time.as_deref().map(|t| &t[..10]), Some("2021-02-20"));
        let data = data(&event);
        let schema = mediahook::events::VolcBody::schema_of(&event.event_type).unwrap().schema;
        let mut out = Vec::new();
        extras(&data["Data"], schema, "$.Data", &mut out);
        assert_eq!(out, Vec::<String>::new(), "{file}: fields outside the table");
        assert_eq!(data["Data"]["FileNames"].as_array().map(Vec::len), Some(2), "{file}");
    }
}
