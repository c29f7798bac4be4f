//! Tencent Cloud API signature v3 (TC3-HMAC-SHA256), for POST calls with a JSON payload (the
//! form every VOD action takes):
//!
//! ```text
//! CanonicalRequest = "POST\n/\n\n" CanonicalHeaders "\n" SignedHeaders "\n" hex(sha256(payload))
//! StringToSign     = "TC3-HMAC-SHA256\n" timestamp "\n" date "/" service "/tc3_request\n" hex(sha256(CanonicalRequest))
//! Signature        = hex(HMAC(HMAC(HMAC(HMAC("TC3" secret, date), service), "tc3_request"), StringToSign))
//! ```
//!
//! `date` is the UTC date of the timestamp; the headers signed are `content-type` and `host`.

use super::{hmac_sha256, sha256_hex, utc_date, Credentials};
use crate::verify::digest::to_hex;

/// The algorithm's name, first in `Authorization`.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The content type every call sends (and signs).
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
/// The headers signed.
const SIGNED_HEADERS: &str = "content-type;host";

/// One call to sign.
#[derive(Clone, Debug)]
pub struct Call<'a> {
    /// The service, e.g. `vod`.
    pub service: &'a str,
    /// The API host, e.g. `vod.tencentcloudapi.com`.
    pub host: &'a str,
    /// The action, e.g. `PullEvents`.
    pub action: &'a str,
    /// The API version, e.g. `2018-07-17`.
    pub version: &'a str,
    /// The region, for the APIs that take one.
    pub region: Option<&'a str>,
    /// The JSON body.
    pub payload: &'a [u8],
    /// UNIX seconds (the service refuses a clock more than 5 minutes off).
    pub timestamp: u64,
}

/// What signing computed, for tests and for reading a refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The canonical request.
    pub canonical_request: String,
    /// The string signed.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
    /// The `Authorization` header.
    pub authorization: String,
}

/// Sign a call: every step of the algorithm.
pub fn sign_parts(credentials: &Credentials, call: &Call<'_>, content_type: &str) -> Signed {
    let date = utc_date(call.timestamp);
    let canonical_headers = format!(
        "content-type:{}\nhost:{}\n",
        content_type.trim().to_ascii_lowercase(),
        call.host.trim().to_ascii_lowercase()
    );
    let canonical_request = format!("POST\n/\n\n{canonical_headers}\n{SIGNED_HEADERS}\n{}", sha256_hex(call.payload));
    let scope = format!("{date}/{}/tc3_request", call.service);
    let string_to_sign =
        format!("{ALGORITHM}\n{}\n{scope}\n{}", call.timestamp, sha256_hex(canonical_request.as_bytes()));
    let mut secret = b"TC3".to_vec();
    secret.extend_from_slice(credentials.secret());
    let secret_date = hmac_sha256(&secret, date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, call.service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    let signature = to_hex(&hmac_sha256(&secret_signing, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
        credentials.id()
    );
    Signed { canonical_request, string_to_sign, signature, authorization }
}

/// The headers of a signed call (the body is `call.payload`, POSTed to `https://<host>/`).
pub fn sign(credentials: &Credentials, call: &Call<'_>) -> Vec<(&'static str, String)> {
    let signed = sign_parts(credentials, call, CONTENT_TYPE);
    let mut headers = vec![
        ("content-type", CONTENT_TYPE.to_owned()),
        ("host", call.host.to_owned()),
        ("x-tc-action", call.action.to_owned()),
        ("x-tc-version", call.version.to_owned()),
        ("x-tc-timestamp", call.timestamp.to_string()),
    ];
    if let Some(region) = call.region {
        headers.push(("x-tc-region", region.to_owned()));
    }
    headers.push(("authorization", signed.authorization));
    headers
}

/// A signed VOD API call (version 2018-07-17) with a JSON payload, to `endpoint`.
pub fn vod_request(
    credentials: &Credentials,
    endpoint: &super::Endpoint,
    action: &str,
    payload: String,
    timestamp: u64,
) -> super::HttpRequest {
    let call = Call {
        service: "vod",
        host: &endpoint.host,
        action,
        version: VOD_VERSION,
        region: None,
        payload: payload.as_bytes(),
        timestamp,
    };
    let headers = sign(credentials, &call);
    super::HttpRequest::new("POST", format!("{}/", endpoint.base), headers, payload.into_bytes())
}

/// The VOD API's version.
pub const VOD_VERSION: &str = "2018-07-17";
