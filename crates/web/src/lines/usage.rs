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
use kabinet_core::import_file::Columns;

use crate::backoffice::device_import::{ProblemRow, problem_rows};
use crate::error::WebResult;
use crate::extract::{Ctx, UploadForm};
use crate::form::{FormState, with_status};
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
        problems: problem_rows(lang, report.as_ref()),
        columns: UsageColumn::ALL
            .iter()
            .map(|col| (col.as_str(), col.required(), lang.t(&format!("usage-column-{col}"))))
            .collect(),
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
    let len = bytes.len() as u64;
    let mut res = bytes.into_response();
    crate::documents::attachment_headers(res.headers_mut(), "usage-import.csv", "text/csv; charset=utf-8", len);
    Ok(res)
}

/// `POST /crm/line-usage`: the report of the file sent — 200 when every row was charged, 422
/// with the problems when none was.
pub async fn import(State(app): State<App>, ctx: Ctx, upload: UploadForm) -> WebResult<Response> {
    let Some(file) = upload.files.first() else {
        let errors = kabinet_app::FieldErrors(vec![("file".into(), "text-empty".into())]);
        let f = FormState::empty().with_errors(ctx.0.lang, &errors);
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            usage_page(&app, &ctx, f, None).await?,
        ));
    };
    let report = usage::import(&app, &ctx.actor()?, ctx.user()?, &file.file_name, &file.bytes).await?;
    let status = if report.problem_count == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        status,
        usage_page(&app, &ctx, FormState::empty(), Some(report)).await?,
    ))
}
