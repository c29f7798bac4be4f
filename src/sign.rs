//! The inverse of verification: what a provider would send for a body, URL, key and time.
//! For tests, the demo, the browser page and users' own test tooling.

use crate::error::Error;
use crate::key::AuthKey;
use crate::provider::Provider;
use crate::request::live_host;
use crate::schemes::{alibaba_ims, alibaba_live, alibaba_vod, tencent_vod};

/// What to sign.
#[derive(Clone, Debug)]
pub struct SignInput<'a> {
    /// The callback URL configured at the provider (IMS, VOD); for Live a host or a URL (its
    /// host is signed); ignored by Tencent, which signs no URL.
    pub url: &'a str,
    /// The key.
    pub key: &'a AuthKey,
    /// UNIX seconds: the send time for Alibaba; for Tencent the expiry time `T`.
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
    let pipe = |scheme: &crate::schemes::pipe_md5::PipeScheme, subject: &str| SignedCallback {
        method: "POST",
        headers: scheme.sign_headers(subject, input.timestamp, key),
        body: input.body.to_vec(),
    };
    Ok(match provider {
        // Trimmed as the verifier trims a configured URL, so sign and verify always agree
        // (found by fuzzing with a URL ending in a tab).
        Provider::AlibabaIms => pipe(&alibaba_ims::SCHEME, input.url.trim()),
        Provider::AlibabaVod => pipe(&alibaba_vod::SCHEME, input.url.trim()),
        Provider::AlibabaLive => {
            let mut signed = pipe(&alibaba_live::SCHEME, &live_host(input.url)?);
            if input.body.is_empty() {
                signed.method = "GET";
            }
            signed
        }
        Provider::TencentVod => SignedCallback {
            method: "POST",
            headers: Vec::new(),
            body: tencent_vod::sign_body(input.body, key, input.timestamp)?,
        },
    })
}
