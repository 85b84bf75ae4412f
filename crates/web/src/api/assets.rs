//! Licences over the API (AST-1, AST-2, CRM-5): staff create and manage them; customers see
//! theirs, take their steps of the personal-data verification and export their guests; and
//! hotspots report guests and heartbeats, authenticated by their licence key
//! (`Authorization: Licence <key id>.<secret>`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kabinet_app::assets::guests::{self, GuestReport};
use kabinet_app::assets::licences::{self, NewLicence};
use kabinet_app::assets::views::{Asset, Site};
use kabinet_app::assets::{lifecycle, router, verification};
use kabinet_app::{App, AppError, customers};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::billing::ExportDto;
use super::{ErrorBody, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody};

#[derive(Serialize, ToSchema)]
pub struct LicenceDto {
    pub id: i64,
    pub customer_id: i64,
    /// hotspot or radar.
    pub kind: String,
    /// active, expired, renewed, suspended or deleted.
    pub status: String,
    pub point_name: Option<String>,
    pub point_address: Option<String>,
    /// lite or full.
    pub cabinet_type: Option<String>,
    /// month or year.
    pub period: Option<String>,
    /// provider, rented or customer.
    pub router_ownership: Option<String>,
    pub demo: bool,
    pub modules: Vec<String>,
    pub linked_licence_id: Option<i64>,
    pub key_id: String,
    /// none, customer_confirmed, verified or contact_confirmed.
    pub verification: String,
    pub started_on: NaiveDate,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn licence_dto(a: Asset, site: Option<Site>) -> LicenceDto {
    LicenceDto {
        modules: a.modules.clone(),
        id: a.id,
        customer_id: a.customer_id,
        kind: a.kind.to_string(),
        status: a.status.to_string(),
        point_name: site.as_ref().map(|s| s.name.clone()),
        point_address: site.and_then(|s| s.address),
        cabinet_type: a.cabinet_type.map(|v| v.to_string()),
        period: a.billing_period.map(|v| v.to_string()),
        router_ownership: a.router_ownership.map(|v| v.to_string()),
        demo: a.is_demo,
        linked_licence_id: a.linked_asset_id,
        key_id: a.key_id,
        verification: a.verification.to_string(),
        started_on: a.started_on,
        deleted_at: a.deleted_at,
    }
}

async fn one(app: &App, a: Asset) -> WebResult<LicenceDto> {
    let site = licences::of_customer(app, a.customer_id)
        .await?
        .into_iter()
        .find(|(x, _)| x.id == a.id)
        .and_then(|(_, s)| s);
    Ok(licence_dto(a, site))
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/licences", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LicenceDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's licences, deleted ones too.
pub async fn customer_licences(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<Vec<LicenceDto>>> {
    let c = customers::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    let list = licences::of_customer(&app, c.id).await?;
    Ok(Json(list.into_iter().map(|(a, s)| licence_dto(a, s)).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct LicenceRequest {
    /// hotspot or radar.
    pub kind: String,
    pub point_name: String,
    pub point_address: Option<String>,
    /// lite or full.
    pub cabinet_type: String,
    /// month or year.
    pub period: String,
    /// provider, rented or customer.
    pub router_ownership: String,
    /// The partner's one never-billed demo licence.
    #[serde(default)]
    pub demo: bool,
    /// Required unless `demo`; its kind and period must match.
    pub plan_id: Option<i64>,
    /// The paying account (a partner always pays from its own).
    pub account_id: Option<i64>,
    #[serde(default)]
    pub modules: Vec<String>,
    /// 8–64 letters, digits, `-` or `_`: the same key twice creates one licence (409
    /// `licence-already-created` the second time).
    pub idempotency_key: Option<String>,
}

impl LicenceRequest {
    pub fn into_new(self, customer_id: i64) -> NewLicence {
        NewLicence {
            customer_id,
            kind: self.kind,
            point_name: self.point_name,
            point_address: self.point_address,
            cabinet_type: self.cabinet_type,
            period: self.period,
            router_ownership: self.router_ownership,
            demo: self.demo,
            plan_id: self.plan_id,
            account_id: self.account_id,
            modules: self.modules,
            request_token: self.idempotency_key,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedLicenceDto {
    pub licence: LicenceDto,
    /// `key_id.secret`, shown this once; the router sends it.
    pub licence_key: String,
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/licences", tag = "assets", params(("id" = i64, Path)), request_body = LicenceRequest,
    responses((status = 201, body = CreatedLicenceDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Creates a licence and its point; a commercial one is charged its first period at once and
/// only when the paying account covers it (422 `insufficient_funds` names the missing amount).
pub async fn create_licence(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<LicenceRequest>,
) -> WebResult<Response> {
    let created = licences::create(&app, &ctx.actor()?, ctx.user()?, req.into_new(id_of(&id)?)).await?;
    let key = created.key.full();
    let dto = one(&app, created.licence).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLicenceDto {
            licence: dto,
            licence_key: key,
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/crm/licences/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = LicenceDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One licence.
pub async fn licence(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<LicenceDto>> {
    let a = licences::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(one(&app, a).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ModulesRequest {
    /// Exactly the modules to have switched on.
    pub modules: Vec<String>,
}

#[utoipa::path(put, path = "/api/v1/crm/licences/{id}/modules", tag = "assets", params(("id" = i64, Path)), request_body = ModulesRequest,
    responses((status = 200, body = LicenceDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Switches on exactly the given modules.
pub async fn set_modules(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ModulesRequest>,
) -> WebResult<Json<LicenceDto>> {
    let a = licences::set_modules(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.modules).await?;
    Ok(Json(one(&app, a).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct LinkRequest {
    pub radar_id: i64,
}

#[utoipa::path(post, path = "/api/v1/crm/licences/{id}/link", tag = "assets", params(("id" = i64, Path)), request_body = LinkRequest,
    responses((status = 204, description = "Linked"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Links this hotspot with a radar of the same customer into one cabinet.
pub async fn link(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<LinkRequest>,
) -> WebResult<Response> {
    licences::link(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, req.radar_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct StatusRequest {
    /// suspended, active (resume) or cancelled.
    pub status: String,
    /// Why; required unless resuming.
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/crm/licences/{id}/status", tag = "assets", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 204, description = "Changed"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Suspends, resumes or cancels a licence, saying why (the asset lifecycle decides which
/// changes are allowed).
pub async fn change_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<StatusRequest>,
) -> WebResult<Response> {
    let Ok(to) = req.status.trim().parse() else {
        return Err(kabinet_app::FieldErrors::single("status", "invalid-choice").into());
    };
    lifecycle::change_status(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, to, &req.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntryDto {
    pub at: chrono::DateTime<chrono::Utc>,
    /// None when the licence came into being.
    pub from: Option<String>,
    pub to: String,
    /// As typed by staff, or the product's own reason as `product:<code>` (`import`,
    /// `installation_confirmed`).
    pub reason: String,
    /// Who made the change; none: the product itself (the daily sweep).
    pub by: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/crm/licences/{id}/history", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryEntryDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A licence's changes of status, newest first.
pub async fn history(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<Vec<HistoryEntryDto>>> {
    let entries = lifecycle::history(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| HistoryEntryDto {
                at: e.at,
                from: e.from.map(|s| s.as_str().to_owned()),
                to: e.to.as_str().to_owned(),
                reason: e.reason,
                by: e.by,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SplitDto {
    pub radar_id: i64,
    /// The radar's own cabinet login, password (shown this once) and key id.
    pub login: String,
    pub password: String,
    pub key_id: String,
}

#[utoipa::path(post, path = "/api/v1/crm/licences/{id}/split", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = SplitDto), (status = 409, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Splits a linked hotspot and radar.
pub async fn split(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<SplitDto>> {
    let s = licences::split(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(SplitDto {
        radar_id: s.radar_id,
        login: s.login,
        password: s.password,
        key_id: s.key_id,
    }))
}

#[utoipa::path(delete, path = "/api/v1/crm/licences/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, description = "Deleted; `guests_erased` says how many guest records went"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Deletes a licence for good (a linked one is split first).
pub async fn delete(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let erased = licences::delete(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(serde_json::json!({"guests_erased": erased})).into_response())
}

#[utoipa::path(post, path = "/api/v1/crm/licences/{id}/reboot", tag = "assets", params(("id" = i64, Path)),
    responses((status = 204, description = "The router took the command"), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Reboots the licence's router through the RouterOS API.
pub async fn reboot(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    router::reboot(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/crm/licences/{id}/verify", tag = "assets", params(("id" = i64, Path)),
    responses((status = 204, description = "Verified"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Staff confirm the customer's legal entity (step 2 of the personal-data verification).
pub async fn verify(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    verification::staff_verify(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/crm/verification", tag = "assets",
    responses((status = 200, body = Vec<LicenceDto>)), security(("bearer" = []), ("session" = [])))]
/// The queue "INN verification": licences waiting for staff.
pub async fn queue(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<LicenceDto>>> {
    let mut out = Vec::new();
    for a in verification::queue(&app, ctx.user()?, 500).await? {
        out.push(one(&app, a).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/licences", tag = "assets",
    responses((status = 200, body = Vec<LicenceDto>)), security(("bearer" = []), ("session" = [])))]
/// The signed-in customer's licences.
pub async fn own_licences(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<LicenceDto>>> {
    let list = licences::of_own_customer(&app, ctx.user()?).await?;
    Ok(Json(list.into_iter().map(|(a, s)| licence_dto(a, s)).collect()))
}

#[utoipa::path(post, path = "/api/v1/licences/{id}/confirm-legal-entity", tag = "assets", params(("id" = i64, Path)),
    responses((status = 204, description = "Confirmed; the licence waits for staff"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Step 1: the customer confirms its legal entity's details.
pub async fn confirm_legal(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    verification::customer_confirms(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ContactsRequest {
    pub display_name: String,
    pub phone: String,
    pub email: String,
}

#[utoipa::path(post, path = "/api/v1/licences/{id}/confirm-contacts", tag = "assets", params(("id" = i64, Path)), request_body = ContactsRequest,
    responses((status = 204, description = "Confirmed; guests may be exported"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Step 3: the responsible employee confirms their own contacts.
pub async fn confirm_contacts(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ContactsRequest>,
) -> WebResult<Response> {
    verification::contact_confirms(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id_of(&id)?,
        &req.display_name,
        &req.phone,
        &req.email,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct GuestExportRequest {
    /// csv or xlsx.
    pub format: String,
}

#[utoipa::path(post, path = "/api/v1/licences/{id}/guest-exports", tag = "assets", params(("id" = i64, Path)), request_body = GuestExportRequest,
    responses((status = 202, body = ExportDto), (status = 409, body = ErrorBody, description = "The licence is deleted"), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Starts an export of the licence's guests; refused, naming the missing step, until the
/// verification is complete.
pub async fn guest_export(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<GuestExportRequest>,
) -> WebResult<Response> {
    let job = guests::start_export(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.format).await?;
    Ok((StatusCode::ACCEPTED, Json(ExportDto::from(job))).into_response())
}

/// The licence key a hotspot presents: `Authorization: Licence <key id>.<secret>`.
fn licence_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Licence ")
}

#[derive(Deserialize, ToSchema)]
pub struct GuestsRequest {
    /// At most 1,000.
    pub guests: Vec<GuestItem>,
}

#[derive(Deserialize, ToSchema)]
pub struct GuestItem {
    /// Any common way of writing a Russian or Iranian number; stored as E.164.
    pub phone: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub visits: i32,
}

#[utoipa::path(post, path = "/api/v1/hotspot/guests", tag = "assets", request_body = GuestsRequest,
    responses((status = 200, description = "Taken: `accepted` records"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("licence" = [])))]
/// A hotspot reports guests: all records or, at the first bad one, none.
pub async fn report_guests(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    // The key first: nothing about the request's shape is told to a caller without one.
    let key = licence_key(&headers).ok_or(AppError::Unauthorized)?;
    let licence = guests::licence_by_key(&app, key, &ctx.0.client.ip).await?;
    let JsonBody(req) = JsonBody::<GuestsRequest>::parse(&body)?;
    let reports: Vec<GuestReport> = req
        .guests
        .into_iter()
        .map(|g| GuestReport {
            phone: g.phone,
            first_seen: g.first_seen,
            last_seen: g.last_seen,
            visits: g.visits,
        })
        .collect();
    let accepted = guests::ingest(&app, &licence, &reports).await?;
    Ok(Json(serde_json::json!({"accepted": accepted})).into_response())
}

#[utoipa::path(post, path = "/api/v1/hotspot/heartbeat", tag = "assets",
    responses((status = 204, description = "The key is good"), (status = 401, body = ErrorBody)), security(("licence" = [])))]
/// A router says it is alive (the firmware's scheduler calls this every five minutes).
pub async fn heartbeat(State(app): State<App>, ctx: Ctx, headers: HeaderMap) -> WebResult<Response> {
    let key = licence_key(&headers).ok_or(AppError::Unauthorized)?;
    guests::licence_by_key(&app, key, &ctx.0.client.ip).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
