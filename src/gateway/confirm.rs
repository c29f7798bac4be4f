//! Confirming a pushed callback through the provider's read API before it is delivered
//! (issue 24). The MD5 schemes sign the URL (or host) and a time, never the body: a captured
//! header pair lets anyone send any body for minutes. A lookup of the job or media the body
//! names, over a request mediahook signs, proves that the account has that job in that state.
//!
//! One table per provider ([`LOOKUPS`]): the event type, the API and the parameter, where the id
//! and the status sit in the event and in the answer, and which statuses agree. A type without
//! a row is delivered on its signature alone (`"verified_by":"signature"`).
//!
//! A lookup still cannot tell a body that names *another real* job of the same account: so
//! what the API said (status, ids, the record with its output URLs, when it was read) is
//! delivered next to the event, in `confirmed`, for the origin to act on.

use serde::{Deserialize, Serialize};

use crate::api::{acs3, tc3, HttpRequest};
use crate::error::clip;
use crate::events::tencent_vod::body_key;
use crate::json::member_at;
use crate::provider::Provider;

use super::sources::ApiAccess;

/// Where a value sits in a JSON document: member names from the top. `PAYLOAD` stands for a
/// Tencent event's payload member (`ProcedureStateChangeEvent`…, by type).
type Path = &'static [&'static str];

/// The payload member of a Tencent event, in a [`Path`].
const PAYLOAD: &str = "<payload>";

/// One row of the lookup table.
#[derive(Debug)]
pub struct Lookup {
    /// Whose callbacks.
    pub provider: Provider,
    /// The event type.
    pub event_type: &'static str,
    /// The API action.
    pub action: &'static str,
    /// The request parameter carrying the id.
    pub param: &'static str,
    /// The id in the event's `data`.
    pub id_at: Path,
    /// The status in the event's `data` (empty: the event has none).
    pub status_at: Path,
    /// The record in the API's answer (under `Response` for Tencent).
    pub record_at: Path,
    /// The id's member in the record.
    pub record_id: &'static str,
    /// The status's member in the record.
    pub record_status: &'static str,
    /// A callback status (lower case) and the API statuses (lower case) that agree with it;
    /// a status not listed agrees with itself (ignoring case).
    pub agree: &'static [(&'static str, &'static [&'static str])],
    /// For Tencent: the task's own status (`Response.Status`) must be `FINISH`.
    pub finished: bool,
}

/// An IMS job event, looked up by the `JobId` of its `MessageBody`; the answer's record carries
/// `JobId` and `Status` (the same words as the callback's).
const fn ims(event_type: &'static str, action: &'static str, record: &'static [&'static str]) -> Lookup {
    Lookup {
        provider: Provider::AlibabaIms,
        event_type,
        action,
        param: "JobId",
        id_at: &["MessageBody", "JobId"],
        status_at: &["MessageBody", "Status"],
        record_at: record,
        record_id: "JobId",
        record_status: "Status",
        agree: &[],
        finished: false,
    }
}

/// A VOD video event, looked up with `GetVideoInfo` by its `VideoId`: the callback's
/// `success`/`fail` agree with the video statuses listed.
const fn vod(event_type: &'static str, agree: &'static [(&'static str, &'static [&'static str])]) -> Lookup {
    Lookup {
        provider: Provider::AlibabaVod,
        event_type,
        action: "GetVideoInfo",
        param: "VideoId",
        id_at: &["VideoId"],
        status_at: &["Status"],
        record_at: &["Video"],
        record_id: "VideoId",
        record_status: "Status",
        agree,
        finished: false,
    }
}

/// A Tencent task event, looked up with `DescribeTaskDetail`: the answer carries the task under
/// the member named like the callback's record (`ProcedureTask`…).
const fn tencent(event_type: &'static str, record: &'static [&'static str]) -> Lookup {
    Lookup {
        provider: Provider::TencentVod,
        event_type,
        action: "DescribeTaskDetail",
        param: "TaskId",
        id_at: &[PAYLOAD, "TaskId"],
        status_at: &[PAYLOAD, "Status"],
        record_at: record,
        record_id: "TaskId",
        record_status: "Status",
        agree: &[],
        finished: true,
    }
}

/// VOD's `Video.Status` once an upload succeeded (it moves on to transcoding and review).
const VOD_UPLOADED: &[&str] = &["uploadsucc", "transcoding", "transcodefail", "checking", "blocked", "normal"];
/// VOD's `Video.Status` once every transcode is done.
const VOD_TRANSCODED: &[&str] = &["normal", "checking", "blocked"];

/// The lookup table: every confirmed type, per provider.
pub const LOOKUPS: &[Lookup] = &[
    ims("ProduceMediaComplete", "GetMediaProducingJob", &["MediaProducingJob"]),
    ims("SnapshotComplete", "GetSnapshotJob", &["SnapshotJob"]),
    vod("FileUploadComplete", &[("success", VOD_UPLOADED), ("fail", &["uploadfail"])]),
    vod("TranscodeComplete", &[("success", VOD_TRANSCODED), ("fail", &["transcodefail"])]),
    tencent("ProcedureStateChanged", &["ProcedureTask"]),
    tencent("EditMediaComplete", &["EditMediaTask"]),
    tencent("PullComplete", &["PullUploadTask"]),
    tencent("ComposeMediaComplete", &["ComposeMediaTask"]),
    tencent("SplitMediaComplete", &["SplitMediaTask"]),
    tencent("WechatMiniProgramPublishComplete", &["WechatMiniProgramPublishTask"]),
    tencent("RemoveWatermark", &["RemoveWatermarkTask"]),
    tencent("RebuildMediaComplete", &["RebuildMediaTask"]),
    tencent("ReviewAudioVideoComplete", &["ReviewAudioVideoTask"]),
    tencent("ExtractTraceWatermarkComplete", &["ExtractTraceWatermarkTask"]),
    tencent("ExtractCopyRightWatermarkComplete", &["ExtractCopyRightWatermarkTask"]),
    tencent("DescribeFileAttributesComplete", &["DescribeFileAttributesTask"]),
    tencent("QualityInspectComplete", &["QualityInspectTask"]),
    tencent("QualityEnhanceComplete", &["QualityEnhanceTask"]),
    tencent("ComplexAdaptiveDynamicStreamingComplete", &["ComplexAdaptiveDynamicStreamingTask"]),
    tencent("AigcImageTaskComplete", &["AigcImageTask"]),
    tencent("AigcVideoTaskComplete", &["AigcVideoTask"]),
];

/// The row for an event type, if it is confirmed.
pub fn lookup(provider: Provider, event_type: &str) -> Option<&'static Lookup> {
    LOOKUPS.iter().find(|l| l.provider == provider && l.event_type == event_type)
}

/// The API versions (OpenAPI RPC style).
const IMS_VERSION: &str = "2020-11-09";
const VOD_VERSION: &str = "2017-03-21";

/// What a queued event needs looked up, taken from its body when it was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The job, task or media id the body names.
    pub id: String,
    /// The status the body claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// What the event's `data` (its JSON) asks to be looked up; `None` for a type without a row,
/// or a body without the id (it is delivered on its signature).
pub fn pending(provider: Provider, event_type: &str, data: &str) -> Option<Pending> {
    let row = lookup(provider, event_type)?;
    let payload = body_key(event_type);
    let resolve =
        |path: Path| -> Vec<&str> { path.iter().map(|n| if *n == PAYLOAD { payload.as_str() } else { n }).collect() };
    let id = string_at(data, &resolve(row.id_at)).filter(|id| !id.is_empty())?;
    let status = if row.status_at.is_empty() { None } else { string_at(data, &resolve(row.status_at)) };
    Some(Pending { id, status })
}

/// The signed lookup request for a pending confirmation, as of `now` (UNIX seconds).
pub fn request(row: &Lookup, pending: &Pending, api: &ApiAccess, now: u64, nonce: &str) -> HttpRequest {
    let (credentials, endpoint) = (&api.credentials, &api.endpoint);
    match row.provider {
        Provider::TencentVod => {
            let mut payload = serde_json::json!({ row.param: pending.id });
            // A task id starts with the (sub-)application's id: `<app id>-Procedure-…`. Accounts
            // made since 2023-12-25 must name it.
            if let Some(app) = pending
                .id
                .split_once('-')
                .map(|(a, _)| a)
                .filter(|a| a.bytes().all(|b| b.is_ascii_digit()) && !a.is_empty())
            {
                payload["SubAppId"] = app.parse::<u64>().map(serde_json::Value::from).unwrap_or_default();
            }
            tc3::vod_request(credentials, endpoint, row.action, payload.to_string(), now)
        }
        provider => {
            let version = if provider == Provider::AlibabaIms { IMS_VERSION } else { VOD_VERSION };
            acs3::request(credentials, endpoint, row.action, version, &[(row.param, &pending.id)], now, nonce)
        }
    }
}

/// What a lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// The API agrees: the `confirmed` member to deliver (a JSON object).
    Confirmed(String),
    /// Not found, or found in another state: look again within the grace period, then a dead
    /// letter `unconfirmed` with this difference.
    Differs(String),
    /// The API refused the credentials: `confirm_failed`.
    Refused(String),
    /// Unavailable, throttled or failing: retried like an origin failure.
    Unavailable(String),
}

/// Judge the API's answer (`status`, `body`) to a lookup, read at `read_at` (RFC 3339).
pub fn judge(row: &Lookup, pending: &Pending, status: u16, body: &str, read_at: &str) -> Judgement {
    let tencent = row.provider == Provider::TencentVod;
    let root = if tencent { member_at(body, &["Response"]).map_or("", |m| m.value) } else { body };
    if let Some(code) = error_code(row.provider, status, root) {
        return classify(&code, status);
    }
    if !(200..300).contains(&status) {
        return Judgement::Unavailable(format!("{} answered {status}", row.action));
    }
    let Some(record) = member_at(root, row.record_at).map(|m| m.value).filter(|r| r.starts_with('{')) else {
        return Judgement::Differs(format!("{} has no {} for {}", row.action, row.record_at.join("."), pending.id));
    };
    let found_id = string_at(record, &[row.record_id]).unwrap_or_default();
    if found_id != pending.id {
        return Judgement::Differs(format!(
            "{} found {} {found_id:?}, not {:?}",
            row.action, row.record_id, pending.id
        ));
    }
    let found_status = string_at(record, &[row.record_status]);
    if let Some(claimed) = &pending.status {
        let found = found_status.as_deref().unwrap_or("");
        if !agrees(row, claimed, found) {
            return Judgement::Differs(format!(
                "the callback says {} {claimed:?}; {} says {found:?}",
                row.record_status, row.action
            ));
        }
    }
    if row.finished {
        let task = string_at(root, &["Status"]).unwrap_or_default();
        if task != "FINISH" {
            return Judgement::Differs(format!("{} says the task is {task:?}, not FINISH", row.action));
        }
    }
    let confirmed = serde_json::json!({
        "api": row.action,
        "id": found_id,
        "status": found_status,
        "read_at": read_at,
    });
    // The record as the API wrote it (a checked JSON value): its outputs, URLs and times.
    let mut out = confirmed.to_string();
    out.pop();
    out.push_str(",\"record\":");
    out.push_str(record);
    out.push('}');
    Judgement::Confirmed(out)
}

fn agrees(row: &Lookup, claimed: &str, found: &str) -> bool {
    let claimed = claimed.to_ascii_lowercase();
    let found = found.to_ascii_lowercase();
    match row.agree.iter().find(|(c, _)| *c == claimed) {
        Some((_, allowed)) => allowed.contains(&found.as_str()),
        None => claimed == found,
    }
}

/// The error code of an API answer, if it is an error.
fn error_code(provider: Provider, status: u16, root: &str) -> Option<String> {
    if provider == Provider::TencentVod {
        return string_at(root, &["Error", "Code"]);
    }
    if (200..300).contains(&status) {
        return None;
    }
    Some(string_at(root, &["Code"]).unwrap_or_else(|| format!("HTTP {status}")))
}

/// Sort an API error: refused credentials, not found, or unavailable.
fn classify(code: &str, status: u16) -> Judgement {
    let code = clip(code, 100);
    let refused = [
        "AuthFailure",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "Forbidden",
        "UnauthorizedOperation",
        "NoPermission",
    ];
    if refused.iter().any(|p| code.starts_with(p)) || status == 401 {
        return Judgement::Refused(format!("the API refused the credentials ({code})"));
    }
    let absent = ["ResourceNotFound", "NotFound", "InvalidVideo.NotFound", "InvalidParameterValue.TaskId"];
    if absent.iter().any(|p| code.starts_with(p)) || code.ends_with(".NotFound") || code.ends_with("NotExist") {
        return Judgement::Differs(format!("not found ({code})"));
    }
    Judgement::Unavailable(format!("the API failed ({code})"))
}

/// The string (or number, as written) at `path`.
fn string_at(json: &str, path: &[&str]) -> Option<String> {
    let member = member_at(json, path)?;
    match member.first_byte() {
        b'"' => member.string().map(std::borrow::Cow::into_owned),
        b'-' | b'0'..=b'9' => Some(member.value.to_owned()),
        _ => None,
    }
}
