//! One lazy iterator over a JSON object's members, yielding each key and its value's raw text:
//! every "find a few top-level members" job (the event type, Tencent's `Sign`/`T`, the payload
//! member that types a Tencent event) is a short loop over it.

use std::borrow::Cow;

use super::read::{Failure, Joint, Literal, Read, Reader};

/// One member: its key (decoded on demand) and its value as written.
#[derive(Clone, Copy, Debug)]
pub struct Member<'s> {
    text: &'s str,
    key: Literal,
    /// The value's source text (checked JSON), e.g. `"abc"`, `12.5`, `{"a":1}`.
    pub value: &'s str,
}

impl<'s> Member<'s> {
    /// The key, unescaped.
    pub fn key(&self) -> Cow<'s, str> {
        super::read::decode(&self.text[self.key.start + 1..self.key.end - 1], self.key.escaped)
    }

    /// The key's source text without its quotes (escapes as written).
    pub fn raw_key(&self) -> &'s str {
        &self.text[self.key.start + 1..self.key.end - 1]
    }

    /// The value when it is a string, unescaped.
    pub fn string(&self) -> Option<Cow<'s, str>> {
        let mut r = Reader::new(self.value);
        r.decoded_string().ok()
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        self.value == "null"
    }

    /// The value's first byte (`"`, `{`, `[`, `t`, `f`, `n`, `-` or a digit).
    pub fn first_byte(&self) -> u8 {
        self.value.as_bytes()[0]
    }
}

/// The members of the object `text` is (whitespace around it allowed), in order. Each value is
/// checked as it is stepped over; a syntax error ends the iteration with `Some(Err(..))`. After
/// the last member, the rest of the text is checked too (only whitespace may follow).
pub struct Members<'s> {
    reader: Reader<'s>,
    joint: Option<Joint>,
    done: bool,
}

/// Iterate the members of the object `text`.
pub fn members(text: &str) -> Members<'_> {
    Members { reader: Reader::new(text), joint: None, done: false }
}

/// The member at `path` (names from the top, each step an object) of the object `text`; `None`
/// when a step is missing or not an object. A syntax error ends the search like a missing name.
pub fn member_at<'s>(text: &'s str, path: &[&str]) -> Option<Member<'s>> {
    let (last, parents) = path.split_last()?;
    let find = |text: &'s str, name: &str| members(text).map_while(Result::ok).find(|m| m.key() == name);
    let mut value = text;
    for name in parents {
        value = find(value, name)?.value;
    }
    find(value, last)
}

impl<'s> Members<'s> {
    fn step(&mut self) -> Read<Option<Member<'s>>> {
        let joint = match &mut self.joint {
            Some(j) => j,
            None => {
                self.reader.ws();
                if self.reader.peek() != Some(b'{') {
                    return Err(Failure::schema(format!("expected a JSON object, found {}", self.reader.found())));
                }
                self.joint.insert(self.reader.begin_object()?)
            }
        };
        match self.reader.next_key(joint)? {
            Some(key) => {
                let value = self.reader.skip()?;
                Ok(Some(Member { text: self.reader.text(), key, value }))
            }
            None => {
                self.reader.end()?;
                Ok(None)
            }
        }
    }
}

impl<'s> Iterator for Members<'s> {
    type Item = Read<Member<'s>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = self.step().transpose();
        if !matches!(step, Some(Ok(_))) {
            self.done = true;
        }
        step
    }
}
