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

use crate::error::Error;
use crate::json::members;

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
