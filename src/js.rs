//! The npm/browser exports (feature `wasm`). Thin: strings and bytes cross the boundary, the
//! JS wrapper (`js/api.mjs`) gives them the documented API and throws `VerifyError`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::events::parse_event;
use crate::key::AuthKey;
use crate::provider::Provider;
use crate::request::CallbackRequest;
use crate::sign::{sign, SignInput};
use crate::verifier::Verifier;

/// A JS `Error` with the stable `code` property.
fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = Reflect::set(&err, &"code".into(), &e.code().as_str().into());
    err.into()
}

/// A configured verifier, kept by the JS wrapper across calls (see `verifierFor` in
/// js/api.mjs): keys are validated and URLs normalised once, and each call passes only the
/// request across the boundary.
#[wasm_bindgen(js_name = Verifier)]
pub struct JsVerifier {
    inner: Verifier,
}

#[wasm_bindgen(js_class = Verifier)]
impl JsVerifier {
    /// `url` empty: the URL each request arrived at is the signed one. `tolerance_seconds` < 0:
    /// the default.
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, url: &str, keys: Vec<String>, tolerance_seconds: f64) -> Result<JsVerifier, JsValue> {
        let run = || -> Result<Verifier, Error> {
            let mut verifier = Verifier::new(provider.parse()?, &keys)?;
            if !url.is_empty() {
                verifier = verifier.with_signed_urls([url])?;
            }
            if tolerance_seconds >= 0.0 {
                verifier = verifier.with_tolerance_seconds(tolerance_seconds as u64);
            }
            Ok(verifier)
        };
        run().map(|inner| JsVerifier { inner }).map_err(|e| js_error(&e))
    }

    /// Verify, then parse. `headers` is flat: name, value, name, value... Returns the
    /// normalised event as JSON text.
    pub fn verify(
        &self,
        received_url: &str,
        method: &str,
        headers: Vec<String>,
        body: &[u8],
        now: f64,
    ) -> Result<String, JsValue> {
        let run = || -> Result<String, Error> {
            let verified = self.inner.verify(&request(received_url, method, &headers, body), clock(now))?;
            let event = parse_event(self.inner.provider(), verified.body, received_url)?;
            Ok(event.into_json())
        };
        run().map_err(|e| js_error(&e))
    }

    /// Verify the signature and time only: `[keyIndex, timestamp]`.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(
        &self,
        received_url: &str,
        method: &str,
        headers: Vec<String>,
        body: &[u8],
        now: f64,
    ) -> Result<Vec<f64>, JsValue> {
        let verified =
            self.inner.verify(&request(received_url, method, &headers, body), clock(now)).map_err(|e| js_error(&e))?;
        Ok(vec![verified.key_index as f64, verified.timestamp as f64])
    }
}

fn request<'a>(url: &'a str, method: &'a str, headers: &'a [String], body: &'a [u8]) -> CallbackRequest<'a> {
    CallbackRequest {
        method,
        url,
        headers: headers.chunks_exact(2).map(|p| (p[0].as_str(), p[1].as_str())).collect(),
        body,
    }
}

fn clock(now: f64) -> u64 {
    now.max(0.0) as u64
}

/// Parse without verifying; returns the normalised event as JSON text.
#[wasm_bindgen(js_name = parseEventRaw)]
pub fn parse_event_raw(provider: &str, body: &[u8], url: &str) -> Result<String, JsValue> {
    let run = || -> Result<String, Error> {
        let event = parse_event(provider.parse()?, body, url)?;
        Ok(event.into_json())
    };
    run().map_err(|e| js_error(&e))
}

/// Sign as the provider would: `{method, headers: [[name, value]...], body: Uint8Array}`.
#[wasm_bindgen(js_name = signRaw)]
pub fn sign_raw(provider: &str, url: &str, key: &str, body: &[u8], timestamp: f64) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, Error> {
        let provider: Provider = provider.parse()?;
        if !(timestamp >= 0.0 && timestamp.fract() == 0.0 && timestamp < 9.0e15) {
            return Err(Error::InvalidConfig {
                name: "timestamp".into(),
                reason: "expected whole UNIX seconds".into(),
            });
        }
        let key = AuthKey::new(key, 1)?;
        let signed = sign(provider, &SignInput { url, key: &key, timestamp: timestamp as u64, body })?;
        let headers = Array::new();
        for (n, v) in &signed.headers {
            headers.push(&Array::of2(&n.into(), &v.into()));
        }
        let out = Object::new();
        let _ = Reflect::set(&out, &"method".into(), &signed.method.into());
        let _ = Reflect::set(&out, &"headers".into(), &headers);
        let _ = Reflect::set(&out, &"body".into(), &Uint8Array::from(signed.body.as_slice()));
        Ok(out.into())
    };
    run().map_err(|e| js_error(&e))
}

/// The event types mediahook knows for a provider (empty for an unknown provider).
#[wasm_bindgen(js_name = knownEventTypes)]
pub fn known_event_types(provider: &str) -> Vec<String> {
    provider
        .parse::<Provider>()
        .map_or_else(|_| Vec::new(), |p| crate::events::known_event_types(p).iter().map(|t| (*t).to_owned()).collect())
}

/// Every stable error code.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL.iter().map(|c| c.as_str().to_owned()).collect()
}
