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
