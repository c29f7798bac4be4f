//! The timed HMAC scheme of Mux and Cloudflare Stream: one header holding the send time and one
//! or more signatures, `<time>=<ts>,<signature>=<hex>[,...]` (`t`/`v1` for Mux, `time`/`sig1`
//! for Cloudflare), each signature `hex(HMAC-SHA256(secret, "<ts>.<body>"))`. The body is
//! signed, so a captured signature cannot carry another body. `|now - ts| <= tolerance`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::digest::{digest_eq, parse_hex, parse_timestamp, to_hex, Timestamp};
use super::request::{CallbackRequest, Lookup};
use super::{check_window, Match, Policy};
use crate::error::Error;
use crate::provider::{ProviderSpec, Scheme};

type Digest = [u8; 32];

/// The most signatures read from one header (key rotation needs two; more is not a provider).
const MAX_SIGNATURES: usize = 8;

/// The header's time and the signatures of the scheme's version, as sent.
pub(crate) struct Parsed<'a> {
    ts: Timestamp<'a>,
    signatures: Vec<Digest>,
}

/// The scheme's names: the header, the time's and the signatures' names in it.
fn names(spec: &ProviderSpec) -> (&'static str, &'static str, &'static str) {
    let header = spec.signature_header().unwrap_or_default();
    match spec.scheme {
        Scheme::TimedHmac { time, signature } => (header, time, signature),
        _ => (header, "t", "v1"),
    }
}

pub(crate) fn verify(
    spec: &ProviderSpec,
    policy: &Policy,
    req: &CallbackRequest<'_>,
    now: u64,
) -> Result<Match, Error> {
    let Parsed { ts, signatures } = read_header(spec, req)?;
    let key_index = policy
        .keys
        .iter()
        .position(|key| {
            let expected = digest(key.as_bytes(), ts.text, req.body);
            // Every candidate is compared, so the time taken does not tell which one matched.
            signatures.iter().fold(false, |hit, s| digest_eq(&expected, s) | hit)
        })
        .ok_or_else(|| Error::SignatureMismatch { keys: policy.keys.len(), subjects: "the body".into() })?;
    check_window(ts.value as u64, now, policy.tolerance_seconds)?;
    Ok(Match { key_index, timestamp: ts.value as u64, subject: None })
}

/// The signature header, present once and well formed.
pub(crate) fn read_header<'a>(spec: &ProviderSpec, req: &CallbackRequest<'a>) -> Result<Parsed<'a>, Error> {
    let (header, time_name, signature_name) = names(spec);
    let value = match req.header_value(header) {
        Lookup::Absent => return Err(Error::MissingSignature { field: header }),
        Lookup::Repeated => {
            return Err(Error::MalformedSignature { field: header, reason: "it was sent more than once" })
        }
        Lookup::One(v) => v,
    };
    parse(header, time_name, signature_name, value)
}

/// Read `t=…,v1=…` (names per scheme). One time; every signature of the scheme's name that is
/// 64 hex digits (others, and other versions such as `v0`, are skipped as the providers' SDKs
/// skip them); at least one.
fn parse<'a>(header: &'static str, time_name: &str, signature_name: &str, value: &'a str) -> Result<Parsed<'a>, Error> {
    let mut ts = None;
    let mut signatures = Vec::new();
    let mut named = 0;
    for part in value.split(',') {
        let Some((name, v)) = part.split_once('=') else { continue };
        let name = name.trim_matches([' ', '\t']);
        if name == time_name {
            if ts.is_some() {
                return Err(Error::MalformedTimestamp { field: header, reason: "it was sent more than once" });
            }
            ts = Some(parse_timestamp(v).map_err(|reason| Error::MalformedTimestamp { field: header, reason })?);
        } else if name == signature_name {
            named += 1;
            if let (Ok(d), true) = (parse_hex::<32>(v), signatures.len() < MAX_SIGNATURES) {
                signatures.push(d);
            }
        }
    }
    let ts = ts.ok_or(Error::MissingTimestamp { field: header })?;
    if named == 0 {
        return Err(Error::MissingSignature { field: header });
    }
    if signatures.is_empty() {
        return Err(Error::MalformedSignature { field: header, reason: "expected 64 hexadecimal characters" });
    }
    Ok(Parsed { ts, signatures })
}

fn digest(key: &[u8], ts: &str, body: &[u8]) -> Digest {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The header the provider would send for `body` at `timestamp`.
pub(crate) fn sign_header(spec: &ProviderSpec, timestamp: u64, key: &[u8], body: &[u8]) -> (String, String) {
    let (header, time_name, signature_name) = names(spec);
    let ts = timestamp.to_string();
    (header.to_owned(), format!("{time_name}={ts},{signature_name}={}", to_hex(&digest(key, &ts, body))))
}
