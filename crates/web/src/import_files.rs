//! What every import page (devices, usage of lines, employees) shares: the problems of a
//! report as a page lists them, the status a report answers with, the form error of a missing
//! file and the template download.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::i18n::Lang;
use kabinet_app::import_file::ImportReport;
use kabinet_core::import_file::Columns;

use crate::form::FormState;

/// A problem of the report as the page shows it.
pub struct ProblemRow {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// The problems of a report as a page lists them, in `lang`.
pub fn problem_rows(lang: Lang, report: Option<&ImportReport>) -> Vec<ProblemRow> {
    report
        .iter()
        .flat_map(|r| r.problems.iter())
        .map(|p| ProblemRow {
            row: p.row,
            column: p.column.clone(),
            message: lang.t(&format!("err-{}", p.code)),
        })
        .collect()
}

/// 200 when every row was written, 422 when the file had problems and nothing was.
pub fn report_status(report: &ImportReport) -> StatusCode {
    if report.problem_count == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The form of an upload that carried no file.
pub fn no_file(lang: Lang) -> FormState {
    let errors = kabinet_app::FieldErrors(vec![("file".into(), "text-empty".into())]);
    FormState::empty().with_errors(lang, &errors)
}

/// Each column of the file `C`: its name, whether every row must fill it, and what it holds
/// (the message `{prefix}-{name}`).
pub fn columns<C: Columns>(lang: Lang, prefix: &str) -> Vec<(&'static str, bool, String)> {
    C::all()
        .iter()
        .map(|col| (col.name(), col.required(), lang.t(&format!("{prefix}-{}", col.name()))))
        .collect()
}

/// A template CSV as a download named `file_name`.
pub fn template_download(bytes: Vec<u8>, file_name: &str) -> Response {
    let len = bytes.len() as u64;
    let mut res = bytes.into_response();
    crate::documents::attachment_headers(res.headers_mut(), file_name, "text/csv; charset=utf-8", len);
    res
}
