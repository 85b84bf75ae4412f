//! The same layout as a standalone HTML page (styles inside, no scripts, no outside files),
//! for readers who asked for HTML.

use askama::Template;

use crate::Document;

#[derive(Template)]
#[template(path = "document.html")]
struct HtmlDocument<'a> {
    d: &'a Document,
}

impl HtmlDocument<'_> {
    /// The QR code of the document's link, as inline SVG (made here, never from input text).
    fn qr(&self) -> String {
        self.d.qr_link.as_deref().map(crate::qr_svg).unwrap_or_default()
    }

    fn numeric(&self, column: &usize) -> bool {
        self.d.table.columns.get(*column).is_some_and(|c| c.numeric)
    }
}

/// The document as an HTML page. Every text is escaped.
pub fn html(doc: &Document) -> String {
    HtmlDocument { d: doc }
        .render()
        // Rendering into a String only fails if a value's Display fails; ours are strings.
        .unwrap_or_default()
}
