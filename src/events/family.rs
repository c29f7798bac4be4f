//! `event_family!`: one provider's event types as a table (type name, alternative names,
//! schema) for the walker, and an enum of typed bodies for Rust users, with an `Unknown` variant
//! that keeps any other event as sent.

/// One known event type: its name, alternative names and schema.
#[derive(Debug)]
pub struct EventSchema {
    /// The event type.
    pub name: &'static str,
    /// Other names the provider uses for it.
    pub aliases: &'static [&'static str],
    /// Its body's record.
    pub schema: &'static crate::events::schema::RecordSchema,
}

impl EventSchema {
    /// Whether `event_type` names this type.
    pub fn is(&self, event_type: &str) -> bool {
        self.name == event_type || self.aliases.contains(&event_type)
    }
}

/// Define a family: `Variant(Record) = "EventType" | "AliasType";`.
macro_rules! event_family {
    (
        $(#[doc = $doc:literal])*
        $family:ident { $( $variant:ident($ty:ty) = $name:literal $(| $alias:literal)* ; )* }
    ) => {
        $(#[doc = $doc])*
        #[cfg(not(feature = "typed"))]
        #[derive(Debug)]
        pub struct $family;

        $(#[doc = $doc])*
        #[cfg(feature = "typed")]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        // Built on demand and matched once: boxing would only add an allocation.
        #[allow(clippy::large_enum_variant)]
        pub enum $family {
            $( #[doc = concat!("`", $name, "`")] $variant($ty), )*
            /// An event type mediahook does not know: the body as sent.
            Unknown(serde_json::Value),
        }

        impl $family {
            /// Every event type name this family knows, including the providers' alternative names.
            pub const EVENT_TYPES: &'static [&'static str] = &[$($name, $($alias,)*)*];

            /// Every known type with its schema, for the walker, the docs and the types.
            pub const SCHEMAS: &'static [$crate::events::family::EventSchema] = &[$(
                $crate::events::family::EventSchema {
                    name: $name,
                    aliases: &[$($alias),*],
                    schema: <$ty as $crate::events::schema::Record>::SCHEMA,
                },
            )*];

            /// The schema of an event type, if known.
            pub fn schema_of(event_type: &str) -> Option<&'static $crate::events::family::EventSchema> {
                Self::SCHEMAS.iter().find(|s| s.is(event_type))
            }

            /// The typed body of an `event_type` event, from its normalised JSON; unknown types
            /// (and, defensively, a body that does not read as its type) give `Unknown`.
            #[cfg(feature = "typed")]
            pub fn from_normalised(event_type: &str, body: serde_json::Value) -> $family {
                match event_type {
                    $( $name $(| $alias)* => match serde_json::from_value::<$ty>(body.clone()) {
                        Ok(typed) => $family::$variant(typed),
                        Err(_) => $family::Unknown(body),
                    }, )*
                    _ => $family::Unknown(body),
                }
            }

            /// Whether the event type is one mediahook knows.
            #[cfg(feature = "typed")]
            pub fn is_known(&self) -> bool {
                !matches!(self, $family::Unknown(_))
            }
        }

        #[cfg(feature = "typed")]
        impl serde::Serialize for $family {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( $family::$variant(body) => serde::Serialize::serialize(body, s), )*
                    $family::Unknown(body) => serde::Serialize::serialize(body, s),
                }
            }
        }
    };
}
pub(crate) use event_family;
