//! The schema walk: reads a JSON body against a record schema (through the [`json`] reader)
//! and writes the normalised JSON in the same pass, with no intermediate tree. Known fields are
//! read by their kind (numbers from strings, IDs as exact decimal strings, embedded JSON
//! decoded with the original kept, stray-space and alternative keys taking the documented
//! name); unknown fields are copied through (minified); a problem carries its JSON path.
//!
//! [`json`]: crate::json

use super::schema::{FieldSchema, Kind, RecordSchema};
use crate::json::{write_i64, write_u64, Discard, Failure, Literal, Read, Reader, Segment};

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

/// The schema walk over one JSON text.
pub(crate) struct Walker<'s> {
    r: Reader<'s>,
    /// The record of the event's body, for a `Kind::Body` field (`None`: an unknown type).
    pub body: Option<&'static RecordSchema>,
}

impl<'s> Walker<'s> {
    /// A walk of a callback's JSON, written one level down in the normalised envelope
    /// (`{"id",…,"data":…}`): its depth counts from 1, so the output never nests deeper than
    /// the reader allows (and serde_json reads).
    pub(crate) fn new(text: &'s str) -> Walker<'s> {
        Walker { r: Reader::nested(text, 1), body: None }
    }

    /// A walk of a document sent inside a string of `outer`, written `wrapped` levels further
    /// down than the string was (1 for `{"raw","json"}`, 0 for an object that replaces it).
    fn nested(text: &'s str, outer: &Walker<'_>, wrapped: usize) -> Walker<'s> {
        Walker { r: Reader::nested(text, outer.r.depth() + wrapped), body: outer.body }
    }

    /// Walk the whole text as one object of the given tables.
    pub(crate) fn document(
        &mut self,
        tables: &[&[FieldSchema]],
        captures: &mut [Capture],
        out: &mut Vec<u8>,
    ) -> Read<()> {
        self.r.ws();
        if self.r.peek() != Some(b'{') {
            self.r.check_value()?;
            return Err(Failure::schema(format!("expected a JSON object, found {}", self.r.found())));
        }
        self.record(tables, captures, out)?;
        self.r.end()
    }

    /// Walk the whole text as one value of `kind` (embedded documents).
    fn whole(&mut self, kind: &Kind, out: &mut Vec<u8>) -> Read<()> {
        self.r.ws();
        self.value(kind, out)?;
        self.r.end()
    }

    /// One value of `kind`.
    fn value(&mut self, kind: &Kind, out: &mut Vec<u8>) -> Read<()> {
        match (kind, self.r.peek()) {
            (Kind::Any, _) => self.r.copy(out),
            (Kind::String, Some(b'"')) => {
                let lit = self.r.string()?;
                out.extend_from_slice(self.r.raw(lit));
                Ok(())
            }
            (Kind::String, Some(b'-' | b'0'..=b'9')) => {
                // Documented as a string, sent as a number: the digits as written.
                let (n, _) = self.r.number()?;
                out.push(b'"');
                out.extend_from_slice(n.as_bytes());
                out.push(b'"');
                Ok(())
            }
            (Kind::Integer, Some(b'-' | b'0'..=b'9')) => {
                let (n, whole) = self.r.number()?;
                // A whole number of at most 18 digits fits: copied as written (`-0` aside).
                if whole && n.len() <= 18 && n != "-0" {
                    out.extend_from_slice(n.as_bytes());
                    return Ok(());
                }
                let value = if whole { n.parse::<i64>().ok() } else { None }.or_else(|| {
                    n.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)
                });
                let value = value.ok_or_else(|| Failure::schema(format!("expected an integer, found {n}")))?;
                write_i64(out, value);
                Ok(())
            }
            (Kind::Integer, Some(b'"')) => {
                let s = self.r.decoded_string()?;
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
                let (n, _) = self.r.number()?;
                out.extend_from_slice(n.as_bytes());
                Ok(())
            }
            (Kind::Number, Some(b'"')) => {
                let s = self.r.decoded_string()?;
                // Digits already in JSON's number form are copied as written.
                let t = s.trim();
                let mut digits = Reader::new(t);
                if !t.is_empty() && digits.number().is_ok() && digits.pos() == t.len() {
                    out.extend_from_slice(t.as_bytes());
                    return Ok(());
                }
                let value = t
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| Failure::schema(format!("expected a number, found {s:?}")))?;
                // Shortest form, never longer than the text sent (`+1e308` is not 309 digits).
                if value.fract() == 0.0 && value.abs() < 1e15 {
                    write_i64(out, value as i64);
                } else {
                    out.extend_from_slice(format!("{value:?}").as_bytes());
                }
                Ok(())
            }
            (Kind::Id64, Some(b'-' | b'0'..=b'9')) => {
                let (n, whole) = self.r.number()?;
                let value = if whole { n.parse::<u64>().ok() } else { None }
                    .ok_or_else(|| Failure::schema(format!("expected a 64-bit unsigned integer, found {n}")))?;
                write_id(out, value);
                Ok(())
            }
            (Kind::Id64, Some(b'"')) => {
                let s = self.r.decoded_string()?;
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Failure::schema("expected a 64-bit unsigned integer, found a string"));
                }
                let value = s.parse::<u64>().map_err(|_| Failure::schema(format!("{s:?} does not fit in 64 bits")))?;
                write_id(out, value);
                Ok(())
            }
            (Kind::Boolean, Some(b't' | b'f')) => self.r.copy(out),
            // Providers send flags as 0/1 and as strings.
            (Kind::Boolean, Some(b'-' | b'0'..=b'9')) => {
                let (n, _) = self.r.number()?;
                let value = match n.parse::<f64>() {
                    Ok(0.0) => "false",
                    Ok(1.0) => "true",
                    _ => return Err(Failure::schema(format!("expected a boolean, found {n}"))),
                };
                out.extend_from_slice(value.as_bytes());
                Ok(())
            }
            (Kind::Boolean, Some(b'"')) => {
                let s = self.r.decoded_string()?;
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
                let truth = self.r.peek() == Some(b't');
                self.r.copy(&mut Discard)?;
                out.push(if truth { b'1' } else { b'0' });
                Ok(())
            }
            // A flag where a string was documented: its JSON text.
            (Kind::String, Some(b't' | b'f')) => {
                out.push(b'"');
                self.r.copy(out)?;
                out.push(b'"');
                Ok(())
            }
            // An object or list where a string was documented: kept as sent.
            (Kind::String, Some(b'{' | b'[')) => self.r.copy(out),
            // A record sent as a string holding its object.
            (Kind::Record(_), Some(b'"')) => self.object_in_string(kind, "expected an object, found a string", out),
            (Kind::Record(r), Some(b'{')) => self.record(&[r.fields], &mut [], out),
            (Kind::List(item), Some(b'[')) => self.list(item, out),
            (Kind::Embedded(r), Some(_)) => self.embedded(*r, out),
            (Kind::Body, Some(b'{')) => match self.body {
                Some(r) => self.record(&[r.fields], &mut [], out),
                None => self.r.copy(out),
            },
            // MNS deliveries and some SDKs send the body as a string holding the object.
            (Kind::Body, Some(b'"')) => self.object_in_string(kind, "expected an object or a string holding one", out),
            (Kind::Omit, _) => self.r.copy(&mut Discard),
            (_, None) => Err(self.r.syntax("EOF while parsing a value")),
            (kind, Some(_)) => {
                self.r.check_value()?;
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
                Err(Failure::schema(format!("expected {expected}, found {}", self.r.found())))
            }
        }
    }

    fn list(&mut self, item: &Kind, out: &mut Vec<u8>) -> Read<()> {
        let mut joint = self.r.begin_array()?;
        out.push(b'[');
        while self.r.next_element(&mut joint)? {
            if !joint.is_first() {
                out.push(b',');
            }
            let index = joint.index();
            self.value(item, out).map_err(|f| f.at(|| Segment::Index(index)))?;
        }
        out.push(b']');
        Ok(())
    }

    /// `{"raw": <the string as sent>, "json": <decoded, or null>}`; also read from that form
    /// itself, and from the document sent as a value.
    fn embedded(&mut self, record: Option<&'static RecordSchema>, out: &mut Vec<u8>) -> Read<()> {
        let inner = match record {
            Some(r) => Kind::Record(r),
            None => Kind::Any,
        };
        match self.r.peek() {
            // The decoded document alone (the string it came in says nothing more, and
            // writing both would double it); the string as sent only when it does not decode.
            Some(b'"') => {
                let lit = self.r.string()?;
                let mark = out.len();
                out.extend_from_slice(b"{\"json\":");
                let decoded = self.r.decode(lit);
                let mut nested = Walker::nested(&decoded, self, 1);
                nested.body = None;
                if nested.whole(&inner, out).is_err() {
                    out.truncate(mark);
                    out.extend_from_slice(b"{\"raw\":");
                    out.extend_from_slice(self.r.raw(lit));
                    out.extend_from_slice(b",\"json\":null");
                }
                out.push(b'}');
                Ok(())
            }
            Some(b'{') if self.normalised_embedded(&inner, out)? => Ok(()),
            Some(b'n') => {
                self.r.check_value()?;
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
    fn normalised_embedded(&mut self, inner: &Kind, out: &mut Vec<u8>) -> Read<bool> {
        self.r.check_value()?;
        let start = self.r.clone();
        let (mut raw, mut json) = (None, None);
        let mut joint = self.r.begin_object()?;
        while let Some(key) = self.r.next_key(&mut joint)? {
            let at = self.r.pos();
            match &*self.r.decode(key) {
                "raw" if raw.is_none() && self.r.peek() == Some(b'"') => raw = Some(self.r.string()?),
                "json" if json.is_none() => {
                    json = Some(at);
                    self.r.skip()?;
                }
                _ => {
                    self.r = start;
                    return Ok(false);
                }
            }
        }
        if raw.is_none() && json.is_none() {
            self.r = start;
            return Ok(false);
        }
        let end = self.r.pos();
        out.push(b'{');
        if let Some(lit) = raw {
            out.extend_from_slice(b"\"raw\":");
            out.extend_from_slice(self.r.raw(lit));
            out.push(b',');
        }
        out.extend_from_slice(b"\"json\":");
        match json {
            Some(at) => {
                self.r.seek(at);
                if self.r.peek() == Some(b'n') {
                    self.r.copy(out)?;
                } else {
                    self.value(inner, out).map_err(|f| f.at(|| Segment::Key("json".into())))?;
                }
            }
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        self.r.seek(end);
        Ok(true)
    }

    /// An object of `kind` (a record, or the event's body) sent as a string holding it: the
    /// object, normalised. A string that holds no JSON object is `not_an_object`.
    fn object_in_string(&mut self, kind: &Kind, not_an_object: &str, out: &mut Vec<u8>) -> Read<()> {
        let decoded = self.r.decoded_string()?;
        let mut nested = Walker::nested(&decoded, self, 0);
        nested.r.ws();
        let mark = out.len();
        let result =
            if nested.r.peek() == Some(b'{') { nested.whole(kind, out) } else { Err(Failure::Syntax(String::new())) };
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
    fn record(&mut self, tables: &[&[FieldSchema]], captures: &mut [Capture], out: &mut Vec<u8>) -> Read<()> {
        let mut joint = self.r.begin_object()?;
        out.push(b'{');
        let mut seen = Seen::default();
        let mut hint = 0;
        let mut weak: Vec<Weak> = Vec::new();
        let mut first = true;
        while let Some(key) = self.r.next_key(&mut joint)? {
            let name = self.r.decode(key);
            let matched = lookup(tables, &name, hint).map(|(index, rank, field)| {
                hint = index + 1;
                let previous =
                    seen.has(index).then(|| weak.iter().rposition(|w| w.field == index).map_or(0, |i| weak[i].rank));
                (index, rank, field, previous)
            });
            match matched {
                Some((_, _, field, _)) if matches!(field.kind, Kind::Omit) => {
                    self.r.skip()?;
                }
                Some((_, rank, field, Some(previous))) if rank == previous => {
                    return Err(Failure::schema("duplicate field").at(|| Segment::Key(field.name.into())));
                }
                // A better name for the field came first: this one is kept as sent.
                Some((_, rank, _, Some(previous))) if rank > previous => {
                    self.unknown(key, first, out)?;
                    first = false;
                }
                Some((index, rank, field, previous)) => {
                    // The earlier, lower-priority key goes back to its own name.
                    let earlier = previous.and_then(|_| weak.iter().rposition(|w| w.field == index));
                    if let Some(i) = earlier {
                        seen.clear(index);
                        let w = weak.remove(i);
                        let own = &self.r.text().as_bytes()[w.key_src.0..w.key_src.1];
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
                        seen.set(index);
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
        }
        out.push(b'}');
        let mut index = 0;
        for table in tables {
            for field in *table {
                if field.required && !seen.has(index) {
                    return Err(Failure::schema("missing required field").at(|| Segment::Key(field.name.into())));
                }
                index += 1;
            }
        }
        Ok(())
    }

    /// A known field's value; false when it is absent (null, or "" for a number).
    fn field(&mut self, field: &FieldSchema, out: &mut Vec<u8>) -> Read<bool> {
        match self.r.peek() {
            Some(b'n') => {
                self.r.copy(&mut Discard)?;
                if field.required {
                    return Err(Failure::schema("missing required field"));
                }
                Ok(false)
            }
            Some(b'"') if !field.required && field.kind.empty_is_absent() && self.r.peek2() == Some(b'"') => {
                self.r.seek(self.r.pos() + 2);
                Ok(false)
            }
            _ => {
                self.value(&field.kind, out)?;
                Ok(true)
            }
        }
    }

    /// A member kept as sent.
    fn unknown(&mut self, key: Literal, first: bool, out: &mut Vec<u8>) -> Read<()> {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(self.r.raw(key));
        out.push(b':');
        self.r.copy(out)
    }
}

/// Which fields of a record were written, by index across its tables (modulo 128). Two words
/// rather than a `u128`, whose shifts are a library call in wasm.
#[derive(Default)]
struct Seen([u64; 2]);

impl Seen {
    fn at(index: usize) -> (usize, u64) {
        ((index / 64) % 2, 1 << (index % 64))
    }
    fn has(&self, index: usize) -> bool {
        let (w, b) = Seen::at(index);
        self.0[w] & b != 0
    }
    fn set(&mut self, index: usize) {
        let (w, b) = Seen::at(index);
        self.0[w] |= b;
    }
    fn clear(&mut self, index: usize) {
        let (w, b) = Seen::at(index);
        self.0[w] &= !b;
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

/// A 64-bit id as a decimal string.
fn write_id(out: &mut Vec<u8>, n: u64) {
    out.push(b'"');
    write_u64(out, n);
    out.push(b'"');
}
