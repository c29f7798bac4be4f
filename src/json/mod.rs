//! The JSON floor, under everything that reads a body: [`mod@read`] (the byte reader: tokens,
//! strings, numbers, depth, skip and copy), [`mod@members`] (one lazy iterator over an object's
//! members, yielding raw slices) and [`mod@write`] (strings and integers as JSON). It knows nothing
//! of providers or events; the signature schemes and the schema walk are built on it.

pub mod members;
pub mod read;
pub mod write;

pub use members::{member_at, members, Member, Members};
pub use read::{decode, without_bom, Discard, Failure, Joint, Literal, Read, Reader, Segment, Sink, MAX_DEPTH};
pub use write::{write_i64, write_str, write_u64};

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(String, String)>, String> {
        members(text).map(|m| m.map(|m| (m.key().into_owned(), m.value.to_owned())).map_err(Failure::detail)).collect()
    }

    #[test]
    fn members_yield_each_key_and_raw_value() {
        let got = all(" {\"a\" : 1.50 , \"b\":{\"c\":[1, 2]},\"d\\u0065\":\"x\\\"y\",\"n\":null} ").unwrap();
        let want = [("a", "1.50"), ("b", "{\"c\":[1, 2]}"), ("de", "\"x\\\"y\""), ("n", "null")];
        assert_eq!(got, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert_eq!(all("{}").unwrap(), Vec::new());
    }

    #[test]
    fn members_check_the_whole_text() {
        for bad in ["{\"a\":1,}", "{\"a\" 1}", "{\"a\":1} x", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":01}", "{"] {
            assert!(all(bad).is_err(), "{bad}");
        }
        assert!(all("[1]").unwrap_err().contains("expected a JSON object"));
        // The iteration is lazy: members before an error are still seen.
        let mut it = members("{\"a\":1,\"b\":}");
        assert_eq!(it.next().unwrap().unwrap().key(), "a");
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn member_at_follows_a_path_of_objects() {
        let text = r#"{"Response":{"Error":{"Code":"AuthFailure"},"N":[1]},"x":1}"#;
        assert_eq!(member_at(text, &["Response", "Error", "Code"]).unwrap().string().unwrap(), "AuthFailure");
        assert_eq!(member_at(text, &["x"]).unwrap().value, "1");
        assert!(member_at(text, &["Response", "N", "0"]).is_none(), "an array is not a step");
        assert!(member_at(text, &["Response", "Missing"]).is_none());
        assert!(member_at(text, &[]).is_none());
        assert!(member_at(r#"{"a":1,"b":}"#, &["b"]).is_none(), "past a syntax error, nothing is found");
    }

    #[test]
    fn member_helpers() {
        let m = members("{\"k\\n\":\"v\\u00e9\"}").next().unwrap().unwrap();
        assert_eq!(m.raw_key(), "k\\n");
        assert_eq!(m.key(), "k\n");
        assert_eq!(m.string().unwrap(), "v\u{e9}");
        assert!(!m.is_null());
        assert_eq!(m.first_byte(), b'"');
    }

    #[test]
    fn reader_strings_numbers_and_depth() {
        let mut r = Reader::new("\"a\\tb\" -12.5e+3 true");
        assert_eq!(r.decoded_string().unwrap(), "a\tb");
        r.ws();
        assert_eq!(r.number().unwrap(), ("-12.5e+3", false));
        r.ws();
        assert_eq!(r.skip().unwrap(), "true");
        r.end().unwrap();
        for bad in ["\"\\ud800\"", "\"\\udc00\"", "\"a\u{1}\"", "-", "1.", "1e", "[1 2]", "nul"] {
            assert!(Reader::check(bad).is_err(), "{bad}");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Reader::check(&deep(MAX_DEPTH)).is_ok());
        assert!(Reader::check(&deep(MAX_DEPTH + 1)).unwrap_err().detail().contains("recursion limit"));
    }

    #[test]
    fn copy_minifies_and_keeps_numbers_as_written() {
        let mut r = Reader::new("{ \"a\" : [ 1.50 , 1e400 , 123456789012345678901234567890 ] , \"b\" : { } }");
        let mut out = Vec::new();
        r.copy(&mut out).unwrap();
        assert_eq!(out, b"{\"a\":[1.50,1e400,123456789012345678901234567890],\"b\":{}}");
    }

    #[test]
    fn writer() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"\\\n\u{1}é");
        write_i64(&mut out, -42);
        write_u64(&mut out, u64::MAX);
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"\\\\\\n\\u0001é\"-4218446744073709551615");
    }
}
