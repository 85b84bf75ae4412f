//! The pure domain of Kabinet: rules that need no database, network or clock of their own.

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
pub mod documents;
pub mod email;
pub mod export;
pub mod legal_ids;
pub mod money;
pub mod net;
pub mod password_policy;
pub mod phone;
pub mod production_calendar;
pub mod support;
pub mod text;
pub mod totp;
