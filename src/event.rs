//! The normalised event `{id, provider, type, time, data}`: what the worker forwards and what
//! JS receives.
//!
//! This is the generic form every callback gets; typed per-event structures build on it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::provider::Provider;
use crate::request::query_pairs;
use crate::schemes::tencent_vod::{SIGN_FIELD, T_FIELD};
use crate::wire::to_hex;

/// A parsed callback in mediahook's one normalised form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id derived from the provider and the body: a provider's retries of one callback
    /// carry the same id, so the origin can de-duplicate.
    pub id: String,
    /// The provider id, e.g. `alibaba-ims`.
    pub provider: String,
    /// The provider's event type, e.g. `ProduceMediaComplete`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the provider says the event happened, as it wrote it, if it did.
    pub time: Option<String>,
    /// The event's content.
    pub data: Value,
}

/// Parse a callback body (and, for Live GET callbacks, the URL's query) into an [`Event`].
pub fn parse_event(provider: Provider, body: &[u8], url: &str) -> Result<Event, Error> {
    let data = if provider == Provider::AlibabaLive && body.iter().all(u8::is_ascii_whitespace) {
        // Live stream callbacks are GETs: the event is the query string.
        Value::Object(query_pairs(url).map(|(k, v)| (k.to_owned(), Value::String(v.to_owned()))).collect())
    } else {
        serde_json::from_slice::<Value>(body).map_err(|e| Error::MalformedJson { detail: e.to_string() })?
    };
    let Value::Object(mut map) = data else {
        return Err(Error::InvalidEvent { path: "$".into(), detail: "expected a JSON object".into() });
    };
    if provider == Provider::TencentVod {
        // Auth fields, not event content (and they may change between retries).
        map.remove(SIGN_FIELD);
        map.remove(T_FIELD);
    }
    let event_type = type_of(provider, &map)?;
    let time = ["EventTime", "eventTime", "time"]
        .iter()
        .find_map(|k| map.get(*k))
        .map(|t| match t {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    let id = event_id(provider, &map);
    Ok(Event { id, provider: provider.id().to_owned(), event_type, time, data: Value::Object(map) })
}

fn type_of(provider: Provider, map: &Map<String, Value>) -> Result<String, Error> {
    let candidates: &[&str] = match provider {
        Provider::AlibabaLive => &["EventType", "event", "action"],
        Provider::TencentVod => &["EventType", "eventType"],
        _ => &["EventType"],
    };
    for key in candidates {
        match map.get(*key) {
            Some(Value::String(s)) if !s.is_empty() => return Ok(s.clone()),
            Some(_) => {
                return Err(Error::InvalidEvent { path: format!("$.{key}"), detail: "expected a non-empty string".into() })
            }
            None => {}
        }
    }
    Err(Error::InvalidEvent { path: format!("$.{}", candidates[0]), detail: "the event type is missing".into() })
}

/// `mh_` + 32 hex digits of SHA-256 over the provider and the event content in canonical
/// form (sorted keys, compact), which excludes Tencent's per-delivery `Sign`/`T`.
fn event_id(provider: Provider, map: &Map<String, Value>) -> String {
    let canonical = serde_json::to_vec(map).expect("a JSON map serialises");
    let mut h = Sha256::new();
    h.update(provider.id().as_bytes());
    h.update([0u8]);
    h.update(&canonical);
    format!("mh_{}", to_hex(&h.finalize()[..16]))
}

/// IMS event types (seed 003). The sample of `MediaConvertOutputGroupComplete` carries
/// `ApsaraVideoForMediaProcessingOutputGroupComplete`: both are known.
pub const ALIBABA_IMS_EVENT_TYPES: &[&str] = &[
    "AIMediaAuditComplete", "AIProduceComplete", "ApsaraVideoForMediaProcessingOutputGroupComplete",
    "AttachedMediaUploadComplete", "BatchProduceMediaComplete", "CreateAuditComplete", "DeleteMediaComplete",
    "DynamicImageComplete", "FileUploadComplete", "ImageUploadComplete", "LiveRecordFileCreated",
    "LiveRecordTaskStatus", "LiveSnapshotFileCreated", "MediaAiAnalysisComplete", "MediaBaseChangeComplete",
    "MediaConvertComplete", "MediaConvertOutputComplete", "MediaConvertOutputGroupComplete",
    "ProduceMediaComplete", "RegisterMediaComplete", "RegisterStreamComplete", "SmartJobComplete",
    "SnapshotComplete", "StreamUploadComplete", "TranscodeComplete", "TranscodeParentComplete",
    "UploadByURLComplete", "UploadStreamByURLComplete", "VideoAnalysisComplete", "WorkflowTaskComplete",
];

/// ApsaraVideo VOD event types (shared/notes/providers.md).
pub const ALIBABA_VOD_EVENT_TYPES: &[&str] = &[
    "FileUploadComplete", "ImageUploadComplete", "StreamTranscodeComplete", "TranscodeComplete",
    "SnapshotComplete", "DynamicImageComplete", "AddLiveRecordVideoComplete", "LiveRecordVideoComposeStart",
    "UploadByURLComplete", "CreateAuditComplete", "AIMediaAuditComplete", "AIMediaDNAComplete",
    "AIVideoTagComplete", "VideoAnalysisComplete", "AttachedMediaUploadComplete", "ProduceMediaComplete",
    "DeleteMediaComplete", "MediaBaseChangeComplete",
];

/// ApsaraVideo Live stream callback actions.
pub const ALIBABA_LIVE_EVENT_TYPES: &[&str] = &["publish", "publish_done"];

/// Tencent Cloud VOD event types (format 3.0 names).
pub const TENCENT_VOD_EVENT_TYPES: &[&str] =
    &["NewFileUpload", "FileDeleted", "PersistenceComplete", "ProcedureStateChanged"];

/// Whether mediahook knows this provider's event type.
pub fn is_known_type(provider: Provider, event_type: &str) -> bool {
    let known = match provider {
        Provider::AlibabaIms => ALIBABA_IMS_EVENT_TYPES,
        Provider::AlibabaVod => ALIBABA_VOD_EVENT_TYPES,
        Provider::AlibabaLive => ALIBABA_LIVE_EVENT_TYPES,
        Provider::TencentVod => TENCENT_VOD_EVENT_TYPES,
    };
    known.contains(&event_type)
}
