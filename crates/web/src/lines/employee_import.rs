//! The coordinator's bulk import of employees onto lines: the page that explains the columns
//! and takes a CSV or XLSX file, its template, and the report — every row written (own numbers
//! waiting for their codes), or every bad row and why with nothing written.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::import_file::ImportReport;
use kabinet_app::lines::employee_import;
use kabinet_core::assets::employee_import::EmployeeColumn;

use crate::error::WebResult;
use crate::extract::{Ctx, UploadForm};
use crate::form::{FormState, with_status};
use crate::import_files::{self, ProblemRow};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "line_employee_import.html")]
pub struct ImportPage {
    c: Chrome,
    f: FormState,
    columns: Vec<(&'static str, bool, String)>,
    report: Option<ImportReport>,
    problems: Vec<ProblemRow>,
    waiting_for_code: usize,
    done_key: &'static str,
    refused_key: &'static str,
}

fn import_page(app: &App, ctx: &Ctx, f: FormState, done: Option<employee_import::EmployeesImported>) -> ImportPage {
    let lang = ctx.0.lang;
    let waiting_for_code = done.as_ref().map_or(0, |d| d.waiting_for_code);
    let report = done.map(|d| d.report);
    ImportPage {
        c: Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone),
        f,
        columns: import_files::columns::<EmployeeColumn>(lang, "employee-import-column"),
        problems: import_files::problem_rows(lang, report.as_ref()),
        report,
        waiting_for_code,
        done_key: "employee-import-done",
        refused_key: "employee-import-refused",
    }
}

/// `GET /lines/employees/import`.
pub async fn page(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    ctx.user()?;
    Ok(import_page(&app, &ctx, FormState::empty(), None).into_response())
}

/// `GET /lines/employees/import/template.csv`.
pub async fn template(ctx: Ctx) -> WebResult<Response> {
    ctx.user()?;
    let bytes = employee_import::template_csv(ctx.0.lang == kabinet_app::i18n::Lang::Ru);
    Ok(import_files::template_download(bytes, "employees-import.csv"))
}

/// `POST /lines/employees/import`: 200 with the report when every row was written, 422 with
/// the problems when none was.
pub async fn import(State(app): State<App>, ctx: Ctx, upload: UploadForm) -> WebResult<Response> {
    let Some(file) = upload.files.first() else {
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            import_page(&app, &ctx, import_files::no_file(ctx.0.lang), None),
        ));
    };
    let done = employee_import::import(&app, &ctx.actor()?, ctx.user()?, &file.file_name, &file.bytes).await?;
    Ok(with_status(
        import_files::report_status(&done.report),
        import_page(&app, &ctx, FormState::empty(), Some(done)),
    ))
}
