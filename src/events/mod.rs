//! Typed events. A verified body becomes an [`Event`]: `{id, provider, type, data, time}`, where
//! `data` is the provider's object with every known field typed and normalised, and every
//! unknown field kept as sent. The event holds that one normalised JSON (what the worker
//! forwards and JS receives), which reads back unchanged; [`Event::data`] gives typed structs.
//!
//! Each provider's events are schema tables ([`schema`]: one [`RecordSchema`] per record, one
//! [`EventSchema`] per type); one generic walker reads a body against them and writes the
//! normalised JSON in the same pass. Normalisation, everywhere: numbers sent as strings become
//! numbers; 64-bit IDs become decimal strings ([`Id64`]); JSON documents sent inside strings
//! become `{"raw", "json"}` ([`Embedded`]); keys of known fields with stray spaces, and
//! alternative names (`FileURL`), take the documented name (`FileUrl`); unknown values are kept.

pub mod alibaba_ims;
pub mod alibaba_live;
pub mod alibaba_vod;
pub mod cloudflare_stream;
mod envelope;
pub mod family;
pub mod mux;
pub mod mux_spec;
mod record;
pub mod schema;
pub mod tencent_vod;
pub mod tencent_vod_spec;
pub mod volcengine_vod;
mod walk;

use serde::{Deserialize, Serialize, Serializer};
#[cfg(feature = "typed")]
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use alibaba_ims::ImsBody;
pub use alibaba_live::LiveBody;
pub use alibaba_vod::VodBody;
pub use cloudflare_stream::StreamBody;
pub use family::EventSchema;
pub use mux::MuxBody;
pub use schema::{Embedded, FieldSchema, Id64, Kind, Record, RecordSchema, Shape};
pub use tencent_vod::TencentBody;
pub use volcengine_vod::VolcBody;
#[cfg(feature = "typed")]
pub use {
    alibaba_ims::ImsEvent, alibaba_live::LiveEvent, alibaba_vod::VodEvent, cloudflare_stream::StreamEvent,
    mux::MuxEvent, tencent_vod::TencentEvent, volcengine_vod::VolcEvent,
};

use crate::error::Error;
use crate::json::without_bom;
use crate::provider::Provider;
use crate::verify::digest::to_hex;
use crate::verify::tencent::{SIGN_FIELD, T_FIELD};

/// A parsed callback in mediahook's normalised form: the facts the gateway needs, and the
/// normalised JSON (`{id, provider, type, data, time}`) that the worker forwards and JS
/// receives. [`Event::data`] reads `data` into typed Rust structs.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// `mh_` + 32 hex digits, derived from the provider and the body as sent (for Tencent, from
    /// the normalised body without the per-delivery `Sign`/`T`): a provider's retries of one
    /// callback carry the same id.
    pub id: String,
    /// Who sent it.
    pub provider: Provider,
    /// The provider's event type, e.g. `ProduceMediaComplete` (for Live stream callbacks the
    /// `action`, e.g. `publish`).
    pub event_type: String,
    /// When the event happened, RFC 3339 in UTC, when the provider says.
    pub time: Option<String>,
    known: bool,
    json: String,
    data_range: std::ops::Range<usize>,
}

/// The typed content of an event, per provider (feature `typed`, on by default).
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
// Built on demand and matched once, not stored in bulk: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum EventData {
    /// Alibaba Cloud IMS.
    AlibabaIms(ImsEvent),
    /// Alibaba Cloud ApsaraVideo VOD.
    AlibabaVod(VodEvent),
    /// Alibaba Cloud ApsaraVideo Live.
    AlibabaLive(LiveEvent),
    /// Tencent Cloud VOD.
    TencentVod(TencentEvent),
    /// Mux.
    Mux(MuxEvent),
    /// Cloudflare Stream.
    CloudflareStream(StreamEvent),
    /// Volcengine (BytePlus) VOD.
    VolcengineVod(VolcEvent),
}

#[cfg(feature = "typed")]
impl EventData {
    /// Whether the typed body is of a known type (as [`Event::is_known`] says).
    pub fn is_known(&self) -> bool {
        match self {
            EventData::AlibabaIms(e) => e.message_body.is_known(),
            EventData::AlibabaVod(e) => e.body.is_known(),
            EventData::AlibabaLive(e) => e.body.is_known(),
            EventData::TencentVod(e) => e.is_known(),
            EventData::Mux(e) => e.data.is_known(),
            EventData::CloudflareStream(e) => e.body.is_known(),
            EventData::VolcengineVod(e) => e.data.is_known(),
        }
    }
}

impl Event {
    /// Whether mediahook knows this event's type (unknown types keep their body as sent).
    pub fn is_known(&self) -> bool {
        self.known
    }

    /// The normalised JSON.
    pub fn to_json(&self) -> String {
        self.json.clone()
    }

    /// The normalised JSON, borrowed.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    /// The normalised JSON, taken.
    pub fn into_json(self) -> String {
        self.json
    }

    /// The normalised `data` member alone.
    pub fn data_json(&self) -> &str {
        &self.json[self.data_range.clone()]
    }

    /// `data` read into typed structs (unknown types as `Unknown` bodies; feature `typed`).
    #[cfg(feature = "typed")]
    pub fn data(&self) -> EventData {
        let json = self.data_json();
        let value = || serde_json::from_str(json).unwrap_or(Value::Null);
        let t = self.event_type.as_str();
        match self.provider {
            Provider::AlibabaIms => EventData::AlibabaIms(ImsEvent::from_normalised(t, value())),
            Provider::AlibabaVod => EventData::AlibabaVod(VodEvent::from_normalised(t, value())),
            Provider::AlibabaLive => EventData::AlibabaLive(LiveEvent::from_normalised(t, value())),
            Provider::TencentVod => EventData::TencentVod(TencentEvent::from_normalised(t, json)),
            Provider::Mux => EventData::Mux(MuxEvent::from_normalised(t, value())),
            Provider::CloudflareStream => EventData::CloudflareStream(StreamEvent::from_normalised(t, value())),
            Provider::VolcengineVod => EventData::VolcengineVod(VolcEvent::from_normalised(t, value())),
        }
    }
}

/// Writes the normalised JSON as it is (key order and numbers as [`Event::as_json`] has them);
/// serde_json's own serializer takes it verbatim.
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.json.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    /// Reads the normalised form back (the id is kept, not recomputed; `data` is read again).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        struct In {
            id: String,
            provider: String,
            #[serde(rename = "type")]
            event_type: String,
            time: Option<String>,
            data: Box<serde_json::value::RawValue>,
        }
        let raw = In::deserialize(d)?;
        let provider: Provider = raw.provider.parse().map_err(D::Error::custom)?;
        let mut event = parse_text(provider, raw.data.get(), None).map_err(D::Error::custom)?;
        if event.event_type != raw.event_type || event.time != raw.time {
            return Err(D::Error::custom(format!(
                "type {:?} and time {:?} do not match the data's {:?} and {:?}",
                raw.event_type, raw.time, event.event_type, event.time
            )));
        }
        // The envelope starts `{"id":"<35 characters>",`: put the given id there.
        let rest = envelope::ID_AT.end + 2;
        let head = format!("{{\"id\":{},", serde_json::to_string(&raw.id).map_err(D::Error::custom)?);
        event.json = format!("{head}{}", &event.json[rest..]);
        event.data_range = event.data_range.start - rest + head.len()..event.data_range.end - rest + head.len();
        event.id = raw.id;
        Ok(event)
    }
}

/// Parse a callback body (for Live GET callbacks: the URL's query) into an [`Event`].
///
/// Malformed JSON is `malformed_json`; a known event missing a required field, or with a field
/// of an impossible type, is `invalid_event` with the JSON path; an unknown event type keeps
/// its JSON as sent.
pub fn parse_event(provider: Provider, body: &[u8], url: &str) -> Result<Event, Error> {
    // A Live GET callback has no body: its fields are the URL's query.
    if is_query_callback(provider, body) {
        return parse_text(provider, &query_json(url), None);
    }
    let text = body_text(body)?;
    parse_text(provider, text, identifying(provider, body, text).as_deref())
}

/// What an event's id hashes: the body as sent (a retry resends it byte for byte); for Mux the
/// event's own `id` (its retries differ in `attempts`); `None` for Tencent, whose per-delivery
/// Sign and T may change: there, the normalised data without them.
fn identifying<'a>(provider: Provider, body: &'a [u8], text: &str) -> Option<std::borrow::Cow<'a, [u8]>> {
    match provider {
        Provider::TencentVod => None,
        // Without an id the event is invalid (the walk says so); the body stands in.
        Provider::Mux => Some(mux_identity(text).map_or(std::borrow::Cow::Borrowed(body), std::borrow::Cow::Owned)),
        _ => Some(std::borrow::Cow::Borrowed(body)),
    }
}

/// What a Mux event's id hashes: its own `id` member, under a marker.
fn mux_identity(text: &str) -> Option<Vec<u8>> {
    let id = crate::json::member_at(text, &[mux::ID_FIELD])?.string()?;
    let mut marked = b"mux-id\0".to_vec();
    marked.extend_from_slice(id.as_bytes());
    Some(marked)
}

/// The normalised event JSON without its `id` member, written into `out` (for callers that
/// compute the id only when it is asked for: the hash is a third of the work).
pub fn normalise_without_id(provider: Provider, body: &[u8], url: &str, out: &mut Vec<u8>) -> Result<(), Error> {
    out.clear();
    let query;
    let text = if is_query_callback(provider, body) {
        query = query_json(url);
        &query
    } else {
        body_text(body)?
    };
    envelope::walk_event(provider, text, false, out).map(|_| ())
}

/// A Live GET callback has no body: its fields are the URL's query.
fn is_query_callback(provider: Provider, body: &[u8]) -> bool {
    provider == Provider::AlibabaLive && body.iter().all(u8::is_ascii_whitespace)
}

fn query_json(url: &str) -> String {
    alibaba_live::query_object(url).to_string()
}

/// The body as UTF-8 text, less a byte-order mark.
fn body_text(body: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(without_bom(body))
        .map_err(|e| Error::MalformedJson { detail: format!("invalid UTF-8 at byte {}", e.valid_up_to()) })
}

/// The id [`parse_event`] gives this callback, without the typed parse where the id is the
/// body's hash (Alibaba, Cloudflare and Volcengine POSTs) or Mux's `id` member (read alone);
/// Tencent's and Live GETs' ids come from the normalised data.
pub fn event_id_of(provider: Provider, body: &[u8], url: &str) -> Result<String, Error> {
    if provider == Provider::Mux {
        if let Some(marked) = mux_identity(body_text(body)?) {
            return Ok(event_id(provider, &marked));
        }
    }
    if matches!(provider, Provider::TencentVod | Provider::Mux) || is_query_callback(provider, body) {
        return parse_event(provider, body, url).map(|e| e.id);
    }
    Ok(event_id(provider, body))
}

/// Walk a JSON text; the id is that of `id_from`, else of the normalised data.
fn parse_text(provider: Provider, text: &str, id_from: Option<&[u8]>) -> Result<Event, Error> {
    let mut out = Vec::with_capacity(text.len() + 160);
    let walked = envelope::walk_event(provider, text, true, &mut out)?;
    let id = event_id(provider, id_from.unwrap_or(&out[walked.data.clone()]));
    out[envelope::ID_AT].copy_from_slice(id.as_bytes());
    let json = String::from_utf8(out).map_err(|e| Error::MalformedJson { detail: e.to_string() })?;
    Ok(Event {
        id,
        provider,
        event_type: walked.event_type,
        time: walked.time,
        known: walked.known,
        json,
        data_range: walked.data,
    })
}

/// A verified callback that cannot be typed (its body fails its schema), in the normalised
/// envelope so that it can still be kept and delivered: `{id, provider, type, time: null,
/// data: <the JSON as sent, minified, less Tencent's Sign/T>, invalid: <why>}`. Returns the id,
/// the type as the body names it (or `unknown`) and the JSON. Fails only on malformed JSON.
///
/// The id is not the one a valid event would get: it hashes the data under its own marker, so
/// that a kept body can never pre-claim (as a duplicate) a valid event sent later.
pub fn untyped_event(
    provider: Provider,
    body: &[u8],
    url: &str,
    why: &Error,
) -> Result<(String, String, Vec<u8>), Error> {
    let query;
    let text = if is_query_callback(provider, body) {
        query = query_json(url);
        &query
    } else {
        body_text(body)?
    };
    let malformed = |f: crate::json::Failure| Error::MalformedJson { detail: f.detail() };
    let mut data = Vec::with_capacity(text.len());
    let mut event_type = None;
    // The members that name a type (Stream's bodies name none).
    let type_keys: &[&str] = match provider {
        Provider::Mux => &[mux::TYPE_FIELD],
        Provider::CloudflareStream => &[],
        _ => &["EventType", "eventType", "action", "event"],
    };
    // Written one level down in the envelope, as the walker's output is.
    let mut reader = crate::json::Reader::nested(text, 1);
    reader.ws();
    if reader.peek() == Some(b'{') {
        // An object: its members as sent (minified), less Tencent's per-delivery Sign/T.
        let mut joint = reader.begin_object().map_err(malformed)?;
        data.push(b'{');
        while let Some(key) = reader.next_key(&mut joint).map_err(malformed)? {
            let name = reader.decode(key);
            if provider == Provider::TencentVod && (name == SIGN_FIELD || name == T_FIELD) {
                reader.skip().map_err(malformed)?;
                continue;
            }
            if data.len() > 1 {
                data.push(b',');
            }
            data.extend_from_slice(reader.raw(key));
            data.push(b':');
            let value = data.len();
            reader.copy(&mut data).map_err(malformed)?;
            if event_type.is_none() && type_keys.contains(&&*name) {
                let copied = std::str::from_utf8(&data[value..]).unwrap_or_default();
                event_type = crate::json::Reader::new(copied).decoded_string().ok().map(std::borrow::Cow::into_owned);
            }
        }
        data.push(b'}');
    } else {
        reader.copy(&mut data).map_err(malformed)?;
    }
    reader.end().map_err(malformed)?;
    let mut marked = b"invalid\0".to_vec();
    marked.extend_from_slice(&data);
    let id = event_id(provider, &marked);
    let event_type = event_type.unwrap_or_else(|| "unknown".to_owned());
    let mut out = Vec::with_capacity(data.len() + 200);
    out.extend_from_slice(b"{\"id\":\"");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b"\",\"provider\":\"");
    out.extend_from_slice(provider.id().as_bytes());
    out.extend_from_slice(b"\",\"type\":");
    crate::json::write_str(&mut out, &event_type);
    out.extend_from_slice(b",\"time\":null,\"data\":");
    out.extend_from_slice(&data);
    out.extend_from_slice(b",\"invalid\":");
    crate::json::write_str(&mut out, &why.to_string());
    out.push(b'}');
    Ok((id, event_type, out))
}

/// A JSON object's members (empty for anything else).
#[cfg(feature = "typed")]
fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// Remove a member (null when absent).
#[cfg(feature = "typed")]
fn take(m: &mut serde_json::Map<String, Value>, key: &str) -> Value {
    m.remove(key).unwrap_or(Value::Null)
}

/// Remove a string member ("" when absent).
#[cfg(feature = "typed")]
fn take_string(m: &mut serde_json::Map<String, Value>, key: &str) -> String {
    match m.remove(key) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `mh_` + the first 16 bytes of SHA-256(provider id, 0, the identifying bytes), in hex.
pub(crate) fn event_id(provider: Provider, identifying: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(provider.id().as_bytes());
    h.update([0u8]);
    h.update(identifying);
    format!("mh_{}", to_hex(&h.finalize()[..16]))
}

/// `yyyy-MM-ddTHH:mm:ssZ`, also with `:SSS` or `.SSS` milliseconds, to RFC 3339; `None` when it
/// is not such a time (the original stays in `data`).
pub(crate) fn normalise_time(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let base_ok = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !base_ok {
        return None;
    }
    match &t[19..] {
        "Z" => Some(t.to_owned()),
        rest if (rest.starts_with(':') || rest.starts_with('.')) && rest.ends_with('Z') && rest.len() > 2 => {
            let frac = &rest[1..rest.len() - 1];
            frac.bytes().all(|c| c.is_ascii_digit()).then(|| format!("{}.{frac}Z", &t[..19]))
        }
        _ => None,
    }
}

/// UNIX seconds to RFC 3339 UTC (days-from-civil, Howard Hinnant's algorithm).
pub(crate) fn unix_to_rfc3339(secs: i64) -> Option<String> {
    if !(0..=253_402_300_799).contains(&secs) {
        return None;
    }
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60))
}

/// Every known event type of a provider.
pub fn known_event_types(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::AlibabaIms => ImsBody::EVENT_TYPES,
        Provider::AlibabaVod => VodBody::EVENT_TYPES,
        Provider::AlibabaLive => LiveBody::EVENT_TYPES,
        Provider::TencentVod => TencentBody::EVENT_TYPES,
        Provider::Mux => MuxBody::EVENT_TYPES,
        Provider::CloudflareStream => StreamBody::EVENT_TYPES,
        Provider::VolcengineVod => VolcBody::EVENT_TYPES,
    }
}
