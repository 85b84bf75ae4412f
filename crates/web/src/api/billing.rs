//! Money over the API: accounts with their balance and amount due, the ledger, and — for
//! accountants — registering payments and posting corrections. Amounts are integers in minor
//! units of the account's currency (kopecks, rial).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kabinet_app::billing::accounts::{self, Summary};
use kabinet_app::billing::ledger::{self, ManualEntry};
use kabinet_app::billing::payments::{self, ManualPayment};
use kabinet_app::billing::views::{LedgerEntry, Payment};
use kabinet_app::exports::views::ExportJob;
use kabinet_app::{App, AppError, FieldErrors};
use kabinet_core::ErrorCode;
use kabinet_core::billing::EntryKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    /// RUB or IRR.
    pub currency: String,
    /// Minor units; negative is a debt.
    pub balance: i64,
    /// How far below zero the balance may go.
    pub credit_limit: i64,
    pub warning_threshold: Option<i64>,
    pub previous_period_balance: i64,
    pub accruals_this_period: i64,
    pub next_charge_on: Option<NaiveDate>,
    pub next_charge: i64,
    /// What brings the balance to zero and pays the next charge.
    pub amount_due: i64,
    pub status: String,
    /// How closing documents reach the customer: email or edo.
    pub document_delivery: String,
    pub edo_operator: Option<String>,
    pub edo_participant_id: Option<String>,
}

impl From<Summary> for AccountDto {
    fn from(s: Summary) -> Self {
        AccountDto {
            id: s.account.id,
            number: s.account.number,
            title: s.account.title,
            customer_id: s.account.customer_id,
            partner_id: s.account.partner_id,
            currency: s.account.currency.to_string(),
            balance: s.account.balance,
            credit_limit: s.account.credit_limit,
            warning_threshold: s.account.warning_threshold,
            previous_period_balance: s.previous_period_balance,
            accruals_this_period: s.accruals_this_period,
            next_charge_on: s.next_charge_on,
            next_charge: s.next_charge,
            amount_due: s.amount_due,
            status: s.account.status.to_string(),
            document_delivery: s.account.document_delivery.to_string(),
            edo_operator: s.account.edo_operator,
            edo_participant_id: s.account.edo_participant_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EntryDto {
    pub id: i64,
    /// charge, payment, refund, adjustment, cashback or reversal.
    pub kind: String,
    /// Signed minor units: credits positive, debits negative.
    pub amount: i64,
    pub balance_after: i64,
    pub currency: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub description: String,
    pub payment_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub reverses_entry_id: Option<i64>,
}

impl From<LedgerEntry> for EntryDto {
    fn from(e: LedgerEntry) -> Self {
        EntryDto {
            id: e.id,
            kind: e.kind.to_string(),
            amount: e.amount,
            balance_after: e.balance_after,
            currency: e.currency.to_string(),
            occurred_at: e.occurred_at,
            recorded_at: e.recorded_at,
            description: e.description,
            payment_id: e.payment_id,
            subscription_id: e.subscription_id,
            reverses_entry_id: e.reverses_entry_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PaymentDto {
    pub id: i64,
    pub account_id: i64,
    pub method: String,
    pub status: String,
    pub amount: i64,
    pub refunded: i64,
    pub currency: String,
    pub document_number: Option<String>,
    pub document_date: Option<NaiveDate>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl From<Payment> for PaymentDto {
    fn from(p: Payment) -> Self {
        PaymentDto {
            id: p.id,
            account_id: p.account_id,
            method: p.method.to_string(),
            status: p.status.to_string(),
            amount: p.amount,
            refunded: p.refunded,
            currency: p.currency.to_string(),
            document_number: p.document_number,
            document_date: p.document_date,
            paid_at: p.paid_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "billing",
    responses((status = 200, body = Vec<AccountDto>), (status = 403, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The signed-in customer's accounts.
pub async fn own_accounts(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<AccountDto>>> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(WebError::App(AppError::Forbidden))?;
    let mut out = Vec::new();
    for a in accounts::of_customer(&app, customer_id).await? {
        out.push(accounts::summary(&app, a).await?.into());
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "billing", params(("id" = i64, Path)),
    responses((status = 200, body = AccountDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One of the signed-in customer's accounts.
pub async fn account(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<AccountDto>> {
    let a = accounts::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(accounts::summary(&app, a).await?.into()))
}

/// An account's cashback: what is left and the newest moves; minor units.
#[derive(Serialize, ToSchema)]
pub struct CashbackDto {
    pub balance: i64,
    pub entries: Vec<CashbackMoveDto>,
}

/// Cashback accrued (positive) or spent (negative).
#[derive(Serialize, ToSchema)]
pub struct CashbackMoveDto {
    pub amount: i64,
    pub reason: String,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}/cashback", tag = "billing", params(("id" = i64, Path)),
    responses((status = 200, body = CashbackDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The account's cashback.
pub async fn cashback(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<CashbackDto>> {
    let c = kabinet_app::billing::cashback::of_account(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(CashbackDto {
        balance: c.balance,
        entries: c
            .entries
            .into_iter()
            .map(|e| CashbackMoveDto {
                amount: e.amount,
                reason: e.reason,
                created_by: e.created_by,
                at: e.at,
            })
            .collect(),
    }))
}

/// Cashback to spend into the balance.
#[derive(Deserialize, ToSchema)]
pub struct CashbackSpend {
    /// Minor units, positive, at most what is left.
    pub amount: i64,
    /// 8 to 64 letters, digits, `-` or `_`: the same key twice spends once.
    pub idempotency_key: String,
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/cashback/spend", tag = "billing", params(("id" = i64, Path)), request_body = CashbackSpend,
    responses((status = 200, body = CashbackDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Spends the account's cashback into its balance, where it pays charges like a payment.
pub async fn spend_cashback(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CashbackSpend>,
) -> WebResult<Json<CashbackDto>> {
    let id = id_of(&id)?;
    kabinet_app::billing::cashback::spend_minor(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id,
        body.amount,
        &body.idempotency_key,
    )
    .await?;
    cashback(State(app), ctx, Path(id.to_string())).await
}

/// How an account's closing documents reach the customer.
#[derive(Deserialize, ToSchema)]
pub struct DeliveryRequest {
    /// email or edo.
    pub delivery: String,
    /// The EDO operator's name, for edo.
    #[serde(default)]
    pub edo_operator: String,
    /// The customer's participant id at the operator ("2BM-…"), for edo.
    #[serde(default)]
    pub edo_participant_id: String,
}

#[utoipa::path(put, path = "/api/v1/accounts/{id}/delivery", tag = "billing", params(("id" = i64, Path)), request_body = DeliveryRequest,
    responses((status = 200, body = AccountDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets how the account's closing documents reach the customer; printed on invoices and acts
/// (the product does not send documents into the EDO operator's system).
pub async fn set_delivery(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<DeliveryRequest>,
) -> WebResult<Json<AccountDto>> {
    let choice = accounts::DeliveryChoice {
        delivery: req.delivery,
        edo_operator: req.edo_operator,
        edo_participant_id: req.edo_participant_id,
    };
    let a = accounts::set_delivery(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &choice).await?;
    Ok(Json(accounts::summary(&app, a).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/crm/accounts/{id}", tag = "billing", params(("id" = i64, Path)),
    responses((status = 200, body = AccountDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Any account, for staff (a partner: its own and its customers').
pub async fn crm_account(app: State<App>, ctx: Ctx, id: Path<String>) -> WebResult<Json<AccountDto>> {
    account(app, ctx, id).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}/ledger", tag = "billing", params(("id" = i64, Path), LedgerQuery),
    responses((status = 200, body = Paged<EntryDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The ledger of one of the signed-in customer's accounts, newest first.
pub async fn ledger_page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LedgerQuery>,
) -> WebResult<Json<Paged<EntryDto>>> {
    let page = ledger::entries(
        &app,
        ctx.user()?,
        id_of(&id)?,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, EntryDto::from))
}

#[utoipa::path(get, path = "/api/v1/crm/accounts/{id}/ledger", tag = "billing", params(("id" = i64, Path), LedgerQuery),
    responses((status = 200, body = Paged<EntryDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Any account's ledger, for staff.
pub async fn crm_ledger_page(
    app: State<App>,
    ctx: Ctx,
    id: Path<String>,
    q: Query<LedgerQuery>,
) -> WebResult<Json<Paged<EntryDto>>> {
    ledger_page(app, ctx, id, q).await
}

#[derive(Deserialize, ToSchema)]
pub struct ManualPaymentRequest {
    /// Positive, in minor units of the account's currency.
    pub amount: i64,
    /// bank_transfer or cash.
    pub method: String,
    #[serde(default)]
    pub document_number: String,
    pub document_date: NaiveDate,
    #[serde(default)]
    pub description: String,
    /// 8–64 letters, digits, `-` or `_`; the same key registers the payment once.
    pub idempotency_key: String,
}

#[utoipa::path(post, path = "/api/v1/crm/accounts/{id}/payments", tag = "billing", params(("id" = i64, Path)), request_body = ManualPaymentRequest,
    responses((status = 201, body = PaymentDto, description = "Registered"), (status = 200, body = PaymentDto, description = "Registered before with this idempotency key: that payment"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The key was used for another account or amount"), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Registers a bank transfer or a cash payment, once per idempotency key.
pub async fn register_payment(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ManualPaymentRequest>,
) -> WebResult<Response> {
    let created = payments::register_manual(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        ManualPayment {
            account_id: id_of(&id)?,
            amount: req.amount,
            method: req.method,
            document_number: req.document_number,
            document_date: req.document_date,
            description: req.description,
            idempotency_key: req.idempotency_key,
        },
    )
    .await?;
    // A retry with the key of a registered payment gets that payment, with 200 instead of 201.
    let status = if created.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(PaymentDto::from(created.payment))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ManualEntryRequest {
    /// adjustment, cashback or charge.
    pub kind: String,
    /// Positive, in minor units.
    pub amount: i64,
    /// For adjustments: true credits the customer, false debits.
    #[serde(default)]
    pub credit: bool,
    pub description: String,
    pub idempotency_key: String,
}

#[utoipa::path(post, path = "/api/v1/crm/accounts/{id}/entries", tag = "billing", params(("id" = i64, Path)), request_body = ManualEntryRequest,
    responses((status = 201, body = EntryDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Posts a correction, a cashback or a one-off charge (the debt cap applies to charges).
pub async fn post_entry(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ManualEntryRequest>,
) -> WebResult<Response> {
    let kind: EntryKind = req
        .kind
        .parse()
        .map_err(|_| WebError::App(FieldErrors::single("kind", "invalid-choice")))?;
    let entry = ledger::post_manual(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        ManualEntry {
            account_id: id_of(&id)?,
            kind,
            amount: req.amount,
            credit: req.credit,
            description: req.description,
            idempotency_key: req.idempotency_key,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(EntryDto::from(entry))).into_response())
}

#[derive(Deserialize, IntoParams, ToSchema, Default)]
#[into_params(parameter_in = Query)]
pub struct PaymentsQuery {
    /// First day, YYYY-MM-DD, inclusive.
    from: Option<NaiveDate>,
    /// Last day, inclusive.
    to: Option<NaiveDate>,
    /// bank_transfer, cash, gateway or autopay.
    method: Option<String>,
    /// Minor units, inclusive.
    min_amount: Option<i64>,
    max_amount: Option<i64>,
    /// Account ids, comma-separated.
    accounts: Option<String>,
    /// customer or partner.
    kind: Option<String>,
    /// Staff: one customer's payments.
    customer: Option<i64>,
    /// Any part of the purpose, the payment document's number or the payer's name, contract
    /// or INN; any case.
    q: Option<String>,
    /// paid_at, account, method, document_number, status or amount.
    sort: Option<String>,
    /// asc or desc.
    dir: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

impl PaymentsQuery {
    fn filter(&self) -> Result<payments::PaymentFilter, WebError> {
        let mut errors = FieldErrors::new();
        let method = errors.choice_opt("method", self.method.as_deref());
        let account_kind = errors.choice_opt("kind", self.kind.as_deref());
        let account_ids: Result<Vec<i64>, _> = self
            .accounts
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<i64>())
            .collect();
        if account_ids.is_err() {
            errors.add("accounts", "invalid-choice");
        }
        errors.into_result()?;
        Ok(payments::PaymentFilter {
            customer_id: self.customer,
            account_ids: account_ids.unwrap_or_default(),
            from: self.from,
            to: self.to,
            method,
            min_amount: self.min_amount,
            max_amount: self.max_amount,
            account_kind,
            search: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| kabinet_core::text::truncate(q, 100)),
        })
    }

    fn sort(&self) -> kabinet_app::listing::Sort {
        kabinet_app::listing::Sort::parse(self.sort.as_deref(), self.dir.as_deref(), &payments::SORTS)
    }
}

#[derive(Serialize, ToSchema)]
pub struct PaymentRowDto {
    #[serde(flatten)]
    pub payment: PaymentDto,
    pub account_number: String,
    pub account_kind: String,
}

#[utoipa::path(get, path = "/api/v1/payments", tag = "billing", params(PaymentsQuery),
    responses((status = 200, body = Paged<PaymentRowDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The signed-in customer's payments, filtered and sorted; `total` counts up to 10,000.
pub async fn list_payments(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<PaymentsQuery>,
) -> WebResult<Json<Paged<PaymentRowDto>>> {
    let page = payments::list(
        &app,
        ctx.user()?,
        &q.filter()?,
        &q.sort(),
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, |r| PaymentRowDto {
        payment: r.payment.into(),
        account_number: r.account_number,
        account_kind: r.account_kind.map(|k| k.to_string()).unwrap_or_default(),
    }))
}

#[utoipa::path(get, path = "/api/v1/crm/payments", tag = "billing", params(PaymentsQuery),
    responses((status = 200, body = Paged<PaymentRowDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Payments across accounts, for staff (a partner: its own and its customers').
pub async fn crm_list_payments(
    app: State<App>,
    ctx: Ctx,
    q: Query<PaymentsQuery>,
) -> WebResult<Json<Paged<PaymentRowDto>>> {
    list_payments(app, ctx, q).await
}

#[derive(Serialize, ToSchema)]
pub struct ExportDto {
    pub token: String,
    /// running, done or failed.
    pub status: String,
    pub format: String,
    pub rows_done: i64,
    pub rows_total: i64,
    pub percent: i64,
    /// Where to fetch the file once `status` is done.
    pub download_url: String,
}

impl From<ExportJob> for ExportDto {
    fn from(j: ExportJob) -> Self {
        ExportDto {
            percent: kabinet_app::exports::percent(&j),
            download_url: format!("/api/v1/exports/{}/download", j.token),
            token: j.token,
            status: j.status.to_string(),
            format: j.format.to_string(),
            rows_done: j.rows_done,
            rows_total: j.rows_total,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ExportRequest {
    /// csv, xlsx or txt.
    pub format: String,
}

#[utoipa::path(post, path = "/api/v1/payments/exports", tag = "billing", params(PaymentsQuery), request_body = ExportRequest,
    responses((status = 202, body = ExportDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Starts exporting the payments the query selects; poll `/api/v1/exports/{token}`.
pub async fn export_payments(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<PaymentsQuery>,
    JsonBody(req): JsonBody<ExportRequest>,
) -> WebResult<Response> {
    let job = kabinet_app::exports::start_payments(&app, ctx.user()?, q.filter()?, q.sort(), &req.format).await?;
    Ok((StatusCode::ACCEPTED, Json(ExportDto::from(job))).into_response())
}

#[utoipa::path(post, path = "/api/v1/crm/payments/exports", tag = "billing", params(PaymentsQuery), request_body = ExportRequest,
    responses((status = 202, body = ExportDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The same for staff.
pub async fn crm_export_payments(
    app: State<App>,
    ctx: Ctx,
    q: Query<PaymentsQuery>,
    req: JsonBody<ExportRequest>,
) -> WebResult<Response> {
    export_payments(app, ctx, q, req).await
}

#[utoipa::path(get, path = "/api/v1/exports/{token}", tag = "billing", params(("token" = String, Path)),
    responses((status = 200, body = ExportDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One of the caller's exports and its progress.
pub async fn export_status(State(app): State<App>, ctx: Ctx, Path(token): Path<String>) -> WebResult<Json<ExportDto>> {
    Ok(Json(
        kabinet_app::exports::get_own(&app, ctx.user()?, &token).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/exports/{token}/download", tag = "billing", params(("token" = String, Path)),
    responses((status = 200, description = "The file"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The finished file.
pub async fn export_download(app: State<App>, ctx: Ctx, token: Path<String>) -> WebResult<Response> {
    crate::payments_list::download(app, ctx, token).await
}

#[derive(Deserialize, ToSchema)]
pub struct GatewayNotification {
    /// Always `notification`.
    #[serde(rename = "type")]
    pub kind: String,
    /// payment.succeeded, payment.canceled or refund.succeeded.
    pub event: String,
    pub object: NotificationObject,
}

#[derive(Deserialize, ToSchema)]
pub struct NotificationObject {
    /// The payment's or refund's id at the gateway; everything else in the object is ignored
    /// and read from the gateway's API instead.
    pub id: String,
}

/// The `type` of every YooKassa notification: the gateway's own word, read as it sends it (an
/// unknown one is refused and recorded as such, not rejected as malformed JSON).
const YOOKASSA_NOTIFICATION: &str = "notification";

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// The `gateway.notification_key` of the configuration.
    key: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/gateway/yookassa", tag = "billing", params(NotificationQuery), request_body = GatewayNotification,
    responses((status = 200, description = "Handled (or handled before)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
/// Notifications from YooKassa. Checked by key and source address, then confirmed by fetching
/// the object from the gateway; the same notification any number of times credits once.
pub async fn yookassa_notification(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<NotificationQuery>,
    JsonBody(n): JsonBody<GatewayNotification>,
) -> WebResult<Response> {
    use kabinet_app::billing::topup;
    let ip = ctx.0.client.ip.clone();
    let cfg = &app.config.gateway;
    let key_ok = cfg.notification_key.is_empty()
        || q.key.as_deref().is_some_and(|k| {
            use sha2::Digest;
            // Compared as hashes so the time taken does not depend on the common prefix.
            sha2::Sha256::digest(k.as_bytes()) == sha2::Sha256::digest(cfg.notification_key.as_bytes())
        });
    let source_ok = kabinet_core::net::allowed(&ip, &cfg.notification_sources);
    if !key_ok || !source_ok || n.kind != YOOKASSA_NOTIFICATION {
        let why = if !key_ok {
            "bad-key"
        } else if !source_ok {
            "bad-source"
        } else {
            "bad-type"
        };
        topup::refuse_unauthenticated(&app, &ip, why, &n.event).await?;
        return Err(WebError::App(AppError::Forbidden));
    }
    let outcome = match topup::notification(&app, &n.event, &n.object.id, &ip).await {
        Ok(o) => o,
        Err(AppError::Refused(ErrorCode::GatewayUnavailable)) => {
            // The gateway retries a notification that did not get a 2xx.
            return Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"error": "gateway-unavailable"})),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let result = match outcome {
        topup::Outcome::Credited(_) => "credited",
        topup::Outcome::AlreadyDone(_) => "already-done",
        topup::Outcome::Canceled(_) => "canceled",
        topup::Outcome::Refunded(_) => "refunded",
        topup::Outcome::Pending(_) => "pending",
    };
    Ok(Json(serde_json::json!({"result": result})).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TopupRequest {
    pub account_id: i64,
    /// Positive, in minor units.
    pub amount: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TopupDto {
    pub payment_id: i64,
    /// Send the customer here to confirm the payment with the bank.
    pub confirmation_url: String,
}

#[utoipa::path(post, path = "/api/v1/topups", tag = "billing", request_body = TopupRequest,
    responses((status = 201, body = TopupDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Starts a top-up of one of the customer's accounts through the gateway.
pub async fn start_topup(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<TopupRequest>,
) -> WebResult<Response> {
    let (p, url) =
        kabinet_app::billing::topup::start(&app, &ctx.actor()?, ctx.user()?, req.account_id, req.amount).await?;
    Ok((
        StatusCode::CREATED,
        Json(TopupDto {
            payment_id: p.id,
            confirmation_url: url,
        }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct SavedCardTopupRequest {
    pub account_id: i64,
    /// Positive, in minor units.
    pub amount: i64,
    /// 8 to 64 letters, digits, `-` or `_`, new for each payment: sent again, the same
    /// payment answers and nothing more is charged.
    pub idempotency_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct SavedCardTopupDto {
    pub payment_id: i64,
    /// succeeded, or pending while the gateway has not finished (canceled: refused).
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/topups/saved-card", tag = "billing", request_body = SavedCardTopupRequest,
    responses((status = 201, body = SavedCardTopupDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Tops up one of the customer's accounts at once from the card its autopay saved, with no
/// bank page; 409 `no_saved_card` when the account has none.
pub async fn saved_card_topup(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<SavedCardTopupRequest>,
) -> WebResult<Response> {
    let p = kabinet_app::billing::cards::top_up_with_saved_card(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        req.account_id,
        req.amount,
        &req.idempotency_key,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(SavedCardTopupDto {
            payment_id: p.id,
            status: p.status.as_str().to_owned(),
        }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RefundRequest {
    /// Positive, in minor units; at most what is left of the payment.
    pub amount: i64,
    pub reason: String,
    pub idempotency_key: String,
}

#[utoipa::path(post, path = "/api/v1/crm/payments/{id}/refunds", tag = "billing", params(("id" = i64, Path)), request_body = RefundRequest,
    responses((status = 200, description = "Refunded, or accepted by the gateway"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Refunds a payment in full or in part, through the gateway when it came from there.
pub async fn refund(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RefundRequest>,
) -> WebResult<Response> {
    let outcome = kabinet_app::billing::topup::refund(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id_of(&id)?,
        req.amount,
        &req.reason,
        &req.idempotency_key,
    )
    .await?;
    let result = match outcome {
        kabinet_app::billing::topup::Outcome::Pending(_) => "pending",
        kabinet_app::billing::topup::Outcome::AlreadyDone(_) => "already-done",
        _ => "refunded",
    };
    Ok(Json(serde_json::json!({"result": result})).into_response())
}
