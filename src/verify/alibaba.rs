//! Alibaba's scheme shared by IMS, VOD and Live: `md5hex("<subject>|<timestamp>|<key>")` in a
//! signature header, the send time in a timestamp header, `|now - ts| <= tolerance`. IMS and
//! VOD sign the callback URL, Live only its host.

use super::digest::{digest_eq, md5_of, parse_md5_hex, parse_timestamp, to_hex, Timestamp};
use super::request::{url_host, CallbackRequest, Lookup};
use super::{Match, Policy};
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

    let signs_host = spec.scheme == Scheme::PipeHost;
    let received;
    let subjects: &[String] = if policy.signed_subjects.is_empty() {
        received = [subject_of_request(signs_host, req.url)?];
        &received
    } else {
        &policy.signed_subjects
    };

    let (key_index, subject) = policy
        .keys
        .iter()
        .enumerate()
        .flat_map(|(ki, key)| subjects.iter().map(move |s| (ki, key, s)))
        .find(|(_, key, subject)| digest_eq(&pipe_digest(subject, ts, key.as_bytes()), &signature))
        .map(|(ki, _, s)| (ki, s.clone()))
        .ok_or_else(|| Error::SignatureMismatch {
            keys: policy.keys.len(),
            subjects: describe_subjects(subjects.len(), signs_host),
        })?;

    check_window(ts.value as u64, now, policy.tolerance_seconds)?;
    Ok(Match { key_index, timestamp: ts.value as u64, signed_subject: Some(subject) })
}

/// The signed subject when none is configured: the URL as received, or its host.
fn subject_of_request(signs_host: bool, url: &str) -> Result<String, Error> {
    if signs_host {
        url_host(url).ok_or_else(|| Error::InvalidUrl { reason: "the request URL has no host".into() })
    } else {
        Ok(url.to_owned())
    }
}

/// The headers a provider would send for this subject, time and key.
pub(crate) fn sign_headers(spec: &ProviderSpec, subject: &str, timestamp: u64, key: &[u8]) -> Vec<(String, String)> {
    let (signature_header, timestamp_header) = headers(spec);
    let text = timestamp.to_string();
    let ts = Timestamp { text: &text, value: timestamp as i64 };
    vec![
        (timestamp_header.to_owned(), text.clone()),
        (signature_header.to_owned(), to_hex(&pipe_digest(subject, ts, key))),
    ]
}

fn pipe_digest(subject: &str, ts: Timestamp<'_>, key: &[u8]) -> [u8; 16] {
    md5_of(&[subject.as_bytes(), b"|", ts.text.as_bytes(), b"|", key])
}

fn repeated_signature(field: &'static str) -> Error {
    Error::MalformedSignature { field, reason: "it was sent more than once" }
}

fn describe_subjects(n: usize, hosts: bool) -> String {
    let what = if hosts { "host" } else { "callback URL" };
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `|now - ts| <= tolerance`, reported as too old or in the future.
fn check_window(ts: u64, now: u64, tolerance: u64) -> Result<(), Error> {
    if now > ts && now - ts > tolerance {
        return Err(Error::TimestampTooOld { age: now - ts, tolerance });
    }
    if ts > now && ts - now > tolerance {
        return Err(Error::TimestampInFuture { ahead: ts - now, allowed: tolerance });
    }
    Ok(())
}
