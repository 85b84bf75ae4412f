//! Usage and spending of lines over the API (CAB-3): staff import the operator's usage files;
//! customers (a line manager: its own lines) and staff read an account's spending per month
//! and category, for the account, a group, a label or a line.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kabinet_app::App;
use kabinet_app::lines::spending::{self, Scope, SpendingQuery};
use kabinet_app::lines::usage;
use kabinet_core::assets::line_usage::UsageCategory;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use super::devices::{ImportReportDto, report_dto};
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};

#[utoipa::path(post, path = "/api/v1/crm/line-usage/imports", tag = "line usage",
    request_body(content = String, content_type = "text/csv",
        description = "A CSV file (UTF-8; comma, semicolon or tab) or an XLSX workbook: a header row (phone, month, category, quantity, amount — or their Russian names), then one row per line, month (2026-11) and category (calls, sms, data, fee, other); amounts in the account's currency as people write them (1 250,50)."),
    responses((status = 200, description = "Every row charged", body = ImportReportDto),
        (status = 422, description = "Nothing charged: the problems of the file", body = ImportReportDto),
        (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Imports the operator's usage file, all or nothing: each account is charged once per month
/// and each coordinator told of lines past 80 % or 100 % of their limits. The same file twice
/// is refused.
pub async fn import(State(app): State<App>, ctx: Ctx, body: axum::body::Bytes) -> WebResult<Response> {
    let report = usage::import(&app, &ctx.actor()?, ctx.user()?, "api", &body).await?;
    let status = crate::import_files::report_status(&report);
    Ok((status, Json(report_dto(report, ctx.0.lang))).into_response())
}

/// A usage file imported.
#[derive(Serialize, ToSchema)]
pub struct UsageImportDto {
    pub id: i64,
    pub file_name: String,
    pub rows: i32,
    pub lines: i32,
    pub accounts: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[utoipa::path(get, path = "/api/v1/crm/line-usage/imports", tag = "line usage",
    responses((status = 200, body = Vec<UsageImportDto>)), security(("bearer" = []), ("session" = [])))]
/// The last hundred usage files imported, newest first.
pub async fn imports(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<UsageImportDto>>> {
    let list = usage::imports(&app, ctx.user()?, 100).await?;
    Ok(Json(
        list.into_iter()
            .map(|i| UsageImportDto {
                id: i.id,
                file_name: i.file_name,
                rows: i.rows,
                lines: i.lines,
                accounts: i.accounts,
                created_by: i.created_by,
                created_at: i.created_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpendingParams {
    /// The account; the customer's first with lines when left out.
    account: Option<String>,
    /// One group, one label or one line instead of the whole account.
    group: Option<String>,
    label: Option<String>,
    line: Option<String>,
    /// The first and last months, `2026-06`; the last six months when left out (24 at most).
    from: Option<String>,
    to: Option<String>,
}

/// Money per category, in minor units.
#[derive(Serialize, ToSchema)]
pub struct AmountsDto {
    pub calls: i64,
    pub sms: i64,
    pub data: i64,
    pub fee: i64,
    pub other: i64,
    pub total: i64,
}

impl From<kabinet_core::assets::line_usage::CategoryAmounts> for AmountsDto {
    fn from(a: kabinet_core::assets::line_usage::CategoryAmounts) -> Self {
        AmountsDto {
            calls: a.get(UsageCategory::Calls),
            sms: a.get(UsageCategory::Sms),
            data: a.get(UsageCategory::Data),
            fee: a.get(UsageCategory::Fee),
            other: a.get(UsageCategory::Other),
            total: a.total(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MonthDto {
    /// The month's first day.
    pub month: NaiveDate,
    pub amounts: AmountsDto,
}

#[derive(Serialize, ToSchema)]
pub struct TopLineDto {
    pub line_id: i64,
    pub phone: String,
    pub employee_name: Option<String>,
    pub total: i64,
}

/// An account's spending over a period.
#[derive(Serialize, ToSchema)]
pub struct SpendingDto {
    pub account_id: i64,
    pub account_number: String,
    pub currency: String,
    /// account, group, label or line.
    pub scope: String,
    pub scope_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub months: Vec<MonthDto>,
    pub totals: AmountsDto,
    /// The ten lines that spent most in the period.
    pub top_lines: Vec<TopLineDto>,
    /// Only the caller's own lines are counted (a line manager).
    pub narrowed: bool,
}

#[utoipa::path(get, path = "/api/v1/line-spending", tag = "line usage", params(SpendingParams),
    responses((status = 200, body = SpendingDto),
        (status = 404, description = "The caller's customer has no account with lines, or the account, group, label or line is not its own", body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An account's spending on its lines per month and category, with the ten lines that spent most.
pub async fn statistics(
    State(app): State<App>,
    ctx: Ctx,
    Query(p): Query<SpendingParams>,
) -> WebResult<Json<SpendingDto>> {
    spending_of(&app, &ctx, None, p).await
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/line-spending", tag = "line usage", params(("id" = i64, Path), SpendingParams),
    responses((status = 200, body = SpendingDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's spending on its lines, for staff.
pub async fn crm_statistics(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<SpendingParams>,
) -> WebResult<Json<SpendingDto>> {
    spending_of(&app, &ctx, Some(super::id_of(&id)?), p).await
}

async fn spending_of(
    app: &App,
    ctx: &Ctx,
    customer_id: Option<i64>,
    p: SpendingParams,
) -> WebResult<Json<SpendingDto>> {
    let q: SpendingQuery = crate::lines::spending_query(
        |name| {
            match name {
                "account" => &p.account,
                "group" => &p.group,
                "label" => &p.label,
                "line" => &p.line,
                "from" => &p.from,
                "to" => &p.to,
                _ => &None,
            }
            .clone()
        },
        customer_id,
    )
    .map_err(kabinet_app::AppError::Validation)?;
    let s = spending::statistics(app, ctx.user()?, &q).await?;
    let (scope, scope_id) = match s.scope {
        Scope::Account => ("account", None),
        Scope::Group(g) => ("group", Some(g)),
        Scope::Label(l) => ("label", Some(l)),
        Scope::Line(l) => ("line", Some(l)),
    };
    Ok(Json(SpendingDto {
        account_id: s.account.id,
        account_number: s.account.number,
        currency: s.account.currency.code().to_owned(),
        scope: scope.to_owned(),
        scope_id,
        from: s.from,
        to: s.to,
        months: s
            .months
            .into_iter()
            .map(|m| MonthDto {
                month: m.month,
                amounts: m.amounts.into(),
            })
            .collect(),
        totals: s.totals.into(),
        top_lines: s
            .top_lines
            .into_iter()
            .map(|t| TopLineDto {
                line_id: t.line_id,
                phone: t.phone,
                employee_name: t.employee_name,
                total: t.total_minor,
            })
            .collect(),
        narrowed: s.narrowed,
    }))
}
