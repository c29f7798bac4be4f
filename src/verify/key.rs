//! Provider authentication keys (Alibaba `AuthKey`, Tencent `SignKey`).

use std::fmt;

use crate::error::Error;

/// The longest key the providers accept.
pub const MAX_KEY_LEN: usize = 32;

/// A provider authentication key: 1 to 32 ASCII letters and digits, as both Alibaba's
/// `AuthKey` and Tencent's `SignKey` are defined.
///
/// `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey(String);

impl AuthKey {
    /// Validate and wrap a key. `index` (1-based) only names the key in the error.
    pub fn new(key: &str, index: usize) -> Result<AuthKey, Error> {
        let reason = if key.is_empty() {
            Some("it is empty")
        } else if key.len() > MAX_KEY_LEN {
            Some("it is longer than 32 characters")
        } else if !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Some("it may contain only ASCII letters and digits")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::InvalidKey { index, reason }),
            None => Ok(AuthKey(key.to_owned())),
        }
    }

    /// Validate a list of keys, newest first. An empty list is [`Error::NoKeys`].
    pub fn parse_list<I, S>(keys: I) -> Result<Vec<AuthKey>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(i, k)| AuthKey::new(k.as_ref(), i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(Error::NoKeys);
        }
        Ok(keys)
    }

    /// The key's bytes, for computing signatures.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(<redacted>)")
    }
}

impl fmt::Display for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
