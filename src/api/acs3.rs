//! Alibaba Cloud OpenAPI signature v3 (ACS3-HMAC-SHA256):
//!
//! ```text
//! CanonicalRequest = METHOD "\n" path "\n" CanonicalQueryString "\n" CanonicalHeaders "\n" SignedHeaders "\n" hex(sha256(body))
//! StringToSign     = "ACS3-HMAC-SHA256\n" hex(sha256(CanonicalRequest))
//! Authorization    = "ACS3-HMAC-SHA256 Credential=" id ",SignedHeaders=" names ",Signature=" hex(HMAC-SHA256(secret, StringToSign))
//! ```
//!
//! The query: keys sorted, RFC 3986 encoded (`%20`, `%2A`, `~` kept), `k=v` joined by `&`. The
//! headers signed: `host`, `content-type` and every `x-acs-*`, lower-case, values trimmed, a
//! repeated name's values joined by `,`, sorted by name.

use super::{header_value, hmac_sha256, iso_date_time, sha256_hex, Credentials};
use crate::verify::digest::to_hex;

/// The algorithm's name, first in `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// SHA-256 of the empty body.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request to sign, as it will be sent.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `GET`, `POST`...
    pub method: &'a str,
    /// The path, `/` for RPC-style calls.
    pub path: &'a str,
    /// The query parameters, unencoded.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers sent (those that are signed are picked out).
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body (`x-acs-content-sha256`).
    pub payload_hash: &'a str,
}

/// RFC 3986 percent-encoding: every byte but `A-Z a-z 0-9 - _ . ~`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query string.
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query.iter().map(|(k, v)| (percent_encode(k), percent_encode(v))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The canonical request and the signed header names.
pub fn canonical_request(req: &Request<'_>) -> (String, String) {
    let mut signed: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in req.headers {
        let name = name.trim().to_ascii_lowercase();
        if !(name == "host" || name == "content-type" || name.starts_with("x-acs-")) {
            continue;
        }
        match signed.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(header_value(value)),
            None => signed.push((name, vec![header_value(value)])),
        }
    }
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    let headers: String = signed.iter().map(|(n, v)| format!("{n}:{}\n", v.join(","))).collect();
    let names = signed.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(";");
    let path = if req.path.is_empty() { "/" } else { req.path };
    let canonical = format!(
        "{}\n{path}\n{}\n{headers}\n{names}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_query(req.query),
        req.payload_hash
    );
    (canonical, names)
}

/// The `Authorization` header of a request.
pub fn authorization(credentials: &Credentials, req: &Request<'_>) -> String {
    let (canonical, names) = canonical_request(req);
    let string_to_sign = format!("{ALGORITHM}\n{}", sha256_hex(canonical.as_bytes()));
    let signature = to_hex(&hmac_sha256(credentials.secret(), string_to_sign.as_bytes()));
    format!("{ALGORITHM} Credential={},SignedHeaders={names},Signature={signature}", credentials.id())
}

/// An RPC-style call (`x-acs-action`, `x-acs-version`, parameters in the query, empty body).
#[derive(Clone, Debug)]
pub struct Call<'a> {
    /// The API host, e.g. `ice.cn-shanghai.aliyuncs.com`.
    pub host: &'a str,
    /// The action, e.g. `GetMediaProducingJob`.
    pub action: &'a str,
    /// The API version, e.g. `2020-11-09`.
    pub version: &'a str,
    /// The parameters, unencoded.
    pub query: &'a [(&'a str, &'a str)],
    /// UNIX seconds.
    pub timestamp: u64,
    /// A single-use random string (`x-acs-signature-nonce`).
    pub nonce: &'a str,
}

/// The headers of a signed RPC-style call (`POST https://<host>/?<canonical query>`).
pub fn sign(credentials: &Credentials, call: &Call<'_>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("host", call.host.to_owned()),
        ("x-acs-action", call.action.to_owned()),
        ("x-acs-version", call.version.to_owned()),
        ("x-acs-date", iso_date_time(call.timestamp)),
        ("x-acs-signature-nonce", call.nonce.to_owned()),
        ("x-acs-content-sha256", EMPTY_BODY_SHA256.to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let request =
        Request { method: "POST", path: "/", query: call.query, headers: &pairs, payload_hash: EMPTY_BODY_SHA256 };
    let authorization = authorization(credentials, &request);
    headers.push(("authorization", authorization));
    headers
}

/// A signed RPC-style call to `endpoint` (`POST /?<query>`, empty body).
pub fn request(
    credentials: &Credentials,
    endpoint: &super::Endpoint,
    action: &str,
    version: &str,
    query: &[(&str, &str)],
    timestamp: u64,
    nonce: &str,
) -> super::HttpRequest {
    let call = Call { host: &endpoint.host, action, version, query, timestamp, nonce };
    let url = format!("{}/?{}", endpoint.base, canonical_query(query));
    super::HttpRequest::new("POST", url, sign(credentials, &call), Vec::new())
}
