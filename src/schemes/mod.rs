//! One module per provider signature scheme. Each turns a request into a [`Match`]: which key
//! and which signed URL/host reproduced the signature, and the signed time. Freshness rules
//! live here too, because they differ per scheme.

pub(crate) mod alibaba_ims;
pub(crate) mod alibaba_live;
pub(crate) mod alibaba_vod;
pub(crate) mod pipe_md5;
pub(crate) mod tencent_vod;

/// A signature that verified.
#[derive(Clone, Debug)]
pub(crate) struct Match {
    /// 0-based index of the key that matched.
    pub key_index: usize,
    /// The signed time: send time (Alibaba) or expiry time `T` (Tencent).
    pub timestamp: u64,
    /// The URL or host that was signed (none for Tencent, which signs no URL).
    pub signed_subject: Option<String>,
}
