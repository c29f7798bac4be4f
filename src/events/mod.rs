//! Typed events. A verified body becomes an [`Event`]: `{id, provider, type, time, data}`, where
//! `data` is the provider's object with every known field typed and normalised, and every
//! unknown field kept as sent. [`Event`] serialises to the one normalised JSON form the worker
//! forwards and JS receives, and parses back from it unchanged.
//!
//! Normalisation, everywhere: numbers sent as strings become numbers; 64-bit IDs become decimal
//! strings ([`Id64`]); JSON documents sent inside strings become `{"raw", "json"}`
//! ([`Embedded`]); keys with stray spaces are trimmed; alternative names (`FileURL`) take the
//! documented one (`FileUrl`); unknown status values are kept.

pub mod alibaba_ims;
pub mod alibaba_live;
pub mod alibaba_vod;
pub mod docs;
mod envelope;
mod family;
pub mod loose;
pub mod record;
pub mod tencent_vod;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub use alibaba_ims::{ImsBody, ImsEvent};
pub use alibaba_live::{LiveBody, LiveEvent};
pub use alibaba_vod::{VodBody, VodEvent};
pub use loose::{Embedded, Id64};
pub use record::{FieldDoc, Record, RecordDoc};
pub use tencent_vod::{TencentBody, TencentEvent};

use crate::error::Error;
use crate::provider::Provider;
use crate::wire::to_hex;

/// A parsed callback in mediahook's normalised form.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// `mh_` + 32 hex digits, derived from the provider and the body as sent (less Tencent's
    /// per-delivery `Sign`/`T`): a provider's retries of one callback carry the same id.
    pub id: String,
    /// Who sent it.
    pub provider: Provider,
    /// The provider's event type, e.g. `ProduceMediaComplete` (for Live stream callbacks the
    /// `action`, e.g. `publish`).
    pub event_type: String,
    /// When the event happened, RFC 3339 in UTC, when the provider says.
    pub time: Option<String>,
    /// The typed content.
    pub data: EventData,
}

/// The typed content of an event, per provider.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
// Built once per callback and moved, not copied around: boxing the large variant would only
// add an allocation (and change the public type).
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
}

impl EventData {
    /// Whether mediahook knows this event's type (unknown types parse as `Unknown` bodies).
    pub fn is_known(&self) -> bool {
        match self {
            EventData::AlibabaIms(e) => e.message_body.is_known(),
            EventData::AlibabaVod(e) => e.body.is_known(),
            EventData::AlibabaLive(e) => e.body.is_known(),
            EventData::TencentVod(e) => e.is_known(),
        }
    }
}

impl Serialize for EventData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EventData::AlibabaIms(e) => e.serialize(s),
            EventData::AlibabaVod(e) => e.serialize(s),
            EventData::AlibabaLive(e) => e.serialize(s),
            EventData::TencentVod(e) => e.serialize(s),
        }
    }
}

impl Event {
    /// Whether mediahook knows this event's type.
    pub fn is_known(&self) -> bool {
        self.data.is_known()
    }

    /// The normalised JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an event serialises")
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            id: &'a str,
            provider: &'static str,
            #[serde(rename = "type")]
            event_type: &'a str,
            time: &'a Option<String>,
            data: &'a EventData,
        }
        Out {
            id: &self.id,
            provider: self.provider.id(),
            event_type: &self.event_type,
            time: &self.time,
            data: &self.data,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    /// Reads the normalised form back (the id is kept, not recomputed).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        struct In {
            id: String,
            provider: String,
            #[serde(rename = "type")]
            event_type: String,
            time: Option<String>,
            data: Value,
        }
        let raw = In::deserialize(d)?;
        let provider: Provider = raw.provider.parse().map_err(D::Error::custom)?;
        let (event_type, time, data) = parse_data(provider, raw.data).map_err(D::Error::custom)?;
        if event_type != raw.event_type {
            return Err(D::Error::custom(format!(
                "type {:?} does not match the data's {event_type:?}",
                raw.event_type
            )));
        }
        Ok(Event { id: raw.id, provider, event_type, time: raw.time.or(time), data })
    }
}

/// Parse a callback body (for Live GET callbacks: the URL's query) into an [`Event`].
///
/// Malformed JSON is `malformed_json`; a known event missing a required field, or with a field
/// of an impossible type, is `invalid_event` with the JSON path; an unknown event type parses
/// to an `Unknown` body that still carries the JSON.
pub fn parse_event(provider: Provider, body: &[u8], url: &str) -> Result<Event, Error> {
    let (value, id) = read_body(provider, body, url)?;
    let (event_type, time, data) = parse_data(provider, value)?;
    Ok(Event { id, provider, event_type, time, data })
}

/// The JSON of a callback (the body, or a Live GET's query) and its event id.
fn read_body(provider: Provider, body: &[u8], url: &str) -> Result<(Value, String), Error> {
    // A Live GET callback has no body: its fields are the URL's query.
    let from_query = provider == Provider::AlibabaLive && body.iter().all(u8::is_ascii_whitespace);
    let value = if from_query {
        alibaba_live::query_object(url)
    } else {
        serde_json::from_slice::<Value>(crate::wire::without_bom(body))
            .map_err(|e| Error::MalformedJson { detail: e.to_string() })?
    };
    // The id hashes what identifies one delivery's content: the body as sent (a retry resends
    // it byte for byte), except where parts change per delivery or there is no body.
    let canonical;
    let id_source: &[u8] = match (&value, provider) {
        // Tencent's Sign and T may change between deliveries of one event.
        (Value::Object(map), Provider::TencentVod) => {
            let mut map = map.clone();
            map.remove(tencent_vod::SIGN_FIELD);
            map.remove(tencent_vod::T_FIELD);
            canonical = serde_json::to_vec(&map).expect("a JSON map serialises");
            &canonical
        }
        _ if from_query => {
            canonical = serde_json::to_vec(&value).expect("a JSON value serialises");
            &canonical
        }
        _ => body,
    };
    Ok((value, event_id(provider, id_source)))
}

/// A verified callback that cannot be typed (its body fails its schema), in the normalised
/// envelope so that it can still be kept and delivered: `{id, provider, type, time: null,
/// data: <the JSON as sent, less Tencent's Sign/T>, invalid: <why>}`. Returns the id, the
/// type as the body names it (or `unknown`) and the JSON. Fails only on malformed JSON.
pub fn untyped_event(
    provider: Provider,
    body: &[u8],
    url: &str,
    why: &Error,
) -> Result<(String, String, Vec<u8>), Error> {
    let (mut value, id) = read_body(provider, body, url)?;
    if let (Value::Object(map), Provider::TencentVod) = (&mut value, provider) {
        map.remove(tencent_vod::SIGN_FIELD);
        map.remove(tencent_vod::T_FIELD);
    }
    let event_type = ["EventType", "action", "event"]
        .iter()
        .find_map(|k| value.get(k).and_then(Value::as_str))
        .unwrap_or("unknown")
        .to_owned();
    let json = serde_json::json!({
        "id": id, "provider": provider.id(), "type": event_type, "time": null, "data": value,
        "invalid": why.to_string(),
    });
    Ok((id, event_type, serde_json::to_vec(&json).expect("JSON serialises")))
}

fn parse_data(provider: Provider, mut value: Value) -> Result<(String, Option<String>, EventData), Error> {
    envelope::clean_keys(&mut value);
    let Value::Object(map) = value else {
        return Err(Error::InvalidEvent { path: "$".into(), detail: "expected a JSON object".into() });
    };
    Ok(match provider {
        Provider::AlibabaIms => {
            let e = ImsEvent::from_map(map)?;
            (e.event_type.clone(), normalise_time(&e.event_time), EventData::AlibabaIms(e))
        }
        Provider::AlibabaVod => {
            let e = VodEvent::from_map(map)?;
            (e.event_type.clone(), normalise_time(&e.event_time), EventData::AlibabaVod(e))
        }
        Provider::AlibabaLive => {
            let e = LiveEvent::from_map(map)?;
            (e.event_type.clone(), e.time(), EventData::AlibabaLive(e))
        }
        Provider::TencentVod => {
            let e = TencentEvent::from_map(map)?;
            (e.event_type().to_owned(), None, EventData::TencentVod(e))
        }
    })
}

/// `mh_` + the first 16 bytes of SHA-256(provider id, 0, the identifying bytes), in hex.
fn event_id(provider: Provider, identifying: &[u8]) -> String {
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

/// Serialise an envelope: its own fields first, then the fields it did not know.
pub(crate) fn write_object<S: Serializer>(
    s: S,
    fields: &[(&str, Value)],
    extra: &Map<String, Value>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(fields.len() + extra.len()))?;
    for (k, v) in fields {
        if !v.is_null() {
            m.serialize_entry(k, v)?;
        }
    }
    for (k, v) in extra {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// A typed body as JSON (for envelopes that list their fields).
pub(crate) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("a typed body serialises")
}

/// Every known event type of a provider.
pub fn known_event_types(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::AlibabaIms => ImsBody::EVENT_TYPES,
        Provider::AlibabaVod => VodBody::EVENT_TYPES,
        Provider::AlibabaLive => LiveBody::EVENT_TYPES,
        Provider::TencentVod => TencentBody::EVENT_TYPES,
    }
}
