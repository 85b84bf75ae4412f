//! The operator's usage files in the back office (CAB-3): the page that explains the columns
//! and takes a CSV or XLSX file, its template, the report of an import (every bad row and why,
//! nothing charged) and the files imported so far.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::import_file::ImportReport;
use kabinet_app::lines::usage;
use kabinet_app::lines::views::UsageImport;
use kabinet_core::assets::line_usage::UsageColumn;

use crate::error::WebResult;
use crate::extract::{Ctx, UploadForm};
use crate::form::{FormState, with_status};
use crate::import_files::{self, ProblemRow};
use crate::pages::Chrome;

/// How many imports the page lists.
const RECENT: u64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "crm_line_usage.html")]
pub struct UsagePage {
    c: Chrome,
    f: FormState,
    /// Each column: its name, whether every row must fill it, what it holds.
    columns: Vec<(&'static str, bool, String)>,
    report: Option<ImportReport>,
    problems: Vec<ProblemRow>,
    imports: Vec<UsageImport>,
    done_key: &'static str,
    refused_key: &'static str,
}

async fn usage_page(app: &App, ctx: &Ctx, f: FormState, report: Option<ImportReport>) -> WebResult<UsagePage> {
    let lang = ctx.0.lang;
    let c = Chrome::new(&ctx.0, "/crm/line-usage", &app.config.display_time_zone);
    Ok(UsagePage {
        problems: import_files::problem_rows(lang, report.as_ref()),
        columns: import_files::columns::<UsageColumn>(lang, "usage-column"),
        report,
        imports: usage::imports(app, ctx.user()?, RECENT).await?,
        done_key: "usage-import-done",
        refused_key: "usage-import-refused",
        f,
        c,
    })
}

/// `GET /crm/line-usage`.
pub async fn page(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(usage_page(&app, &ctx, FormState::empty(), None).await?.into_response())
}

/// `GET /crm/line-usage/template.csv`.
pub async fn template(ctx: Ctx) -> WebResult<Response> {
    ctx.user()?;
    let bytes = usage::template_csv(ctx.0.lang == kabinet_app::i18n::Lang::Ru);
    Ok(import_files::template_download(bytes, "usage-import.csv"))
}

/// `POST /crm/line-usage`: the report of the file sent — 200 when every row was charged, 422
/// with the problems when none was.
pub async fn import(State(app): State<App>, ctx: Ctx, upload: UploadForm) -> WebResult<Response> {
    let Some(file) = upload.files.first() else {
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            usage_page(&app, &ctx, import_files::no_file(ctx.0.lang), None).await?,
        ));
    };
    let report = usage::import(&app, &ctx.actor()?, ctx.user()?, &file.file_name, &file.bytes).await?;
    Ok(with_status(
        import_files::report_status(&report),
        usage_page(&app, &ctx, FormState::empty(), Some(report)).await?,
    ))
}
