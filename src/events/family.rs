//! `event_family!`: an enum of one provider's typed bodies, chosen by event type, with an
//! `Unknown` variant that keeps any other event as sent.

/// Define a family: `Variant(Record) = "EventType" | "AliasType";`.
macro_rules! event_family {
    (
        $(#[doc = $doc:literal])*
        $family:ident { $( $variant:ident($ty:ty) = $name:literal $(| $alias:literal)* ; )* }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $family {
            $( #[doc = concat!("`", $name, "`")] $variant($ty), )*
            /// An event type mediahook does not know: the body as sent.
            Unknown(serde_json::Value),
        }

        impl $family {
            /// Every event type name this family knows, including the providers' alternative names.
            pub const EVENT_TYPES: &'static [&'static str] = &[$($name, $($alias,)*)*];

            /// (event type, alternative names, schema) of every known type, for docs and types.
            pub fn schemas() -> Vec<(&'static str, &'static [&'static str], &'static $crate::events::record::RecordDoc)> {
                vec![$(($name, &[$($alias),*], <$ty as $crate::events::record::Record>::DOC)),*]
            }

            /// Parse the body of an `event_type` event; unknown types give `Unknown`.
            pub fn parse(event_type: &str, body: serde_json::Value) -> Result<$family, String> {
                match event_type {
                    $( $name $(| $alias)* => <$ty as $crate::events::loose::Loose>::from_json(body).map($family::$variant), )*
                    _ => Ok($family::Unknown(body)),
                }
            }

            /// Whether the event type is one mediahook knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $family::Unknown(_))
            }
        }

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
