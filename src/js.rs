//! The npm/browser exports (feature `wasm`). Thin: strings and bytes cross the boundary, the
//! JS wrapper (`js/api.mjs`) gives them the documented API and throws `VerifyError`.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::events::{event_id_of, normalise_without_id};
use crate::provider::Provider;
use crate::verify::key::AuthKey;
use crate::verify::request::CallbackRequest;
use crate::verify::sign::{sign, SignInput};
use crate::verify::Verifier;

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

    /// The request headers the verifier reads (lower-cased): the only ones JS passes.
    #[wasm_bindgen(js_name = headerNames)]
    pub fn header_names(&self) -> Vec<String> {
        self.inner.header_names().iter().map(|n| n.to_ascii_lowercase()).collect()
    }

    /// Verify, then parse the request JS packed into the input buffer (see [`io_input`]).
    /// Returns the length of the normalised event JSON, without `id` (JS reads it lazily with
    /// [`event_id_io`]), in the output buffer, or -1 (then
    /// [`io_error`] has the error).
    #[wasm_bindgen(js_name = verifyIo)]
    pub fn verify_io(&self, head: usize, url: usize, body: usize, now: f64) -> i32 {
        with_io(head, url, body, |req, out| {
            let verified = self.inner.verify(&req, clock(now))?;
            normalise_without_id(self.inner.provider(), verified.body, req.url, out)?;
            Ok(out.len() as f64)
        }) as i32
    }

    /// Verify the signature and time only: `keyIndex * 2^40 + timestamp`, or -1 (then
    /// [`io_error`] has the error). `body` bytes are packed (none for the Alibaba schemes, which
    /// sign no byte of it); `body_len` is the body's size for the limit.
    #[wasm_bindgen(js_name = verifySignatureIo)]
    pub fn verify_signature_io(&self, head: usize, url: usize, body: usize, body_len: f64, now: f64) -> f64 {
        with_io(head, url, body, |req, _| {
            let (key_index, timestamp) = self.inner.verify_signature(&req, body_len as u64, clock(now))?;
            Ok(key_index as f64 * TIMESTAMP_SPAN + timestamp.min(TIMESTAMP_SPAN as u64 - 1) as f64)
        })
    }

    /// Whether the signature reads the body (Tencent's `Sign`/`T` travel in it; Mux, Cloudflare
    /// Stream and Volcengine sign it): otherwise JS passes only the body's length to
    /// [`JsVerifier::verify_signature_io`].
    #[wasm_bindgen(js_name = readsBody)]
    pub fn reads_body(&self) -> bool {
        !self.inner.provider().signs_headers_only()
    }

    /// The body limit in bytes.
    #[wasm_bindgen(js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> f64 {
        self.inner.max_body_bytes() as f64
    }
}

/// Timestamps below 2^40 seconds (year 36812) fit beside a key index in one f64.
const TIMESTAMP_SPAN: f64 = 1_099_511_627_776.0;

/// The buffers shared with JS: JS encodes a request straight into `input` (no string or array
/// crosses the boundary), and reads the event JSON from `output` with one `TextDecoder` call.
#[derive(Default)]
struct Io {
    input: Vec<u8>,
    output: Vec<u8>,
    error: Option<Error>,
}

thread_local! {
    static IO: RefCell<Io> = RefCell::new(Io::default());
}

/// The wasm memory, for JS's view of the buffers.
#[wasm_bindgen(js_name = ioMemory)]
pub fn io_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The input buffer, grown to at least `len` bytes: its address in [`io_memory`]. JS writes
/// `method "\n" (name "\n" value "\n")*`, then the URL, then the body, back to back.
#[wasm_bindgen(js_name = ioInput)]
pub fn io_input(len: usize) -> *const u8 {
    IO.with(|io| {
        let mut io = io.borrow_mut();
        if io.input.len() < len {
            io.input.resize(len, 0);
        }
        io.input.as_ptr()
    })
}

/// The output buffer's address (valid until the next call).
#[wasm_bindgen(js_name = ioOutput)]
pub fn io_output() -> *const u8 {
    IO.with(|io| io.borrow().output.as_ptr())
}

/// The error of the last call that returned -1, as a JS `Error` with `code`.
#[wasm_bindgen(js_name = ioError)]
pub fn io_error() -> JsValue {
    IO.with(|io| match io.borrow_mut().error.take() {
        Some(e) => js_error(&e),
        None => JsValue::NULL,
    })
}

/// Run `f` on the request packed in the input buffer; its error is kept for [`io_error`].
fn with_io(
    head: usize,
    url: usize,
    body: usize,
    f: impl FnOnce(CallbackRequest<'_>, &mut Vec<u8>) -> Result<f64, Error>,
) -> f64 {
    IO.with(|io| {
        let mut io = io.borrow_mut();
        let Io { input, output, error } = &mut *io;
        let run = || -> Result<f64, Error> {
            let packed = input.get(..head + url + body).ok_or_else(packing_error)?;
            let text = std::str::from_utf8(&packed[..head + url]).map_err(|_| packing_error())?;
            let (head_text, url) = text.split_at(head);
            // `method\n(name\nvalue\n)*`, read line by line (the verifier reads two headers).
            let mut lines = Lines(head_text);
            let method = lines.next().unwrap_or("");
            let mut headers = Vec::with_capacity(2);
            while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
                headers.push((name, value));
            }
            f(CallbackRequest { method, url, headers, body: &packed[head + url.len()..] }, output)
        };
        run().unwrap_or_else(|e| {
            *error = Some(e);
            -1.0
        })
    })
}

/// The lines of the packed head: a byte loop (no searcher set up per call).
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let end = self.0.bytes().position(|b| b == b'\n').unwrap_or(self.0.len());
        let line = &self.0[..end];
        self.0 = self.0.get(end + 1..).unwrap_or("");
        Some(line)
    }
}

fn packing_error() -> Error {
    Error::InvalidConfig { name: "request".into(), reason: "the packed request is not valid UTF-8 or too long".into() }
}

/// Parse without verifying, from the input buffer (the URL, then the body). Returns the length
/// of the JSON (without `id`) in the output buffer, or -1.
#[wasm_bindgen(js_name = parseEventIo)]
pub fn parse_event_io(provider: &str, url: usize, body: usize) -> i32 {
    with_io(0, url, body, |req, out| {
        normalise_without_id(provider.parse()?, req.body, req.url, out)?;
        Ok(out.len() as f64)
    }) as i32
}

/// The event id of the callback in the input buffer (the URL, then the body), into the output
/// buffer: its length, or -1.
#[wasm_bindgen(js_name = eventIdIo)]
pub fn event_id_io(provider: &str, url: usize, body: usize) -> i32 {
    with_io(0, url, body, |req, out| {
        *out = event_id_of(provider.parse()?, req.body, req.url)?.into_bytes();
        Ok(out.len() as f64)
    }) as i32
}

fn clock(now: f64) -> u64 {
    now.max(0.0) as u64
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
        let key = AuthKey::for_provider(provider, key, 1)?;
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

/// The whole normalised event JSON (with its id) that the worker forwards for this callback,
/// byte for byte: `parse_event(...).as_json()`. Not wrapped by the JS API (its events are
/// objects); the end-to-end tests compare the origin's body with it.
#[wasm_bindgen(js_name = eventJson)]
pub fn event_json(provider: &str, url: &str, body: &[u8]) -> Result<String, JsValue> {
    let run = || crate::events::parse_event(provider.parse()?, body, url);
    run().map(crate::events::Event::into_json).map_err(|e| js_error(&e))
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
