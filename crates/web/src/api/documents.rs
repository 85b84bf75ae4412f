//! Closing documents over the API: the history, ordering (the worker makes the documents; poll
//! the order until `status` is `done`), the files, order archives and payment receipts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kabinet_app::documents::history::{self, DocumentFilter, SORTS};
use kabinet_app::documents::orders::{self, NewOrder};
use kabinet_app::documents::views::{Document, Order};
use kabinet_app::listing::Sort;
use kabinet_app::{App, AppError, customers};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: i64,
    pub order_id: Option<i64>,
    /// invoice, detailed_invoice, tax_invoice, act, reconciliation or prepayment_invoice.
    pub kind: String,
    /// Number within the kind's series and the year, from 1 without gaps.
    pub number: i64,
    pub year: i32,
    pub issued_on: NaiveDate,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub account_id: i64,
    pub account_number: String,
    /// Minor units: the total of an invoice or act, the closing balance of a reconciliation.
    pub amount: i64,
    pub currency: String,
    /// pdf or html.
    pub format: String,
    pub file_name: String,
    pub bytes: i64,
    pub sha256: String,
    pub download_url: String,
    pub created_at: DateTime<Utc>,
}

fn document_dto(d: Document, account_number: String, crm: bool) -> DocumentDto {
    DocumentDto {
        download_url: format!("/api/v1{}/documents/{}/file", if crm { "/crm" } else { "" }, d.id),
        id: d.id,
        order_id: d.order_id,
        kind: d.kind.to_string(),
        number: d.number,
        year: d.year,
        issued_on: d.issued_on,
        period_from: d.period_from,
        period_to: d.period_to,
        account_id: d.account_id,
        account_number,
        amount: d.amount,
        currency: d.currency.to_string(),
        format: d.format.to_string(),
        file_name: d.file_name,
        bytes: d.bytes,
        sha256: d.sha256,
        created_at: d.created_at,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentsQuery {
    /// One of the kinds.
    kind: Option<String>,
    account_id: Option<i64>,
    year: Option<i32>,
    order_id: Option<i64>,
    /// issued, number, kind, period or amount.
    sort: Option<String>,
    /// asc or desc (the default).
    dir: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

async fn list(
    app: &App,
    ctx: &Ctx,
    customer_id: i64,
    q: DocumentsQuery,
    crm: bool,
) -> WebResult<Json<Paged<DocumentDto>>> {
    let who = ctx.user()?;
    let filter = DocumentFilter {
        customer_id: Some(customer_id),
        account_id: q.account_id,
        kind: q.kind,
        year: q.year,
        order_id: q.order_id,
    };
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref().or(Some("desc")), &SORTS);
    let page = history::list(
        app,
        who,
        &filter,
        &sort,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, |(d, n)| document_dto(d, n, crm)))
}

#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(DocumentsQuery),
    responses((status = 200, body = Paged<DocumentDto>)), security(("bearer" = []), ("session" = [])))]
/// The signed-in customer's document history, newest first.
pub async fn own_documents(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DocumentsQuery>,
) -> WebResult<Json<Paged<DocumentDto>>> {
    let customer_id = ctx.user()?.customer_id.ok_or(AppError::Forbidden)?;
    list(&app, &ctx, customer_id, q, false).await
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/documents", tag = "documents", params(("id" = i64, Path), DocumentsQuery),
    responses((status = 200, body = Paged<DocumentDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's document history, for staff.
pub async fn customer_documents(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DocumentsQuery>,
) -> WebResult<Json<Paged<DocumentDto>>> {
    let customer = customers::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    list(&app, &ctx, customer.id, q, true).await
}

#[derive(Deserialize, ToSchema)]
pub struct OrderRequest {
    pub account_ids: Vec<i64>,
    /// Any of invoice, detailed_invoice, tax_invoice, act, reconciliation, prepayment_invoice.
    pub kinds: Vec<String>,
    /// First month, `YYYY-MM`.
    pub period_from: String,
    /// Last month, `YYYY-MM`.
    pub period_to: String,
    /// pdf (the default) or html; tax invoices and reconciliation acts are always PDF.
    #[serde(default = "pdf")]
    pub format: String,
    /// Prepayment invoices' amount in minor units; omitted: each account's amount due.
    pub prepayment_amount: Option<i64>,
    /// Pack the documents in a zip whose entries are encrypted (AES-256) with this password.
    pub zip_password: Option<String>,
    /// E-mail the documents here.
    pub email_to: Option<String>,
    /// none (the default), email or sms.
    #[serde(default)]
    pub notify_channel: String,
    /// Where the ready notice goes.
    pub notify_to: Option<String>,
}

fn pdf() -> String {
    "pdf".into()
}

#[derive(Serialize, ToSchema)]
pub struct OrderDto {
    pub id: i64,
    pub customer_id: i64,
    /// queued, running, done or failed.
    pub status: String,
    pub kinds: Vec<String>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub format: String,
    pub done: i32,
    pub total: i32,
    pub percent: i64,
    /// What was not made and why (`no-charges`, `nothing-due`).
    pub skipped: Vec<SkippedDto>,
    /// The zip, when the order asked for one and it is ready.
    pub archive_url: Option<String>,
    /// The order's documents, once it is done.
    pub documents_url: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct SkippedDto {
    pub kind: String,
    pub account: String,
    pub period: String,
    pub reason: String,
}

fn order_dto(o: Order, crm: bool) -> OrderDto {
    let base = if crm { "/api/v1/crm" } else { "/api/v1" };
    OrderDto {
        percent: history::percent(&o),
        skipped: history::skipped(&o)
            .into_iter()
            .map(|s| SkippedDto {
                kind: s.kind,
                account: s.account,
                period: s.period,
                reason: s.reason,
            })
            .collect(),
        archive_url: o
            .archive_name
            .as_ref()
            .map(|_| format!("{base}/document-orders/{}/archive", o.id)),
        documents_url: if crm {
            format!("/api/v1/crm/customers/{}/documents?order_id={}", o.customer_id, o.id)
        } else {
            format!("/api/v1/documents?order_id={}", o.id)
        },
        id: o.id,
        customer_id: o.customer_id,
        status: o.status.to_string(),
        kinds: o.kinds.split(',').map(str::to_owned).collect(),
        period_from: o.period_from,
        period_to: o.period_to,
        format: o.format.to_string(),
        done: o.done,
        total: o.total,
        created_at: o.created_at,
        finished_at: o.finished_at,
    }
}

async fn place(app: &App, ctx: &Ctx, customer_id: i64, req: OrderRequest, crm: bool) -> WebResult<Response> {
    let order = orders::place(
        app,
        &ctx.actor()?,
        ctx.user()?,
        NewOrder {
            customer_id,
            account_ids: req.account_ids,
            kinds: req.kinds,
            period_from: req.period_from,
            period_to: req.period_to,
            format: req.format,
            prepayment_amount: req.prepayment_amount,
            pack_zip: req.zip_password.is_some(),
            zip_password: req.zip_password,
            email_to: req.email_to,
            notify_channel: req.notify_channel,
            notify_to: req.notify_to,
        },
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(order_dto(order, crm))).into_response())
}

#[utoipa::path(post, path = "/api/v1/document-orders", tag = "documents", request_body = OrderRequest,
    responses((status = 202, body = OrderDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Orders documents of the signed-in customer's accounts.
pub async fn order_own(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<OrderRequest>) -> WebResult<Response> {
    let customer_id = ctx.user()?.customer_id.ok_or(AppError::Forbidden)?;
    place(&app, &ctx, customer_id, req, false).await
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/document-orders", tag = "documents", params(("id" = i64, Path)), request_body = OrderRequest,
    responses((status = 202, body = OrderDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Issues documents to a customer.
pub async fn order_for_customer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<OrderRequest>,
) -> WebResult<Response> {
    let id = id_of(&id)?;
    place(&app, &ctx, id, req, true).await
}

#[utoipa::path(get, path = "/api/v1/document-orders/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An order and its progress.
pub async fn order(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<OrderDto>> {
    let o = history::order(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(order_dto(o, false)))
}

#[utoipa::path(get, path = "/api/v1/crm/document-orders/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An order and its progress, for staff.
pub async fn crm_order(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<OrderDto>> {
    let o = history::order(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(order_dto(o, true)))
}

#[utoipa::path(get, path = "/api/v1/documents/{id}/file", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The PDF or HTML file"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A document's file.
pub async fn file(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::file(app, ctx, id).await
}

#[utoipa::path(get, path = "/api/v1/crm/documents/{id}/file", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The PDF or HTML file"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A document's file, for staff.
pub async fn crm_file(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::file(app, ctx, id).await
}

#[utoipa::path(get, path = "/api/v1/document-orders/{id}/archive", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The zip"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An order's zip.
pub async fn archive(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::archive(app, ctx, id).await
}

#[utoipa::path(get, path = "/api/v1/crm/document-orders/{id}/archive", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The zip"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An order's zip, for staff.
pub async fn crm_archive(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::archive(app, ctx, id).await
}

#[utoipa::path(get, path = "/api/v1/payments/{id}/receipt.pdf", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The receipt as PDF"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A payment's receipt.
pub async fn receipt(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::receipt_pdf(app, ctx, id).await
}

#[utoipa::path(get, path = "/api/v1/crm/payments/{id}/receipt.pdf", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "The receipt as PDF"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A payment's receipt, for staff.
pub async fn crm_receipt(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Response> {
    crate::documents::receipt_pdf(app, ctx, id).await
}
