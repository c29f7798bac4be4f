//! The one generic routine: reads a JSON body against a record schema and writes the normalised
//! JSON in the same pass, with no intermediate tree. Known fields are read by their kind
//! (numbers from strings, IDs as exact decimal strings, embedded JSON decoded with the original
//! kept, stray-space and alternative keys taking the documented name); unknown fields are copied
//! through (minified); a problem carries its JSON path.

use std::borrow::Cow;

use super::schema::{FieldSchema, Kind, RecordSchema};

/// How deep arrays and objects may nest (serde_json's limit): bounds the stack.
const MAX_DEPTH: usize = 128;

/// Why a walk failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Not JSON.
    Syntax(String),
    /// JSON, but not of the schema: the path (innermost segment first) and the problem.
    Schema { path: Vec<Segment>, detail: String },
}

/// One step of a JSON path.
#[derive(Debug)]
pub(crate) enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

impl Failure {
    fn schema(detail: impl Into<String>) -> Failure {
        Failure::Schema { path: Vec::new(), detail: detail.into() }
    }

    fn at(mut self, segment: impl FnOnce() -> Segment) -> Failure {
        if let Failure::Schema { path, .. } = &mut self {
            path.push(segment());
        }
        self
    }

    /// `$.a.b[0]`.
    pub(crate) fn path(path: &[Segment]) -> String {
        let mut out = String::from("$");
        for s in path.iter().rev() {
            match s {
                Segment::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

type Walked<T> = Result<T, Failure>;

/// A string literal in the source: `start..end` includes the quotes.
#[derive(Clone, Copy)]
struct Literal {
    start: usize,
    end: usize,
    escaped: bool,
}

/// A top-level field's value as written, kept for the envelope (`EventTime`...).
pub(crate) struct Capture {
    pub name: &'static str,
    pub text: Option<String>,
}

/// A key matched by a lower-priority name (an alias, or with stray spaces): if a better name
/// for the field follows, this entry goes back to its own key as an unknown field.
struct Weak {
    field: usize,
    rank: u32,
    key_out: (usize, usize),
    key_src: (usize, usize),
}

/// The reader over one JSON text, and what the envelope needs from the walk.
pub(crate) struct Walker<'s> {
    text: &'s str,
    src: &'s [u8],
    pos: usize,
    depth: usize,
    /// The record of the event's body, for a `Kind::Body` field (`None`: an unknown type).
    pub body: Option<&'static RecordSchema>,
    /// Source ranges of `Kind::Omit` members (left out of the event id's hash).
    pub omitted: Vec<(usize, usize)>,
}

impl<'s> Walker<'s> {
    pub(crate) fn new(text: &'s str) -> Walker<'s> {
        Walker { text, src: text.as_bytes(), pos: 0, depth: 0, body: None, omitted: Vec::new() }
    }

    /// Walk the whole text as one object of the given tables.
    pub(crate) fn document(
        &mut self,
        tables: &[&[FieldSchema]],
        captures: &mut [Capture],
        out: &mut Vec<u8>,
    ) -> Walked<()> {
        self.ws();
        if self.peek() != Some(b'{') {
            self.value_type_check()?;
            return Err(Failure::schema(format!("expected a JSON object, found {}", self.found())));
        }
        self.record(tables, captures, out)?;
        self.end()
    }

    /// Walk the whole text as one value of `kind` (embedded documents).
    fn whole(&mut self, kind: &Kind, out: &mut Vec<u8>) -> Walked<()> {
        self.ws();
        self.value(kind, out)?;
        self.end()
    }

    fn end(&mut self) -> Walked<()> {
        self.ws();
        if self.pos < self.src.len() {
            return Err(self.syntax("trailing characters"));
        }
        Ok(())
    }

    /// Only the syntax of the whole text (after a schema failure: malformed JSON anywhere wins).
    pub(crate) fn check_syntax(text: &str) -> Walked<()> {
        let mut w = Walker::new(text);
        w.ws();
        w.copy(&mut Discard)?;
        w.end()
    }

    // ---- reading -------------------------------------------------------------------------

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn syntax(&self, what: &str) -> Failure {
        let before = &self.src[..self.pos.min(self.src.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Failure::Syntax(format!("{what} at line {line} column {column}"))
    }

    fn eat(&mut self, b: u8, what: &str) -> Walked<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else if self.pos >= self.src.len() {
            Err(self.syntax("EOF while parsing"))
        } else {
            Err(self.syntax(what))
        }
    }

    /// After a member or element: `true` past a `,` (another follows), `false` past `close`.
    fn more(&mut self, close: u8) -> Walked<bool> {
        self.ws();
        if self.peek() == Some(b',') {
            self.pos += 1;
            return Ok(true);
        }
        let what = if close == b'}' { "expected `,` or `}`" } else { "expected `,` or `]`" };
        self.eat(close, what)?;
        Ok(false)
    }

    fn enter(&mut self) -> Walked<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.syntax("recursion limit exceeded"));
        }
        Ok(())
    }

    /// What the next value is, for messages.
    fn found(&self) -> &'static str {
        match self.peek() {
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            Some(b'"') => "a string",
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            _ => "a number",
        }
    }

    /// Before reporting a value as the wrong kind, make sure it is a value at all.
    fn value_type_check(&mut self) -> Walked<()> {
        let at = self.pos;
        self.copy(&mut Discard)?;
        self.pos = at;
        Ok(())
    }

    fn string(&mut self) -> Walked<Literal> {
        if self.peek() != Some(b'"') {
            return Err(if self.pos >= self.src.len() {
                self.syntax("EOF while parsing a value")
            } else {
                self.syntax("expected a string")
            });
        }
        let start = self.pos;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            i = plain_run(self.src, i);
            match self.src.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.syntax("EOF while parsing a string"));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                Some(&c) if c < 0x20 => {
                    self.pos = i;
                    return Err(self.syntax("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        Ok(Literal { start, end: i + 1, escaped })
    }

    /// Check the escape at `i` (a backslash); the index after it.
    fn escape(&mut self, i: usize) -> Walked<usize> {
        let fail = |w: &mut Self, at: usize, what: &str| {
            w.pos = at;
            Err(w.syntax(what))
        };
        match self.src.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => {
                let Some(unit) = self.hex4(i + 2) else { return fail(self, i, "invalid escape") };
                match unit {
                    0xD800..=0xDBFF => {
                        let low = (self.src.get(i + 6) == Some(&b'\\') && self.src.get(i + 7) == Some(&b'u'))
                            .then(|| self.hex4(i + 8))
                            .flatten();
                        match low {
                            Some(0xDC00..=0xDFFF) => Ok(i + 12),
                            _ => fail(self, i, "lone leading surrogate in hex escape"),
                        }
                    }
                    0xDC00..=0xDFFF => fail(self, i, "lone trailing surrogate in hex escape"),
                    _ => Ok(i + 6),
                }
            }
            None => fail(self, i, "EOF while parsing a string"),
            Some(_) => fail(self, i, "invalid escape"),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.src.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &c| Some(acc << 4 | (c as char).to_digit(16)?))
    }

    /// The text of a literal, unescaped.
    fn decode(&self, lit: Literal) -> Cow<'s, str> {
        let inner = &self.text[lit.start + 1..lit.end - 1];
        if !lit.escaped {
            return Cow::Borrowed(inner);
        }
        let b = inner.as_bytes();
        let mut out = String::with_capacity(inner.len());
        let mut i = 0;
        while i < b.len() {
            let Some(rel) = b[i..].iter().position(|&c| c == b'\\') else {
                out.push_str(&inner[i..]);
                break;
            };
            out.push_str(&inner[i..i + rel]);
            i += rel;
            let unit = |at: usize| u32::from_str_radix(&inner[at..at + 4], 16).unwrap_or(0xFFFD);
            match b[i + 1] {
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => {
                    let hi = unit(i + 2);
                    let c = if (0xD800..0xDC00).contains(&hi) {
                        let lo = unit(i + 8);
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    i += 4;
                }
                c => out.push(c as char),
            }
            i += 2;
        }
        Cow::Owned(out)
    }

    /// A number: its text, and whether it is written as a whole number (no fraction or exponent).
    fn number(&mut self) -> Walked<(&'s str, bool)> {
        let start = self.pos;
        let digits = |w: &mut Self| {
            let from = w.pos;
            while w.peek().is_some_and(|c| c.is_ascii_digit()) {
                w.pos += 1;
            }
            w.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.syntax("invalid number")),
        }
        let mut whole = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            whole = false;
            if !digits(self) {
                return Err(self.syntax("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            whole = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.syntax("invalid number"));
            }
        }
        Ok((&self.text[start..self.pos], whole))
    }

    fn literal(&mut self, word: &[u8]) -> Walked<()> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.syntax("expected value"))
        }
    }

    /// Check one value and copy it, minified.
    fn copy<S: Sink>(&mut self, out: &mut S) -> Walked<()> {
        match self.peek() {
            Some(b'"') => {
                let lit = self.string()?;
                out.put(&self.src[lit.start..lit.end]);
            }
            Some(b'{') => {
                self.enter()?;
                self.pos += 1;
                out.put(b"{");
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        out.put(&self.src[key.start..key.end]);
                        self.ws();
                        self.eat(b':', "expected `:`")?;
                        out.put(b":");
                        self.ws();
                        self.copy(out)?;
                        if !self.more(b'}')? {
                            break;
                        }
                        out.put(b",");
                    }
                }
                out.put(b"}");
                self.depth -= 1;
            }
            Some(b'[') => {
                self.enter()?;
                self.pos += 1;
                out.put(b"[");
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        self.copy(out)?;
                        if !self.more(b']')? {
                            break;
                        }
                        out.put(b",");
                    }
                }
                out.put(b"]");
                self.depth -= 1;
            }
            Some(b't') => {
                self.literal(b"true")?;
                out.put(b"true");
            }
            Some(b'f') => {
                self.literal(b"false")?;
                out.put(b"false");
            }
            Some(b'n') => {
                self.literal(b"null")?;
                out.put(b"null");
            }
            Some(b'-' | b'0'..=b'9') => {
                let (n, _) = self.number()?;
                out.put(n.as_bytes());
            }
            None => return Err(self.syntax("EOF while parsing a value")),
            Some(_) => return Err(self.syntax("expected value")),
        }
        Ok(())
    }

    // ---- the schema walk -------------------------------------------------------------------

    /// One value of `kind`.
    fn value(&mut self, kind: &Kind, out: &mut Vec<u8>) -> Walked<()> {
        match (kind, self.peek()) {
            (Kind::Any, _) => self.copy(out),
            (Kind::String, Some(b'"')) => {
                let lit = self.string()?;
                out.extend_from_slice(&self.src[lit.start..lit.end]);
                Ok(())
            }
            (Kind::String, Some(b'-' | b'0'..=b'9')) => {
                // Documented as a string, sent as a number: the digits as written.
                let (n, _) = self.number()?;
                out.push(b'"');
                out.extend_from_slice(n.as_bytes());
                out.push(b'"');
                Ok(())
            }
            (Kind::Integer, Some(b'-' | b'0'..=b'9')) => {
                let (n, whole) = self.number()?;
                let value = if whole { n.parse::<i64>().ok() } else { None }.or_else(|| {
                    n.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)
                });
                let value = value.ok_or_else(|| Failure::schema(format!("expected an integer, found {n}")))?;
                write_i64(out, value);
                Ok(())
            }
            (Kind::Integer, Some(b'"')) => {
                let s = self.decoded_string()?;
                let t = s.trim();
                let value = t
                    .parse::<i64>()
                    .ok()
                    .or_else(|| {
                        t.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)
                    })
                    .ok_or_else(|| Failure::schema(format!("expected an integer, found {s:?}")))?;
                write_i64(out, value);
                Ok(())
            }
            (Kind::Number, Some(b'-' | b'0'..=b'9')) => {
                let (n, _) = self.number()?;
                out.extend_from_slice(n.as_bytes());
                Ok(())
            }
            (Kind::Number, Some(b'"')) => {
                let s = self.decoded_string()?;
                // Digits already in JSON's number form are copied as written.
                let mut digits = Walker::new(s.trim());
                if !digits.text.is_empty() && digits.number().is_ok() && digits.pos == digits.src.len() {
                    out.extend_from_slice(digits.text.as_bytes());
                    return Ok(());
                }
                let value = s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| Failure::schema(format!("expected a number, found {s:?}")))?;
                out.extend_from_slice(value.to_string().as_bytes());
                Ok(())
            }
            (Kind::Id64, Some(b'-' | b'0'..=b'9')) => {
                let (n, whole) = self.number()?;
                let value = if whole { n.parse::<u64>().ok() } else { None }
                    .ok_or_else(|| Failure::schema(format!("expected a 64-bit unsigned integer, found {n}")))?;
                write_id(out, value);
                Ok(())
            }
            (Kind::Id64, Some(b'"')) => {
                let s = self.decoded_string()?;
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Failure::schema("expected a 64-bit unsigned integer, found a string"));
                }
                let value = s.parse::<u64>().map_err(|_| Failure::schema(format!("{s:?} does not fit in 64 bits")))?;
                write_id(out, value);
                Ok(())
            }
            (Kind::Boolean, Some(b't' | b'f')) => self.copy(out),
            // Providers send flags as 0/1 and as strings.
            (Kind::Boolean, Some(b'-' | b'0'..=b'9')) => {
                let (n, _) = self.number()?;
                let value = match n.parse::<f64>() {
                    Ok(0.0) => "false",
                    Ok(1.0) => "true",
                    _ => return Err(Failure::schema(format!("expected a boolean, found {n}"))),
                };
                out.extend_from_slice(value.as_bytes());
                Ok(())
            }
            (Kind::Boolean, Some(b'"')) => {
                let s = self.decoded_string()?;
                let s = s.trim();
                let value = if s.eq_ignore_ascii_case("true") || s == "1" {
                    "true"
                } else if s.eq_ignore_ascii_case("false") || s == "0" {
                    "false"
                } else {
                    return Err(Failure::schema(format!("expected a boolean, found {s:?}")));
                };
                out.extend_from_slice(value.as_bytes());
                Ok(())
            }
            // A flag where a number was documented (VOD's `Encrypt`): 1 or 0.
            (Kind::Integer | Kind::Number, Some(b't' | b'f')) => {
                let truth = self.peek() == Some(b't');
                self.copy(&mut Discard)?;
                out.push(if truth { b'1' } else { b'0' });
                Ok(())
            }
            // A flag where a string was documented: its JSON text.
            (Kind::String, Some(b't' | b'f')) => {
                out.push(b'"');
                self.copy(out)?;
                out.push(b'"');
                Ok(())
            }
            // An object or list where a string was documented: kept as sent.
            (Kind::String, Some(b'{' | b'[')) => self.copy(out),
            // A record sent as a string holding its object.
            (Kind::Record(_), Some(b'"')) => self.object_in_string(kind, "expected an object, found a string", out),
            (Kind::Record(r), Some(b'{')) => self.record(&[r.fields], &mut [], out),
            (Kind::List(item), Some(b'[')) => self.list(item, out),
            (Kind::Embedded(r), Some(_)) => self.embedded(*r, out),
            (Kind::Body, Some(b'{')) => match self.body {
                Some(r) => self.record(&[r.fields], &mut [], out),
                None => self.copy(out),
            },
            // MNS deliveries and some SDKs send the body as a string holding the object.
            (Kind::Body, Some(b'"')) => self.object_in_string(kind, "expected an object or a string holding one", out),
            (Kind::Omit, _) => self.copy(&mut Discard),
            (_, None) => Err(self.syntax("EOF while parsing a value")),
            (kind, Some(_)) => {
                self.value_type_check()?;
                let expected = match kind {
                    Kind::String => "a string",
                    Kind::Integer => "an integer",
                    Kind::Number => "a number",
                    Kind::Id64 => "a 64-bit unsigned integer",
                    Kind::Boolean => "a boolean",
                    Kind::List(_) => "an array",
                    Kind::Body => "an object or a string holding one",
                    _ => "an object",
                };
                Err(Failure::schema(format!("expected {expected}, found {}", self.found())))
            }
        }
    }

    fn decoded_string(&mut self) -> Walked<Cow<'s, str>> {
        let lit = self.string()?;
        Ok(self.decode(lit))
    }

    fn list(&mut self, item: &Kind, out: &mut Vec<u8>) -> Walked<()> {
        self.enter()?;
        self.pos += 1;
        out.push(b'[');
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            let mut index = 0;
            loop {
                self.ws();
                self.value(item, out).map_err(|f| f.at(|| Segment::Index(index)))?;
                if !self.more(b']')? {
                    break;
                }
                out.push(b',');
                index += 1;
            }
        }
        out.push(b']');
        self.depth -= 1;
        Ok(())
    }

    /// `{"raw": <the string as sent>, "json": <decoded, or null>}`; also read from that form
    /// itself, and from the document sent as a value.
    fn embedded(&mut self, record: Option<&'static RecordSchema>, out: &mut Vec<u8>) -> Walked<()> {
        let inner = match record {
            Some(r) => Kind::Record(r),
            None => Kind::Any,
        };
        match self.peek() {
            Some(b'"') => {
                let lit = self.string()?;
                out.extend_from_slice(b"{\"raw\":");
                out.extend_from_slice(&self.src[lit.start..lit.end]);
                out.extend_from_slice(b",\"json\":");
                let mark = out.len();
                let decoded = self.decode(lit);
                let mut nested = Walker::new(&decoded);
                nested.depth = self.depth;
                if nested.whole(&inner, out).is_err() {
                    out.truncate(mark);
                    out.extend_from_slice(b"null");
                }
                out.push(b'}');
                Ok(())
            }
            Some(b'{') if self.normalised_embedded(&inner, out)? => Ok(()),
            Some(b'n') => {
                self.value_type_check()?;
                Err(Failure::schema("expected a JSON document or a string, found null"))
            }
            _ => {
                out.extend_from_slice(b"{\"json\":");
                self.value(&inner, out)?;
                out.push(b'}');
                Ok(())
            }
        }
    }

    /// The normalised form `{"raw"?: string, "json"?: value}` read back; false (and nothing
    /// consumed) when the object is something else.
    fn normalised_embedded(&mut self, inner: &Kind, out: &mut Vec<u8>) -> Walked<bool> {
        let start = self.pos;
        self.value_type_check()?;
        self.pos += 1;
        let (mut raw, mut json) = (None, None);
        let mut members = 0;
        self.ws();
        if self.peek() != Some(b'}') {
            loop {
                self.ws();
                let key = self.string()?;
                self.ws();
                self.eat(b':', "expected `:`")?;
                self.ws();
                let at = self.pos;
                match &*self.decode(key) {
                    "raw" if raw.is_none() && self.peek() == Some(b'"') => raw = Some(self.string()?),
                    "json" if json.is_none() => {
                        json = Some(at);
                        self.copy(&mut Discard)?;
                    }
                    _ => {
                        self.pos = start;
                        return Ok(false);
                    }
                }
                members += 1;
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        if members == 0 {
            self.pos = start;
            return Ok(false);
        }
        let end = self.pos;
        out.push(b'{');
        if let Some(lit) = raw {
            out.extend_from_slice(b"\"raw\":");
            out.extend_from_slice(&self.src[lit.start..lit.end]);
            out.push(b',');
        }
        out.extend_from_slice(b"\"json\":");
        match json {
            Some(at) => {
                self.pos = at;
                if self.peek() == Some(b'n') {
                    self.copy(out)?;
                } else {
                    self.value(inner, out).map_err(|f| f.at(|| Segment::Key("json".into())))?;
                }
            }
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        self.pos = end;
        Ok(true)
    }

    /// An object of `kind` (a record, or the event's body) sent as a string holding it: the
    /// object, normalised. A string that holds no JSON object is `not_an_object`.
    fn object_in_string(&mut self, kind: &Kind, not_an_object: &str, out: &mut Vec<u8>) -> Walked<()> {
        let decoded = self.decoded_string()?;
        let mut nested = Walker::new(&decoded);
        nested.depth = self.depth;
        nested.body = self.body;
        nested.ws();
        let mark = out.len();
        let result =
            if nested.peek() == Some(b'{') { nested.whole(kind, out) } else { Err(Failure::Syntax(String::new())) };
        match result {
            Err(Failure::Syntax(_)) => {
                out.truncate(mark);
                Err(Failure::schema(not_an_object))
            }
            other => other,
        }
    }

    /// An object of the fields of `tables` (one record, or an envelope and the record merged
    /// into it). `captures` collects the text of named fields (the envelope's time).
    fn record(&mut self, tables: &[&[FieldSchema]], captures: &mut [Capture], out: &mut Vec<u8>) -> Walked<()> {
        self.enter()?;
        self.pos += 1;
        out.push(b'{');
        let mut seen: u128 = 0;
        let mut hint = 0;
        let mut weak: Vec<Weak> = Vec::new();
        let mut first = true;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                let key_start = self.pos;
                let key = self.string()?;
                self.ws();
                self.eat(b':', "expected `:`")?;
                self.ws();
                let name = self.decode(key);
                let matched = lookup(tables, &name, hint).map(|(index, rank, field)| {
                    hint = index + 1;
                    let bit = 1u128 << (index % 128);
                    let previous = (seen & bit != 0)
                        .then(|| weak.iter().rposition(|w| w.field == index).map_or(0, |i| weak[i].rank));
                    (index, rank, field, bit, previous)
                });
                match matched {
                    Some((_, _, field, _, _)) if matches!(field.kind, Kind::Omit) => {
                        self.copy(&mut Discard)?;
                        self.omitted.push((key_start, self.pos));
                    }
                    Some((_, rank, field, _, Some(previous))) if rank == previous => {
                        return Err(Failure::schema("duplicate field").at(|| Segment::Key(field.name.into())));
                    }
                    // A better name for the field came first: this one is kept as sent.
                    Some((_, rank, _, _, Some(previous))) if rank > previous => {
                        self.unknown(key, first, out)?;
                        first = false;
                    }
                    Some((index, rank, field, bit, previous)) => {
                        if previous.is_some() {
                            // The earlier, lower-priority key goes back to its own name.
                            seen &= !bit;
                            let i = weak.iter().rposition(|w| w.field == index).expect("a weak entry");
                            let w = weak.remove(i);
                            let own = &self.src[w.key_src.0..w.key_src.1];
                            out.splice(w.key_out.0..w.key_out.1, own.iter().copied());
                            let grown = own.len() as isize - (w.key_out.1 - w.key_out.0) as isize;
                            for other in weak.iter_mut().filter(|o| o.key_out.0 > w.key_out.0) {
                                other.key_out.0 = other.key_out.0.saturating_add_signed(grown);
                                other.key_out.1 = other.key_out.1.saturating_add_signed(grown);
                            }
                        }
                        let entry = out.len();
                        if !first {
                            out.push(b',');
                        }
                        let key_out = (out.len(), out.len() + field.name.len() + 2);
                        out.push(b'"');
                        out.extend_from_slice(field.name.as_bytes());
                        out.extend_from_slice(b"\":");
                        let value_start = out.len();
                        let present = self.field(field, out).map_err(|f| f.at(|| Segment::Key(field.name.into())))?;
                        if present {
                            seen |= bit;
                            if rank > 0 {
                                weak.push(Weak { field: index, rank, key_out, key_src: (key.start, key.end) });
                            }
                            if let Some(c) = captures.iter_mut().find(|c| c.name == field.name) {
                                c.text = Some(String::from_utf8_lossy(&out[value_start..]).into_owned());
                            }
                            first = false;
                        } else {
                            out.truncate(entry);
                        }
                    }
                    None => {
                        self.unknown(key, first, out)?;
                        first = false;
                    }
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        out.push(b'}');
        self.depth -= 1;
        let mut index = 0;
        for table in tables {
            for field in *table {
                if field.required && seen & (1u128 << (index % 128)) == 0 {
                    return Err(Failure::schema("missing required field").at(|| Segment::Key(field.name.into())));
                }
                index += 1;
            }
        }
        Ok(())
    }

    /// A known field's value; false when it is absent (null, or "" for a number).
    fn field(&mut self, field: &FieldSchema, out: &mut Vec<u8>) -> Walked<bool> {
        match self.peek() {
            Some(b'n') => {
                self.copy(&mut Discard)?;
                if field.required {
                    return Err(Failure::schema("missing required field"));
                }
                Ok(false)
            }
            Some(b'"')
                if !field.required && field.kind.empty_is_absent() && self.src.get(self.pos + 1) == Some(&b'"') =>
            {
                self.pos += 2;
                Ok(false)
            }
            _ => {
                self.value(&field.kind, out)?;
                Ok(true)
            }
        }
    }

    /// A member kept as sent.
    fn unknown(&mut self, key: Literal, first: bool, out: &mut Vec<u8>) -> Walked<()> {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(&self.src[key.start..key.end]);
        out.push(b':');
        self.copy(out)
    }
}

/// The field a key names, with its index across the tables and its rank: 0 for the field's
/// name, then its alternative names; odd ranks for keys that match only once trimmed.
fn lookup<'t>(tables: &[&'t [FieldSchema]], key: &str, hint: usize) -> Option<(usize, u32, &'t FieldSchema)> {
    // First the field after the last one matched: providers send fields in a stable order.
    // A name in an earlier table takes precedence (Tencent's dispatched member over the same
    // member as an ordinary field), so a hit in a later table is checked against them.
    let mut base = 0;
    for (t, table) in tables.iter().enumerate() {
        if let Some(field) = table.get(hint - base) {
            let shadowed =
                || tables[..t].iter().flat_map(|x| x.iter()).any(|f| f.name == key || f.aliases.contains(&key));
            if field.name == key && (t == 0 || !shadowed()) {
                return Some((hint, 0, field));
            }
            break;
        }
        base += table.len();
    }
    // Length and first byte first: most names differ there, and a full comparison is a call.
    let same = |name: &str, key: &str| {
        name.len() == key.len() && name.as_bytes().first() == key.as_bytes().first() && name == key
    };
    let find = |key: &str| {
        let mut index = 0;
        for table in tables {
            for field in *table {
                if same(field.name, key) {
                    return Some((index, 0, field));
                }
                if let Some(a) = field.aliases.iter().position(|a| same(a, key)) {
                    return Some((index, 2 + 2 * a as u32, field));
                }
                index += 1;
            }
        }
        None
    };
    find(key).or_else(|| {
        let trimmed = key.trim();
        if trimmed.len() == key.len() {
            return None;
        }
        find(trimmed).map(|(i, rank, f)| (i, rank + 1, f))
    })
}

/// The end of the run of string bytes from `i` that need no attention (not `"`, `\\` or a
/// control character), eight at a time: strings are most of a callback's bytes.
fn plain_run(src: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(chunk) = src.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let special = zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')))
            | w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// Where checked JSON goes: the output, or nowhere.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}
impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}
struct Discard;
impl Sink for Discard {
    fn put(&mut self, _: &[u8]) {}
}

fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

fn write_id(out: &mut Vec<u8>, n: u64) {
    out.push(b'"');
    write_u64(out, n);
    out.push(b'"');
}

/// A JSON string literal of any text.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[from..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        from = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[from..]);
    out.push(b'"');
}

/// A top-level member found by [`scan_top_level`].
pub(crate) enum Found {
    /// A string, unescaped.
    Str(String),
    /// A number, as written.
    Number(String),
    /// Any other value.
    Other,
}

/// The values of `keys` in the top-level object (keys compared trimmed; an exact key wins over
/// a trimmed one), found before the walk so that the body's record is known when it starts.
/// Stops at the first exact `keys[0]`; stops quietly at a syntax error (the walk reports it).
/// At most six keys.
pub(crate) fn scan_top_level(text: &str, keys: &[&str]) -> [Option<Found>; 6] {
    let mut found: [Option<Found>; 6] = Default::default();
    let mut exact = [false; 6];
    let keys = &keys[..keys.len().min(6)];
    let mut w = Walker::new(text);
    let _ = (|| -> Walked<()> {
        w.ws();
        w.eat(b'{', "")?;
        w.ws();
        if w.peek() == Some(b'}') {
            return Ok(());
        }
        loop {
            w.ws();
            let key = w.string()?;
            w.ws();
            w.eat(b':', "")?;
            w.ws();
            let name = w.decode(key);
            let hit = keys.iter().position(|k| *k == name).map(|i| (i, true)).or_else(|| {
                let trimmed = name.trim();
                keys.iter().position(|k| *k == trimmed).map(|i| (i, false))
            });
            match hit {
                Some((i, is_exact)) if found[i].is_none() || is_exact && !exact[i] => {
                    found[i] = Some(match w.peek() {
                        Some(b'"') => Found::Str(w.decoded_string()?.into_owned()),
                        Some(b'-' | b'0'..=b'9') => Found::Number(w.number()?.0.to_owned()),
                        _ => {
                            w.copy(&mut Discard)?;
                            Found::Other
                        }
                    });
                    exact[i] = is_exact;
                    if i == 0 && is_exact {
                        return Ok(());
                    }
                }
                _ => w.copy(&mut Discard)?,
            }
            w.ws();
            if w.peek() != Some(b',') {
                return Ok(());
            }
            w.pos += 1;
        }
    })();
    found
}

/// The first top-level key that `wanted` accepts and whose value is not null (stops quietly at
/// a syntax error: the walk reports it).
pub(crate) fn first_member(text: &str, wanted: impl Fn(&str) -> bool) -> Option<String> {
    let mut w = Walker::new(text);
    let mut found = None;
    let _ = (|| -> Walked<()> {
        w.ws();
        w.eat(b'{', "")?;
        loop {
            w.ws();
            if w.peek() == Some(b'}') {
                return Ok(());
            }
            let key = w.string()?;
            w.ws();
            w.eat(b':', "")?;
            w.ws();
            let name = w.decode(key);
            if w.peek() != Some(b'n') && wanted(&name) {
                found = Some(name.into_owned());
                return Ok(());
            }
            w.copy(&mut Discard)?;
            w.ws();
            if w.peek() != Some(b',') {
                return Ok(());
            }
            w.pos += 1;
        }
    })();
    found
}

/// The values of `keys` (compared unescaped, untrimmed) among the top-level members of the
/// object `text`, the whole text checked on the way; `Err` for a syntax error or a key sent twice.
pub(crate) fn top_level_values<const N: usize>(
    text: &str,
    keys: [&str; N],
) -> Result<[Option<serde_json::Value>; N], String> {
    let mut found: [Option<serde_json::Value>; N] = std::array::from_fn(|_| None);
    let mut seen = [false; N];
    let mut w = Walker::new(text);
    let fail = |f: Failure| match f {
        Failure::Syntax(detail) | Failure::Schema { detail, .. } => detail,
    };
    w.ws();
    w.eat(b'{', "expected an object").map_err(fail)?;
    w.ws();
    if w.peek() == Some(b'}') {
        w.pos += 1;
    } else {
        loop {
            w.ws();
            let key = w.string().map_err(fail)?;
            w.ws();
            w.eat(b':', "expected `:`").map_err(fail)?;
            w.ws();
            let start = w.pos;
            w.copy(&mut Discard).map_err(fail)?;
            if let Some(i) = keys.iter().position(|k| *k == w.decode(key)) {
                if seen[i] {
                    return Err(format!("duplicate field `{}`", keys[i]));
                }
                seen[i] = true;
                found[i] = serde_json::from_str(&text[start..w.pos]).map_err(|e| e.to_string())?;
            }
            if !w.more(b'}').map_err(fail)? {
                break;
            }
        }
    }
    w.end().map_err(fail)?;
    Ok(found)
}

/// The text of a JSON string literal as written by the walk (`"..."` → its content).
pub(crate) fn unquote(literal: &str) -> Option<String> {
    let mut w = Walker::new(literal);
    w.decoded_string().ok().map(Cow::into_owned)
}
