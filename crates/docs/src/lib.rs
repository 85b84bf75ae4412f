//! Rendering of the documents Kabinet issues — invoices, tax invoices, acts, reconciliation
//! acts, prepayment invoices and payment receipts — to PDF and HTML.
//!
//! The caller hands over a [`Document`] whose every text is already in the reader's language
//! and every amount already formatted; this crate only lays it out. One layout serves every
//! kind: parties, facts, a table, totals, notes and signature lines.
//!
//! PDFs are made by the typst compiler used as a library, with the fonts inside the binary
//! (Libertinus Serif for Latin and Cyrillic, Vazirmatn for Persian), so nothing is read from
//! the system or downloaded. The data reaches the typst template as JSON, never as markup, so
//! no text of a customer's can change the layout.

mod html;
mod model;
mod pdf;

pub use html::html;
pub use model::{Column, Document, Fact, Group, Party, Row, Table};
pub use pdf::{Layout, layout, pdf};

/// The QR code of `text` (a link, an `otpauth://` address) as an SVG element, without the XML
/// declaration, so that it can sit inside HTML as well as be an image of a PDF. Empty when the
/// text is too long for a QR code.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// Why a document could not be rendered. Only a defect of the template causes this.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("document template: {0}")]
    Template(String),
    #[error("PDF export: {0}")]
    Export(String),
}
