//! Alibaba Cloud Intelligent Media Services (IMS): `X-ICE-TIMESTAMP`, `X-ICE-SIGNATURE` =
//! `md5hex("<callback URL>|<timestamp>|<AuthKey>")`.

use super::pipe_md5::PipeScheme;

pub(crate) const SCHEME: PipeScheme =
    PipeScheme { signature_header: "X-ICE-SIGNATURE", timestamp_header: "X-ICE-TIMESTAMP", signs_host: false };
