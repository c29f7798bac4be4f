//! Events pulled from the providers rather than pushed (issue 24's pull sources), read into the
//! callback body they stand for, so that a pulled event is typed like a pushed one and gets
//! **the id the same event would get if it had been pushed** (running push and pull side by
//! side never delivers an event twice):
//!
//! - Tencent VOD's `PullEvents`: each `EventContent` is the callback body plus `EventHandle` (and
//!   the other payload members `null`, which the walk leaves out); the handle is taken out.
//! - Alibaba MNS `ReceiveMessage`/`BatchReceiveMessage`: XML `<Message>`s whose `MessageBody` is
//!   the callback's JSON, as is or in base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::sources::{ApiAccess, PullSource};
use crate::api::{mns, tc3, HttpRequest};
use crate::error::{clip, Error};
use crate::json::{member_at, members};

/// MNS's long poll, seconds (it allows up to 30; a Durable Object alarm polls again at once).
pub const MNS_WAIT_SECONDS: u32 = 10;
/// The most events one pull hands out (both `PullEvents` and `BatchReceiveMessage`).
pub const MAX_PULLED: usize = 16;
/// How long a pull may take: the long poll and a margin (Tencent's `PullEvents` holds up to 5 s).
pub const PULL_TIMEOUT_MS: u64 = 20_000;

/// One event handed out by a pull: the callback body it stands for, and what acknowledges it
/// (Tencent's `EventHandle`, MNS's `ReceiptHandle`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pulled {
    /// The callback's JSON (when `unreadable`: what was handed out, as it was).
    pub body: String,
    /// The handle that acknowledges it (empty: it has none, and is handed out again).
    pub handle: String,
    /// Why it cannot be read as a callback, if it cannot.
    pub unreadable: Option<Error>,
}

/// A pull that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullFailure {
    /// The API refused the credentials.
    pub refused: bool,
    /// What it said (no secret: the answers name codes and request ids).
    pub detail: String,
}

/// The signed pull request of a source, as of `now` (UNIX seconds).
pub fn pull_request(source: &PullSource, api: &ApiAccess, now: u64) -> HttpRequest {
    match source {
        PullSource::Tencent { sub_app_id } => {
            let payload = format!("{{\"SubAppId\":{sub_app_id}}}");
            tc3::vod_request(&api.credentials, &api.endpoint, "PullEvents", payload, now)
        }
        PullSource::Mns { queue, .. } => {
            let resource =
                format!("/queues/{queue}/messages?numOfMessages={MAX_PULLED}&waitseconds={MNS_WAIT_SECONDS}");
            mns::request(&api.credentials, &api.endpoint, "GET", &resource, now)
        }
    }
}

/// The signed acknowledgements of pulled events: one `ConfirmEvents` (Tencent), one
/// `DeleteMessage` per message (MNS).
pub fn ack_requests(source: &PullSource, api: &ApiAccess, handles: &[String], now: u64) -> Vec<HttpRequest> {
    if handles.is_empty() {
        return Vec::new();
    }
    match source {
        PullSource::Tencent { sub_app_id } => {
            let payload = serde_json::json!({ "SubAppId": sub_app_id.parse::<u64>().unwrap_or_default(), "EventHandles": handles });
            vec![tc3::vod_request(&api.credentials, &api.endpoint, "ConfirmEvents", payload.to_string(), now)]
        }
        PullSource::Mns { queue, .. } => handles
            .iter()
            .map(|h| {
                let resource =
                    format!("/queues/{queue}/messages?ReceiptHandle={}", crate::api::acs3::percent_encode(h));
                mns::request(&api.credentials, &api.endpoint, "DELETE", &resource, now)
            })
            .collect(),
    }
}

/// Read a pull's answer.
pub fn read_pull(source: &PullSource, status: u16, answer: &str) -> Result<Vec<Pulled>, PullFailure> {
    match source {
        PullSource::Tencent { .. } => {
            let response = member_at(answer, &["Response"]).map_or("", |m| m.value);
            if let Some(error) = member_at(response, &["Error"]) {
                return Err(tencent_failure(error.value));
            }
            if !(200..300).contains(&status) {
                return Err(PullFailure { refused: false, detail: format!("PullEvents answered {status}") });
            }
            let set = member_at(response, &["EventSet"]).map_or("null", |m| m.value);
            if set == "null" {
                return Ok(Vec::new());
            }
            let mut reader = crate::json::Reader::new(set);
            let contents = elements(&mut reader).map_err(|detail| PullFailure { refused: false, detail })?;
            Ok(contents
                .into_iter()
                .map(|content| match tencent_event(content) {
                    Ok(e) => Pulled { body: e.body, handle: e.handle, unreadable: None },
                    // Kept as a dead letter, not acknowledged: without its handle it cannot be.
                    Err(e) => Pulled { body: content.to_owned(), handle: String::new(), unreadable: Some(e) },
                })
                .collect())
        }
        PullSource::Mns { .. } => {
            if (200..300).contains(&status) {
                return match mns_messages(answer) {
                    Ok(messages) => Ok(messages
                        .into_iter()
                        .map(|m| Pulled { body: m.body, handle: m.receipt_handle, unreadable: None })
                        .collect()),
                    Err(e) => Err(PullFailure { refused: false, detail: e.to_string() }),
                };
            }
            let code = element(answer, "Code").unwrap_or_else(|| format!("HTTP {status}"));
            match code.as_str() {
                "MessageNotExist" => Ok(Vec::new()),
                _ => Err(PullFailure {
                    refused: status == 403
                        || code.contains("AccessDenied")
                        || code.contains("Signature")
                        || code.contains("AccessKey"),
                    detail: format!("MNS answered {status} {}", clip(&code, 80)),
                }),
            }
        }
    }
}

/// Whether an acknowledgement's answer says it was taken; else what it said.
pub fn read_ack(source: &PullSource, status: u16, answer: &str) -> Result<(), String> {
    match source {
        PullSource::Tencent { .. } => match member_at(answer, &["Response", "Error"]) {
            Some(error) => Err(tencent_failure(error.value).detail),
            None if (200..300).contains(&status) => Ok(()),
            None => Err(format!("ConfirmEvents answered {status}")),
        },
        PullSource::Mns { .. } if (200..300).contains(&status) => Ok(()),
        PullSource::Mns { .. } => {
            Err(format!("DeleteMessage answered {status} {}", clip(&element(answer, "Code").unwrap_or_default(), 80)))
        }
    }
}

fn tencent_failure(error: &str) -> PullFailure {
    let code =
        member_at(error, &["Code"]).and_then(|c| c.string()).map_or_else(|| "unknown".into(), |c| c.into_owned());
    PullFailure { refused: code.starts_with("AuthFailure"), detail: format!("Tencent answered {}", clip(&code, 80)) }
}

/// The raw elements of a JSON array.
fn elements<'a>(reader: &mut crate::json::Reader<'a>) -> Result<Vec<&'a str>, String> {
    let mut out = Vec::new();
    let mut joint = reader.begin_array().map_err(|f| f.detail())?;
    while reader.next_element(&mut joint).map_err(|f| f.detail())? {
        out.push(reader.skip().map_err(|f| f.detail())?);
    }
    Ok(out)
}

/// The member of a pulled Tencent event that acknowledges it.
pub const EVENT_HANDLE: &str = "EventHandle";

/// A pulled Tencent event: the callback body it stands for, and its handle for `ConfirmEvents`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulledTencentEvent {
    /// The event JSON without `EventHandle` (members as sent, in order).
    pub body: String,
    /// The handle.
    pub handle: String,
}

/// Split one `EventContent` (the JSON object's text) into the callback body and its handle.
pub fn tencent_event(content: &str) -> Result<PulledTencentEvent, Error> {
    let mut body = String::with_capacity(content.len());
    let mut handle = None;
    body.push('{');
    for member in members(content) {
        let member = member.map_err(|f| Error::MalformedJson { detail: f.detail() })?;
        if member.key() == EVENT_HANDLE {
            handle = member.string().map(|h| h.into_owned());
            continue;
        }
        if body.len() > 1 {
            body.push(',');
        }
        body.push('"');
        body.push_str(member.raw_key());
        body.push_str("\":");
        body.push_str(member.value);
    }
    body.push('}');
    let handle = handle.filter(|h| !h.is_empty()).ok_or_else(|| Error::InvalidEvent {
        path: format!("$.{EVENT_HANDLE}"),
        detail: "a pulled event has no EventHandle".into(),
    })?;
    Ok(PulledTencentEvent { body, handle })
}

/// One message received from an MNS queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MnsMessage {
    /// `MessageId`.
    pub id: String,
    /// `ReceiptHandle`, for `DeleteMessage`.
    pub receipt_handle: String,
    /// The callback's JSON: `MessageBody` as is, or decoded from base64.
    pub body: String,
}

/// The messages of a `ReceiveMessage` (`<Message>`) or `BatchReceiveMessage` (`<Messages>`)
/// answer. A message without an id, a receipt handle or a JSON body is an error: it cannot be
/// acknowledged, or would be lost if it were.
pub fn mns_messages(xml: &str) -> Result<Vec<MnsMessage>, Error> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<Message>") {
        let after = &rest[start + "<Message>".len()..];
        let end = after.find("</Message>").ok_or_else(|| malformed("a <Message> is not closed"))?;
        let message = &after[..end];
        let field = |name: &str| element(message, name).ok_or_else(|| malformed(&format!("a message has no {name}")));
        let body = message_body(&field("MessageBody")?)?;
        out.push(MnsMessage { id: field("MessageId")?, receipt_handle: field("ReceiptHandle")?, body });
        rest = &after[end + "</Message>".len()..];
    }
    Ok(out)
}

/// The text of `<name>…</name>` in `xml`, entities decoded.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    unescape(&xml[start..end])
}

/// XML's five entities and numeric references; `None` on anything else.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';')? + amp;
        let entity = &rest[amp + 1..semi];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The callback JSON in a message body: the JSON itself, or base64 of it.
fn message_body(body: &str) -> Result<String, Error> {
    let trimmed = body.trim();
    if trimmed.starts_with('{') {
        return Ok(trimmed.to_owned());
    }
    STANDARD
        .decode(trimmed)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|text| text.trim_start().starts_with('{'))
        .map(|text| text.trim().to_owned())
        .ok_or_else(|| malformed("a message body is neither JSON nor base64 of JSON"))
}

fn malformed(detail: &str) -> Error {
    Error::MalformedJson { detail: format!("MNS answer: {detail}") }
}
