//! The providers mediahook speaks, by their stable ids.

use std::fmt;
use std::str::FromStr;

use crate::error::{clip, Error};

/// A callback provider and its signature scheme.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Alibaba Cloud Intelligent Media Services: `X-ICE-*` headers over `URL|ts|key`.
    AlibabaIms,
    /// Alibaba Cloud ApsaraVideo VOD: `X-VOD-*` headers over `URL|ts|key`.
    AlibabaVod,
    /// Alibaba Cloud ApsaraVideo Live: `ALI-LIVE-*` headers over `host|ts|key`.
    AlibabaLive,
    /// Tencent Cloud VOD: `Sign` = md5(key + `T`), `T` the expiry time.
    TencentVod,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 4] =
        [Provider::AlibabaIms, Provider::AlibabaVod, Provider::AlibabaLive, Provider::TencentVod];

    /// The stable id, e.g. `"alibaba-ims"`.
    pub const fn id(self) -> &'static str {
        match self {
            Provider::AlibabaIms => "alibaba-ims",
            Provider::AlibabaVod => "alibaba-vod",
            Provider::AlibabaLive => "alibaba-live",
            Provider::TencentVod => "tencent-vod",
        }
    }

    /// The HTTP methods the provider calls back with (Live's stream callbacks are GETs).
    pub const fn allowed_methods(self) -> &'static str {
        match self {
            Provider::AlibabaLive => "GET, POST",
            _ => "POST",
        }
    }

    /// Whether the signature covers only headers and the URL (or host), never the body: true
    /// for the Alibaba schemes, so a receiver can verify before reading the body. Tencent's
    /// `Sign`/`T` travel in the body.
    pub fn signs_headers_only(self) -> bool {
        self != Provider::TencentVod
    }

    /// Whether `method` (any case) is one the provider uses.
    pub fn allows_method(self, method: &str) -> bool {
        method.eq_ignore_ascii_case("POST") || (self == Provider::AlibabaLive && method.eq_ignore_ascii_case("GET"))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Provider {
    type Err = Error;

    fn from_str(s: &str) -> Result<Provider, Error> {
        Provider::ALL.into_iter().find(|p| p.id() == s).ok_or_else(|| Error::UnsupportedProvider { name: clip(s, 64) })
    }
}
