//! Helpers for the event tests: the fixtures, a schema walk, an equivalence check between a
//! body as sent and its normalised form, round trips, and body variants.
#![allow(dead_code)]

use mediahook::events::{ImsBody, RecordSchema};
use mediahook::Event;
use serde_json::{Map, Value};

/// The 29 IMS sample bodies (tests/fixtures/alibaba-ims), embedded so wasm runs have them too.
pub const IMS_FIXTURES: &[(&str, &str)] = &[
    ("AIMediaAuditComplete", include_str!("../fixtures/alibaba-ims/AIMediaAuditComplete.json")),
    ("AIProduceComplete", include_str!("../fixtures/alibaba-ims/AIProduceComplete.json")),
    (
        "ApsaraVideoForMediaProcessingOutputGroupComplete",
        include_str!("../fixtures/alibaba-ims/ApsaraVideoForMediaProcessingOutputGroupComplete.json"),
    ),
    ("AttachedMediaUploadComplete", include_str!("../fixtures/alibaba-ims/AttachedMediaUploadComplete.json")),
    ("BatchProduceMediaComplete", include_str!("../fixtures/alibaba-ims/BatchProduceMediaComplete.json")),
    ("CreateAuditComplete", include_str!("../fixtures/alibaba-ims/CreateAuditComplete.json")),
    ("DeleteMediaComplete", include_str!("../fixtures/alibaba-ims/DeleteMediaComplete.json")),
    ("DynamicImageComplete", include_str!("../fixtures/alibaba-ims/DynamicImageComplete.json")),
    ("FileUploadComplete", include_str!("../fixtures/alibaba-ims/FileUploadComplete.json")),
    ("ImageUploadComplete", include_str!("../fixtures/alibaba-ims/ImageUploadComplete.json")),
    ("LiveRecordFileCreated", include_str!("../fixtures/alibaba-ims/LiveRecordFileCreated.json")),
    ("LiveRecordTaskStatus", include_str!("../fixtures/alibaba-ims/LiveRecordTaskStatus.json")),
    ("LiveSnapshotFileCreated", include_str!("../fixtures/alibaba-ims/LiveSnapshotFileCreated.json")),
    ("MediaAiAnalysisComplete", include_str!("../fixtures/alibaba-ims/MediaAiAnalysisComplete.json")),
    ("MediaBaseChangeComplete", include_str!("../fixtures/alibaba-ims/MediaBaseChangeComplete.json")),
    ("MediaConvertComplete", include_str!("../fixtures/alibaba-ims/MediaConvertComplete.json")),
    ("MediaConvertOutputComplete", include_str!("../fixtures/alibaba-ims/MediaConvertOutputComplete.json")),
    ("ProduceMediaComplete", include_str!("../fixtures/alibaba-ims/ProduceMediaComplete.json")),
    ("RegisterMediaComplete", include_str!("../fixtures/alibaba-ims/RegisterMediaComplete.json")),
    ("RegisterStreamComplete", include_str!("../fixtures/alibaba-ims/RegisterStreamComplete.json")),
    ("SmartJobComplete", include_str!("../fixtures/alibaba-ims/SmartJobComplete.json")),
    ("SnapshotComplete", include_str!("../fixtures/alibaba-ims/SnapshotComplete.json")),
    ("StreamUploadComplete", include_str!("../fixtures/alibaba-ims/StreamUploadComplete.json")),
    ("TranscodeComplete", include_str!("../fixtures/alibaba-ims/TranscodeComplete.json")),
    ("TranscodeParentComplete", include_str!("../fixtures/alibaba-ims/TranscodeParentComplete.json")),
    ("UploadByURLComplete", include_str!("../fixtures/alibaba-ims/UploadByURLComplete.json")),
    ("UploadStreamByURLComplete", include_str!("../fixtures/alibaba-ims/UploadStreamByURLComplete.json")),
    ("VideoAnalysisComplete", include_str!("../fixtures/alibaba-ims/VideoAnalysisComplete.json")),
    ("WorkflowTaskComplete", include_str!("../fixtures/alibaba-ims/WorkflowTaskComplete.json")),
];

pub fn fixture(name: &str) -> &'static str {
    IMS_FIXTURES.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no fixture {name}")).1
}

/// Every key of `v` (recursively) is a field of `doc`: nothing falls through to `extra`.
pub fn assert_fully_typed(v: &Value, doc: &RecordSchema, at: &str) {
    let Value::Object(map) = v else { panic!("{at}: not an object") };
    for (k, val) in map {
        let field = doc
            .fields
            .iter()
            .find(|f| f.name == k.trim() || f.aliases.contains(&k.trim()))
            .unwrap_or_else(|| panic!("{at}.{k} is not a documented field of {}", doc.name));
        if let Some(nested) = field.kind.nested() {
            match val {
                Value::Array(items) => {
                    items.iter().enumerate().for_each(|(i, x)| assert_fully_typed(x, nested, &format!("{at}.{k}[{i}]")))
                }
                Value::String(s) => {
                    if let Ok(inner) = serde_json::from_str::<Value>(s) {
                        assert_fully_typed(&inner, nested, &format!("{at}.{k}(json)"))
                    }
                }
                other => assert_fully_typed(other, nested, &format!("{at}.{k}")),
            }
        }
    }
}

fn num_eq(a: f64, b: &Value) -> bool {
    b.as_f64().is_some_and(|b| (a - b).abs() <= 1e-9 * a.abs().max(1.0))
}

/// `norm` carries exactly the information of `orig`, in the documented normalised shapes:
/// numbers sent as strings become numbers, 64-bit IDs strings, embedded JSON `{raw, json}`,
/// keys are trimmed and `FileURL` may become `FileUrl`; nothing is dropped.
pub fn assert_equivalent(orig: &Value, norm: &Value, at: &str) {
    match (orig, norm) {
        // A document sent as an object where the normalised form is {"json": ...}.
        (o @ (Value::Object(_) | Value::Array(_)), Value::Object(n))
            if n.len() == 1 && n.contains_key("json") && !o.as_object().is_some_and(|m| m.contains_key("json")) =>
        {
            assert_equivalent(o, &n["json"], &format!("{at}(json)"))
        }
        (Value::Object(o), Value::Object(n)) => {
            for (k, ov) in o {
                let key = k.trim();
                let nv = n
                    .get(key)
                    .or_else(|| (key == "FileURL").then(|| n.get("FileUrl")).flatten())
                    .or_else(|| (key == "JobId").then(|| n.get("jobId")).flatten())
                    .unwrap_or_else(|| panic!("{at}.{k} was dropped"));
                assert_equivalent(ov, nv, &format!("{at}.{key}"));
            }
            assert!(
                n.len() <= o.len(),
                "{at}: fields appeared: {:?} vs {:?}",
                n.keys().collect::<Vec<_>>(),
                o.keys().collect::<Vec<_>>()
            );
        }
        (Value::Array(o), Value::Array(n)) => {
            assert_eq!(o.len(), n.len(), "{at}");
            o.iter().zip(n).enumerate().for_each(|(i, (a, b))| assert_equivalent(a, b, &format!("{at}[{i}]")));
        }
        (a, b) if a == b => {}
        (Value::String(s), Value::Number(_)) => {
            let f: f64 = s.trim().parse().unwrap_or_else(|_| panic!("{at}: {s:?} became a number"));
            assert!(num_eq(f, norm), "{at}: {s} vs {norm}");
        }
        (Value::Number(n), Value::String(s)) => assert_eq!(n.to_string(), *s, "{at}"),
        (Value::Number(a), Value::Number(_)) => assert!(num_eq(a.as_f64().unwrap(), norm), "{at}: {a} vs {norm}"),
        // An embedded document: the decoded value alone, or the string as sent when it does
        // not decode (to the expected shape).
        (Value::String(s), Value::Object(n)) if n.contains_key("json") => match serde_json::from_str::<Value>(s) {
            Ok(decoded) if !n["json"].is_null() => {
                assert!(!n.contains_key("raw"), "{at}: raw beside a decoded value");
                assert_equivalent(&decoded, &n["json"], &format!("{at}(json)"))
            }
            _ => {
                assert_eq!(n.get("raw").and_then(Value::as_str), Some(s.as_str()), "{at}: raw");
                assert!(n["json"].is_null(), "{at}");
            }
        },
        (a, b) => panic!("{at}: {a} became {b}"),
    }
}

/// parse → normalised JSON → parse is the identity, and the JSON is stable.
pub fn assert_round_trip(event: &Event) {
    let json = event.to_json();
    let again: Event = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", event.event_type));
    assert_eq!(&again, event);
    assert_eq!(again.to_json(), json);
}

fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().rev().map(|(k, x)| (k.clone(), reversed(x))).collect::<Map<_, _>>()),
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

/// Numbers as strings and strings that hold numbers as numbers, recursively.
fn flip_numbers(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    // IDs and times stay as they are: only measured quantities flip.
                    let keep = k.to_lowercase().contains("id")
                        || k.contains("Time")
                        || k.contains("time") && !k.contains("start_time");
                    (k.clone(), if keep { x.clone() } else { flip_numbers(x) })
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(flip_numbers).collect()),
        Value::Number(n) if n.is_f64() => Value::String(n.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) if s.parse::<f64>().is_ok_and(f64::is_finite) && !s.starts_with('0') || s == "0" => {
            serde_json::from_str::<Value>(s).ok().filter(Value::is_number).unwrap_or_else(|| v.clone())
        }
        other => other.clone(),
    }
}

/// Strings holding JSON objects become the objects.
fn unembed(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), unembed(x))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(unembed).collect()),
        Value::String(s) if s.starts_with('{') => {
            serde_json::from_str::<Value>(s).ok().filter(Value::is_object).unwrap_or_else(|| v.clone())
        }
        other => other.clone(),
    }
}

/// Variants of an IMS body: reordered, optional fields removed, unknown fields added, numbers
/// flipped between number and string, embedded JSON sent as objects.
pub fn variants(body: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(body).unwrap();
    let event_type = v["EventType"].as_str().unwrap().to_owned();
    let doc = ImsBody::schema_of(&event_type).unwrap().schema;
    let mut without_optional = v.clone();
    for f in doc.fields.iter().filter(|f| !f.required) {
        without_optional["MessageBody"].as_object_mut().unwrap().remove(f.name);
    }
    let mut with_unknown = v.clone();
    with_unknown["FutureTopLevel"] = Value::from(1);
    with_unknown["MessageBody"]["FutureField"] = serde_json::json!({"nested": [true, null]});
    let mut flipped = v.clone();
    flipped["MessageBody"] = flip_numbers(&v["MessageBody"]);
    let mut unembedded = v.clone();
    unembedded["MessageBody"] = unembed(&v["MessageBody"]);
    [reversed(&v), without_optional, with_unknown, flipped, unembedded].iter().map(|x| x.to_string()).collect()
}
