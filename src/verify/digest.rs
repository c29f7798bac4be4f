//! Small parsers and primitives shared by every scheme: MD5 hex, timestamps, constant-time
//! comparison.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// An MD5 digest.
pub(crate) type Md5Digest = [u8; 16];

/// MD5 over the concatenation of `parts`.
pub(crate) fn md5_of(parts: &[&[u8]]) -> Md5Digest {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Lower-case hex of a digest.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Why a signature string is unusable.
pub(crate) fn parse_md5_hex(s: &str) -> Result<Md5Digest, &'static str> {
    parse_hex(s)
}

/// `N` bytes from `2N` hexadecimal characters (either case, spaces and tabs around ignored).
pub(crate) fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], &'static str> {
    let s = s.trim_matches([' ', '\t']);
    if s.len() != 2 * N {
        let expected =
            if N == 32 { "expected 64 hexadecimal characters" } else { "expected 32 hexadecimal characters" };
        return Err(if s.contains(',') { "it was sent more than once" } else { expected });
    }
    let mut out = [0u8; N];
    for (i, pair) in s.as_bytes().chunks_exact(2).enumerate() {
        let hi = hex_val(pair[0]).ok_or("it contains a non-hexadecimal character")?;
        let lo = hex_val(pair[1]).ok_or("it contains a non-hexadecimal character")?;
        out[i] = (hi << 4) | lo;
    }
    Ok(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Longest accepted timestamp: 18 digits always fits an `i64` (and is ~3e10 years).
const MAX_TIMESTAMP_DIGITS: usize = 18;

/// A timestamp as sent (trimmed of surrounding spaces) and its value. The signature covers
/// the text as sent, so the text is kept, not re-rendered from the number.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timestamp<'a> {
    pub text: &'a str,
    pub value: i64,
}

/// Parse a plain non-negative decimal integer: no sign, no fraction, no inner spaces.
pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp<'_>, &'static str> {
    let text = s.trim_matches([' ', '\t']);
    if text.is_empty() {
        return Err("it is empty");
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(if text.contains(',') {
            "it was sent more than once"
        } else {
            "expected a non-negative decimal integer (UNIX seconds)"
        });
    }
    if text.len() > MAX_TIMESTAMP_DIGITS {
        return Err("it is too large");
    }
    let value = text.parse::<i64>().map_err(|_| "it is too large")?;
    Ok(Timestamp { text, value })
}

/// Constant-time equality of two digests.
pub(crate) fn digest_eq<const N: usize>(a: &[u8; N], b: &[u8; N]) -> bool {
    a.ct_eq(b).into()
}
