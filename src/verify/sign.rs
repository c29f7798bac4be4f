//! The inverse of verification: what a provider would send for a body, URL, key and time.
//! For tests, the demo, the browser page and users' own test tooling.

use super::key::AuthKey;
use super::request::live_host;
use super::{alibaba, tencent, timed_hmac};
use crate::error::Error;
use crate::provider::{Provider, Scheme};

/// What to sign.
#[derive(Clone, Debug)]
pub struct SignInput<'a> {
    /// The callback URL configured at the provider (IMS, VOD, Volcengine); for Live a host or a
    /// URL (its host is signed); ignored by Tencent, Mux and Cloudflare Stream, which sign no
    /// URL.
    pub url: &'a str,
    /// The key.
    pub key: &'a AuthKey,
    /// UNIX seconds: the send time; for Tencent the expiry time `T`.
    pub timestamp: u64,
    /// The body to send.
    pub body: &'a [u8],
}

/// A callback as the provider would send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCallback {
    /// `POST`, or `GET` for a Live callback without a body.
    pub method: &'static str,
    /// Headers to send (empty for Tencent, whose `Sign` and `T` go into the body).
    pub headers: Vec<(String, String)>,
    /// The body to send (for Tencent, with `Sign` and `T` added).
    pub body: Vec<u8>,
}

/// Sign a callback as `provider` would.
///
/// ```
/// use mediahook::{sign, AuthKey, Provider, SignInput};
///
/// let key = AuthKey::new("test123", 1)?;
/// let signed = sign(Provider::AlibabaIms, &SignInput {
///     url: "https://www.example.com/your/callback", key: &key, timestamp: 1519375990, body: b"{}",
/// })?;
/// assert_eq!(signed.headers[1], ("X-ICE-SIGNATURE".into(), "c72b60894140fa98920f1279219b7ed4".into()));
/// # Ok::<(), mediahook::Error>(())
/// ```
pub fn sign(provider: Provider, input: &SignInput<'_>) -> Result<SignedCallback, Error> {
    if i64::try_from(input.timestamp).is_err() {
        return Err(Error::InvalidConfig { name: "timestamp".into(), reason: "it is too large".into() });
    }
    let key = input.key.as_bytes();
    let spec = provider.spec();
    let pipe = |subject: &str| SignedCallback {
        method: "POST",
        headers: alibaba::sign_headers(spec, subject, input.timestamp, key, input.body),
        body: input.body.to_vec(),
    };
    Ok(match spec.scheme {
        // Trimmed as the verifier trims a configured URL, so sign and verify always agree
        // (found by fuzzing with a URL ending in a tab).
        Scheme::PipeUrl | Scheme::PipeUrlBody => pipe(input.url.trim()),
        Scheme::PipeHost => {
            let mut signed = pipe(&live_host(input.url)?);
            if input.body.is_empty() {
                signed.method = "GET";
            }
            signed
        }
        Scheme::SignT => SignedCallback {
            method: "POST",
            headers: Vec::new(),
            body: tencent::sign_body(input.body, key, input.timestamp)?,
        },
        Scheme::TimedHmac { .. } => SignedCallback {
            method: "POST",
            headers: vec![timed_hmac::sign_header(spec, input.timestamp, key, input.body)],
            body: input.body.to_vec(),
        },
    })
}
