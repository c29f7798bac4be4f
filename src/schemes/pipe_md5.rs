//! Alibaba's scheme shared by IMS, VOD and Live: `md5hex("<subject>|<timestamp>|<key>")` in a
//! signature header, the send time in a timestamp header, `|now - ts| <= tolerance`.

use super::Match;
use crate::error::Error;
use crate::request::{url_host, CallbackRequest, Lookup};
use crate::verifier::Verifier;
use crate::wire::{digest_eq, md5_of, parse_md5_hex, parse_timestamp, to_hex, Timestamp};

/// What differs between the Alibaba products.
pub(crate) struct PipeScheme {
    pub signature_header: &'static str,
    pub timestamp_header: &'static str,
    /// Live signs only the callback URL's host; IMS and VOD the whole URL.
    pub signs_host: bool,
}

impl PipeScheme {
    pub(crate) fn verify(&self, v: &Verifier, req: &CallbackRequest<'_>, now: u64) -> Result<Match, Error> {
        let signature = match req.header_value(self.signature_header) {
            Lookup::Absent => return Err(Error::MissingSignature { field: self.signature_header }),
            Lookup::Repeated => return Err(repeated_signature(self.signature_header)),
            Lookup::One(s) => {
                parse_md5_hex(s).map_err(|reason| Error::MalformedSignature { field: self.signature_header, reason })?
            }
        };
        let ts = match req.header_value(self.timestamp_header) {
            Lookup::Absent => return Err(Error::MissingTimestamp { field: self.timestamp_header }),
            Lookup::Repeated => {
                return Err(Error::MalformedTimestamp {
                    field: self.timestamp_header,
                    reason: "it was sent more than once",
                })
            }
            Lookup::One(s) => parse_timestamp(s)
                .map_err(|reason| Error::MalformedTimestamp { field: self.timestamp_header, reason })?,
        };

        let received;
        let subjects: &[String] = if v.signed_subjects().is_empty() {
            received = [self.subject_of_request(req.url)?];
            &received
        } else {
            v.signed_subjects()
        };

        let (key_index, subject) = v
            .keys()
            .iter()
            .enumerate()
            .flat_map(|(ki, key)| subjects.iter().map(move |s| (ki, key, s)))
            .find(|(_, key, subject)| digest_eq(&pipe_digest(subject, ts, key.as_bytes()), &signature))
            .map(|(ki, _, s)| (ki, s.clone()))
            .ok_or_else(|| Error::SignatureMismatch {
                keys: v.keys().len(),
                subjects: describe_subjects(subjects.len(), self.signs_host),
            })?;

        check_window(ts.value as u64, now, v.tolerance_seconds())?;
        Ok(Match { key_index, timestamp: ts.value as u64, signed_subject: Some(subject) })
    }

    /// The signed subject when none is configured: the URL as received, or its host.
    fn subject_of_request(&self, url: &str) -> Result<String, Error> {
        if self.signs_host {
            url_host(url).ok_or_else(|| Error::InvalidUrl { reason: "the request URL has no host".into() })
        } else {
            Ok(url.to_owned())
        }
    }

    /// The headers a provider would send for this subject, time and key.
    pub(crate) fn sign_headers(&self, subject: &str, timestamp: u64, key: &[u8]) -> Vec<(String, String)> {
        let text = timestamp.to_string();
        let ts = Timestamp { text: &text, value: timestamp as i64 };
        vec![
            (self.timestamp_header.to_owned(), text.clone()),
            (self.signature_header.to_owned(), to_hex(&pipe_digest(subject, ts, key))),
        ]
    }
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
