//! Telecom lines over the API (AST-6): a customer's own lines with their filters, employees,
//! status, spending limit, forwarding, labels, groups, SIM replacement and bulk actions; for
//! staff, a customer's lines, giving a line out and the reserve SIM pool. Amounts are in the
//! account's minor units.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::lines::employees::{self, Added, EmployeeInput, NewEmployee, NewLine};
use kabinet_app::lines::groups::{self, BulkAction, GroupInput};
use kabinet_app::lines::register::{self, LineFilter, Selection};
use kabinet_app::lines::settings::{self, ForwardingInput};
use kabinet_app::lines::sims;
use kabinet_app::lines::views::{ForwardingRule, Line, LineGroup, LineLabel, ReserveSim};
use kabinet_app::listing::Sort;
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::assets::lines::LineStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A group or a label as a line names it.
#[derive(Serialize, ToSchema)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// A telecom line.
#[derive(Serialize, ToSchema)]
pub struct LineDto {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub account_id: i64,
    /// E.164.
    pub phone: String,
    pub icc: Option<String>,
    /// active, blocked, suspended or confirming.
    pub status: String,
    pub employee_name: Option<String>,
    pub employee_position: Option<String>,
    pub employee_email: Option<String>,
    pub employee_comment: Option<String>,
    /// Monthly, in the account's minor units.
    pub spending_limit: Option<i64>,
    /// RUB or IRR.
    pub currency: String,
    pub group: Option<NamedRef>,
    pub labels: Vec<NamedRef>,
    /// The operator's tariff it is on.
    pub tariff: Option<NamedRef>,
}

impl From<Line> for LineDto {
    fn from(l: Line) -> Self {
        LineDto {
            id: l.id,
            customer_id: l.customer_id,
            account_id: l.account_id,
            phone: l.phone,
            icc: l.icc,
            status: l.status.as_str().to_owned(),
            employee_name: l.employee_name,
            employee_position: l.employee_position,
            employee_email: l.employee_email,
            employee_comment: l.employee_comment,
            spending_limit: l.spending_limit_minor,
            currency: l.currency.code().to_owned(),
            group: l.group.map(|g| NamedRef { id: g.id, name: g.name }),
            labels: l
                .labels
                .into_iter()
                .map(|t| NamedRef { id: t.id, name: t.name })
                .collect(),
            tariff: l.tariff.map(|t| NamedRef { id: t.id, name: t.name }),
        }
    }
}

/// A call-forwarding rule.
#[derive(Serialize, ToSchema)]
pub struct ForwardingDto {
    /// unconditional, busy, no_answer or unreachable.
    pub condition: String,
    pub target: String,
    pub delay_seconds: Option<u32>,
    /// Kept but not taking calls while an unconditional rule is set.
    pub waiting: bool,
}

impl From<ForwardingRule> for ForwardingDto {
    fn from(r: ForwardingRule) -> Self {
        ForwardingDto {
            condition: r.condition.as_str().to_owned(),
            target: r.target,
            delay_seconds: r.delay_seconds,
            waiting: r.waiting,
        }
    }
}

/// A line with its forwarding rules.
#[derive(Serialize, ToSchema)]
pub struct LineDetailDto {
    #[serde(flatten)]
    pub line: LineDto,
    pub forwarding: Vec<ForwardingDto>,
    /// The options switched on, by name.
    pub options: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinesQuery {
    /// Any part of the number, the employee's name, position or e-mail, or the ICC.
    q: Option<String>,
    account_id: Option<i64>,
    group_id: Option<i64>,
    /// Only lines in no group.
    no_group: Option<bool>,
    label_id: Option<i64>,
    tariff_id: Option<i64>,
    /// Lines in the care of this line manager (a login's id).
    manager_id: Option<i64>,
    /// active, blocked, suspended or confirming.
    status: Option<String>,
    /// phone (default), employee or added.
    sort: Option<String>,
    /// asc (default) or desc.
    dir: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

impl LinesQuery {
    fn filter(&self) -> Result<LineFilter, AppError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                s.parse::<LineStatus>()
                    .map_err(|_| FieldErrors::single("status", "invalid-choice"))?,
            ),
        };
        Ok(LineFilter {
            account_id: self.account_id,
            group_id: self.group_id,
            no_group: self.no_group.unwrap_or(false),
            label_id: self.label_id,
            tariff_id: self.tariff_id,
            manager_id: self.manager_id,
            status,
            text: self.q.clone().filter(|q| !q.trim().is_empty()),
        })
    }
}

async fn lines_of(app: &App, ctx: &Ctx, customer_id: Option<i64>, q: LinesQuery) -> WebResult<Json<Paged<LineDto>>> {
    let filter = q.filter()?;
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &register::SORTS);
    let page = register::list(
        app,
        ctx.user()?,
        customer_id,
        &filter,
        &sort,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(get, path = "/api/v1/lines", tag = "lines", params(LinesQuery),
    responses((status = 200, body = Paged<LineDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The caller's customer's lines (a line manager: those assigned to it), by number.
pub async fn own(State(app): State<App>, ctx: Ctx, Query(q): Query<LinesQuery>) -> WebResult<Json<Paged<LineDto>>> {
    lines_of(&app, &ctx, None, q).await
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/lines", tag = "lines", params(("id" = i64, Path), LinesQuery),
    responses((status = 200, body = Paged<LineDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's lines.
pub async fn of_customer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LinesQuery>,
) -> WebResult<Json<Paged<LineDto>>> {
    lines_of(&app, &ctx, Some(id_of(&id)?), q).await
}

async fn detail(app: &App, ctx: &Ctx, id: i64) -> WebResult<Json<LineDetailDto>> {
    let d = register::get(app, ctx.user()?, id).await?;
    Ok(Json(LineDetailDto {
        line: d.line.into(),
        forwarding: d.forwarding.into_iter().map(Into::into).collect(),
        options: d.options,
    }))
}

#[utoipa::path(get, path = "/api/v1/lines/{id}", tag = "lines", params(("id" = i64, Path)),
    responses((status = 200, body = LineDetailDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One of the caller's customer's lines, with its forwarding.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<LineDetailDto>> {
    detail(&app, &ctx, id_of(&id)?).await
}

#[utoipa::path(get, path = "/api/v1/crm/lines/{id}", tag = "lines", params(("id" = i64, Path)),
    responses((status = 200, body = LineDetailDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One line of any customer the caller may see.
pub async fn crm_get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<LineDetailDto>> {
    detail(&app, &ctx, id_of(&id)?).await
}

/// An employee to add: on a company line with that number, or joining their own number.
#[derive(Deserialize, ToSchema)]
pub struct EmployeeRequest {
    /// Needed only when the customer has more than one account.
    #[serde(default)]
    pub account_id: Option<i64>,
    pub phone: String,
    pub name: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub comment: String,
}

/// What adding an employee did.
#[derive(Serialize, ToSchema)]
pub struct AddedDto {
    pub line: LineDto,
    /// The number is the employee's own: the line is active once the code sent to it is
    /// confirmed (`POST /api/v1/lines/{id}/confirm`).
    pub waiting_for_code: bool,
}

#[utoipa::path(post, path = "/api/v1/lines", tag = "lines", request_body = EmployeeRequest,
    responses((status = 201, body = AddedDto), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Adds an employee: a company line with the number takes them; another number joins after
/// the code sent to it by SMS is confirmed.
pub async fn add(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<EmployeeRequest>) -> WebResult<Response> {
    let input = NewEmployee {
        account_id: req.account_id.map(|a| a.to_string()).unwrap_or_default(),
        phone: req.phone,
        employee: EmployeeInput {
            name: req.name,
            position: req.position,
            email: req.email,
            comment: req.comment,
        },
    };
    let who = ctx.user()?;
    let added = employees::add(&app, &ctx.actor()?, who, &input).await?;
    let line = register::get(&app, who, added.line_id()).await?.line;
    Ok((
        StatusCode::CREATED,
        Json(AddedDto {
            line: line.into(),
            waiting_for_code: matches!(added, Added::WaitingForCode(_)),
        }),
    )
        .into_response())
}

/// The one-time code an employee's own number received.
#[derive(Deserialize, ToSchema)]
pub struct CodeRequest {
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/lines/{id}/confirm", tag = "lines", params(("id" = i64, Path)), request_body = CodeRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Joins a waiting number with its code.
pub async fn confirm(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<CodeRequest>,
) -> WebResult<Json<LineDto>> {
    let l = employees::confirm(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.code).await?;
    Ok(Json(l.into()))
}

/// The employee who carries a line; all empty clears it.
#[derive(Deserialize, ToSchema)]
pub struct EmployeeUpdate {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(put, path = "/api/v1/lines/{id}/employee", tag = "lines", params(("id" = i64, Path)), request_body = EmployeeUpdate,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes the employee on a line.
pub async fn set_employee(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<EmployeeUpdate>,
) -> WebResult<Json<LineDto>> {
    let input = EmployeeInput {
        name: req.name,
        position: req.position,
        email: req.email,
        comment: req.comment,
    };
    let l = employees::update(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &input).await?;
    Ok(Json(l.into()))
}

/// The status a line should take.
#[derive(Deserialize, ToSchema)]
pub struct StatusRequest {
    /// active, blocked or suspended.
    pub status: String,
}

fn status_of(typed: &str) -> Result<LineStatus, AppError> {
    typed
        .parse()
        .map_err(|_| FieldErrors::single("status", "invalid-choice"))
}

#[utoipa::path(post, path = "/api/v1/lines/{id}/status", tag = "lines", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Blocks, suspends or unblocks a line.
pub async fn set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<StatusRequest>,
) -> WebResult<Json<LineDto>> {
    let l = settings::set_status(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, status_of(&req.status)?).await?;
    Ok(Json(l.into()))
}

#[utoipa::path(post, path = "/api/v1/crm/lines/{id}/status", tag = "lines", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Blocks or unblocks a customer's line for the provider (a debt, a lost phone reported by
/// phone).
pub async fn crm_set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<StatusRequest>,
) -> WebResult<Json<LineDto>> {
    let l = settings::set_status(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, status_of(&req.status)?).await?;
    Ok(Json(l.into()))
}

/// A monthly spending limit; none removes it.
#[derive(Deserialize, ToSchema)]
pub struct LimitRequest {
    /// In the account's minor units.
    pub spending_limit: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/lines/{id}/limit", tag = "lines", params(("id" = i64, Path)), request_body = LimitRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets or removes a line's monthly spending limit.
pub async fn set_limit(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<LimitRequest>,
) -> WebResult<Json<LineDto>> {
    let l = settings::set_limit_minor(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, req.spending_limit).await?;
    Ok(Json(l.into()))
}

/// Where calls of one condition go.
#[derive(Deserialize, ToSchema)]
pub struct ForwardingRequest {
    /// A Russian number.
    pub target: String,
    /// For no_answer only: 5, 10, 15, 20 (default), 25 or 30.
    #[serde(default)]
    pub delay_seconds: Option<u32>,
}

#[utoipa::path(put, path = "/api/v1/lines/{id}/forwarding/{condition}", tag = "lines",
    params(("id" = i64, Path), ("condition" = String, Path, description = "unconditional, busy, no_answer or unreachable")), request_body = ForwardingRequest,
    responses((status = 200, body = LineDetailDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets the line's forwarding rule of one condition.
pub async fn set_forwarding(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, condition)): Path<(String, String)>,
    JsonBody(req): JsonBody<ForwardingRequest>,
) -> WebResult<Json<LineDetailDto>> {
    let id = id_of(&id)?;
    let input = ForwardingInput {
        condition,
        target: req.target,
        delay_seconds: req.delay_seconds.map(|d| d.to_string()).unwrap_or_default(),
    };
    settings::set_forwarding(&app, &ctx.actor()?, ctx.user()?, id, &input).await?;
    detail(&app, &ctx, id).await
}

#[utoipa::path(delete, path = "/api/v1/lines/{id}/forwarding/{condition}", tag = "lines",
    params(("id" = i64, Path), ("condition" = String, Path)),
    responses((status = 204, description = "Off (or was not set)"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Switches off the line's forwarding rule of one condition.
pub async fn clear_forwarding(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, condition)): Path<(String, String)>,
) -> WebResult<StatusCode> {
    settings::clear_forwarding(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &condition).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The labels a line should carry (exactly these).
#[derive(Deserialize, ToSchema)]
pub struct LabelsRequest {
    pub label_ids: Vec<i64>,
}

#[utoipa::path(put, path = "/api/v1/lines/{id}/labels", tag = "lines", params(("id" = i64, Path)), request_body = LabelsRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Gives a line exactly these labels.
pub async fn set_labels(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<LabelsRequest>,
) -> WebResult<Json<LineDto>> {
    let id = id_of(&id)?;
    let who = ctx.user()?;
    groups::set_labels(&app, &ctx.actor()?, who, id, &req.label_ids).await?;
    Ok(Json(register::get(&app, who, id).await?.line.into()))
}

/// What an import of employees did: the report, and how many own numbers wait for the codes
/// sent to them.
#[derive(Serialize, ToSchema)]
pub struct EmployeeImportDto {
    #[serde(flatten)]
    pub report: super::devices::ImportReportDto,
    pub waiting_for_code: usize,
}

#[utoipa::path(post, path = "/api/v1/lines/employees/imports", tag = "lines",
    request_body(content = String, content_type = "text/csv",
        description = "A CSV file (UTF-8; comma, semicolon or tab) or an XLSX workbook: a header row (phone, name, position, email, comment, account — or their Russian names), then one employee per row. A number of the company's lines takes its employee; any other number joins as the employee's own once the code sent to it by SMS is confirmed (at most 100 per file)."),
    responses((status = 200, description = "Every row written", body = EmployeeImportDto),
        (status = 422, description = "Nothing written: the problems of the file", body = EmployeeImportDto),
        (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Brings the company's employees onto its lines from a file, all or nothing.
pub async fn import_employees(State(app): State<App>, ctx: Ctx, body: axum::body::Bytes) -> WebResult<Response> {
    let done = kabinet_app::lines::employee_import::import(&app, &ctx.actor()?, ctx.user()?, "api", &body).await?;
    let status = crate::import_files::report_status(&done.report);
    let dto = EmployeeImportDto {
        report: super::devices::report_dto(done.report, ctx.0.lang),
        waiting_for_code: done.waiting_for_code,
    };
    Ok((status, Json(dto)).into_response())
}

/// The photo of a line's employee as kept.
#[derive(Serialize, ToSchema)]
pub struct PhotoDto {
    /// Changes with the photo: the version its address may carry.
    pub version: String,
}

#[utoipa::path(post, path = "/api/v1/lines/{id}/photo", tag = "lines", params(("id" = i64, Path)),
    request_body(content = String, content_type = "image/jpeg", description = "A JPEG, PNG or WebP picture of at most 5 MB (the type is read from the content)."),
    responses((status = 200, body = PhotoDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets the photo of the line's employee: re-encoded as JPEG, at most 1,024 pixels a side,
/// with a 128-pixel thumbnail; nothing of the file but its picture is kept.
pub async fn set_photo(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> WebResult<Json<PhotoDto>> {
    let v = kabinet_app::lines::photos::set(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, body.to_vec()).await?;
    Ok(Json(PhotoDto { version: v.0 }))
}

#[utoipa::path(get, path = "/api/v1/lines/{id}/photo", tag = "lines", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>, description = "The photo, JPEG"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The photo of the line's employee.
pub async fn photo(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let size = kabinet_app::lines::photos::Size::Photo;
    let (bytes, v) = kabinet_app::lines::photos::get(&app, ctx.user()?, id_of(&id)?, size).await?;
    Ok(crate::images::jpeg_response(bytes, &v.0))
}

#[utoipa::path(delete, path = "/api/v1/lines/{id}/photo", tag = "lines", params(("id" = i64, Path)),
    responses((status = 204, description = "No photo now"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Removes the photo of the line's employee.
pub async fn remove_photo(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    kabinet_app::lines::photos::remove(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The employee's own SIM card the line moves onto.
#[derive(Deserialize, ToSchema)]
pub struct PersonalSimBody {
    /// The number the card carries now.
    pub personal_phone: String,
    /// The card's PUK1: eight digits. Passed to the operator, never kept.
    pub puk: String,
}

#[utoipa::path(post, path = "/api/v1/lines/{id}/personal-sim", tag = "lines", params(("id" = i64, Path)), request_body = PersonalSimBody,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Moves the line onto the employee's own SIM card, proven by its number and PUK1 (checked by
/// the operator); the old SIM is retired.
pub async fn personal_sim(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PersonalSimBody>,
) -> WebResult<Json<LineDto>> {
    let typed = sims::PersonalSim {
        personal_phone: body.personal_phone,
        puk: body.puk,
    };
    let l = sims::join_personal(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &typed).await?;
    Ok(Json(l.into()))
}

/// The ICC of a reserve SIM card the line moves onto.
#[derive(Deserialize, ToSchema)]
pub struct SimRequest {
    pub icc: String,
}

#[utoipa::path(post, path = "/api/v1/lines/{id}/sim", tag = "lines", params(("id" = i64, Path)), request_body = SimRequest,
    responses((status = 200, body = LineDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Moves the line onto a reserve SIM card of the customer's; the old SIM is retired.
pub async fn replace_sim(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SimRequest>,
) -> WebResult<Json<LineDto>> {
    let l = sims::replace(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.icc).await?;
    Ok(Json(l.into()))
}

/// A bulk action: on the lines listed, or on every line the filter finds.
#[derive(Deserialize, ToSchema)]
pub struct BulkRequest {
    /// The lines ticked; leave out to act on every line `filter` finds.
    #[serde(default)]
    pub line_ids: Option<Vec<i64>>,
    /// The register's filter (its query parameters' names), when `line_ids` is left out.
    #[serde(default)]
    pub filter: Option<BulkFilter>,
    /// group, no_group, add_label, remove_label, status, give_to or take_from (a line
    /// manager's care; the coordinator's alone).
    pub action: String,
    /// The group's or label's id, or the line manager's login's id.
    #[serde(default)]
    pub id: Option<i64>,
    /// active, blocked or suspended, for `status`.
    #[serde(default)]
    pub status: Option<String>,
}

/// The register's filter in a bulk request.
#[derive(Deserialize, ToSchema, Default)]
pub struct BulkFilter {
    pub q: Option<String>,
    pub account_id: Option<i64>,
    pub group_id: Option<i64>,
    pub no_group: Option<bool>,
    pub label_id: Option<i64>,
    pub tariff_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub status: Option<String>,
}

/// What a bulk action did.
#[derive(Serialize, ToSchema)]
pub struct BulkDto {
    pub changed: u64,
    /// Lines left as they were (a label already there, a status that cannot follow).
    pub skipped: u64,
}

#[utoipa::path(post, path = "/api/v1/lines/bulk", tag = "lines", request_body = BulkRequest,
    responses((status = 200, body = BulkDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Puts lines into a group or out of groups, labels them or takes a label off, blocks or
/// unblocks them — all in one transaction.
pub async fn bulk(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<BulkRequest>) -> WebResult<Json<BulkDto>> {
    let id = || req.id.ok_or_else(|| FieldErrors::single("id", "invalid-choice"));
    let action = match req.action.as_str() {
        "group" => BulkAction::Group(Some(id()?)),
        "no_group" => BulkAction::Group(None),
        "add_label" => BulkAction::AddLabel(id()?),
        "remove_label" => BulkAction::RemoveLabel(id()?),
        "status" => BulkAction::Status(status_of(req.status.as_deref().unwrap_or_default())?),
        "give_to" => BulkAction::GiveTo(id()?),
        "take_from" => BulkAction::TakeFrom(id()?),
        _ => return Err(FieldErrors::single("action", "invalid-choice").into()),
    };
    let selection = selection_of(req.line_ids, req.filter)?;
    let outcome = groups::bulk(&app, &ctx.actor()?, ctx.user()?, &selection, &action).await?;
    Ok(Json(BulkDto {
        changed: outcome.changed,
        skipped: outcome.skipped,
    }))
}

/// The lines listed, or every line the filter finds.
pub(super) fn selection_of(line_ids: Option<Vec<i64>>, filter: Option<BulkFilter>) -> Result<Selection, AppError> {
    Ok(match (line_ids, filter) {
        (Some(ids), _) => Selection::Lines(ids),
        (None, Some(f)) => Selection::Matching(
            LinesQuery {
                q: f.q,
                account_id: f.account_id,
                group_id: f.group_id,
                no_group: f.no_group,
                label_id: f.label_id,
                tariff_id: f.tariff_id,
                manager_id: f.manager_id,
                status: f.status,
                sort: None,
                dir: None,
                page: None,
                per_page: None,
            }
            .filter()?,
        ),
        (None, None) => return Err(FieldErrors::single("line_ids", "lines-none-selected")),
    })
}

/// A customer's group of lines.
#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    pub id: i64,
    pub name: String,
    /// people, office, truck, headset, wrench, star, shield or phone.
    pub icon: String,
    /// "#rrggbb".
    pub colour: String,
    pub lines: u64,
}

impl From<LineGroup> for GroupDto {
    fn from(g: LineGroup) -> Self {
        GroupDto {
            id: g.id,
            name: g.name,
            icon: g.icon.as_str().to_owned(),
            colour: g.colour,
            lines: g.lines,
        }
    }
}

/// A customer's label.
#[derive(Serialize, ToSchema)]
pub struct LabelDto {
    pub id: i64,
    pub name: String,
    pub lines: u64,
}

impl From<LineLabel> for LabelDto {
    fn from(l: LineLabel) -> Self {
        LabelDto {
            id: l.id,
            name: l.name,
            lines: l.lines,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/line-groups", tag = "lines",
    responses((status = 200, body = Vec<GroupDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's customer's groups of lines.
pub async fn list_groups(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<GroupDto>>> {
    let list = groups::groups(&app, ctx.user()?, None).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A group of lines.
#[derive(Deserialize, ToSchema)]
pub struct GroupRequest {
    pub name: String,
    /// people (default), office, truck, headset, wrench, star, shield or phone.
    #[serde(default)]
    pub icon: String,
    /// "#rrggbb"; the first of the offered colours by default.
    #[serde(default)]
    pub colour: String,
}

impl GroupRequest {
    fn input(self) -> GroupInput {
        GroupInput {
            name: self.name,
            icon: self.icon,
            colour: self.colour,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/line-groups", tag = "lines", request_body = GroupRequest,
    responses((status = 201, body = GroupDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Creates a group of lines.
pub async fn create_group(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<GroupRequest>,
) -> WebResult<Response> {
    let g = groups::create_group(&app, &ctx.actor()?, ctx.user()?, &req.input()).await?;
    Ok((StatusCode::CREATED, Json(GroupDto::from(g))).into_response())
}

#[utoipa::path(put, path = "/api/v1/line-groups/{id}", tag = "lines", params(("id" = i64, Path)), request_body = GroupRequest,
    responses((status = 204, description = "Saved"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Renames a group or changes its icon or colour.
pub async fn update_group(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<GroupRequest>,
) -> WebResult<StatusCode> {
    groups::update_group(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.input()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/line-groups/{id}", tag = "lines", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted; its lines are in no group"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Deletes a group; its lines stay, in no group.
pub async fn delete_group(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    groups::delete_group(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/line-labels", tag = "lines",
    responses((status = 200, body = Vec<LabelDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's customer's labels.
pub async fn list_labels(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<LabelDto>>> {
    let list = groups::labels(&app, ctx.user()?, None).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A label.
#[derive(Deserialize, ToSchema)]
pub struct LabelRequest {
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/line-labels", tag = "lines", request_body = LabelRequest,
    responses((status = 201, body = LabelDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Creates a label.
pub async fn create_label(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<LabelRequest>,
) -> WebResult<Response> {
    let l = groups::create_label(&app, &ctx.actor()?, ctx.user()?, &req.name).await?;
    Ok((StatusCode::CREATED, Json(LabelDto::from(l))).into_response())
}

#[utoipa::path(delete, path = "/api/v1/line-labels/{id}", tag = "lines", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted and taken off every line"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Deletes a label and takes it off every line.
pub async fn delete_label(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    groups::delete_label(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A reserve SIM card.
#[derive(Serialize, ToSchema)]
pub struct ReserveSimDto {
    pub id: i64,
    pub account_id: i64,
    pub icc: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

impl From<ReserveSim> for ReserveSimDto {
    fn from(r: ReserveSim) -> Self {
        ReserveSimDto {
            id: r.id,
            account_id: r.account_id,
            icc: r.icc,
            added_at: r.added_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reserve-sims", tag = "lines",
    responses((status = 200, body = Vec<ReserveSimDto>)), security(("bearer" = []), ("session" = [])))]
/// The reserve SIM cards of the caller's customer's accounts.
pub async fn own_reserve(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<ReserveSimDto>>> {
    let list = sims::reserve(&app, ctx.user()?, None).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/reserve-sims", tag = "lines", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReserveSimDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's reserve SIM cards.
pub async fn crm_reserve(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<Vec<ReserveSimDto>>> {
    let list = sims::reserve(&app, ctx.user()?, Some(id_of(&id)?)).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// SIM cards for an account's reserve.
#[derive(Deserialize, ToSchema)]
pub struct ReserveRequest {
    pub account_id: i64,
    pub iccs: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/reserve-sims", tag = "lines", params(("id" = i64, Path)), request_body = ReserveRequest,
    responses((status = 201, body = Vec<ReserveSimDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Adds SIM cards to an account's reserve; one bad or taken ICC refuses them all.
pub async fn crm_add_reserve(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ReserveRequest>,
) -> WebResult<Response> {
    let list = sims::add_reserve(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id_of(&id)?,
        req.account_id,
        &req.iccs.join("\n"),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(list.into_iter().map(ReserveSimDto::from).collect::<Vec<_>>()),
    )
        .into_response())
}

/// A line to give a customer.
#[derive(Deserialize, ToSchema)]
pub struct LineRequest {
    pub account_id: i64,
    pub phone: String,
    pub icc: String,
    #[serde(default)]
    pub employee_name: String,
    #[serde(default)]
    pub employee_position: String,
    #[serde(default)]
    pub employee_email: String,
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/lines", tag = "lines", params(("id" = i64, Path)), request_body = LineRequest,
    responses((status = 201, body = LineDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Gives a customer a line: its number on a SIM, billed to one of its accounts.
pub async fn crm_create(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<LineRequest>,
) -> WebResult<Response> {
    let input = NewLine {
        account_id: req.account_id.to_string(),
        phone: req.phone,
        icc: req.icc,
        employee: EmployeeInput {
            name: req.employee_name,
            position: req.employee_position,
            email: req.employee_email,
            comment: String::new(),
        },
    };
    let l = employees::create(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(LineDto::from(l))).into_response())
}
