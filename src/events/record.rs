//! `record!`: one definition gives a typed, lossless struct (unknown fields kept in `extra`)
//! and its schema, from which the README's event table and the TypeScript types are generated.

/// One field of a record, as documented.
#[derive(Clone, Copy, Debug)]
pub struct FieldDoc {
    /// The normalised (wire) name.
    pub name: &'static str,
    /// Other names the provider uses for it.
    pub aliases: &'static [&'static str],
    /// Its TypeScript type.
    pub ts_type: fn() -> String,
    /// The nested record, if the field holds one (or a list of one).
    pub nested: fn() -> Option<&'static RecordDoc>,
    /// A value of its kind for generated samples.
    pub sample: fn() -> serde_json::Value,
    /// Whether a known event without it is invalid.
    pub required: bool,
    /// What it holds.
    pub doc: &'static str,
}

/// A record's schema.
#[derive(Debug)]
pub struct RecordDoc {
    /// The record's name (the Rust and TypeScript type name).
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its fields.
    pub fields: &'static [FieldDoc],
}

/// Implemented by every `record!` struct.
pub trait Record {
    /// The schema.
    const DOC: &'static RecordDoc;
}

/// Define a record: `"WireName" ("Alias") rust_name: Type,` in `required {}` and `optional {}`.
macro_rules! record {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            required { $( $(#[doc = $rdoc:literal])* $rwire:literal $( ( $($ralias:literal),* ) )? $rfield:ident : $rty:ty, )* }
            optional { $( $(#[doc = $odoc:literal])* $owire:literal $( ( $($oalias:literal),* ) )? $ofield:ident : $oty:ty, )* }
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        pub struct $name {
            $(
                $(#[doc = $rdoc])*
                #[serde(rename = $rwire, serialize_with = "crate::events::loose::ser")]
                pub $rfield: $rty,
            )*
            $(
                $(#[doc = $odoc])*
                #[serde(rename = $owire, skip_serializing_if = "Option::is_none", serialize_with = "crate::events::loose::ser_opt")]
                pub $ofield: Option<$oty>,
            )*
            /// Fields mediahook does not know, kept as sent.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::events::record::Record for $name {
            const DOC: &'static $crate::events::record::RecordDoc = &$crate::events::record::RecordDoc {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                fields: &[
                    $($crate::events::record::FieldDoc {
                        name: $rwire,
                        aliases: &[$($($ralias),*)?],
                        ts_type: <$rty as $crate::events::loose::Loose>::ts_type,
                        nested: <$rty as $crate::events::loose::Loose>::nested,
                        sample: <$rty as $crate::events::loose::Loose>::sample,
                        required: true,
                        doc: concat!($($rdoc),*),
                    },)*
                    $($crate::events::record::FieldDoc {
                        name: $owire,
                        aliases: &[$($($oalias),*)?],
                        ts_type: <$oty as $crate::events::loose::Loose>::ts_type,
                        nested: <$oty as $crate::events::loose::Loose>::nested,
                        sample: <$oty as $crate::events::loose::Loose>::sample,
                        required: false,
                        doc: concat!($($odoc),*),
                    },)*
                ],
            };
        }

        impl $crate::events::loose::Loose for $name {
            const KIND: &'static str = stringify!($name);
            const EMPTY_IS_ABSENT: bool = false;
            // Read by hand, not by a serde derive: no buffering of unknown fields, exact paths,
            // and a fraction of the code size in wasm.
            fn from_json(v: serde_json::Value) -> Result<Self, String> {
                let mut m = $crate::events::loose::into_object(v)?;
                Ok($name {
                    $( $rfield: $crate::events::loose::take_required(&mut m, $rwire, &[$($($ralias),*)?])?, )*
                    $( $ofield: $crate::events::loose::take_optional(&mut m, $owire, &[$($($oalias),*)?])?, )*
                    extra: m,
                })
            }
            fn to_json<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(self, s)
            }
            fn ts_type() -> String {
                stringify!($name).to_owned()
            }
            fn nested() -> Option<&'static $crate::events::record::RecordDoc> {
                Some(<$name as $crate::events::record::Record>::DOC)
            }
            fn sample() -> serde_json::Value {
                $crate::events::docs::sample_record(<$name as $crate::events::record::Record>::DOC)
            }
        }
    };
}
pub(crate) use record;
