//! The pure domain of Kabinet: rules that need no database, network or clock of their own.

/// Lets a closed list be a column of a database row (with the `sea-orm` feature): written as
/// its text (`Display`), read back through `FromStr`, so a value outside the list fails the
/// read loudly instead of becoming a default.
macro_rules! stored_as_text {
    ($($name:ty),+ $(,)?) => {$(
        #[cfg(feature = "sea-orm")]
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> Self {
                v.to_string().into()
            }
        }

        #[cfg(feature = "sea-orm")]
        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(res: &sea_orm::QueryResult, idx: I) -> Result<Self, sea_orm::TryGetError> {
                let text = String::try_get_by(res, idx)?;
                text.parse().map_err(|e| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::TryIntoErr {
                        from: "String",
                        into: stringify!($name),
                        source: std::sync::Arc::new(e),
                    })
                })
            }
        }

        #[cfg(feature = "sea-orm")]
        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let text = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                text.parse().map_err(|_| sea_orm::sea_query::ValueTypeErr)
            }
            fn type_name() -> String {
                stringify!($name).to_owned()
            }
            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }
            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        #[cfg(feature = "sea-orm")]
        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        #[cfg(feature = "sea-orm")]
        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )+};
}

/// A closed list of names stored as text: the enum, `ALL`, `as_str`, `FromStr` and serde in
/// the same snake_case spelling.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($text => Ok($name::$variant),)+ _ => Err($crate::UnknownValue(s.to_owned())) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        stored_as_text!($name);
    };
}

/// A value that is not one of an enumeration's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value: {0}")]
pub struct UnknownValue(pub String);

pub mod access;
pub mod activity;
pub mod amount_words;
pub mod assets;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod crm;
pub mod dates;
pub mod documents;
pub mod email;
pub mod error_code;
pub use error_code::ErrorCode;
pub mod export;
pub mod import_file;
pub mod knowledge;
pub mod legal_forms;
pub mod legal_ids;
pub mod money;
pub mod net;
pub mod notify;
pub mod password_policy;
pub mod pay_slip;
pub mod phone;
pub mod privacy;
pub mod production_calendar;
pub mod requests;
pub mod search;
pub mod support;
pub mod tax;
pub mod text;
pub mod time;
pub mod totp;
