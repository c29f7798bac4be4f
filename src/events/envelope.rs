//! Each provider's envelope, as data for the walker: which top-level key names the event type,
//! the envelope's own fields, and where the typed body sits (a member, or merged into the top
//! level). [`walk_event`] writes the normalised event `{id, provider, type, data, time}`.

use std::ops::Range;

use super::family::EventSchema;
use super::schema::{FieldSchema, Kind, RecordSchema};
use super::walk::{Capture, Walker};
use super::{
    alibaba_ims, alibaba_live, alibaba_vod, cloudflare_stream, mux, normalise_time, tencent_vod, unix_to_rfc3339,
    volcengine_vod,
};
use crate::error::Error;
use crate::json::{member_at, members, write_str, Failure, Member, Reader};
use crate::provider::Provider;
use crate::verify::tencent::{SIGN_FIELD, T_FIELD};

const fn field(name: &'static str, kind: Kind, required: bool) -> FieldSchema {
    FieldSchema { name, aliases: &[], kind, required, doc: "" }
}

const IMS: &[FieldSchema] = &[
    field("EventType", Kind::String, true),
    field("UserId", Kind::Id64, true),
    field("EventTime", Kind::String, true),
    field("MessageBody", Kind::Body, true),
];
const VOD: &[FieldSchema] = &[field("EventType", Kind::String, true), field("EventTime", Kind::String, true)];
const TENCENT: &[FieldSchema] =
    &[field("EventType", Kind::String, true), field(SIGN_FIELD, Kind::Omit, false), field(T_FIELD, Kind::Omit, false)];

/// Where the id's `mh_` and 32 hex digits sit in `{"id":"…"`: written last, in place.
pub(crate) const ID_AT: Range<usize> = 7..42;

/// A walked event: its envelope facts and where `data` sits in the output.
pub(crate) struct Walked {
    pub event_type: String,
    pub known: bool,
    pub time: Option<String>,
    pub data: Range<usize>,
}

/// The event type and the body's record, found before the walk.
struct Dispatch {
    event_type: String,
    body: Option<&'static RecordSchema>,
}

/// A top-level member found by [`top_level`].
enum Found {
    /// A string, unescaped.
    Str(String),
    /// A number, as written.
    Number(String),
    /// Any other value.
    Other,
}

impl Found {
    fn of(m: &Member<'_>) -> Found {
        match m.first_byte() {
            b'"' => Found::Str(m.string().unwrap_or_default().into_owned()),
            b'-' | b'0'..=b'9' => Found::Number(m.value.to_owned()),
            _ => Found::Other,
        }
    }
}

/// The values of `keys` among the top-level members (keys compared trimmed; an exact key wins
/// over a trimmed one), found before the walk so that the body's record is known when it
/// starts. Stops at the first exact `keys[0]`, and quietly at a syntax error (the walk reports
/// it). At most six keys.
fn top_level(text: &str, keys: &[&str]) -> [Option<Found>; 6] {
    let mut found: [Option<Found>; 6] = Default::default();
    let mut exact = [false; 6];
    let keys = &keys[..keys.len().min(6)];
    for member in members(text) {
        let Ok(m) = member else { break };
        let name = m.key();
        let hit = keys.iter().position(|k| *k == name).map(|i| (i, true)).or_else(|| {
            let trimmed = name.trim();
            keys.iter().position(|k| *k == trimmed).map(|i| (i, false))
        });
        if let Some((i, is_exact)) = hit {
            if found[i].is_none() || is_exact && !exact[i] {
                found[i] = Some(Found::of(&m));
                exact[i] = is_exact;
                if i == 0 && is_exact {
                    break;
                }
            }
        }
    }
    found
}

/// The event type a scan found ("" when none or not text: the walk reports why).
fn text_of(found: Option<Found>) -> String {
    match found {
        Some(Found::Str(s) | Found::Number(s)) => s,
        _ => String::new(),
    }
}

/// An envelope whose `type_key` member names the type and whose `Body` member (in `envelope`)
/// holds the typed record; `time_key` names the event's time.
fn enveloped(
    text: &str,
    type_key: &str,
    schema_of: fn(&str) -> Option<&'static EventSchema>,
    envelope: &'static [FieldSchema],
    time_key: &'static str,
) -> (Dispatch, [&'static [FieldSchema]; 3], [Capture; 1]) {
    let [found, ..] = top_level(text, &[type_key]);
    let event_type = text_of(found);
    let body = schema_of(&event_type).map(|s| s.schema);
    (Dispatch { event_type, body }, [envelope, &[], &[]], [Capture { name: time_key, text: None }])
}

/// Write `{"id":"mh_000…","provider":…,"type":…,"data":<data>,"time":…}` for a callback's JSON
/// (without the `id` member when `with_id` is false).
pub(crate) fn walk_event(provider: Provider, text: &str, with_id: bool, out: &mut Vec<u8>) -> Result<Walked, Error> {
    let mut walker = Walker::new(text);
    let body_field;
    let legacy_fields;
    let none: &[FieldSchema] = &[];
    let (dispatch, tables, mut captures): (Dispatch, [&[FieldSchema]; 3], [Capture; 1]) = match provider {
        Provider::AlibabaIms | Provider::AlibabaVod => {
            let [found, ..] = top_level(text, &["EventType"]);
            let event_type = text_of(found);
            let (body, tables) = if provider == Provider::AlibabaIms {
                (alibaba_ims::ImsBody::schema_of(&event_type), [IMS, none, none])
            } else {
                let body = alibaba_vod::VodBody::schema_of(&event_type);
                (body, [VOD, body.map_or(none, |s| s.schema.fields), none])
            };
            let body = body.map(|s| s.schema);
            (Dispatch { event_type, body }, tables, [Capture { name: "EventTime", text: None }])
        }
        Provider::AlibabaLive => {
            let found = top_level(text, &["action", "event", "uri", "duration", "domain", "stream"]);
            let named = |i: usize, key: &str| match &found[i] {
                Some(Found::Str(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(_) => {
                    Err(Error::InvalidEvent { path: format!("$.{key}"), detail: "expected a non-empty string".into() })
                }
                None => Ok(None),
            };
            let event_type = match (named(0, "action")?, named(1, "event")?) {
                (Some(a), _) => a,
                (None, Some(e)) => e,
                (None, None) if found[2].is_some() && found[3].is_some() => "RecordFileCreated".to_owned(),
                (None, None) if found[4].is_some() && found[5].is_some() => alibaba_live::ON_DEMAND_RECORD.to_owned(),
                (None, None) => {
                    // Malformed JSON is reported as such, before a missing type.
                    Reader::check(text).map_err(to_error)?;
                    return Err(Error::InvalidEvent {
                        path: "$.action".into(),
                        detail: "the event type is missing (no action or event)".into(),
                    });
                }
            };
            let body = alibaba_live::LiveBody::schema_of(&event_type).map(|s| s.schema);
            let time_field = match event_type.as_str() {
                "publish" | "publish_done" => "time",
                "RecordFileCreated" => "stop_time",
                _ => "",
            };
            (
                Dispatch { event_type, body },
                [body.map_or(none, |s| s.fields), none, none],
                [Capture { name: time_field, text: None }],
            )
        }
        Provider::TencentVod => {
            let [v3, legacy, ..] = top_level(text, &["EventType", "eventType"]);
            if v3.is_none() && legacy.is_some() {
                // The legacy 2.0 format.
                let event_type = text_of(legacy);
                let body = tencent_vod::TencentLegacyBody::schema_of(&event_type).map(|s| s.schema);
                legacy_fields = [
                    field("version", Kind::String, false),
                    field("eventType", Kind::String, true),
                    field(SIGN_FIELD, Kind::Omit, false),
                    field(T_FIELD, Kind::Omit, false),
                    field("data", Kind::Body, body.is_some()),
                ];
                (Dispatch { event_type, body }, [&legacy_fields[..], none, none], [Capture { name: "", text: None }])
            } else {
                let event_type = text_of(v3);
                // An unknown (or unconfirmed) type name is typed by the payload member it carries.
                let schema =
                    tencent_vod::TencentBody::schema_of(&event_type).or_else(|| tencent_vod::type_by_member(text));
                let mut tables = [TENCENT, none, tencent_vod::PAYLOAD_FIELDS];
                if let Some(s) = schema {
                    let (key, also) = tencent_vod::payload_member(s);
                    body_field = [FieldSchema { name: key, aliases: also, kind: Kind::Body, required: true, doc: "" }];
                    tables[1] = &body_field[..];
                }
                (Dispatch { event_type, body: schema.map(|s| s.schema) }, tables, [Capture { name: "", text: None }])
            }
        }
        Provider::Mux => enveloped(text, mux::TYPE_FIELD, mux::MuxBody::schema_of, mux::ENVELOPE, "created_at"),
        Provider::VolcengineVod => {
            enveloped(text, "EventType", volcengine_vod::VolcBody::schema_of, volcengine_vod::ENVELOPE, "EventTime")
        }
        Provider::CloudflareStream => {
            // The body is the video; its state names the type.
            let state = member_at(text, &cloudflare_stream::STATE_PATH).and_then(|m| m.string());
            let Some(state) = state.filter(|s| !s.is_empty()) else {
                Reader::check(text).map_err(to_error)?;
                return Err(Error::InvalidEvent {
                    path: "$.status.state".into(),
                    detail: "the video's state is missing (it names the event type)".into(),
                });
            };
            let event_type = format!("{}{state}", cloudflare_stream::TYPE_PREFIX);
            let body = cloudflare_stream::StreamBody::schema_of(&event_type).map(|s| s.schema);
            let tables = [body.map_or(none, |s| s.fields), none, none];
            (Dispatch { event_type, body }, tables, [Capture { name: "modified", text: None }])
        }
    };
    walker.body = dispatch.body;
    if with_id {
        out.extend_from_slice(b"{\"id\":\"mh_00000000000000000000000000000000\",\"provider\":\"");
    } else {
        out.extend_from_slice(b"{\"provider\":\"");
    }
    out.extend_from_slice(provider.id().as_bytes());
    out.extend_from_slice(b"\",\"type\":");
    write_str(out, &dispatch.event_type);
    out.extend_from_slice(b",\"data\":");
    let start = out.len();
    match walker.document(&tables, &mut captures, out) {
        Ok(()) => {}
        Err(f @ Failure::Syntax(_)) => return Err(to_error(f)),
        // Malformed JSON anywhere is reported as such, before a schema problem.
        Err(f) => {
            Reader::check(text).map_err(to_error)?;
            return Err(to_error(f));
        }
    }
    let data = start..out.len();
    let captured = captures[0].text.as_deref();
    let time = match provider {
        Provider::AlibabaIms
        | Provider::AlibabaVod
        | Provider::Mux
        | Provider::CloudflareStream
        | Provider::VolcengineVod => {
            captured.and_then(|c| Reader::new(c).decoded_string().ok()).and_then(|t| normalise_time(&t))
        }
        Provider::AlibabaLive => captured.and_then(|t| t.parse::<i64>().ok()).and_then(unix_to_rfc3339),
        Provider::TencentVod => None,
    };
    out.extend_from_slice(b",\"time\":");
    match &time {
        Some(t) => write_str(out, t),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    Ok(Walked { event_type: dispatch.event_type, known: dispatch.body.is_some(), time, data })
}

fn to_error(f: Failure) -> Error {
    match f {
        Failure::Syntax(detail) => Error::MalformedJson { detail },
        Failure::Schema { path, detail } => Error::InvalidEvent { path: Failure::path(&path), detail },
    }
}
