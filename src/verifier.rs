//! The verifier: configuration (provider, keys, signed URLs, time window, body limit) and
//! [`Verifier::verify`], which never reads a clock: the caller passes `now`.

use crate::error::Error;
use crate::key::AuthKey;
use crate::provider::Provider;
use crate::request::{live_host, CallbackRequest};
use crate::schemes::{alibaba_ims, alibaba_live, alibaba_vod, tencent_vod, Match};

/// Default `|now - timestamp|` window for Alibaba callbacks (the providers' docs use 5 minutes).
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;
/// Default clock skew allowed past Tencent's expiry time `T`.
pub const DEFAULT_SKEW_SECONDS: u64 = 60;
/// Default longest Tencent signature lifetime (`T` minus send time); Tencent's default is 600 s.
pub const DEFAULT_MAX_LIFETIME_SECONDS: u64 = 600;
/// Default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Verifies callbacks of one provider. Build it once, use it for every request.
///
/// ```
/// use mediahook::{CallbackRequest, Provider, Verifier};
///
/// let verifier = Verifier::new(Provider::AlibabaIms, ["test123"])?
///     .with_signed_urls(["https://www.example.com/your/callback"])?;
/// let request = CallbackRequest::post("https://edge.example.net/alibaba/ims", b"{}")
///     .header("X-ICE-TIMESTAMP", "1519375990")
///     .header("X-ICE-SIGNATURE", "c72b60894140fa98920f1279219b7ed4");
/// let verified = verifier.verify(&request, 1519376000)?;
/// assert_eq!(verified.key_index, 0);
/// # Ok::<(), mediahook::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    provider: Provider,
    keys: Vec<AuthKey>,
    signed_subjects: Vec<String>,
    tolerance_seconds: u64,
    skew_seconds: u64,
    max_lifetime_seconds: u64,
    max_body_bytes: usize,
}

/// A callback whose signature and time checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCallback<'a> {
    /// Who sent it.
    pub provider: Provider,
    /// 0-based position of the key that matched in the configured list (newest first), so a
    /// rotation can tell when the old key stops being used.
    pub key_index: usize,
    /// The signed time: the send time for Alibaba, the expiry time `T` for Tencent.
    pub timestamp: u64,
    /// The callback URL (IMS, VOD) or host (Live) that was signed; `None` for Tencent.
    pub signed_subject: Option<String>,
    /// The raw body, exactly as received.
    pub body: &'a [u8],
}

impl Verifier {
    /// A verifier for `provider` accepting any of `keys` (newest first). Keys are validated:
    /// 1 to 32 ASCII letters and digits; an empty list is [`Error::NoKeys`].
    pub fn new<I, S>(provider: Provider, keys: I) -> Result<Verifier, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Verifier {
            provider,
            keys: AuthKey::parse_list(keys)?,
            signed_subjects: Vec::new(),
            tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
            skew_seconds: DEFAULT_SKEW_SECONDS,
            max_lifetime_seconds: DEFAULT_MAX_LIFETIME_SECONDS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// The callback URLs configured at the provider, byte for byte (IMS, VOD); for Live the
    /// hosts (a URL given here is reduced to its host). Several may be valid, e.g. a per-job
    /// override. When none are set, the URL (host) the request arrived at is used. Tencent
    /// signs no URL and ignores this.
    pub fn with_signed_urls<I, S>(mut self, urls: I) -> Result<Verifier, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.signed_subjects =
            urls.into_iter().map(|u| normalise_subject(self.provider, u.as_ref())).collect::<Result<_, _>>()?;
        Ok(self)
    }

    /// Alibaba: the accepted `|now - timestamp|` in seconds (default 300).
    pub fn with_tolerance_seconds(mut self, seconds: u64) -> Verifier {
        self.tolerance_seconds = seconds;
        self
    }

    /// Tencent: seconds accepted past the expiry time `T` (default 60).
    pub fn with_skew_seconds(mut self, seconds: u64) -> Verifier {
        self.skew_seconds = seconds;
        self
    }

    /// Tencent: the longest accepted `T - now` (default 600, Tencent's default lifetime).
    pub fn with_max_lifetime_seconds(mut self, seconds: u64) -> Verifier {
        self.max_lifetime_seconds = seconds;
        self
    }

    /// The largest body accepted, checked before any other work (default 1 MiB).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Verifier {
        self.max_body_bytes = bytes;
        self
    }

    /// The provider this verifier checks.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The body limit in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    pub(crate) fn keys(&self) -> &[AuthKey] {
        &self.keys
    }

    pub(crate) fn signed_subjects(&self) -> &[String] {
        &self.signed_subjects
    }

    pub(crate) fn tolerance_seconds(&self) -> u64 {
        self.tolerance_seconds
    }

    pub(crate) fn skew_seconds(&self) -> u64 {
        self.skew_seconds
    }

    pub(crate) fn max_lifetime_seconds(&self) -> u64 {
        self.max_lifetime_seconds
    }

    /// The request headers this provider's scheme reads (lower-cased), so that an adapter can
    /// pass only those across a boundary.
    pub fn header_names(&self) -> &'static [&'static str] {
        match self.provider {
            Provider::AlibabaIms => &["x-ice-signature", "x-ice-timestamp"],
            Provider::AlibabaVod => &["x-vod-signature", "x-vod-timestamp"],
            Provider::AlibabaLive => &["ali-live-signature", "ali-live-timestamp"],
            Provider::TencentVod => &[],
        }
    }

    /// Verify a callback as of `now` (UNIX seconds). Checks, in order: body size, method,
    /// signature and timestamp presence and form, signature (constant-time, every key and
    /// signed URL), then freshness — so a stale but genuine callback is reported as stale.
    pub fn verify<'a>(&self, req: &CallbackRequest<'a>, now: u64) -> Result<VerifiedCallback<'a>, Error> {
        if req.body.len() > self.max_body_bytes {
            return Err(Error::BodyTooLarge { size: req.body.len() as u64, limit: self.max_body_bytes as u64 });
        }
        if !self.provider.allows_method(req.method) {
            return Err(Error::MethodNotAllowed {
                method: crate::error::clip(req.method, 16),
                allowed: self.provider.allowed_methods(),
            });
        }
        let Match { key_index, timestamp, signed_subject } = match self.provider {
            Provider::AlibabaIms => alibaba_ims::SCHEME.verify(self, req, now)?,
            Provider::AlibabaVod => alibaba_vod::SCHEME.verify(self, req, now)?,
            Provider::AlibabaLive => alibaba_live::SCHEME.verify(self, req, now)?,
            Provider::TencentVod => tencent_vod::verify(self, req, now)?,
        };
        Ok(VerifiedCallback { provider: self.provider, key_index, timestamp, signed_subject, body: req.body })
    }
}

/// A configured URL as it will be signed: as given for IMS/VOD, the host for Live.
fn normalise_subject(provider: Provider, s: &str) -> Result<String, Error> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::InvalidUrl { reason: "a configured callback URL or host is empty".into() });
    }
    match provider {
        Provider::AlibabaLive => live_host(s),
        _ => Ok(s.to_owned()),
    }
}
