//! The pure domain of Kabinet: rules that need no database, network or clock of their own.

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
pub mod text;
