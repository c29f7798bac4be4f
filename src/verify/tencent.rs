//! Tencent Cloud VOD: `Sign` = md5hex(SignKey + decimal `T`), `T` = UNIX time at which the
//! notification expires (10 minutes after sending by default).
//!
//! Where `Sign` and `T` travel is not shown by any official sample: top-level fields of the
//! JSON body are read first, URL query parameters `sign` and `t` second.

use super::digest::{digest_eq, md5_of, parse_md5_hex, parse_timestamp, to_hex, Md5Digest};
use super::request::{CallbackRequest, Lookup};
use super::{Match, Policy};
use crate::error::Error;
use crate::json::{members, without_bom, Member, Reader};

/// The body field (and, lower-cased, the query parameter) holding the signature.
pub(crate) const SIGN_FIELD: &str = "Sign";
/// The body field (and, lower-cased, the query parameter) holding the expiry time.
pub(crate) const T_FIELD: &str = "T";

/// `Sign` and `T` as found, with `T` as signed (decimal text) and as a number.
struct Credentials {
    signature: Md5Digest,
    t_text: String,
    t: u64,
}

pub(crate) fn verify(policy: &Policy, req: &CallbackRequest<'_>, now: u64) -> Result<Match, Error> {
    let creds = credentials(req)?;
    let key_index = policy
        .keys
        .iter()
        .position(|key| digest_eq(&tencent_digest(key.as_bytes(), &creds.t_text), &creds.signature))
        .ok_or_else(|| Error::SignatureMismatch { keys: policy.keys.len(), subjects: "T".into() })?;

    let (skew, lifetime) = (policy.skew_seconds, policy.max_lifetime_seconds);
    if now > creds.t.saturating_add(skew) {
        return Err(Error::Expired { ago: now - creds.t, skew });
    }
    // T is signed, so a far-future T comes from the provider (or a leaked key); bound it anyway
    // so one captured callback cannot be replayed for days.
    let allowed = lifetime.saturating_add(skew);
    if creds.t > now && creds.t - now > allowed {
        return Err(Error::TimestampInFuture { ahead: creds.t - now, allowed });
    }
    Ok(Match { key_index, timestamp: creds.t, subject: None })
}

fn tencent_digest(key: &[u8], t_text: &str) -> Md5Digest {
    md5_of(&[key, t_text.as_bytes()])
}

/// Body fields first; the query only when the body carries neither.
fn credentials(req: &CallbackRequest<'_>) -> Result<Credentials, Error> {
    let body = without_bom(req.body);
    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if is_object {
        // The whole body is checked as JSON while the two top-level fields are read (one pass).
        let [sign, t] = body_fields(body_text(body)?)?;
        if sign.is_some() || t.is_some() {
            return from_body(sign, t);
        }
        // An object the auth fields cannot be read from (e.g. `Sign` twice) was refused above:
        // the query is only for bodies that carry neither field, never a fallback from ambiguity.
    }
    let sign = req.query_value("sign");
    if matches!(sign, Lookup::Absent) {
        // In neither place: a body that is not JSON at all says so first.
        let not_json = (!is_object).then(|| {
            body_text(body).and_then(|t| Reader::check(t).map_err(|f| Error::MalformedJson { detail: f.detail() }))
        });
        return Err(match not_json {
            Some(Err(e)) => e,
            _ => Error::MissingSignature { field: SIGN_FIELD },
        });
    }
    from_query(sign, req.query_value("t"))
}

fn body_text(body: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(body).map_err(invalid_utf8)
}

fn invalid_utf8(e: std::str::Utf8Error) -> Error {
    Error::MalformedJson { detail: format!("invalid UTF-8 at byte {}", e.valid_up_to()) }
}

/// `Sign` and `T` among the body's top-level members (`None` when absent or null), the whole
/// text checked on the way. A key given twice (however it is escaped) is ambiguous.
fn body_fields(text: &str) -> Result<[Option<Member<'_>>; 2], Error> {
    let mut found = [None, None];
    let mut seen = [false, false];
    for member in members(text) {
        let m = member.map_err(|f| Error::MalformedJson { detail: f.detail() })?;
        let key = m.key();
        let Some(i) = [SIGN_FIELD, T_FIELD].iter().position(|k| *k == key) else { continue };
        if seen[i] {
            return Err(Error::MalformedJson { detail: format!("duplicate field `{key}`") });
        }
        seen[i] = true;
        found[i] = (!m.is_null()).then_some(m);
    }
    Ok(found)
}

fn from_body(sign: Option<Member<'_>>, t: Option<Member<'_>>) -> Result<Credentials, Error> {
    let signature = match sign {
        None => return Err(Error::MissingSignature { field: SIGN_FIELD }),
        Some(m) => match m.string() {
            Some(s) => parse_md5_hex(&s).map_err(malformed_sign)?,
            None => return Err(malformed_sign("expected a string")),
        },
    };
    let t_text = match t {
        None => return Err(Error::MissingTimestamp { field: T_FIELD }),
        Some(m) => match m.string() {
            // T is signed as sent, so a string with spaces around the digits is not trimmed
            // into another value: refused.
            Some(s) if s.trim_matches([' ', '\t']).len() != s.len() => {
                return Err(malformed_t("it has spaces around the digits"))
            }
            Some(s) => s.into_owned(),
            // A JSON number of digits only (no sign, fraction or exponent) that fits in 64 bits.
            None if m.value.bytes().all(|b| b.is_ascii_digit()) && m.value.parse::<u64>().is_ok() => m.value.to_owned(),
            _ => return Err(malformed_t("expected a non-negative integer")),
        },
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
/// The two fields are put first and the rest of the body kept as sent; a `Sign` or `T` the
/// body already carries is left out (the rest of the members are then copied as written).
pub(crate) fn sign_body(body: &[u8], key: &[u8], t: u64) -> Result<Vec<u8>, Error> {
    let t_text = t.to_string();
    let sign = to_hex(&tencent_digest(key, &t_text));
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}" as &[u8] } else { body };
    let not_object =
        |detail: String| Error::MalformedJson { detail: format!("a tencent-vod body must be a JSON object: {detail}") };
    let text = std::str::from_utf8(body).map_err(|e| not_object(invalid_utf8(e).to_string()))?;
    let members: Vec<Member<'_>> = members(text).collect::<Result<_, _>>().map_err(|f| not_object(f.detail()))?;
    let fields = format!("\"{SIGN_FIELD}\":\"{sign}\",\"{T_FIELD}\":{t_text}");
    let ours = |m: &Member<'_>| m.key() == SIGN_FIELD || m.key() == T_FIELD;
    let mut out = Vec::with_capacity(body.len() + fields.len() + 1);
    let open = text.find('{').unwrap_or(0);
    if members.iter().any(ours) {
        out.extend_from_slice(b"{");
        out.extend_from_slice(fields.as_bytes());
        for m in members.iter().filter(|m| !ours(m)) {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(m.raw_key().as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(m.value.as_bytes());
        }
        out.extend_from_slice(b"}");
        return Ok(out);
    }
    out.extend_from_slice(&body[..=open]);
    out.extend_from_slice(fields.as_bytes());
    if !members.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(&body[open + 1..]);
    Ok(out)
}
