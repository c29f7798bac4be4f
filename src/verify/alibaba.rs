//! Alibaba's scheme shared by IMS, VOD and Live: `md5hex("<subject>|<timestamp>|<key>")` in a
//! signature header, the send time in a timestamp header, `|now - ts| <= tolerance`. IMS and
//! VOD sign the callback URL, Live only its host. Volcengine's VOD adds the body:
//! `md5hex("<URL>|<timestamp>|<key>|<base64(body)>")`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::digest::{digest_eq, md5_of, parse_md5_hex, parse_timestamp, to_hex, Md5Digest, Timestamp};
use super::request::{url_host, CallbackRequest, Lookup};
use std::borrow::Cow;

use super::{check_window, Match, Policy, Subject};
use crate::error::Error;
use crate::provider::{ProviderSpec, Scheme};

/// The signature and timestamp headers of a provider (both exist for the Alibaba schemes).
fn headers(spec: &ProviderSpec) -> (&'static str, &'static str) {
    (spec.signature_header().unwrap_or_default(), spec.timestamp_header().unwrap_or_default())
}

pub(crate) fn verify(
    spec: &ProviderSpec,
    policy: &Policy,
    req: &CallbackRequest<'_>,
    now: u64,
) -> Result<Match, Error> {
    let (signature, ts) = read_headers(spec, req)?;
    let signs_host = spec.scheme == Scheme::PipeHost;
    let body = signed_body(spec, req.body);
    // The signed subjects, borrowed: the configured ones, or the request's own URL or host.
    let received =
        if policy.signed_subjects.is_empty() { Some(subject_of_request(signs_host, req.url)?) } else { None };
    let subjects = received.as_ref().map_or(policy.signed_subjects.len(), |_| 1);
    let subject = |i: usize| received.as_deref().unwrap_or_else(|| &policy.signed_subjects[i]);

    let (key_index, si) = policy
        .keys
        .iter()
        .enumerate()
        .flat_map(|(ki, key)| (0..subjects).map(move |si| (ki, key, si)))
        .find(|(_, key, si)| digest_eq(&pipe_digest(subject(*si), ts, key.as_bytes(), body.as_deref()), &signature))
        .map(|(ki, _, si)| (ki, si))
        .ok_or_else(|| Error::SignatureMismatch {
            keys: policy.keys.len(),
            subjects: describe_subjects(subjects, signs_host),
        })?;

    check_window(ts.value as u64, now, policy.tolerance_seconds)?;
    let subject = if received.is_some() { Subject::Received } else { Subject::Configured(si) };
    Ok(Match { key_index, timestamp: ts.value as u64, subject: Some(subject) })
}

/// The signature and the timestamp, present once each and well formed.
pub(crate) fn read_headers<'a>(
    spec: &ProviderSpec,
    req: &CallbackRequest<'a>,
) -> Result<(Md5Digest, Timestamp<'a>), Error> {
    let (signature_header, timestamp_header) = headers(spec);
    let signature = match req.header_value(signature_header) {
        Lookup::Absent => return Err(Error::MissingSignature { field: signature_header }),
        Lookup::Repeated => return Err(repeated_signature(signature_header)),
        Lookup::One(s) => {
            parse_md5_hex(s).map_err(|reason| Error::MalformedSignature { field: signature_header, reason })?
        }
    };
    let ts = match req.header_value(timestamp_header) {
        Lookup::Absent => return Err(Error::MissingTimestamp { field: timestamp_header }),
        Lookup::Repeated => {
            return Err(Error::MalformedTimestamp { field: timestamp_header, reason: "it was sent more than once" })
        }
        Lookup::One(s) => {
            parse_timestamp(s).map_err(|reason| Error::MalformedTimestamp { field: timestamp_header, reason })?
        }
    };
    Ok((signature, ts))
}

/// The subject the request itself names: its URL (IMS, VOD) or host (Live).
pub(crate) fn subject_of_request(signs_host: bool, url: &str) -> Result<Cow<'_, str>, Error> {
    if signs_host {
        url_host(url).map(Cow::Owned).ok_or_else(|| Error::InvalidUrl { reason: "the request URL has no host".into() })
    } else {
        Ok(Cow::Borrowed(url))
    }
}

pub(crate) fn sign_headers(
    spec: &ProviderSpec,
    subject: &str,
    timestamp: u64,
    key: &[u8],
    body: &[u8],
) -> Vec<(String, String)> {
    let (signature_header, timestamp_header) = headers(spec);
    let text = timestamp.to_string();
    let ts = Timestamp { text: &text, value: timestamp as i64 };
    let body = signed_body(spec, body);
    vec![
        (timestamp_header.to_owned(), text.clone()),
        (signature_header.to_owned(), to_hex(&pipe_digest(subject, ts, key, body.as_deref()))),
    ]
}

/// The body as the scheme signs it: base64 (standard, padded) for Volcengine, none otherwise.
fn signed_body(spec: &ProviderSpec, body: &[u8]) -> Option<String> {
    (spec.scheme == Scheme::PipeUrlBody).then(|| STANDARD.encode(body))
}

fn pipe_digest(subject: &str, ts: Timestamp<'_>, key: &[u8], body: Option<&str>) -> [u8; 16] {
    let body = body.map_or([&b""[..], b""], |b| [b"|", b.as_bytes()]);
    md5_of(&[subject.as_bytes(), b"|", ts.text.as_bytes(), b"|", key, body[0], body[1]])
}

fn repeated_signature(field: &'static str) -> Error {
    Error::MalformedSignature { field, reason: "it was sent more than once" }
}

fn describe_subjects(n: usize, hosts: bool) -> String {
    let what = if hosts { "host" } else { "callback URL" };
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
