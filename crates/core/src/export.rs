//! Rules for files people open in spreadsheets.

use std::borrow::Cow;

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab
/// or carriage return) gets a leading apostrophe, so an exported description like
/// `=HYPERLINK(…)` is shown, not executed (CSV/formula injection).
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

string_enum!(
    /// Where a background job (an export, a document order) stands.
    JobStatus { Queued => "queued", Running => "running", Done => "done", Failed => "failed" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for hostile in ["=1+1", "+7 999", "-2", "@SUM(A1)", "\t=x", "\r=x"] {
            assert!(neutralise_formula(hostile).starts_with('\''), "{hostile:?}");
        }
        for plain in ["Платёж", "1500", "", "a=b", " =x"] {
            assert_eq!(neutralise_formula(plain), plain);
        }
    }
}
