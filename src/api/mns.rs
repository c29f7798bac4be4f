//! Alibaba MNS request signing:
//!
//! ```text
//! Authorization = "MNS " id ":" base64(HMAC-SHA1(secret, METHOD "\n" Content-MD5 "\n" Content-Type "\n" Date "\n" CanonicalizedMNSHeaders CanonicalizedResource))
//! ```
//!
//! `CanonicalizedMNSHeaders`: every `x-mns-*` header, lower-case, sorted, `name:value\n`. The
//! resource is the request URI (`/queues/<queue>/messages?waitseconds=10`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{header_value, http_date, Credentials};

/// The API version every request names.
pub const VERSION: &str = "2015-06-06";

/// A request to sign, as it will be sent.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `GET`, `DELETE`...
    pub method: &'a str,
    /// `Content-MD5`, or empty.
    pub content_md5: &'a str,
    /// `Content-Type`, or empty.
    pub content_type: &'a str,
    /// The `Date` header (GMT).
    pub date: &'a str,
    /// The headers sent (the `x-mns-*` ones are signed).
    pub headers: &'a [(&'a str, &'a str)],
    /// The request URI.
    pub resource: &'a str,
}

/// The string signed.
pub fn string_to_sign(req: &Request<'_>) -> String {
    let mut mns: Vec<(String, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), header_value(v)))
        .filter(|(n, _)| n.starts_with("x-mns-"))
        .collect();
    mns.sort();
    let headers: String = mns.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    format!(
        "{}\n{}\n{}\n{}\n{headers}{}",
        req.method.to_ascii_uppercase(),
        req.content_md5,
        req.content_type,
        req.date,
        req.resource
    )
}

/// The `Authorization` header.
pub fn authorization(credentials: &Credentials, req: &Request<'_>) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(credentials.secret()).expect("HMAC takes any key");
    mac.update(string_to_sign(req).as_bytes());
    format!("MNS {}:{}", credentials.id(), STANDARD.encode(mac.finalize().into_bytes()))
}

/// The headers of a signed request without a body (receive, delete) to `host` at `timestamp`.
pub fn sign(
    credentials: &Credentials,
    method: &str,
    host: &str,
    resource: &str,
    timestamp: u64,
) -> Vec<(&'static str, String)> {
    let date = http_date(timestamp);
    let content_type = "text/xml";
    let mut headers = vec![
        ("host", host.to_owned()),
        ("date", date.clone()),
        ("content-type", content_type.to_owned()),
        ("x-mns-version", VERSION.to_owned()),
    ];
    let sent: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let request = Request { method, content_md5: "", content_type, date: &date, headers: &sent, resource };
    headers.push(("authorization", authorization(credentials, &request)));
    headers
}

/// A signed request without a body to `endpoint`'s `resource` (`/queues/<q>/messages?…`).
pub fn request(
    credentials: &Credentials,
    endpoint: &super::Endpoint,
    method: &'static str,
    resource: &str,
    timestamp: u64,
) -> super::HttpRequest {
    let headers = sign(credentials, method, &endpoint.host, resource, timestamp);
    super::HttpRequest::new(method, format!("{}{resource}", endpoint.base), headers, Vec::new())
}
