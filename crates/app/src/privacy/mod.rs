//! Personal data (PRV-2): the consent texts, each person's consents and their withdrawal, a
//! person's export of their own data and its erasure on request.

pub mod consents;
pub mod erasure;
pub mod subject_export;
pub mod texts;
