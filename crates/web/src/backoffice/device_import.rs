//! The device register's bulk import (AST-3) in the back office: the page that explains the
//! columns and takes a CSV or XLSX file, the template to fill in, and the report of an import —
//! how many devices were registered, or every bad row and why, with nothing registered.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::assets::device_import::{self, ImportReport};
use kabinet_core::assets::device_import::ImportColumn;

use crate::error::WebResult;
use crate::extract::{Ctx, UploadForm};
use crate::form::{FormState, with_status};
use crate::pages::Chrome;

/// A problem of the report as the page shows it.
pub struct ProblemRow {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_device_import.html")]
pub struct ImportPage {
    c: Chrome,
    f: FormState,
    /// Each column: its name, whether every row must fill it, what it holds.
    columns: Vec<(&'static str, bool, String)>,
    report: Option<ImportReport>,
    problems: Vec<ProblemRow>,
    done_key: &'static str,
    refused_key: &'static str,
}

/// The problems of a report as a page lists them, in `lang`.
pub(crate) fn problem_rows(lang: kabinet_app::i18n::Lang, report: Option<&ImportReport>) -> Vec<ProblemRow> {
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

fn import_page(app: &App, ctx: &Ctx, f: FormState, report: Option<ImportReport>) -> ImportPage {
    let lang = ctx.0.lang;
    let problems = problem_rows(lang, report.as_ref());
    ImportPage {
        c: Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone),
        f,
        columns: ImportColumn::ALL
            .iter()
            .map(|col| {
                (
                    col.as_str(),
                    col.required(),
                    lang.t(&format!("device-import-column-{col}")),
                )
            })
            .collect(),
        report,
        problems,
        done_key: "device-import-done",
        refused_key: "device-import-refused",
    }
}

/// `GET /crm/devices/import`.
pub async fn form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    ctx.user()?;
    Ok(import_page(&app, &ctx, FormState::empty(), None).into_response())
}

/// `GET /crm/devices/import/template.csv`.
pub async fn template(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let russian = ctx.0.lang == kabinet_app::i18n::Lang::Ru;
    let bytes = device_import::template(&app, ctx.user()?, russian).await?;
    let mut res = bytes.clone().into_response();
    crate::documents::attachment_headers(
        res.headers_mut(),
        "devices-import.csv",
        "text/csv; charset=utf-8",
        bytes.len() as u64,
    );
    Ok(res)
}

/// `POST /crm/devices/import`: the report of the file sent — 200 when every row was
/// registered, 422 with the problems when none was.
pub async fn import(State(app): State<App>, ctx: Ctx, upload: UploadForm) -> WebResult<Response> {
    let Some(file) = upload.files.first() else {
        let errors = kabinet_app::FieldErrors(vec![("file".into(), "text-empty".into())]);
        let f = FormState::empty().with_errors(ctx.0.lang, &errors);
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            import_page(&app, &ctx, f, None),
        ));
    };
    let report = device_import::import(&app, &ctx.actor()?, ctx.user()?, &file.file_name, &file.bytes).await?;
    let status = if report.problem_count == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        status,
        import_page(&app, &ctx, FormState::empty(), Some(report)),
    ))
}
