//! Service requests over the API (ORD-2, BIL-7, API-2): the customer files requests and reads
//! its own; staff read the queue "Customer service requests" and move a request to in
//! progress, done or refused.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kabinet_app::requests::handling::{self, QueueFilter};
use kabinet_app::requests::{self, NewRequest, ServiceRequest};
use kabinet_app::{App, FieldErrors};
use kabinet_core::requests::{RequestKind, RequestStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A service request.
#[derive(Serialize, ToSchema)]
pub struct RequestDto {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub contract_number: String,
    /// sms_alerts, sms_alerts_number, funds_transfer, refund, recalculation, surname_change,
    /// contact_phone_change or landline_phone_change (filed by the settings), or
    /// consent_withdrawal (filed when a person withdraws the consent to processing).
    pub kind: String,
    /// new, in_progress, done or refused.
    pub status: String,
    pub object_id: Option<i64>,
    pub object_name: Option<String>,
    pub phone: Option<String>,
    pub start_date: Option<NaiveDate>,
    /// In minor units of `currency`.
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub target_contract: Option<String>,
    pub new_name: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub comment: String,
    pub refusal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<ServiceRequest> for RequestDto {
    fn from(r: ServiceRequest) -> Self {
        RequestDto {
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            contract_number: r.contract_number,
            kind: r.kind.as_str().to_owned(),
            status: r.status.as_str().to_owned(),
            object_id: r.object_id,
            object_name: r.object_name,
            phone: r.phone,
            start_date: r.start_date,
            amount_minor: r.amount_minor,
            currency: r.currency.code().to_owned(),
            target_contract: r.target_contract,
            new_name: r.new_name,
            period_from: r.period_from,
            period_to: r.period_to,
            comment: r.comment,
            refusal_reason: r.refusal_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            closed_at: r.closed_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(PageQuery),
    responses((status = 200, body = Paged<RequestDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's own customer's requests, newest first.
pub async fn own(State(app): State<App>, ctx: Ctx, Query(q): Query<PageQuery>) -> WebResult<Json<Paged<RequestDto>>> {
    let page = handling::own(
        &app,
        ctx.user()?,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 20, 200),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

/// A request to file; the fields its kind does not ask for are ignored.
#[derive(Deserialize, ToSchema)]
pub struct RequestBody {
    /// sms_alerts, sms_alerts_number, funds_transfer, refund, recalculation or surname_change.
    pub kind: String,
    #[serde(default)]
    pub object_id: Option<i64>,
    /// A mobile number (SMS alerts).
    #[serde(default)]
    pub phone: String,
    /// YYYY-MM-DD (SMS alerts).
    #[serde(default)]
    pub start_date: String,
    /// In minor units of the account's currency (transfer, refund).
    #[serde(default)]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub target_contract: String,
    #[serde(default)]
    pub new_name: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    #[serde(default)]
    pub comment: String,
    /// Up to 64 characters (or the `Idempotency-Key` header): the same key again answers with
    /// the request it filed instead of filing another.
    #[serde(default)]
    pub request_key: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = RequestBody,
    responses((status = 201, body = RequestDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Files a request of the caller's own customer; every field's problem in one answer.
pub async fn file(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RequestBody>,
) -> WebResult<Response> {
    let header_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let input = NewRequest {
        kind: req.kind,
        object_id: req.object_id,
        phone: req.phone,
        start_date: req.start_date,
        amount: String::new(),
        // An amount the kind needs and the body left out is "empty" at its field.
        amount_minor: req.amount_minor,
        target_contract: req.target_contract,
        new_name: req.new_name,
        period_from: req.period_from,
        period_to: req.period_to,
        comment: req.comment,
        request_key: req.request_key.or(header_key),
    };
    let r = requests::file(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    Ok((StatusCode::CREATED, Json(RequestDto::from(r))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// new, in_progress, done or refused; the open ones (new and in progress) when left out.
    status: Option<String>,
    /// One kind of request; all when left out.
    kind: Option<String>,
    customer_id: Option<i64>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/crm/requests", tag = "requests", params(QueueQuery),
    responses((status = 200, body = Paged<RequestDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The queue "Customer service requests", oldest first.
pub async fn queue(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> WebResult<Json<Paged<RequestDto>>> {
    let mut errors = FieldErrors::new();
    let status = errors.choice_opt::<RequestStatus>("status", q.status.as_deref());
    let kind = errors.choice_opt::<RequestKind>("kind", q.kind.as_deref());
    errors.into_result()?;
    let page = requests::queue(
        &app,
        ctx.user()?,
        &QueueFilter {
            status,
            kind,
            customer_id: q.customer_id,
        },
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(get, path = "/api/v1/crm/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One request.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<RequestDto>> {
    Ok(Json(
        handling::get_visible(&app, ctx.user()?, id_of(&id)?).await?.into(),
    ))
}

/// A move of a request.
#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// in_progress, done or refused.
    pub to: String,
    /// Why it is refused, for the customer (refused only).
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/crm/requests/{id}/status", tag = "requests", params(("id" = i64, Path)), request_body = MoveBody,
    responses((status = 200, body = RequestDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Takes a request, marks it done (SMS alerts switched on or moved to the new number) or
/// refuses it with a reason; a closed request answers 409.
pub async fn move_to(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<MoveBody>,
) -> WebResult<Json<RequestDto>> {
    let id = id_of(&id)?;
    let to = req
        .to
        .parse::<RequestStatus>()
        .map_err(|_| FieldErrors::single("to", "invalid-choice"))?;
    Ok(Json(
        handling::move_to(&app, &ctx.actor()?, ctx.user()?, id, to, &req.reason)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/requests/blanks/{kind}", tag = "requests", params(("kind" = String, Path,
        description = "sms_alerts, sms_alerts_number, funds_transfer, refund, recalculation or surname_change")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The blank, prefilled"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// A kind's paper blank as a PDF, prefilled with the customer's contract, name, address and
/// today's date, in the caller's language.
pub async fn blank(State(app): State<App>, ctx: Ctx, Path(kind): Path<String>) -> WebResult<Response> {
    let kind: RequestKind = kind.parse().map_err(|_| kabinet_app::AppError::NotFound)?;
    let (name, bytes) = requests::blanks::blank(&app, ctx.user()?, kind, ctx.0.lang).await?;
    Ok(crate::requests::papers::pdf(&name, bytes))
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}/pay-slip", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>,
        description = "The slip of the amount due with the unified payment QR code (GOST R 56042)"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// The pay slip of one of the customer's accounts.
pub async fn pay_slip(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let what = requests::blanks::SlipFor::Provider {
        account_id: id_of(&id)?,
    };
    let (name, bytes) = requests::blanks::pay_slip(&app, ctx.user()?, what, ctx.0.lang).await?;
    Ok(crate::requests::papers::pdf(&name, bytes))
}

/// A third party's requisites (a state guard's services) and what to pay them.
#[derive(Deserialize, ToSchema)]
pub struct OtherSlipBody {
    pub name: String,
    /// 10 or 12 digits.
    pub inn: String,
    /// 9 digits; empty for a person.
    #[serde(default)]
    pub kpp: String,
    pub bank_name: String,
    /// 9 digits.
    pub bik: String,
    /// The 20-digit settlement account, checked against the BIK.
    pub account: String,
    /// The bank's 20-digit correspondent account.
    pub correspondent_account: String,
    /// As people type it ("1 500,50"); empty: the payer types it in the bank's app.
    #[serde(default)]
    pub sum: String,
    pub purpose: String,
}

#[utoipa::path(post, path = "/api/v1/pay-slips/other", tag = "requests", request_body = OtherSlipBody,
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The slip with the QR code"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// A pay slip for a third party's requisites, each checked (BIK, the accounts' control keys,
/// INN, KPP); every problem in one answer.
pub async fn other_pay_slip(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<OtherSlipBody>,
) -> WebResult<Response> {
    let what = requests::blanks::SlipFor::ThirdParty {
        payee: Box::new(kabinet_core::pay_slip::Payee {
            name: b.name,
            account: b.account,
            bank_name: b.bank_name,
            bik: b.bik,
            correspondent_account: b.correspondent_account,
            inn: b.inn,
            kpp: b.kpp,
        }),
        sum: b.sum,
        purpose: b.purpose,
    };
    let (name, bytes) = requests::blanks::pay_slip(&app, ctx.user()?, what, ctx.0.lang).await?;
    Ok(crate::requests::papers::pdf(&name, bytes))
}

/// A saved payee (a state guard's services) with what it is usually paid for.
#[derive(Serialize, ToSchema)]
pub struct PaymentTemplateDto {
    pub id: i64,
    pub title: String,
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub correspondent_account: String,
    pub purpose: String,
    pub updated_at: DateTime<Utc>,
}

impl From<requests::payment_templates::PaymentTemplate> for PaymentTemplateDto {
    fn from(t: requests::payment_templates::PaymentTemplate) -> Self {
        PaymentTemplateDto {
            id: t.id,
            title: t.title,
            name: t.payee_name,
            inn: t.inn,
            kpp: t.kpp,
            bank_name: t.bank_name,
            bik: t.bik,
            account: t.account,
            correspondent_account: t.correspondent_account,
            purpose: t.purpose,
            updated_at: t.updated_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/payment-templates", tag = "requests",
    responses((status = 200, body = Vec<PaymentTemplateDto>)), security(("bearer" = []), ("session" = [])))]
/// The customer's payment templates, by name.
pub async fn templates(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<PaymentTemplateDto>>> {
    let list = requests::payment_templates::list(&app, ctx.user()?).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A template to keep: the requisites and the usual purpose, under a name.
#[derive(Deserialize, ToSchema)]
pub struct PaymentTemplateBody {
    /// The customer's name for it; a template of the same name is replaced.
    pub title: String,
    pub name: String,
    pub inn: String,
    #[serde(default)]
    pub kpp: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub correspondent_account: String,
    pub purpose: String,
}

#[utoipa::path(put, path = "/api/v1/payment-templates", tag = "requests", request_body = PaymentTemplateBody,
    responses((status = 200, body = PaymentTemplateDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Saves a payment template under its name, its requisites checked like a pay slip's.
pub async fn save_template(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<PaymentTemplateBody>,
) -> WebResult<Json<PaymentTemplateDto>> {
    let input = requests::payment_templates::NewTemplate {
        title: b.title,
        payee: kabinet_core::pay_slip::Payee {
            name: b.name,
            account: b.account,
            bank_name: b.bank_name,
            bik: b.bik,
            correspondent_account: b.correspondent_account,
            inn: b.inn,
            kpp: b.kpp,
        },
        purpose: b.purpose,
    };
    let saved = requests::payment_templates::save(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    Ok(Json(saved.into()))
}

#[utoipa::path(delete, path = "/api/v1/payment-templates/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Deletes one of the customer's payment templates.
pub async fn delete_template(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    requests::payment_templates::delete(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
