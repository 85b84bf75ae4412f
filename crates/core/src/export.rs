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

string_enum!(
    /// What an export holds.
    ExportKind { Payments => "payments", Guests => "guests", PersonalData => "personal_data" }
);

string_enum!(
    /// The file an export is written as: CSV and XLSX for spreadsheets, TXT as aligned columns,
    /// ZIP for a bundle of files (a person's own data as JSON and CSV).
    ExportFormat { Csv => "csv", Xlsx => "xlsx", Txt => "txt", Zip => "zip" }
);

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Txt => "text/plain; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Zip => "application/zip",
        }
    }
}

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
