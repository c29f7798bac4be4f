//! Signing forwarded events the Standard Webhooks way, so any Standard Webhooks library at the
//! origin can verify them: `webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.ts.body")>`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::Error;

const PREFIX: &str = "whsec_";

/// A Standard Webhooks secret (`whsec_` + base64). `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    /// Parse `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    pub fn new(secret: &str) -> Result<WebhookSecret, Error> {
        let b64 = secret.trim().strip_prefix(PREFIX).unwrap_or(secret.trim());
        let bytes = STANDARD.decode(b64).map_err(|_| Error::InvalidConfig {
            name: "ORIGIN_SECRET".into(),
            reason: "expected whsec_ followed by base64".into(),
        })?;
        if bytes.len() < 16 {
            return Err(Error::InvalidConfig {
                name: "ORIGIN_SECRET".into(),
                reason: "the secret must decode to at least 16 bytes".into(),
            });
        }
        Ok(WebhookSecret(bytes))
    }

    /// `v1,<base64 signature>` over `"{msg_id}.{timestamp}.{payload}"`.
    pub fn sign(&self, msg_id: &str, timestamp: u64, payload: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(payload);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The three headers to send with `payload`.
    pub fn headers(&self, msg_id: &str, timestamp: u64, payload: &[u8]) -> [(&'static str, String); 3] {
        [
            ("webhook-id", msg_id.to_owned()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", self.sign(msg_id, timestamp, payload)),
        ]
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}
