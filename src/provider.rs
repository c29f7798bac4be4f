//! The providers mediahook speaks, by their stable ids, and the one table of facts about each:
//! route, methods, where the signature travels, the gateway's variable names, defaults. Rust
//! reads it here; `tools/event_docs` writes it for JS (`js/facts.mjs`).

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
    /// Mux: `Mux-Signature: t=<ts>,v1=<hex>`, HMAC-SHA256 over `ts.body`.
    Mux,
    /// Cloudflare Stream: `Webhook-Signature: time=<ts>,sig1=<hex>`, HMAC-SHA256 over `ts.body`.
    CloudflareStream,
    /// Volcengine (BytePlus) VOD: `X-VOD-*` headers over `URL|ts|key|base64(body)`.
    VolcengineVod,
}

/// How a provider signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `md5hex("<URL>|<timestamp>|<key>")` in headers (IMS, VOD).
    PipeUrl,
    /// `md5hex("<host>|<timestamp>|<key>")` in headers (Live).
    PipeHost,
    /// `Sign` = `md5hex(key + T)` in the body (or the query), `T` the expiry time.
    SignT,
    /// One header `<time>=<ts>,<signature>=<hex>[,<signature>=<hex>...]`, each signature
    /// `hex(HMAC-SHA256(secret, "<ts>.<body>"))` (Mux, Cloudflare Stream).
    TimedHmac {
        /// The time's name in the header (`t`, `time`).
        time: &'static str,
        /// The signatures' name in the header (`v1`, `sig1`); other names are ignored.
        signature: &'static str,
    },
    /// `md5hex("<URL>|<timestamp>|<key>|<base64(body)>")` in headers (Volcengine VOD).
    PipeUrlBody,
}

/// What a provider's keys look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRule {
    /// 1 to 32 ASCII letters and digits (Alibaba's `AuthKey`, Tencent's `SignKey`,
    /// Volcengine's `PrivateKey`).
    Alphanumeric,
    /// A signing secret handed out by the provider: 1 to 256 visible ASCII characters.
    Secret,
}

/// Everything fixed about one provider.
#[derive(Clone, Copy, Debug)]
pub struct ProviderSpec {
    /// The stable id, e.g. `"alibaba-ims"`.
    pub id: &'static str,
    /// The product's name.
    pub name: &'static str,
    /// The gateway's path for its callbacks.
    pub route: &'static str,
    /// The HTTP methods it calls back with, as an `Allow` header lists them.
    pub methods: &'static str,
    /// How it signs.
    pub scheme: Scheme,
    /// The headers the signature travels in, as documented: the signature's, then the
    /// timestamp's (none for Tencent: `Sign` and `T` travel in the body).
    pub headers: &'static [&'static str],
    /// The gateway's variable holding its keys (a secret).
    pub keys_var: &'static str,
    /// The gateway's variable holding the signed callback URLs or hosts (`None`: none signed).
    pub urls_var: Option<&'static str>,
    /// What its keys look like.
    pub key_rule: KeyRule,
}

const SPECS: [ProviderSpec; 7] = [
    ProviderSpec {
        id: "alibaba-ims",
        name: "Alibaba Cloud Intelligent Media Services",
        route: "/alibaba/ims",
        methods: "POST",
        scheme: Scheme::PipeUrl,
        headers: &["X-ICE-SIGNATURE", "X-ICE-TIMESTAMP"],
        keys_var: "ALIBABA_IMS_AUTH_KEYS",
        urls_var: Some("ALIBABA_IMS_CALLBACK_URLS"),
        key_rule: KeyRule::Alphanumeric,
    },
    ProviderSpec {
        id: "alibaba-vod",
        name: "Alibaba Cloud ApsaraVideo VOD",
        route: "/alibaba/vod",
        methods: "POST",
        scheme: Scheme::PipeUrl,
        headers: &["X-VOD-SIGNATURE", "X-VOD-TIMESTAMP"],
        keys_var: "ALIBABA_VOD_AUTH_KEYS",
        urls_var: Some("ALIBABA_VOD_CALLBACK_URLS"),
        key_rule: KeyRule::Alphanumeric,
    },
    ProviderSpec {
        id: "alibaba-live",
        name: "Alibaba Cloud ApsaraVideo Live",
        route: "/alibaba/live",
        methods: "GET, POST",
        scheme: Scheme::PipeHost,
        headers: &["ALI-LIVE-SIGNATURE", "ALI-LIVE-TIMESTAMP"],
        keys_var: "ALIBABA_LIVE_AUTH_KEYS",
        urls_var: Some("ALIBABA_LIVE_HOSTS"),
        key_rule: KeyRule::Alphanumeric,
    },
    ProviderSpec {
        id: "tencent-vod",
        name: "Tencent Cloud VOD",
        route: "/tencent/vod",
        methods: "POST",
        scheme: Scheme::SignT,
        headers: &[],
        keys_var: "TENCENT_VOD_SIGN_KEYS",
        urls_var: None,
        key_rule: KeyRule::Alphanumeric,
    },
    ProviderSpec {
        id: "mux",
        name: "Mux",
        route: "/mux",
        methods: "POST",
        scheme: Scheme::TimedHmac { time: "t", signature: "v1" },
        headers: &["Mux-Signature"],
        keys_var: "MUX_WEBHOOK_SECRETS",
        urls_var: None,
        key_rule: KeyRule::Secret,
    },
    ProviderSpec {
        id: "cloudflare-stream",
        name: "Cloudflare Stream",
        route: "/cloudflare/stream",
        methods: "POST",
        scheme: Scheme::TimedHmac { time: "time", signature: "sig1" },
        headers: &["Webhook-Signature"],
        keys_var: "CLOUDFLARE_STREAM_WEBHOOK_SECRETS",
        urls_var: None,
        key_rule: KeyRule::Secret,
    },
    ProviderSpec {
        id: "volcengine-vod",
        name: "Volcengine (BytePlus) VOD",
        route: "/volcengine/vod",
        methods: "POST",
        scheme: Scheme::PipeUrlBody,
        headers: &["X-VOD-SIGNATURE", "X-VOD-TIMESTAMP"],
        keys_var: "VOLCENGINE_VOD_KEYS",
        urls_var: Some("VOLCENGINE_VOD_CALLBACK_URLS"),
        key_rule: KeyRule::Alphanumeric,
    },
];

/// Default `|now - timestamp|` window for the timestamped schemes (Alibaba's docs and Mux's SDK use
/// 5 minutes).
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;
/// Default clock skew allowed past Tencent's expiry time `T`.
pub const DEFAULT_SKEW_SECONDS: u64 = 60;
/// Default longest Tencent signature lifetime (`T` minus send time); Tencent's default is 600 s.
pub const DEFAULT_MAX_LIFETIME_SECONDS: u64 = 600;
/// Default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

impl ProviderSpec {
    /// The signature header, when the signature travels in one.
    pub fn signature_header(&self) -> Option<&'static str> {
        self.headers.first().copied()
    }

    /// The timestamp header, when the time travels in one of its own.
    pub fn timestamp_header(&self) -> Option<&'static str> {
        self.headers.get(1).copied()
    }

    /// Whether the signature covers the body, so that a captured signature cannot carry
    /// another body (Mux, Cloudflare Stream, Volcengine; Tencent's `Sign` covers only `T`).
    pub const fn signs_body(&self) -> bool {
        matches!(self.scheme, Scheme::TimedHmac { .. } | Scheme::PipeUrlBody)
    }
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 7] = [
        Provider::AlibabaIms,
        Provider::AlibabaVod,
        Provider::AlibabaLive,
        Provider::TencentVod,
        Provider::Mux,
        Provider::CloudflareStream,
        Provider::VolcengineVod,
    ];

    /// The provider's facts.
    pub const fn spec(self) -> &'static ProviderSpec {
        match self {
            Provider::AlibabaIms => &SPECS[0],
            Provider::AlibabaVod => &SPECS[1],
            Provider::AlibabaLive => &SPECS[2],
            Provider::TencentVod => &SPECS[3],
            Provider::Mux => &SPECS[4],
            Provider::CloudflareStream => &SPECS[5],
            Provider::VolcengineVod => &SPECS[6],
        }
    }

    /// The stable id, e.g. `"alibaba-ims"`.
    pub const fn id(self) -> &'static str {
        self.spec().id
    }

    /// The HTTP methods the provider calls back with (Live's stream callbacks are GETs).
    pub const fn allowed_methods(self) -> &'static str {
        self.spec().methods
    }

    /// Whether the signature covers only headers and the URL (or host), never the body: true
    /// for the Alibaba schemes, so a receiver can verify before reading the body. Tencent's
    /// `Sign`/`T` travel in the body; the other schemes sign it.
    pub fn signs_headers_only(self) -> bool {
        matches!(self.spec().scheme, Scheme::PipeUrl | Scheme::PipeHost)
    }

    /// Whether `method` (any case) is one the provider uses.
    pub fn allows_method(self, method: &str) -> bool {
        // Split on the byte: a `", "` pattern would build a substring searcher on every call.
        self.spec().methods.split(',').any(|m| m.trim_start().eq_ignore_ascii_case(method))
    }

    /// The provider whose callbacks arrive at `path`.
    pub fn for_route(path: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.spec().route == path)
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
