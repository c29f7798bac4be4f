//! Provider authentication keys (Alibaba `AuthKey`, Tencent `SignKey`, Volcengine
//! `PrivateKey`) and signing secrets (Mux, Cloudflare Stream), each checked by its provider's
//! [`KeyRule`].

use std::fmt;

use crate::error::Error;
use crate::provider::{KeyRule, Provider};

/// The longest key the MD5 providers accept.
pub const MAX_KEY_LEN: usize = 32;
/// The longest signing secret accepted (Mux's and Cloudflare's are far shorter).
pub const MAX_SECRET_LEN: usize = 256;

/// A provider authentication key: 1 to 32 ASCII letters and digits, as Alibaba's `AuthKey`,
/// Tencent's `SignKey` and Volcengine's `PrivateKey` are defined; or a signing secret of 1 to
/// 256 visible ASCII characters (Mux, Cloudflare Stream).
///
/// `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey(String);

impl AuthKey {
    /// Validate and wrap an MD5 scheme's key (1 to 32 ASCII letters and digits). `index`
    /// (1-based) only names the key in the error.
    pub fn new(key: &str, index: usize) -> Result<AuthKey, Error> {
        AuthKey::with_rule(KeyRule::Alphanumeric, key, index)
    }

    /// Validate and wrap a key of `provider`, by its rule.
    pub fn for_provider(provider: Provider, key: &str, index: usize) -> Result<AuthKey, Error> {
        AuthKey::with_rule(provider.spec().key_rule, key, index)
    }

    fn with_rule(rule: KeyRule, key: &str, index: usize) -> Result<AuthKey, Error> {
        let reason = match rule {
            _ if key.is_empty() => Some("it is empty"),
            KeyRule::Alphanumeric if key.len() > MAX_KEY_LEN => Some("it is longer than 32 characters"),
            KeyRule::Alphanumeric if !key.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Some("it may contain only ASCII letters and digits")
            }
            KeyRule::Secret if key.len() > MAX_SECRET_LEN => Some("it is longer than 256 characters"),
            KeyRule::Secret if !key.bytes().all(|b| b.is_ascii_graphic()) => {
                Some("it may contain only visible ASCII characters")
            }
            _ => None,
        };
        match reason {
            Some(reason) => Err(Error::InvalidKey { index, reason }),
            None => Ok(AuthKey(key.to_owned())),
        }
    }

    /// Validate a list of MD5 scheme keys, newest first. An empty list is [`Error::NoKeys`].
    pub fn parse_list<I, S>(keys: I) -> Result<Vec<AuthKey>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        AuthKey::parse_list_with(KeyRule::Alphanumeric, keys)
    }

    /// Validate a list of `provider`'s keys, newest first. An empty list is [`Error::NoKeys`].
    pub fn parse_list_for<I, S>(provider: Provider, keys: I) -> Result<Vec<AuthKey>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        AuthKey::parse_list_with(provider.spec().key_rule, keys)
    }

    fn parse_list_with<I, S>(rule: KeyRule, keys: I) -> Result<Vec<AuthKey>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(i, k)| AuthKey::with_rule(rule, k.as_ref(), i + 1))
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
