//! Closing documents (BIL-6): invoices with or without detail, tax invoices, acts of services
//! rendered, reconciliation acts, prepayment invoices, and payment receipts.
//!
//! A customer (or staff for a customer) places an order naming accounts, months, kinds and a
//! format; the worker makes the documents one by one with gapless yearly numbers, optionally
//! packs them in a password-protected zip, e-mails them and says when they are ready. Every
//! document stays in the customer's document history.

pub mod compose;
pub mod history;
pub mod issue;

pub use kabinet_docs::qr_svg;
pub mod orders;
pub mod receipts;
pub mod views;

use std::path::PathBuf;

use kabinet_core::documents::{DocumentFormat, DocumentKind};

use crate::App;

/// Where documents and archives are kept: `data_dir/documents`.
pub fn dir(app: &App) -> PathBuf {
    PathBuf::from(&app.config.data_dir).join("documents")
}

/// The name a document downloads under: `invoice-2026-000012.pdf`.
pub fn file_name(kind: DocumentKind, year: i32, number: i64, format: DocumentFormat) -> String {
    format!(
        "{}-{year}-{number:06}.{}",
        kind.as_str().replace('_', "-"),
        format.as_str()
    )
}
