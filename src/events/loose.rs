//! Lenient field types: providers send numbers as strings, JSON documents inside strings, and
//! 64-bit IDs that JavaScript would round. Each kind accepts every form seen and serialises to
//! one normalised form, which it also accepts (so parse → normalise → parse is the identity).

use serde::{Serialize, Serializer};
use serde_json::Value;

/// A scalar kind with a lenient reading and a normalised writing.
pub trait Loose: Sized {
    /// The kind's name in the generated docs and TypeScript.
    const KIND: &'static str;
    /// Whether an empty string means "absent" for this kind (true for numbers, not strings).
    const EMPTY_IS_ABSENT: bool = true;
    /// Read from any JSON form the providers use.
    fn from_json(v: Value) -> Result<Self, String>;
    /// Write the normalised form.
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// The TypeScript type of the normalised form.
    fn ts_type() -> String {
        match Self::KIND {
            "integer" | "number" => "number".into(),
            "id64" => "string".into(),
            "any" => "unknown".into(),
            other => other.into(),
        }
    }
    /// The record this kind holds, for schema walks.
    fn nested() -> Option<&'static crate::events::record::RecordDoc> {
        None
    }
    /// A value of this kind for generated sample bodies (the CLI's `sign --event`), in a form
    /// the providers send.
    fn sample() -> Value {
        match Self::KIND {
            "integer" => Value::from(1),
            "number" => Value::from(1.5),
            "boolean" => Value::Bool(true),
            "id64" => Value::from("1234567890123456789"),
            "any" => serde_json::json!({}),
            _ => Value::from("sample"),
        }
    }
}

/// A record's fields, or why the value is not an object.
pub fn into_object(v: Value) -> Result<serde_json::Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(format!("expected an object, found {}", type_name(&other))),
    }
}

/// Remove a field (by its name, else by the first alternative name present).
fn take(m: &mut serde_json::Map<String, Value>, name: &str, aliases: &[&str]) -> Option<Value> {
    m.remove(name).or_else(|| aliases.iter().find_map(|a| m.remove(*a)))
}

/// `at <name>: <problem>`, joining nested paths (`at a: at b: x` reads as `a.b`).
fn at(name: &str, problem: String) -> String {
    match problem.strip_prefix("at ") {
        Some(rest) if rest.starts_with('[') => format!("at {name}{rest}"),
        Some(rest) => format!("at {name}.{rest}"),
        None => format!("at {name}: {problem}"),
    }
}

/// Read a required field of a record.
pub fn take_required<T: Loose>(
    m: &mut serde_json::Map<String, Value>,
    name: &str,
    aliases: &[&str],
) -> Result<T, String> {
    match take(m, name, aliases) {
        None | Some(Value::Null) => Err(format!("at {name}: missing required field")),
        Some(v) => T::from_json(v).map_err(|e| at(name, e)),
    }
}

/// Read an optional field of a record: null (and "" for non-string kinds) is absent.
pub fn take_optional<T: Loose>(
    m: &mut serde_json::Map<String, Value>,
    name: &str,
    aliases: &[&str],
) -> Result<Option<T>, String> {
    match take(m, name, aliases) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() && T::EMPTY_IS_ABSENT => Ok(None),
        Some(v) => T::from_json(v).map(Some).map_err(|e| at(name, e)),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Loose for String {
    const KIND: &'static str = "string";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            // Documented as strings, sometimes sent as numbers: keep the digits as written.
            Value::Number(n) => Ok(n.to_string()),
            other => Err(format!("expected a string, found {}", type_name(&other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl Loose for i64 {
    const KIND: &'static str = "integer";
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
                .ok_or_else(|| format!("expected an integer, found {n}")),
            Value::String(s) => s.trim().parse::<i64>().map_err(|_| format!("expected an integer, found {s:?}")),
            other => Err(format!("expected an integer, found {}", type_name(other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*self)
    }
}

impl Loose for f64 {
    const KIND: &'static str = "number";
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Number(n) => n.as_f64().ok_or_else(|| format!("expected a number, found {n}")),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| format!("expected a number, found {s:?}")),
            other => Err(format!("expected a number, found {}", type_name(other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*self)
    }
}

impl Loose for bool {
    const KIND: &'static str = "boolean";
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            other => Err(format!("expected a boolean, found {}", type_name(other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*self)
    }
}

impl Loose for Value {
    const KIND: &'static str = "any";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_json(v: Value) -> Result<Self, String> {
        Ok(v)
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

/// A 64-bit unsigned ID (`UserId`...). Normalised as a decimal **string**: JavaScript numbers
/// lose digits above 2^53, and a string survives `JSON.parse`/`JSON.stringify` unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id64(pub u64);

impl Loose for Id64 {
    const KIND: &'static str = "id64";
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Number(n) => {
                n.as_u64().map(Id64).ok_or_else(|| format!("expected a 64-bit unsigned integer, found {n}"))
            }
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u64>().map(Id64).map_err(|_| format!("{s:?} does not fit in 64 bits"))
            }
            other => Err(format!("expected a 64-bit unsigned integer, found {}", type_name(other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A JSON document that providers send inside a string (`UserData`, `Input`, `Result`...) or,
/// sometimes, as the object itself. Normalised as `{"raw": <the string, if one was sent>,
/// "json": <the decoded value, if it decodes>}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded<T = Value> {
    /// The string as sent, when it was sent as a string.
    pub raw: Option<String>,
    /// The decoded document; `None` when the string is not JSON of the expected shape.
    pub json: Option<T>,
}

impl<T: Loose + Serialize> Loose for Embedded<T> {
    const KIND: &'static str = "embedded-json";
    fn ts_type() -> String {
        match T::nested() {
            Some(doc) => format!("Embedded<{}>", doc.name),
            None => "Embedded".into(),
        }
    }
    fn sample() -> Value {
        Value::String(T::sample().to_string())
    }
    fn nested() -> Option<&'static crate::events::record::RecordDoc> {
        T::nested()
    }
    const EMPTY_IS_ABSENT: bool = false;
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::String(raw) => {
                let json = serde_json::from_str::<Value>(&raw).ok().and_then(|v| T::from_json(v).ok());
                Ok(Embedded { raw: Some(raw), json })
            }
            // The normalised form itself.
            Value::Object(mut m)
                if !m.is_empty()
                    && m.keys().all(|k| k == "raw" || k == "json")
                    && matches!(m.get("raw"), None | Some(Value::String(_))) =>
            {
                let raw = match m.remove("raw") {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                };
                let json = match m.remove("json") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(T::from_json(v)?),
                };
                Ok(Embedded { raw, json })
            }
            Value::Null => Err("expected a JSON document or a string, found null".into()),
            other => T::from_json(other).map(|j| Embedded { raw: None, json: Some(j) }),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a, T> {
            #[serde(skip_serializing_if = "Option::is_none")]
            raw: &'a Option<String>,
            json: &'a Option<T>,
        }
        Out { raw: &self.raw, json: &self.json }.serialize(s)
    }
}

impl<T: Loose> Loose for Vec<T> {
    const KIND: &'static str = "list";
    const EMPTY_IS_ABSENT: bool = false;
    fn ts_type() -> String {
        format!("{}[]", T::ts_type())
    }
    fn sample() -> Value {
        Value::Array(vec![T::sample()])
    }
    fn nested() -> Option<&'static crate::events::record::RecordDoc> {
        T::nested()
    }
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, x)| T::from_json(x).map_err(|e| at(&format!("[{i}]"), e)))
                .collect(),
            other => Err(format!("expected an array, found {}", type_name(&other))),
        }
    }
    fn to_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for x in self {
            seq.serialize_element(&Ser(x))?;
        }
        seq.end()
    }
}

struct Ser<'a, T>(&'a T);
impl<T: Loose> Serialize for Ser<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.to_json(s)
    }
}

/// `serialize_with` for a required lenient field.
pub fn ser<S: Serializer, T: Loose>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    v.to_json(s)
}

/// `serialize_with` for an optional lenient field (absent ones are skipped before this).
pub fn ser_opt<S: Serializer, T: Loose>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => x.to_json(s),
        None => s.serialize_none(),
    }
}
