//! The byte reader: whitespace, strings (checked, and decoded on demand), numbers, literals,
//! nesting depth, and a value skipped or copied minified. It knows JSON's grammar and nothing
//! of events; the joints of an object and an array (`{`, a key, `:`, `,`, `}`) are written once,
//! in [`Reader::next_key`] and [`Reader::next_element`].

use std::borrow::Cow;

/// How deep arrays and objects may nest: serde_json's limit (127 levels), so that whatever this
/// reader accepts, serde_json reads too. It bounds the stack.
pub const MAX_DEPTH: usize = 127;

/// Why reading failed: the text is not JSON, or (for readers above this floor) not of the
/// expected shape, with the path to the problem (innermost segment first).
#[derive(Debug)]
pub enum Failure {
    /// Not JSON: what and where (`... at line L column C`).
    Syntax(String),
    /// JSON, but not of the schema: the path (innermost segment first) and the problem.
    Schema {
        /// Innermost segment first.
        path: Vec<Segment>,
        /// What is wrong.
        detail: String,
    },
}

/// One step of a JSON path.
#[derive(Debug)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

impl Failure {
    /// A schema failure at the current value (segments are added on the way out).
    pub fn schema(detail: impl Into<String>) -> Failure {
        Failure::Schema { path: Vec::new(), detail: detail.into() }
    }

    /// Add the segment that leads to the failing value.
    pub fn at(mut self, segment: impl FnOnce() -> Segment) -> Failure {
        if let Failure::Schema { path, .. } = &mut self {
            path.push(segment());
        }
        self
    }

    /// `$.a.b[0]`.
    pub fn path(path: &[Segment]) -> String {
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

    /// The message alone.
    pub fn detail(self) -> String {
        match self {
            Failure::Syntax(d) | Failure::Schema { detail: d, .. } => d,
        }
    }
}

/// A reader's result.
pub type Read<T> = Result<T, Failure>;

/// A string literal in the source: `start..end` includes the quotes.
#[derive(Clone, Copy, Debug)]
pub struct Literal {
    /// The opening quote.
    pub start: usize,
    /// Past the closing quote.
    pub end: usize,
    /// Whether it holds a backslash escape (else its text is the bytes between the quotes).
    pub escaped: bool,
}

/// Where checked JSON goes: an output buffer, or nowhere.
pub trait Sink {
    /// Append bytes.
    fn put(&mut self, bytes: &[u8]);
}
impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}
/// A [`Sink`] that keeps nothing (for checking or skipping a value).
pub struct Discard;
impl Sink for Discard {
    fn put(&mut self, _: &[u8]) {}
}

/// A cursor over one JSON text.
#[derive(Clone)]
pub struct Reader<'s> {
    text: &'s str,
    src: &'s [u8],
    pos: usize,
    depth: usize,
}

impl<'s> Reader<'s> {
    /// A reader at the start of `text`.
    pub fn new(text: &'s str) -> Reader<'s> {
        Reader { text, src: text.as_bytes(), pos: 0, depth: 0 }
    }

    /// A reader for a document found inside another (a JSON text sent in a string), which
    /// counts its nesting on top of the outer one's.
    pub fn nested(text: &'s str, depth: usize) -> Reader<'s> {
        Reader { depth, ..Reader::new(text) }
    }

    /// The whole text.
    pub fn text(&self) -> &'s str {
        self.text
    }

    /// The byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Go back to (or on to) an offset seen before.
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// How deep the current value is nested.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The next byte, if any.
    pub fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// The byte after the next one.
    pub fn peek2(&self) -> Option<u8> {
        self.src.get(self.pos + 1).copied()
    }

    /// Skip whitespace; indentation (runs of spaces) eight bytes at a time.
    pub fn ws(&mut self) {
        const SPACES: u64 = 0x2020_2020_2020_2020;
        loop {
            match self.peek() {
                Some(b' ') => {
                    let eight = self.src.get(self.pos..self.pos + 8).and_then(|c| <[u8; 8]>::try_from(c).ok());
                    self.pos += if eight.map(u64::from_ne_bytes) == Some(SPACES) { 8 } else { 1 };
                }
                Some(b'\n' | b'\r' | b'\t') => self.pos += 1,
                _ => return,
            }
        }
    }

    /// A syntax failure at the current position.
    pub fn syntax(&self, what: &str) -> Failure {
        let before = &self.src[..self.pos.min(self.src.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Failure::Syntax(format!("{what} at line {line} column {column}"))
    }

    fn eat(&mut self, b: u8, what: &str) -> Read<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else if self.pos >= self.src.len() {
            Err(self.syntax("EOF while parsing"))
        } else {
            Err(self.syntax(what))
        }
    }

    /// Only whitespace may follow.
    pub fn end(&mut self) -> Read<()> {
        self.ws();
        if self.pos < self.src.len() {
            return Err(self.syntax("trailing characters"));
        }
        Ok(())
    }

    /// The whole text is one JSON value (nothing kept).
    pub fn check(text: &str) -> Read<()> {
        let mut r = Reader::new(text);
        r.ws();
        r.copy(&mut Discard)?;
        r.end()
    }

    // ---- objects and arrays: the joints, written once ---------------------------------

    /// Enter an object or array at its opening byte, counting depth.
    fn open(&mut self, opening: u8, what: &str) -> Read<Joint> {
        if self.peek() != Some(opening) {
            return Err(self.syntax(what));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.syntax("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(Joint { items: 0 })
    }

    /// At `{`: enter the object. Then call [`Reader::next_key`] until it gives `None`, reading
    /// each member's value in between.
    pub fn begin_object(&mut self) -> Read<Joint> {
        self.open(b'{', "expected `{`")
    }

    /// At `[`: enter the array. Then call [`Reader::next_element`] until it gives false.
    pub fn begin_array(&mut self) -> Read<Joint> {
        self.open(b'[', "expected `[`")
    }

    /// The next member's key, the reader left at its value; `None` past the closing `}`.
    pub fn next_key(&mut self, joint: &mut Joint) -> Read<Option<Literal>> {
        if !self.next_item(joint, b'}', "expected `,` or `}`")? {
            return Ok(None);
        }
        let key = self.string()?;
        self.ws();
        self.eat(b':', "expected `:`")?;
        self.ws();
        Ok(Some(key))
    }

    /// Whether an element follows (the reader left at it); false past the closing `]`.
    pub fn next_element(&mut self, joint: &mut Joint) -> Read<bool> {
        self.next_item(joint, b']', "expected `,` or `]`")
    }

    fn next_item(&mut self, joint: &mut Joint, close: u8, separator: &str) -> Read<bool> {
        self.ws();
        if joint.items == 0 {
            if self.peek() == Some(close) {
                self.pos += 1;
                self.depth -= 1;
                return Ok(false);
            }
        } else if self.peek() == Some(b',') {
            self.pos += 1;
            self.ws();
        } else {
            self.eat(close, separator)?;
            self.depth -= 1;
            return Ok(false);
        }
        joint.items += 1;
        Ok(true)
    }

    // ---- scalars ------------------------------------------------------------------------

    /// What the next value is, for messages.
    pub fn found(&self) -> &'static str {
        match self.peek() {
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            Some(b'"') => "a string",
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            _ => "a number",
        }
    }

    /// A string literal, checked (escapes, control characters), not decoded.
    pub fn string(&mut self) -> Read<Literal> {
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

    /// A string literal, decoded.
    pub fn decoded_string(&mut self) -> Read<Cow<'s, str>> {
        let lit = self.string()?;
        Ok(self.decode(lit))
    }

    /// Check the escape at `i` (a backslash); the index after it.
    fn escape(&mut self, i: usize) -> Read<usize> {
        let fail = |r: &mut Self, at: usize, what: &str| {
            r.pos = at;
            Err(r.syntax(what))
        };
        match self.src.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => {
                let Some(unit) = hex4(self.src, i + 2) else { return fail(self, i, "invalid escape") };
                match unit {
                    0xD800..=0xDBFF => {
                        let low = (self.src.get(i + 6) == Some(&b'\\') && self.src.get(i + 7) == Some(&b'u'))
                            .then(|| hex4(self.src, i + 8))
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

    /// The source bytes of a literal, quotes included.
    pub fn raw(&self, lit: Literal) -> &'s [u8] {
        &self.src[lit.start..lit.end]
    }

    /// The text of a literal (checked by [`Reader::string`]), unescaped.
    pub fn decode(&self, lit: Literal) -> Cow<'s, str> {
        decode(&self.text[lit.start + 1..lit.end - 1], lit.escaped)
    }

    /// A number: its text, and whether it is written as a whole number (no fraction or exponent).
    pub fn number(&mut self) -> Read<(&'s str, bool)> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.peek().is_some_and(|c| c.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos > from
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

    fn literal(&mut self, word: &[u8]) -> Read<()> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.syntax("expected value"))
        }
    }

    // ---- whole values -----------------------------------------------------------------

    /// Check one value and copy it, minified.
    pub fn copy<S: Sink>(&mut self, out: &mut S) -> Read<()> {
        match self.peek() {
            Some(b'"') => {
                let lit = self.string()?;
                out.put(self.raw(lit));
            }
            Some(b'{') => {
                let mut joint = self.begin_object()?;
                out.put(b"{");
                while let Some(key) = self.next_key(&mut joint)? {
                    if !joint.is_first() {
                        out.put(b",");
                    }
                    out.put(self.raw(key));
                    out.put(b":");
                    self.copy(out)?;
                }
                out.put(b"}");
            }
            Some(b'[') => {
                let mut joint = self.begin_array()?;
                out.put(b"[");
                while self.next_element(&mut joint)? {
                    if !joint.is_first() {
                        out.put(b",");
                    }
                    self.copy(out)?;
                }
                out.put(b"]");
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

    /// Check one value and step over it; its source text.
    pub fn skip(&mut self) -> Read<&'s str> {
        let start = self.pos;
        self.copy(&mut Discard)?;
        Ok(&self.text[start..self.pos])
    }

    /// Check that a value is there (before reporting it as the wrong kind), without moving.
    pub fn check_value(&mut self) -> Read<()> {
        let at = self.pos;
        self.copy(&mut Discard)?;
        self.pos = at;
        Ok(())
    }
}

/// The state between the items of one object or array: how many have been started.
#[derive(Debug)]
pub struct Joint {
    items: usize,
}

impl Joint {
    /// The 0-based index of the current item.
    pub fn index(&self) -> usize {
        self.items.saturating_sub(1)
    }

    /// Whether the current item is the first (a writer puts no `,` before it).
    pub fn is_first(&self) -> bool {
        self.items == 1
    }
}

/// The text of a string literal's content (between the quotes, checked), unescaped.
pub fn decode(inner: &str, escaped: bool) -> Cow<'_, str> {
    if !escaped {
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
        let unit = |at: usize| hex4(b, at).unwrap_or(0xFFFD);
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

fn hex4(src: &[u8], at: usize) -> Option<u32> {
    let digits = src.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &c| Some(acc << 4 | (c as char).to_digit(16)?))
}

/// The end of the run of string bytes from `i` that need no attention (not `"`, `\\` or a
/// control character), eight at a time: strings are most of a callback's bytes.
fn plain_run(src: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(chunk) = src.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(chunk);
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

/// The body without a leading UTF-8 byte order mark, which some HTTP stacks prepend to JSON:
/// the JSON after it is still the provider's (ids still hash the body as sent).
pub fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}
