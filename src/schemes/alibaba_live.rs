//! Alibaba Cloud ApsaraVideo Live: `ALI-LIVE-TIMESTAMP`, `ALI-LIVE-SIGNATURE` =
//! `md5hex("<host>|<timestamp>|<key>")`; only the callback URL's host is signed.

use super::pipe_md5::PipeScheme;

pub(crate) const SCHEME: PipeScheme =
    PipeScheme { signature_header: "ALI-LIVE-SIGNATURE", timestamp_header: "ALI-LIVE-TIMESTAMP", signs_host: true };
