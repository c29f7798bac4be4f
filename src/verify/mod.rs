//! The signature floor: [`Verifier`] (provider, keys, signed URLs, time window, body limit)
//! and [`Verifier::verify`], which never reads a clock: the caller passes `now`. Each scheme
//! reads only a [`Policy`] (keys, signed URLs or hosts, window): `alibaba` (IMS, VOD, Live, and
//! Volcengine's body-covering variant), `tencent` (`Sign`/`T`, read with the JSON floor) and
//! `timed_hmac` (Mux, Cloudflare Stream). `digest` has MD5, hex and timestamps; `key` the
//! keys; `request` the request as received; `sign` signs as a provider.

pub(crate) mod alibaba;
pub(crate) mod digest;
pub(crate) mod key;
pub(crate) mod request;
pub(crate) mod sign;
pub(crate) mod tencent;
pub(crate) mod timed_hmac;

use crate::error::Error;
use crate::provider::{Provider, Scheme};
pub use crate::provider::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LIFETIME_SECONDS, DEFAULT_SKEW_SECONDS, DEFAULT_TOLERANCE_SECONDS,
};
use key::AuthKey;
use request::{live_host, CallbackRequest};

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
    policy: Policy,
    max_body_bytes: usize,
}

/// What a scheme checks against: the keys, the signed URLs or hosts, the window.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub keys: Vec<AuthKey>,
    /// Empty: the URL (host) the request arrived at is the signed one.
    pub signed_subjects: Vec<String>,
    /// The timestamped schemes: the accepted `|now - timestamp|`.
    pub tolerance_seconds: u64,
    /// Tencent: seconds accepted past `T`.
    pub skew_seconds: u64,
    /// Tencent: the longest accepted `T - now`.
    pub max_lifetime_seconds: u64,
}

/// A signature that verified.
#[derive(Clone, Debug)]
pub(crate) struct Match {
    /// 0-based index of the key that matched.
    pub key_index: usize,
    /// The signed time: send time (Alibaba) or expiry time `T` (Tencent).
    pub timestamp: u64,
    /// The URL or host that was signed (none for Tencent, which signs no URL).
    pub subject: Option<Subject>,
}

/// Which URL or host a signature covered, without copying it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The configured one at this index.
    Configured(usize),
    /// The request's own URL (or host).
    Received,
}

/// What the request's head (method, URL, headers) proved before the body was read: for the
/// Alibaba schemes the whole signature, for the others (whose signatures cover the body or
/// travel in it) only the method. Give it to
/// [`Verifier::verify_body`], which does not check again what it already holds.
#[derive(Clone, Debug)]
pub struct VerifiedHead {
    provider: Provider,
    matched: Option<Match>,
}

/// A callback whose signature and time checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCallback<'a> {
    /// Who sent it.
    pub provider: Provider,
    /// 0-based position of the key that matched in the configured list (newest first), so a
    /// rotation can tell when the old key stops being used.
    pub key_index: usize,
    /// The signed time: the send time, or the expiry time `T` for Tencent.
    pub timestamp: u64,
    /// The callback URL (IMS, VOD, Volcengine) or host (Live) that was signed; `None` for the
    /// schemes that sign no URL (Tencent, Mux, Cloudflare Stream).
    pub signed_subject: Option<String>,
    /// The raw body, exactly as received.
    pub body: &'a [u8],
}

impl Verifier {
    /// A verifier for `provider` accepting any of `keys` (newest first). Keys are validated by
    /// the provider's rule: 1 to 32 ASCII letters and digits, or for Mux's and Cloudflare's
    /// signing secrets 1 to 256 visible ASCII characters; an empty list is [`Error::NoKeys`].
    pub fn new<I, S>(provider: Provider, keys: I) -> Result<Verifier, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Verifier {
            provider,
            policy: Policy {
                keys: AuthKey::parse_list_for(provider, keys)?,
                signed_subjects: Vec::new(),
                tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
                skew_seconds: DEFAULT_SKEW_SECONDS,
                max_lifetime_seconds: DEFAULT_MAX_LIFETIME_SECONDS,
            },
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// The callback URLs configured at the provider, byte for byte (IMS, VOD, Volcengine); for
    /// Live the hosts (a URL given here is reduced to its host). Several may be valid, e.g. a
    /// per-job override. When none are set, the URL (host) the request arrived at is used.
    /// Tencent, Mux and Cloudflare Stream sign no URL and ignore this.
    pub fn with_signed_urls<I, S>(mut self, urls: I) -> Result<Verifier, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.policy.signed_subjects =
            urls.into_iter().map(|u| normalise_subject(self.provider, u.as_ref())).collect::<Result<_, _>>()?;
        Ok(self)
    }

    /// The timestamped schemes (all but Tencent's): the accepted `|now - timestamp|` in seconds
    /// (default 300).
    pub fn with_tolerance_seconds(mut self, seconds: u64) -> Verifier {
        self.policy.tolerance_seconds = seconds;
        self
    }

    /// Tencent: seconds accepted past the expiry time `T` (default 60).
    pub fn with_skew_seconds(mut self, seconds: u64) -> Verifier {
        self.policy.skew_seconds = seconds;
        self
    }

    /// Tencent: the longest accepted `T - now` (default 600, Tencent's default lifetime).
    pub fn with_max_lifetime_seconds(mut self, seconds: u64) -> Verifier {
        self.policy.max_lifetime_seconds = seconds;
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

    /// The request headers this provider's scheme reads, as documented (compare them
    /// case-insensitively), so that an adapter can pass only those across a boundary.
    pub fn header_names(&self) -> &'static [&'static str] {
        self.provider.spec().headers
    }

    /// Verify a callback as of `now` (UNIX seconds). Checks, in order: body size, method,
    /// signature and timestamp presence and form, signature (constant-time, every key and
    /// signed URL), then freshness — so a stale but genuine callback is reported as stale.
    pub fn verify<'a>(&self, req: &CallbackRequest<'a>, now: u64) -> Result<VerifiedCallback<'a>, Error> {
        self.check_size(req.body.len() as u64)?;
        let head = self.verify_head(req, now)?;
        self.verify_body(head, req, now)
    }

    /// Verify what the request's head can prove, before its body is read: the method; for
    /// the Alibaba schemes (which sign the URL or host and the time, never the body) the
    /// signature and its time; for the schemes that sign the body (Mux, Cloudflare Stream,
    /// Volcengine) that the signature headers are there and well formed. An unsigned upload
    /// then costs nothing.
    pub fn verify_head(&self, req: &CallbackRequest<'_>, now: u64) -> Result<VerifiedHead, Error> {
        if !self.provider.allows_method(req.method) {
            return Err(Error::MethodNotAllowed {
                method: crate::error::clip(req.method, 16),
                allowed: self.provider.allowed_methods(),
            });
        }
        let spec = self.provider.spec();
        let matched = match spec.scheme {
            Scheme::PipeUrl | Scheme::PipeHost => Some(alibaba::verify(spec, &self.policy, req, now)?),
            // The body is signed: only the headers' presence and form can be checked before it
            // is read (an unsigned upload is still refused unread).
            Scheme::PipeUrlBody => alibaba::read_headers(spec, req).map(|_| None)?,
            Scheme::TimedHmac { .. } => timed_hmac::read_header(spec, req).map(|_| None)?,
            Scheme::SignT => None,
        };
        Ok(VerifiedHead { provider: self.provider, matched })
    }

    /// Finish verifying with the body: its size, and the signatures the head could not prove
    /// (Tencent's `Sign`/`T` in the body or the query; the body-covering schemes). `head` must
    /// come from this verifier's [`Verifier::verify_head`] for the same request.
    pub fn verify_body<'a>(
        &self,
        head: VerifiedHead,
        req: &CallbackRequest<'a>,
        now: u64,
    ) -> Result<VerifiedCallback<'a>, Error> {
        self.check_size(req.body.len() as u64)?;
        let Match { key_index, timestamp, subject } = match head.matched {
            Some(m) if head.provider == self.provider => m,
            _ => self.verify_whole(req, now)?,
        };
        let signed_subject = match subject {
            None => None,
            Some(Subject::Configured(i)) => self.policy.signed_subjects.get(i).cloned(),
            Some(Subject::Received) => {
                let signs_host = self.provider.spec().scheme == Scheme::PipeHost;
                Some(alibaba::subject_of_request(signs_host, req.url)?.into_owned())
            }
        };
        Ok(VerifiedCallback { provider: self.provider, key_index, timestamp, signed_subject, body: req.body })
    }

    /// The signature and the time only, without reading the body for the Alibaba schemes
    /// (only `body_len` for the size limit): `(key index, signed time)`. Copies nothing.
    pub fn verify_signature(&self, req: &CallbackRequest<'_>, body_len: u64, now: u64) -> Result<(usize, u64), Error> {
        self.check_size(body_len)?;
        let m = match self.verify_head(req, now)?.matched {
            Some(m) => m,
            None => self.verify_whole(req, now)?,
        };
        Ok((m.key_index, m.timestamp))
    }

    /// The signature with everything it covers, whatever the scheme.
    fn verify_whole(&self, req: &CallbackRequest<'_>, now: u64) -> Result<Match, Error> {
        let spec = self.provider.spec();
        match spec.scheme {
            Scheme::SignT => tencent::verify(&self.policy, req, now),
            Scheme::TimedHmac { .. } => timed_hmac::verify(spec, &self.policy, req, now),
            Scheme::PipeUrl | Scheme::PipeHost | Scheme::PipeUrlBody => alibaba::verify(spec, &self.policy, req, now),
        }
    }

    /// The body limit, checked before any other work (an announced length can be checked
    /// before the body is read).
    pub fn check_size(&self, size: u64) -> Result<(), Error> {
        if size > self.max_body_bytes as u64 {
            return Err(Error::BodyTooLarge { size, limit: self.max_body_bytes as u64 });
        }
        Ok(())
    }
}

/// `|now - ts| <= tolerance`, reported as too old or in the future.
pub(crate) fn check_window(ts: u64, now: u64, tolerance: u64) -> Result<(), Error> {
    if now > ts && now - ts > tolerance {
        return Err(Error::TimestampTooOld { age: now - ts, tolerance });
    }
    if ts > now && ts - now > tolerance {
        return Err(Error::TimestampInFuture { ahead: ts - now, allowed: tolerance });
    }
    Ok(())
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
