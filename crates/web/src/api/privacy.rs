//! Consent to personal-data processing and to marketing over the API (PRV-2): the texts in
//! force, the caller's own consents (give, withdraw), staff reading a person's record and
//! entering a written withdrawal, and publishing a text; the caller's export of their own
//! data, and the erasure of a person's data by an administrator.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::privacy::consents::{self, ConsentRecord, PersonConsent};
use kabinet_app::privacy::erasure::{self, ErasurePreview};
use kabinet_app::privacy::subject_export;
use kabinet_app::privacy::texts::{self, ConsentText};
use kabinet_app::{App, AppError};
use kabinet_core::privacy::{ConsentChannel, ConsentKind, Standing};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody};

/// One version of a consent's text.
#[derive(Serialize, ToSchema)]
pub struct ConsentTextDto {
    /// processing or marketing.
    pub kind: String,
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub published_at: DateTime<Utc>,
}

impl From<ConsentText> for ConsentTextDto {
    fn from(t: ConsentText) -> Self {
        ConsentTextDto {
            kind: t.kind.to_string(),
            version: t.version,
            title: t.title,
            body: t.body,
            published_at: t.created_at,
        }
    }
}

/// One grant or withdrawal.
#[derive(Serialize, ToSchema)]
pub struct ConsentRecordDto {
    pub id: i64,
    /// processing or marketing.
    pub kind: String,
    /// The version of the text in force when it was recorded.
    pub version: i32,
    /// A grant (true) or a withdrawal (false).
    pub granted: bool,
    /// registration, ticket, first_login, cabinet, api or staff.
    pub channel: String,
    pub ip: Option<String>,
    /// Staff entries: where the written statement came from.
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<ConsentRecord> for ConsentRecordDto {
    fn from(r: ConsentRecord) -> Self {
        ConsentRecordDto {
            id: r.id,
            kind: r.kind.to_string(),
            version: r.version,
            granted: r.granted,
            channel: r.channel.to_string(),
            ip: r.ip,
            note: r.note,
            recorded_at: r.recorded_at,
        }
    }
}

/// Where a person stands on one kind of consent.
#[derive(Serialize, ToSchema)]
pub struct ConsentDto {
    /// processing or marketing.
    pub kind: String,
    /// given, withdrawn or never.
    pub standing: String,
    /// The version agreed to, while given.
    pub version: Option<i32>,
    /// The version of the text in force, if one is published.
    pub current_version: Option<i32>,
    /// Given under an older text than the one in force.
    pub outdated: bool,
    pub last: Option<ConsentRecordDto>,
}

impl From<PersonConsent> for ConsentDto {
    fn from(c: PersonConsent) -> Self {
        let (standing, version) = match c.standing {
            Standing::Given { version } => ("given", Some(version)),
            Standing::Withdrawn => ("withdrawn", None),
            Standing::Never => ("never", None),
        };
        let outdated = c.is_outdated();
        ConsentDto {
            kind: c.kind.to_string(),
            standing: standing.into(),
            version,
            current_version: c.current_version,
            outdated,
            last: c.last.map(Into::into),
        }
    }
}

fn kind_of(raw: &str) -> Result<ConsentKind, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/consent-texts/{kind}", tag = "privacy", params(("kind" = String, Path, description = "processing or marketing")),
    responses((status = 200, body = ConsentTextDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The text of a consent in force.
pub async fn text(State(app): State<App>, Path(kind): Path<String>) -> WebResult<Json<ConsentTextDto>> {
    let text = texts::current(&app, kind_of(&kind)?).await?.ok_or(AppError::NotFound)?;
    Ok(Json(text.into()))
}

#[utoipa::path(get, path = "/api/v1/me/consents", tag = "privacy",
    responses((status = 200, body = Vec<ConsentDto>)), security(("bearer" = []), ("session" = [])))]
/// Where the caller stands on each consent.
pub async fn own(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<ConsentDto>>> {
    let all = consents::own(&app, ctx.user()?).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentChoiceBody {
    /// processing or marketing.
    pub kind: String,
}

#[utoipa::path(post, path = "/api/v1/me/consents", tag = "privacy", request_body = ConsentChoiceBody,
    responses((status = 200, body = Vec<ConsentDto>), (status = 409, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Gives a consent under the text in force (giving it again changes nothing).
pub async fn give(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<ConsentChoiceBody>,
) -> WebResult<Json<Vec<ConsentDto>>> {
    let who = ctx.user()?;
    let kind = chosen(&b.kind)?;
    consents::give(&app, &ctx.actor()?, who, &[kind], ConsentChannel::Api).await?;
    own(State(app), ctx).await
}

#[utoipa::path(post, path = "/api/v1/me/consents/withdrawals", tag = "privacy", request_body = ConsentChoiceBody,
    responses((status = 200, body = Vec<ConsentDto>), (status = 409, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Withdraws a consent that stands: marketing stops at once; the processing consent's
/// withdrawal opens a task for staff.
pub async fn withdraw(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<ConsentChoiceBody>,
) -> WebResult<Json<Vec<ConsentDto>>> {
    let who = ctx.user()?;
    let kind = chosen(&b.kind)?;
    consents::withdraw_own(&app, &ctx.actor()?, who, kind, ConsentChannel::Api).await?;
    own(State(app), ctx).await
}

/// A kind named in a body: an unknown one is a problem at the field.
fn chosen(raw: &str) -> Result<ConsentKind, AppError> {
    raw.parse()
        .map_err(|_| kabinet_app::FieldErrors::single("kind", "invalid-choice"))
}

/// A person's consents and every record, for staff.
#[derive(Serialize, ToSchema)]
pub struct PersonConsentsDto {
    pub consents: Vec<ConsentDto>,
    /// Newest first.
    pub records: Vec<ConsentRecordDto>,
}

#[utoipa::path(get, path = "/api/v1/crm/users/{id}/consents", tag = "privacy", params(("id" = i64, Path)),
    responses((status = 200, body = PersonConsentsDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's login's consents and records (the evidence), for staff who see the customer.
pub async fn person(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<PersonConsentsDto>> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let (consents, records) = consents::history(&app, ctx.user()?, id).await?;
    Ok(Json(PersonConsentsDto {
        consents: consents.into_iter().map(Into::into).collect(),
        records: records.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct StaffWithdrawalBody {
    /// processing or marketing.
    pub kind: String,
    /// Where the written statement came from (a letter, an e-mail), at most 1,000 characters.
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/crm/users/{id}/consent-withdrawals", tag = "privacy", params(("id" = i64, Path)),
    request_body = StaffWithdrawalBody,
    responses((status = 200, body = PersonConsentsDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Enters a withdrawal the person sent in writing.
pub async fn record_withdrawal(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<StaffWithdrawalBody>,
) -> WebResult<Json<PersonConsentsDto>> {
    let user_id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    consents::withdraw_for(&app, &ctx.actor()?, ctx.user()?, user_id, &b.kind, &b.note).await?;
    person(State(app), ctx, Path(id)).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewConsentTextBody {
    /// processing or marketing.
    pub kind: String,
    pub title: String,
    /// Markdown, at most 100,000 characters.
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/crm/consent-texts", tag = "privacy", request_body = NewConsentTextBody,
    responses((status = 201, body = ConsentTextDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Publishes the next version of a consent's text, in force at once.
pub async fn publish(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<NewConsentTextBody>,
) -> WebResult<Response> {
    let input = texts::NewText {
        kind: b.kind,
        title: b.title,
        body: b.body,
    };
    let t = texts::publish(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    Ok((StatusCode::CREATED, Json(ConsentTextDto::from(t))).into_response())
}

#[utoipa::path(post, path = "/api/v1/me/data-exports", tag = "privacy",
    responses((status = 202, body = super::billing::ExportDto)), security(("bearer" = []), ("session" = [])))]
/// Starts making the caller's own data (profile, sign-ins, sessions, tickets, requests,
/// payments, consents, messages sent) as a ZIP of JSON and CSV; poll `/api/v1/exports/{token}`.
/// Asked again while one is being made, it answers with that same export.
pub async fn export_own(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let job = subject_export::start(&app, &ctx.actor()?, ctx.user()?).await?;
    Ok((StatusCode::ACCEPTED, Json(super::billing::ExportDto::from(job))).into_response())
}

/// A field an erasure changes.
#[derive(Serialize, ToSchema)]
pub struct ErasureFieldDto {
    /// login, name, email, mobile-phone, landline-phone, time-zone, customer-name, phone,
    /// address, contact-person or national-id.
    pub field: String,
    pub before: String,
    /// Empty: the field is cleared.
    pub after: String,
}

/// A group of records and what an erasure does to it.
#[derive(Serialize, ToSchema)]
pub struct ErasureRecordsDto {
    /// sessions, api-tokens, codes, exports, sign-ins, tickets, ticket-messages, requests,
    /// messages, payments, consents or audit.
    pub records: String,
    pub count: u64,
    /// deleted, anonymised or kept.
    pub effect: String,
}

/// What erasing a person changes (before), or changed (after).
#[derive(Serialize, ToSchema)]
pub struct ErasureDto {
    pub user_id: i64,
    pub login: String,
    pub customer_id: i64,
    /// Set once the person was erased.
    pub erased_at: Option<DateTime<Utc>>,
    pub login_fields: Vec<ErasureFieldDto>,
    /// The customer card's fields: only a private individual's card with no other login.
    pub customer_fields: Vec<ErasureFieldDto>,
    pub records: Vec<ErasureRecordsDto>,
    /// What the customer owes, in minor units per currency: the debt and its records stay.
    pub debts: Vec<DebtDto>,
}

#[derive(Serialize, ToSchema)]
pub struct DebtDto {
    pub amount: i64,
    pub currency: String,
}

impl From<ErasurePreview> for ErasureDto {
    fn from(p: ErasurePreview) -> Self {
        let fields = |v: Vec<erasure::FieldChange>| {
            v.into_iter()
                .map(|c| ErasureFieldDto {
                    field: c.field.into(),
                    before: c.before,
                    after: c.after,
                })
                .collect()
        };
        ErasureDto {
            user_id: p.user_id,
            login: p.login,
            customer_id: p.customer_id,
            erased_at: p.erased_at,
            login_fields: fields(p.login_fields),
            customer_fields: fields(p.customer_fields),
            records: p
                .records
                .into_iter()
                .map(|g| ErasureRecordsDto {
                    records: g.records.into(),
                    count: g.count,
                    effect: g.effect.as_str().into(),
                })
                .collect(),
            debts: p
                .debts
                .into_iter()
                .map(|(amount, currency)| DebtDto {
                    amount,
                    currency: currency.code().into(),
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/crm/users/{id}/erasure", tag = "privacy", params(("id" = i64, Path)),
    responses((status = 200, body = ErasureDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// What erasing a customer's login would change (administrators).
pub async fn erasure_preview(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<ErasureDto>> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(erasure::preview(&app, ctx.user()?, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ErasureBody {
    /// The person's login, repeated to confirm.
    pub confirm: String,
}

#[utoipa::path(post, path = "/api/v1/crm/users/{id}/erasure", tag = "privacy", params(("id" = i64, Path)),
    request_body = ErasureBody,
    responses((status = 200, body = ErasureDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Erases a customer's login's personal data for good: money records, consents and the audit
/// stay. Answers what was changed; a second erasure is refused (409).
pub async fn erase(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ErasureBody>,
) -> WebResult<Json<ErasureDto>> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(
        erasure::erase(&app, &ctx.actor()?, ctx.user()?, id, &b.confirm)
            .await?
            .into(),
    ))
}
