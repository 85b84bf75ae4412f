//! The provider's contacts and the rules of service over the API (CNT-5).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kabinet_app::App;
use kabinet_app::content::{contacts, rules};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody};

#[derive(Serialize, ToSchema)]
pub struct PhoneDto {
    pub label: String,
    /// As shown.
    pub shown: String,
    /// For `tel:`: digits and a leading `+`.
    pub dial: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactsDto {
    pub name: String,
    pub address: String,
    pub phones: Vec<PhoneDto>,
    pub email: String,
    pub hours: Vec<String>,
    pub map_url: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "content",
    responses((status = 200, body = ContactsDto)), security(("bearer" = []), ("session" = [])))]
/// The provider's address, phones, e-mail, working hours and map link.
pub async fn contacts(State(app): State<App>) -> Json<ContactsDto> {
    let c = contacts::get(&app);
    Json(ContactsDto {
        name: c.name,
        address: c.address,
        phones: c
            .phones
            .into_iter()
            .map(|p| PhoneDto {
                label: p.label,
                shown: p.shown,
                dial: p.dial,
            })
            .collect(),
        email: c.email,
        hours: c.hours,
        map_url: c.map_url,
    })
}

/// One version of the rules of service.
#[derive(Serialize, ToSchema)]
pub struct RulesDto {
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The day it takes (or took) effect.
    pub effective_on: NaiveDate,
    pub published_at: DateTime<Utc>,
    /// Whether this is the version in effect today.
    pub in_effect: bool,
}

fn today(app: &App) -> NaiveDate {
    kabinet_app::billing::run::today_for(None, &app.config.display_time_zone)
}

fn dto(v: rules::RulesVersion, current: Option<i32>) -> RulesDto {
    RulesDto {
        in_effect: current == Some(v.version),
        version: v.version,
        title: v.title,
        body: v.body,
        effective_on: v.effective_on,
        published_at: v.created_at,
    }
}

#[utoipa::path(get, path = "/api/v1/rules", tag = "content",
    responses((status = 200, body = Vec<RulesDto>)), security(("bearer" = []), ("session" = [])))]
/// Every version the customer may read (those in effect already), newest first.
pub async fn rules_versions(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<RulesDto>>> {
    let (who, today) = (ctx.user()?, today(&app));
    let current = rules::current(&app, who, today).await?.map(|v| v.version);
    let all = rules::versions(&app, who, today).await?;
    Ok(Json(all.into_iter().map(|v| dto(v, current)).collect()))
}

#[utoipa::path(get, path = "/api/v1/rules/{version}", tag = "content", params(("version" = i32, Path)),
    responses((status = 200, body = RulesDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One version of the rules.
pub async fn rules_version(State(app): State<App>, ctx: Ctx, Path(version): Path<String>) -> WebResult<Json<RulesDto>> {
    let version: i32 = version.parse().map_err(|_| kabinet_app::AppError::NotFound)?;
    let (who, today) = (ctx.user()?, today(&app));
    let current = rules::current(&app, who, today).await?.map(|v| v.version);
    Ok(Json(dto(rules::version(&app, who, version, today).await?, current)))
}

#[utoipa::path(get, path = "/api/v1/crm/rules", tag = "content",
    responses((status = 200, body = Vec<RulesDto>)), security(("bearer" = []), ("session" = [])))]
/// Every version for staff, newest first, those to come included.
pub async fn staff_rules_versions(state: State<App>, ctx: Ctx) -> WebResult<Json<Vec<RulesDto>>> {
    rules_versions(state, ctx).await
}

#[utoipa::path(get, path = "/api/v1/crm/rules/{version}", tag = "content", params(("version" = i32, Path)),
    responses((status = 200, body = RulesDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One version for staff, one to come included.
pub async fn staff_rules_version(state: State<App>, ctx: Ctx, version: Path<String>) -> WebResult<Json<RulesDto>> {
    rules_version(state, ctx, version).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewRulesBody {
    pub title: String,
    /// Markdown, at most 100,000 characters.
    pub body: String,
    /// YYYY-MM-DD, today or later (and not before the version in effect).
    pub effective_on: String,
}

#[utoipa::path(post, path = "/api/v1/crm/rules", tag = "content", request_body = NewRulesBody,
    responses((status = 201, body = RulesDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Publishes the next version; versions are never edited.
pub async fn publish_rules(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(b): JsonBody<NewRulesBody>,
) -> WebResult<Response> {
    let (who, today) = (ctx.user()?, today(&app));
    let input = rules::NewVersion {
        title: b.title,
        body: b.body,
        effective_on: b.effective_on,
    };
    let v = rules::publish(&app, &ctx.actor()?, who, &input, today).await?;
    let current = rules::current(&app, who, today).await?.map(|c| c.version);
    Ok((StatusCode::CREATED, Json(dto(v, current))).into_response())
}
