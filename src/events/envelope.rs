//! Reading the provider's outer object: key clean-up, required and optional fields with the
//! JSON path of any problem.

use serde_json::{Map, Value};

use super::loose::Loose;
use crate::error::Error;

/// Keys with stray spaces (seen in provider samples) are trimmed, recursively. A trimmed key
/// never replaces a key already present under the clean name.
pub(crate) fn clean_keys(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.keys().any(|k| k.trim() != k) {
                // Keys already clean go first, so a stray-space key never overwrites one; of
                // two keys trimming to the same name, the first takes it and the other stays
                // as sent. Cleaning the result again changes nothing (found by fuzzing).
                let (clean, stray): (Map<String, Value>, Map<String, Value>) =
                    std::mem::take(map).into_iter().partition(|(k, _)| k.trim() == k);
                *map = clean;
                for (k, val) in stray {
                    let trimmed = k.trim();
                    if map.contains_key(trimmed) {
                        map.insert(k, val);
                    } else {
                        map.insert(trimmed.to_owned(), val);
                    }
                }
            }
            map.values_mut().for_each(clean_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(clean_keys),
        _ => {}
    }
}

/// `invalid_event` at `$.a.b`, from a record's `at a.b: <problem>` message.
pub(crate) fn invalid(path: &str, problem: String) -> Error {
    match problem.strip_prefix("at ").and_then(|r| r.split_once(": ")) {
        Some((inner, detail)) => {
            let sep = if inner.starts_with('[') { "" } else { "." };
            Error::InvalidEvent { path: format!("{path}{sep}{inner}"), detail: detail.to_owned() }
        }
        None => Error::InvalidEvent { path: path.to_owned(), detail: problem },
    }
}

/// Remove and read a required field.
pub(crate) fn required<T: Loose>(map: &mut Map<String, Value>, key: &str, at: &str) -> Result<T, Error> {
    match map.remove(key) {
        None | Some(Value::Null) => {
            Err(Error::InvalidEvent { path: format!("{at}.{key}"), detail: "missing required field".into() })
        }
        Some(v) => T::from_json(v).map_err(|e| invalid(&format!("{at}.{key}"), e)),
    }
}

/// Remove and read an optional field.
pub(crate) fn optional<T: Loose>(map: &mut Map<String, Value>, key: &str, at: &str) -> Result<Option<T>, Error> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => T::from_json(v).map(Some).map_err(|e| invalid(&format!("{at}.{key}"), e)),
    }
}

/// A JSON object, or a string holding one (providers do both for nested documents).
pub(crate) fn object_or_string(v: Value, at: &str) -> Result<Value, Error> {
    match v {
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(inner @ Value::Object(_)) => Ok(inner),
            _ => Err(Error::InvalidEvent {
                path: at.to_owned(),
                detail: "expected an object or a string holding one".into(),
            }),
        },
        obj @ Value::Object(_) => Ok(obj),
        _ => Err(Error::InvalidEvent { path: at.to_owned(), detail: "expected an object".into() }),
    }
}
