//! Mux webhooks: `{"type", "id", "created_at", "object": {"type", "id"}, "environment": {"name",
//! "id"}, "data": {...}, "attempts": [...]}`. The event type is `type`; `data` is typed by it,
//! with the records generated from Mux's own webhook types (`mux_spec`). The event id is
//! made from Mux's `id`, so Mux's retries, whose `attempts` grow, are one event.

#[cfg(feature = "typed")]
use serde_json::{Map, Value};

pub use super::mux_spec::MuxBody;
use super::schema::{FieldSchema, Kind};
#[cfg(feature = "typed")]
use super::{take, take_string};

const fn field(name: &'static str, kind: Kind, required: bool) -> FieldSchema {
    FieldSchema { name, aliases: &[], kind, required, doc: "" }
}

/// The member naming the event type, and the member whose value identifies the event.
pub(crate) const TYPE_FIELD: &str = "type";
pub(crate) const ID_FIELD: &str = "id";

/// The envelope's fields; others are kept as sent.
pub(crate) const ENVELOPE: &[FieldSchema] = &[
    field(TYPE_FIELD, Kind::String, true),
    field(ID_FIELD, Kind::String, true),
    field("created_at", Kind::String, false),
    field("object", Kind::Any, false),
    field("environment", Kind::Any, false),
    field("attempts", Kind::Any, false),
    field("data", Kind::Body, true),
];

/// A Mux webhook: the envelope and its typed `data`.
#[cfg(feature = "typed")]
#[derive(Clone, Debug, PartialEq)]
pub struct MuxEvent {
    /// `type`, e.g. `video.asset.ready`.
    pub event_type: String,
    /// Mux's event id.
    pub id: String,
    /// `created_at` as sent.
    pub created_at: String,
    /// `data`, typed by event type.
    pub data: MuxBody,
    /// Other top-level fields (`object`, `environment`, `attempts`...), kept as sent.
    pub extra: Map<String, Value>,
}

#[cfg(feature = "typed")]
impl MuxEvent {
    pub(crate) fn from_normalised(event_type: &str, value: Value) -> MuxEvent {
        let mut m = super::object(value);
        MuxEvent {
            event_type: take_string(&mut m, TYPE_FIELD),
            id: take_string(&mut m, ID_FIELD),
            created_at: take_string(&mut m, "created_at"),
            data: MuxBody::from_normalised(event_type, take(&mut m, "data")),
            extra: m,
        }
    }
}
