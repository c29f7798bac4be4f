//! `record!`: one definition gives a record's schema table (what the walker reads bodies
//! against, and what the docs and TypeScript types are generated from) and, with the `typed`
//! feature (on by default), a typed struct for Rust users, read from the normalised JSON
//! (unknown fields kept in `extra`). Without it (the wasm builds) the struct is a bare name that
//! carries the schema: nothing of serde is compiled for the 300-odd records.

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
        #[cfg(not(feature = "typed"))]
        #[derive(Debug)]
        pub struct $name;

        $(#[doc = $doc])*
        #[cfg(feature = "typed")]
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $(
                $(#[doc = $rdoc])*
                #[serde(rename = $rwire)]
                pub $rfield: $rty,
            )*
            $(
                $(#[doc = $odoc])*
                #[serde(rename = $owire, default, skip_serializing_if = "Option::is_none")]
                pub $ofield: Option<$oty>,
            )*
            /// Fields mediahook does not know, kept as sent.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::events::schema::Record for $name {
            const SCHEMA: &'static $crate::events::schema::RecordSchema = &$crate::events::schema::RecordSchema {
                name: stringify!($name),
                // The docs are generated natively; wasm builds leave the text out.
                doc: if cfg!(target_arch = "wasm32") { "" } else { concat!($($doc, "\n"),*) },
                fields: &[
                    $($crate::events::schema::FieldSchema {
                        name: $rwire,
                        aliases: &[$($($ralias),*)?],
                        kind: <$rty as $crate::events::schema::Shape>::KIND,
                        required: true,
                        doc: if cfg!(target_arch = "wasm32") { "" } else { concat!($($rdoc),*) },
                    },)*
                    $($crate::events::schema::FieldSchema {
                        name: $owire,
                        aliases: &[$($($oalias),*)?],
                        kind: <$oty as $crate::events::schema::Shape>::KIND,
                        required: false,
                        doc: if cfg!(target_arch = "wasm32") { "" } else { concat!($($odoc),*) },
                    },)*
                ],
            };
        }

        impl $crate::events::schema::Shape for $name {
            const KIND: $crate::events::schema::Kind =
                $crate::events::schema::Kind::Record(<$name as $crate::events::schema::Record>::SCHEMA);
        }
    };
}
pub(crate) use record;
