//! Helpers shared by the core tests (native and wasm).
#![allow(dead_code)]

use mediahook::{sign, AuthKey, CallbackRequest, Error, ErrorCode, Provider, SignInput, SignedCallback, Verifier};

pub const IMS_URL: &str = "https://www.example.com/your/callback";
pub const LIVE_HOST: &str = "learn.aliyundoc.com";
pub const TS: u64 = 1519375990;

pub fn key(k: &str) -> AuthKey {
    AuthKey::new(k, 1).expect("test key is valid")
}

/// Sign `body` as `provider` would, with `key` at `ts`.
pub fn signed(provider: Provider, url: &str, k: &str, ts: u64, body: &[u8]) -> SignedCallback {
    sign(provider, &SignInput { url, key: &key(k), timestamp: ts, body }).expect("signing succeeds")
}

/// The request a receiver at `received_url` sees for a signed callback.
pub fn request<'a>(s: &'a SignedCallback, received_url: &'a str) -> CallbackRequest<'a> {
    CallbackRequest {
        method: s.method,
        url: received_url,
        headers: s.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &s.body,
    }
}

/// The error code of a verification that must fail.
pub fn code_of(v: &Verifier, req: &CallbackRequest<'_>, now: u64) -> ErrorCode {
    match v.verify(req, now) {
        Ok(ok) => panic!("expected an error, verified with key {}", ok.key_index),
        Err(e) => e.code(),
    }
}

/// An Alibaba-style request with explicit headers.
pub fn with_headers<'a>(url: &'a str, body: &'a [u8], headers: &[(&'a str, &'a str)]) -> CallbackRequest<'a> {
    CallbackRequest { method: "POST", url, headers: headers.to_vec(), body }
}

pub fn err_code(r: Result<impl std::fmt::Debug, Error>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

/// A small deterministic generator (xorshift64*), so the same "random" cases run natively and
/// under wasm, where proptest is not available.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn alnum(&mut self, len: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len).map(|_| A[self.below(A.len() as u64) as usize] as char).collect()
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}
pub mod events;

/// A gateway configuration: an origin, a secret and IMS keys, plus `extra` (later wins).
pub fn gateway_config(extra: &[(&str, &str)]) -> Result<mediahook::gateway::GatewayConfig, Error> {
    let mut vars = vec![
        ("ORIGIN_URL", "https://origin.example.com/events"),
        ("ORIGIN_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ("ALIBABA_IMS_AUTH_KEYS", "ImsKey1234567890"),
    ];
    vars.extend_from_slice(extra);
    mediahook::gateway::GatewayConfig::from_vars(|name| {
        vars.iter().rev().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    })
}
