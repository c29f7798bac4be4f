//! Event schemas as data: every record is a static table of fields, each with its wire name,
//! alternative names, [`Kind`] and whether it is required. One generic routine
//! (the walker of `events/walk.rs`) reads bodies against these tables; the docs, the TypeScript types and the
//! CLI's samples are generated from the same tables.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// What a field holds, and so how it is read and normalised.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Kind {
    /// A string; a number sent instead keeps its digits as written.
    String,
    /// A whole number; also read from a string of digits.
    Integer,
    /// A number; also read from a string holding one.
    Number,
    /// A 64-bit unsigned ID, written as a decimal string (JavaScript numbers lose digits).
    Id64,
    /// `true`/`false`, also read from `"true"`/`"false"`.
    Boolean,
    /// Any JSON, kept as sent.
    Any,
    /// A JSON document sent inside a string (or as the value itself), written as
    /// `{"raw": <the string>, "json": <decoded, or null>}`; decoded as a record when given.
    Embedded(Option<&'static RecordSchema>),
    /// An object of a record.
    Record(&'static RecordSchema),
    /// A list.
    List(&'static Kind),
    /// An envelope's event body: an object, or a string holding one, read as the record of the
    /// event's type (any object when the type is unknown).
    Body,
    /// An envelope member left out of the event (Tencent's per-delivery `Sign` and `T`).
    Omit,
}

impl Kind {
    /// Whether an empty string means "absent" for this kind (numbers, IDs, booleans).
    pub fn empty_is_absent(&self) -> bool {
        matches!(self, Kind::Integer | Kind::Number | Kind::Id64 | Kind::Boolean)
    }

    /// The TypeScript type of the normalised form.
    pub fn ts_type(&self) -> String {
        match self {
            Kind::String | Kind::Id64 => "string".into(),
            Kind::Integer | Kind::Number => "number".into(),
            Kind::Boolean => "boolean".into(),
            Kind::Any | Kind::Body | Kind::Omit => "unknown".into(),
            Kind::Embedded(Some(r)) => format!("Embedded<{}>", r.name),
            Kind::Embedded(None) => "Embedded".into(),
            Kind::Record(r) => r.name.into(),
            Kind::List(k) => format!("{}[]", k.ts_type()),
        }
    }

    /// The record this kind holds (directly, in a list or embedded), for schema walks.
    pub fn nested(&self) -> Option<&'static RecordSchema> {
        match *self {
            Kind::Embedded(r) => r,
            Kind::Record(r) => Some(r),
            Kind::List(k) => k.nested(),
            _ => None,
        }
    }
}

/// One field of a record.
#[derive(Clone, Copy, Debug)]
pub struct FieldSchema {
    /// The normalised (wire) name.
    pub name: &'static str,
    /// Other names the provider uses for it.
    pub aliases: &'static [&'static str],
    /// What it holds.
    pub kind: Kind,
    /// Whether a known event without it is invalid.
    pub required: bool,
    /// What it means (empty in wasm builds, which do not ship the docs).
    pub doc: &'static str,
}

/// A record: a named table of fields.
#[derive(Debug)]
pub struct RecordSchema {
    /// The record's name (the Rust and TypeScript type name).
    pub name: &'static str,
    /// What it is (empty in wasm builds).
    pub doc: &'static str,
    /// Its fields.
    pub fields: &'static [FieldSchema],
}

/// A Rust type's [`Kind`]: how the typed structs map to the tables.
pub trait Shape {
    /// The kind.
    const KIND: Kind;
}

/// Implemented by every record struct.
pub trait Record {
    /// The schema.
    const SCHEMA: &'static RecordSchema;
}

impl Shape for String {
    const KIND: Kind = Kind::String;
}
impl Shape for i64 {
    const KIND: Kind = Kind::Integer;
}
impl Shape for f64 {
    const KIND: Kind = Kind::Number;
}
impl Shape for bool {
    const KIND: Kind = Kind::Boolean;
}
impl Shape for Value {
    const KIND: Kind = Kind::Any;
}
impl Shape for Id64 {
    const KIND: Kind = Kind::Id64;
}
impl<T: Shape> Shape for Vec<T> {
    const KIND: Kind = Kind::List(&T::KIND);
}
impl<T: Shape> Shape for Embedded<T> {
    const KIND: Kind = Kind::Embedded(match T::KIND {
        Kind::Record(r) => Some(r),
        _ => None,
    });
}

/// A 64-bit unsigned ID (`UserId`...). Normalised as a decimal **string**: JavaScript numbers
/// lose digits above 2^53, and a string survives `JSON.parse`/`JSON.stringify` unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id64(pub u64);

impl Serialize for Id64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id64, D::Error> {
        use serde::de::Error as _;
        let s = String::deserialize(d)?;
        s.parse().map(Id64).map_err(|_| D::Error::custom(format!("{s:?} is not a 64-bit ID")))
    }
}

/// A JSON document that providers send inside a string (`UserData`, `Input`, `Result`...) or,
/// sometimes, as the object itself. Normalised as `{"json": <the decoded value>}`, or, when
/// the string does not decode to the expected shape, `{"raw": <the string as sent>, "json":
/// null}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Embedded<T = Value> {
    /// The string as sent, when it was sent as a string that does not decode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The decoded document; `None` when the string is not JSON of the expected shape.
    pub json: Option<T>,
}
