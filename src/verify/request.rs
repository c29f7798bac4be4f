//! What a receiver hands to the verifier: method, URL as received, headers, raw body.

/// An incoming callback, borrowed from whatever HTTP stack received it.
#[derive(Clone, Debug)]
pub struct CallbackRequest<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The URL as received (used for Tencent's query fallback, and as the signed URL or host
    /// when none is configured).
    pub url: &'a str,
    /// Header name/value pairs; names are matched case-insensitively. Repeated names are kept.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The raw body bytes, exactly as received.
    pub body: &'a [u8],
}

/// One header or query value looked up by name.
pub(crate) enum Lookup<'a> {
    Absent,
    One(&'a str),
    /// Sent more than once: ambiguous, so never trusted.
    Repeated,
}

impl<'a> CallbackRequest<'a> {
    /// A `POST` with no headers.
    pub fn post(url: &'a str, body: &'a [u8]) -> CallbackRequest<'a> {
        CallbackRequest { method: "POST", url, headers: Vec::new(), body }
    }

    /// Add a header.
    pub fn header(mut self, name: &'a str, value: &'a str) -> CallbackRequest<'a> {
        self.headers.push((name, value));
        self
    }

    /// Look a header up case-insensitively. A name sent twice is [`Lookup::Repeated`]; fetch-style
    /// stacks join repeats with `", "` instead, which the value parsers reject the same way, so
    /// every adapter gives the same code.
    pub(crate) fn header_value(&self, name: &str) -> Lookup<'a> {
        one_of(self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v))
    }

    /// Look a query parameter up (name matched case-insensitively, value not decoded).
    pub(crate) fn query_value(&self, name: &str) -> Lookup<'a> {
        one_of(query_pairs(self.url).filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }
}

fn one_of<'a>(mut values: impl Iterator<Item = &'a str>) -> Lookup<'a> {
    match (values.next(), values.next()) {
        (None, _) => Lookup::Absent,
        (Some(v), None) => Lookup::One(v),
        (Some(_), Some(_)) => Lookup::Repeated,
    }
}

/// `name=value` pairs of a URL's query (after `?`, before `#`), undecoded.
pub(crate) fn query_pairs(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// The host of an absolute URL (`scheme://[userinfo@]host[:port]/...`), without port or a
/// trailing dot, lower-cased as hosts compare. `\` ends the authority as in WHATWG URLs, so
/// `http://evil.com\@live.example.com/` names `evil.com`, as a browser reads it. `None` when
/// there is no host.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    authority_host(rest)
}

/// The host at the start of `authority[/path...]`.
fn authority_host(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        // [::1]:8080 keeps its brackets, as it is written in a URL.
        let end = v6.find(']')?;
        &host_port[..end + 2]
    } else {
        let host = host_port.split(':').next().unwrap_or("");
        // `example.com.` is the same host as `example.com` (the root label written out).
        host.strip_suffix('.').unwrap_or(host)
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A Live host as Alibaba signs it, "the hostname in the callback URL": a URL and a bare
/// `host[:port][/path]` are reduced alike to the lower-cased host name.
pub(crate) fn live_host(url_or_host: &str) -> Result<String, crate::error::Error> {
    let s = url_or_host.trim();
    let host = match s.split_once("://") {
        Some((_, rest)) => authority_host(rest),
        None => authority_host(s),
    };
    host.ok_or_else(|| crate::error::Error::InvalidUrl { reason: "no host in the Live callback URL or host".into() })
}
