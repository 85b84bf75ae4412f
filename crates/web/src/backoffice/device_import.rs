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
use crate::import_files::{self, ProblemRow};
use crate::pages::Chrome;

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

fn import_page(app: &App, ctx: &Ctx, f: FormState, report: Option<ImportReport>) -> ImportPage {
    let lang = ctx.0.lang;
    let problems = import_files::problem_rows(lang, report.as_ref());
    ImportPage {
        c: Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone),
        f,
        columns: import_files::columns::<ImportColumn>(lang, "device-import-column"),
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
    Ok(import_files::template_download(bytes, "devices-import.csv"))
}

/// `POST /crm/devices/import`: the report of the file sent — 200 when every row was
/// registered, 422 with the problems when none was.
pub async fn import(State(app): State<App>, ctx: Ctx, upload: UploadForm) -> WebResult<Response> {
    let Some(file) = upload.files.first() else {
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            import_page(&app, &ctx, import_files::no_file(ctx.0.lang), None),
        ));
    };
    let report = device_import::import(&app, &ctx.actor()?, ctx.user()?, &file.file_name, &file.bytes).await?;
    Ok(with_status(
        import_files::report_status(&report),
        import_page(&app, &ctx, FormState::empty(), Some(report)),
    ))
}
