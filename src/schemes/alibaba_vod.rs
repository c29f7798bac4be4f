//! Alibaba Cloud ApsaraVideo VOD: `X-VOD-TIMESTAMP`, `X-VOD-SIGNATURE` =
//! `md5hex("<callback URL>|<timestamp>|<AuthKey>")`, the same formula as IMS.

use super::pipe_md5::PipeScheme;

pub(crate) const SCHEME: PipeScheme =
    PipeScheme { signature_header: "X-VOD-SIGNATURE", timestamp_header: "X-VOD-TIMESTAMP", signs_host: false };
