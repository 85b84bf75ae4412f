//! Personal data (PRV-2): the consent texts, each person's consents and their withdrawal.

pub mod consents;
pub mod texts;
