//! Where events come from besides pushed callbacks, and who vouches for them (issue 24), read
//! from the same variables as the rest of the configuration:
//!
//! - **Pull sources**: Tencent VOD's reliable callbacks (`TENCENT_VOD_PULL_SUB_APP_IDS`, one
//!   source per VOD application) and Alibaba MNS queues (`ALIBABA_MNS_QUEUES`, `provider:queue`
//!   pairs). The worker polls each one ([`super::poll`]).
//! - **Confirmation**: pushed callbacks of the providers in `CONFIRM_PROVIDERS` are looked up in
//!   the provider's read API before delivery ([`super::confirm`]).
//!
//! Both use the providers' API keys (`TENCENT_CLOUD_SECRET_ID`/`_KEY`,
//! `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`) and API bases (defaults: the public endpoints).

use crate::api::{Credentials, Endpoint};
use crate::error::Error;
use crate::provider::Provider;

/// `TENCENT_VOD_API_URL`'s default.
pub const TENCENT_VOD_API_URL: &str = "https://vod.tencentcloudapi.com";
/// `CONFIRM_GRACE_SECONDS`'s default: how long a callback the API does not (yet) agree with is
/// looked up again before it becomes an `unconfirmed` dead letter (the APIs can lag).
pub const DEFAULT_CONFIRM_GRACE_SECONDS: u64 = 60;

/// One pull source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullSource {
    /// A Tencent VOD application's reliable callbacks (`PullEvents`/`ConfirmEvents`).
    Tencent {
        /// The VOD (sub-)application id.
        sub_app_id: String,
    },
    /// An MNS queue Alibaba IMS or VOD writes its callbacks into.
    Mns {
        /// Whose callbacks the queue holds.
        provider: Provider,
        /// The queue's name.
        queue: String,
    },
}

impl PullSource {
    /// The source's stable name (the Durable Object's, the log's `source`):
    /// `tencent-vod:<sub app id>` or `<provider>:<queue>`.
    pub fn name(&self) -> String {
        match self {
            PullSource::Tencent { sub_app_id } => format!("{}:{sub_app_id}", Provider::TencentVod.id()),
            PullSource::Mns { provider, queue } => format!("{}:{queue}", provider.id()),
        }
    }

    /// The provider whose events the source yields.
    pub fn provider(&self) -> Provider {
        match self {
            PullSource::Tencent { .. } => Provider::TencentVod,
            PullSource::Mns { provider, .. } => *provider,
        }
    }
}

/// A provider API: its base and the keys to sign with.
#[derive(Clone, Debug)]
pub struct ApiAccess {
    /// Where requests go (and the host they are signed for).
    pub endpoint: Endpoint,
    /// The key pair.
    pub credentials: Credentials,
}

/// Pull sources, confirmation, and the API access they need.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// The sources to poll.
    pub pull: Vec<PullSource>,
    /// Providers whose pushed callbacks are confirmed before delivery.
    pub confirm: Vec<Provider>,
    /// `CONFIRM_GRACE_SECONDS`.
    pub confirm_grace_seconds: u64,
    /// Tencent's VOD API (`TENCENT_VOD_API_URL`).
    pub tencent_vod: Option<ApiAccess>,
    /// Alibaba IMS's OpenAPI (`ALIBABA_IMS_API_URL`, or from `ALIBABA_REGION`).
    pub alibaba_ims: Option<ApiAccess>,
    /// Alibaba VOD's OpenAPI (`ALIBABA_VOD_API_URL`, or from `ALIBABA_REGION`).
    pub alibaba_vod: Option<ApiAccess>,
    /// The MNS account endpoint (`ALIBABA_MNS_ENDPOINT`).
    pub mns: Option<ApiAccess>,
}

impl Sources {
    /// Read the sources; `get` returns a trimmed, non-empty variable. `direct`: the delivery
    /// mode is direct, where confirmation cannot run (the providers wait only 3–5 s).
    pub fn from_vars(get: &dyn Fn(&str) -> Option<String>, direct: bool) -> Result<Sources, Error> {
        let bad = |name: &str, reason: &str| Error::InvalidConfig { name: name.into(), reason: reason.into() };
        let mut sources = Sources {
            confirm_grace_seconds: match get("CONFIRM_GRACE_SECONDS") {
                None => DEFAULT_CONFIRM_GRACE_SECONDS,
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n <= 86_400)
                    .ok_or_else(|| bad("CONFIRM_GRACE_SECONDS", "expected a whole number from 0 to 86400"))?,
            },
            ..Sources::default()
        };
        for id in get("TENCENT_VOD_PULL_SUB_APP_IDS").iter().flat_map(|v| v.split_whitespace()) {
            if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(
                    "TENCENT_VOD_PULL_SUB_APP_IDS",
                    "expected VOD application ids (digits) separated by spaces",
                ));
            }
            sources.pull.push(PullSource::Tencent { sub_app_id: id.to_owned() });
        }
        for pair in get("ALIBABA_MNS_QUEUES").iter().flat_map(|v| v.split_whitespace()) {
            let reason = "expected provider:queue pairs separated by spaces, e.g. alibaba-ims:ims-events";
            let (provider, queue) = pair.split_once(':').ok_or_else(|| bad("ALIBABA_MNS_QUEUES", reason))?;
            let provider = provider
                .parse::<Provider>()
                .ok()
                .filter(|p| matches!(p, Provider::AlibabaIms | Provider::AlibabaVod))
                .ok_or_else(|| {
                    bad("ALIBABA_MNS_QUEUES", "only alibaba-ims and alibaba-vod can write into MNS queues")
                })?;
            // MNS queue names: letters, digits and hyphens, starting with a letter, up to 120.
            let valid = queue.len() <= 120
                && queue.starts_with(|c: char| c.is_ascii_alphabetic())
                && queue.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !valid {
                return Err(bad(
                    "ALIBABA_MNS_QUEUES",
                    "a queue name is letters, digits and hyphens, starting with a letter",
                ));
            }
            sources.pull.push(PullSource::Mns { provider, queue: queue.to_owned() });
        }
        // The providers with lookups (the body-signing ones need none: their signature covers it).
        let confirmable = |p: &Provider| super::confirm::LOOKUPS.iter().any(|l| l.provider == *p);
        for id in get("CONFIRM_PROVIDERS").iter().flat_map(|v| v.split_whitespace()) {
            let provider = id.parse::<Provider>().ok().filter(confirmable).ok_or_else(|| {
                bad("CONFIRM_PROVIDERS", "expected provider ids from alibaba-ims, alibaba-vod, tencent-vod")
            })?;
            if !sources.confirm.contains(&provider) {
                sources.confirm.push(provider);
            }
        }
        if direct && !sources.confirm.is_empty() {
            return Err(bad(
                "CONFIRM_PROVIDERS",
                "confirmation needs DELIVERY_MODE=queue (the providers wait only 3 to 5 s for an answer)",
            ));
        }

        let confirms = |p: Provider| sources.confirm.contains(&p);
        let tencent =
            confirms(Provider::TencentVod) || sources.pull.iter().any(|s| matches!(s, PullSource::Tencent { .. }));
        let mns = sources.pull.iter().any(|s| matches!(s, PullSource::Mns { .. }));
        let endpoint = |name: &str, default: Option<String>| -> Result<Endpoint, Error> {
            let url = get(name).or(default).ok_or_else(|| bad(name, "it is not set"))?;
            Endpoint::parse(&url).map_err(|reason| bad(name, reason))
        };
        let credentials = |id: &'static str, secret: &'static str| -> Result<Credentials, Error> {
            let (i, s) = (
                get(id).ok_or_else(|| bad(id, "it is not set"))?,
                get(secret).ok_or_else(|| bad(secret, "it is not set"))?,
            );
            Credentials::new(&i, &s, secret)
        };
        if tencent {
            sources.tencent_vod = Some(ApiAccess {
                endpoint: endpoint("TENCENT_VOD_API_URL", Some(TENCENT_VOD_API_URL.into()))?,
                credentials: credentials("TENCENT_CLOUD_SECRET_ID", "TENCENT_CLOUD_SECRET_KEY")?,
            });
        }
        let alibaba = || credentials("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        let regional = |service: &str| get("ALIBABA_REGION").map(|r| format!("https://{service}.{r}.aliyuncs.com"));
        if let Some(region) = get("ALIBABA_REGION") {
            if !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return Err(bad("ALIBABA_REGION", "expected a region id such as cn-shanghai"));
            }
        }
        if confirms(Provider::AlibabaIms) {
            let endpoint = endpoint("ALIBABA_IMS_API_URL", regional("ice"))
                .map_err(|e| with_hint(e, "set ALIBABA_REGION (or ALIBABA_IMS_API_URL)"))?;
            sources.alibaba_ims = Some(ApiAccess { endpoint, credentials: alibaba()? });
        }
        if confirms(Provider::AlibabaVod) {
            let endpoint = endpoint("ALIBABA_VOD_API_URL", regional("vod"))
                .map_err(|e| with_hint(e, "set ALIBABA_REGION (or ALIBABA_VOD_API_URL)"))?;
            sources.alibaba_vod = Some(ApiAccess { endpoint, credentials: alibaba()? });
        }
        if mns {
            sources.mns =
                Some(ApiAccess { endpoint: endpoint("ALIBABA_MNS_ENDPOINT", None)?, credentials: alibaba()? });
        }
        Ok(sources)
    }

    /// Whether pushed callbacks of `provider` are confirmed.
    pub fn confirms(&self, provider: Provider) -> bool {
        self.confirm.contains(&provider)
    }

    /// The API a provider's lookups go to.
    pub fn api(&self, provider: Provider) -> Option<&ApiAccess> {
        match provider {
            Provider::TencentVod => self.tencent_vod.as_ref(),
            Provider::AlibabaIms => self.alibaba_ims.as_ref(),
            Provider::AlibabaVod => self.alibaba_vod.as_ref(),
            // No lookups: Live has no API for its callbacks, and the body-signing schemes need none.
            Provider::AlibabaLive | Provider::Mux | Provider::CloudflareStream | Provider::VolcengineVod => None,
        }
    }

    /// The configured source named `name`.
    pub fn source(&self, name: &str) -> Option<&PullSource> {
        self.pull.iter().find(|s| s.name() == name)
    }
}

fn with_hint(e: Error, hint: &str) -> Error {
    match e {
        Error::InvalidConfig { name, reason } if reason == "it is not set" => {
            Error::InvalidConfig { name, reason: format!("it is not set: {hint}") }
        }
        other => other,
    }
}
