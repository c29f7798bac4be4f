//! Tencent Cloud VOD: `Sign` = md5hex(SignKey + decimal `T`), `T` = UNIX time at which the
//! notification expires (10 minutes after sending by default).
//!
//! Where `Sign` and `T` travel is not shown by any official sample: top-level fields of the
//! JSON body are read first, URL query parameters `sign` and `t` second.

use serde_json::Value;

use super::Match;
use crate::error::Error;
pub(crate) use crate::events::tencent_vod::{SIGN_FIELD, T_FIELD};
use crate::request::{CallbackRequest, Lookup};
use crate::verifier::Verifier;
use crate::wire::{digest_eq, md5_of, parse_md5_hex, parse_timestamp, to_hex, without_bom, Md5Digest};

/// `Sign` and `T` as found, with `T` as signed (decimal text) and as a number.
struct Credentials {
    signature: Md5Digest,
    t_text: String,
    t: u64,
}

pub(crate) fn verify(v: &Verifier, req: &CallbackRequest<'_>, now: u64) -> Result<Match, Error> {
    let creds = credentials(req)?;
    let key_index = v
        .keys()
        .iter()
        .position(|key| digest_eq(&tencent_digest(key.as_bytes(), &creds.t_text), &creds.signature))
        .ok_or_else(|| Error::SignatureMismatch { keys: v.keys().len(), subjects: "T".into() })?;

    let (skew, lifetime) = (v.skew_seconds(), v.max_lifetime_seconds());
    if now > creds.t.saturating_add(skew) {
        return Err(Error::Expired { ago: now - creds.t, skew });
    }
    // T is signed, so a far-future T comes from the provider (or a leaked key); bound it anyway
    // so one captured callback cannot be replayed for days.
    let allowed = lifetime.saturating_add(skew);
    if creds.t > now && creds.t - now > allowed {
        return Err(Error::TimestampInFuture { ahead: creds.t - now, allowed });
    }
    Ok(Match { key_index, timestamp: creds.t, signed_subject: None })
}

fn tencent_digest(key: &[u8], t_text: &str) -> Md5Digest {
    md5_of(&[key, t_text.as_bytes()])
}

/// Body fields first; the query only when the body carries neither.
fn credentials(req: &CallbackRequest<'_>) -> Result<Credentials, Error> {
    // The whole body is checked as JSON while the two top-level fields are read (one pass).
    let body = without_bom(req.body);
    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let body_auth = is_object.then(|| crate::events::top_level_fields(body, [SIGN_FIELD, T_FIELD]));
    let body_is_json_object = match body_auth {
        Some(Ok([None, None])) => true,
        Some(Ok([sign, t])) => return from_body(sign, t),
        // An object the auth fields cannot be read from (e.g. `Sign` twice) is refused: the
        // query is only for bodies that carry neither field, never a fallback from ambiguity.
        Some(Err(e)) => return Err(e),
        None => false,
    };
    let sign = req.query_value("sign");
    if matches!(sign, Lookup::Absent) {
        let json_error =
            if body_is_json_object { None } else { serde_json::from_slice::<serde::de::IgnoredAny>(body).err() };
        return Err(match json_error {
            Some(e) => Error::MalformedJson { detail: e.to_string() },
            None => Error::MissingSignature { field: SIGN_FIELD },
        });
    }
    from_query(sign, req.query_value("t"))
}

fn from_body(sign: Option<Value>, t: Option<Value>) -> Result<Credentials, Error> {
    let signature = match sign {
        None => return Err(Error::MissingSignature { field: SIGN_FIELD }),
        Some(Value::String(s)) => parse_md5_hex(&s).map_err(malformed_sign)?,
        Some(_) => return Err(malformed_sign("expected a string")),
    };
    let t_text = match t {
        None => return Err(Error::MissingTimestamp { field: T_FIELD }),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        // T is signed as sent, so a string with spaces around the digits is not trimmed into
        // another value: refused.
        Some(Value::String(s)) if s.trim_matches([' ', '\t']).len() != s.len() => {
            return Err(malformed_t("it has spaces around the digits"))
        }
        Some(Value::String(s)) => s,
        Some(_) => return Err(malformed_t("expected a non-negative integer")),
    };
    let t = parse_timestamp(&t_text).map_err(malformed_t)?;
    Ok(Credentials { signature, t_text: t.text.to_owned(), t: t.value as u64 })
}

fn from_query(sign: Lookup<'_>, t: Lookup<'_>) -> Result<Credentials, Error> {
    let signature = match sign {
        Lookup::Absent => return Err(Error::MissingSignature { field: SIGN_FIELD }),
        Lookup::Repeated => return Err(malformed_sign("it was sent more than once")),
        Lookup::One(s) => parse_md5_hex(s).map_err(malformed_sign)?,
    };
    let t = match t {
        Lookup::Absent => return Err(Error::MissingTimestamp { field: T_FIELD }),
        Lookup::Repeated => return Err(malformed_t("it was sent more than once")),
        Lookup::One(s) => parse_timestamp(s).map_err(malformed_t)?,
    };
    Ok(Credentials { signature, t_text: t.text.to_owned(), t: t.value as u64 })
}

fn malformed_sign(reason: &'static str) -> Error {
    Error::MalformedSignature { field: SIGN_FIELD, reason }
}

fn malformed_t(reason: &'static str) -> Error {
    Error::MalformedTimestamp { field: T_FIELD, reason }
}

/// The body with `Sign` and `T` set as top-level fields, as Tencent would send it.
///
/// The original bytes are kept and the two fields put first; only when the body already
/// carries `Sign` or `T` is it re-serialised to replace them.
pub(crate) fn sign_body(body: &[u8], key: &[u8], t: u64) -> Result<Vec<u8>, Error> {
    let t_text = t.to_string();
    let sign = to_hex(&tencent_digest(key, &t_text));
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}" as &[u8] } else { body };
    let mut map: serde_json::Map<String, Value> = serde_json::from_slice(body)
        .map_err(|e| Error::MalformedJson { detail: format!("a tencent-vod body must be a JSON object: {e}") })?;
    let fields = format!("\"{SIGN_FIELD}\":\"{sign}\",\"{T_FIELD}\":{t_text}");
    if map.contains_key(SIGN_FIELD) || map.contains_key(T_FIELD) {
        map.insert(SIGN_FIELD.into(), Value::String(sign));
        map.insert(T_FIELD.into(), Value::Number(t.into()));
        return Ok(serde_json::to_vec(&map).expect("a JSON map serialises"));
    }
    let open = body.iter().position(|&b| b == b'{').expect("a JSON object starts with {");
    let mut out = Vec::with_capacity(body.len() + fields.len() + 1);
    out.extend_from_slice(&body[..=open]);
    out.extend_from_slice(fields.as_bytes());
    if !map.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(&body[open + 1..]);
    Ok(out)
}
