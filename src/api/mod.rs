//! Requests mediahook sends to the providers' own APIs (to pull events and to confirm pushed
//! ones), signed as each provider documents: Tencent Cloud's TC3-HMAC-SHA256 ([`tc3`]),
//! Alibaba Cloud's ACS3-HMAC-SHA256 ([`acs3`]) and Alibaba MNS's HMAC-SHA1 ([`mns`]). Pure
//! functions: the clock and the nonce are arguments, nothing here does I/O, and a secret never
//! appears in `Debug`, an error or a log line ([`Credentials`]).

pub mod acs3;
pub mod mns;
pub mod tc3;
mod time;

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::verify::digest::to_hex;

pub use time::{http_date, iso_date_time, utc_date};

/// An API key pair: Tencent's SecretId/SecretKey, Alibaba's AccessKeyId/AccessKeySecret.
/// `Debug` shows the id only.
#[derive(Clone)]
pub struct Credentials {
    id: String,
    secret: String,
}

impl Credentials {
    /// A key pair; both parts non-empty visible ASCII (what both clouds issue).
    pub fn new(id: &str, secret: &str, name: &'static str) -> Result<Credentials, Error> {
        let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
        if !visible(id) || !visible(secret) {
            return Err(Error::InvalidConfig {
                name: name.into(),
                reason: "expected an id and a secret of visible ASCII characters".into(),
            });
        }
        Ok(Credentials { id: id.to_owned(), secret: secret.to_owned() })
    }

    /// The public half (SecretId, AccessKeyId).
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn secret(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("id", &self.id).field("secret", &"<redacted>").finish()
    }
}

/// An API's base URL (`https://vod.tencentcloudapi.com`, or a test server's
/// `http://127.0.0.1:port`): where requests go, and the host they are signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://authority`, without a trailing slash.
    pub base: String,
    /// The authority (`host[:port]`), as the runtime sends it in `Host`.
    pub host: String,
}

impl Endpoint {
    /// An `http(s)://host[:port]` URL with no path, query or credentials.
    pub fn parse(url: &str) -> Result<Endpoint, &'static str> {
        let url = url.trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or("expected an http:// or https:// URL")?;
        let valid = !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'_'));
        if !valid {
            return Err("expected scheme://host[:port] with no path, query or user");
        }
        Ok(Endpoint { base: url.to_owned(), host: host.to_ascii_lowercase() })
    }
}

/// A signed request, ready to send: nothing in it is secret but the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `DELETE`.
    pub method: &'static str,
    /// The whole URL.
    pub url: String,
    /// The headers to send (`host` is left to the runtime, which sends the URL's).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    fn new(method: &'static str, url: String, mut headers: Vec<(&'static str, String)>, body: Vec<u8>) -> Self {
        headers.retain(|(name, _)| *name != "host");
        HttpRequest { method, url, headers, body }
    }
}

/// Hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// HMAC-SHA256.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Trimmed, with runs of spaces inside a header value as sent (both clouds trim only the ends).
pub(crate) fn header_value(v: &str) -> &str {
    v.trim()
}
