//! Back-office resources over the API: staff users, a customer's cabinet logins, any user's
//! login history and the audit log — each behind the same permission as its page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::access::users::{self, NewUser};
use kabinet_app::access::views::User;
use kabinet_app::audit::views::AuditRecord;
use kabinet_app::audit::{self, AuditFilter};
use kabinet_app::{App, customers};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::{HistoryDto, HistoryQuery, history_json};
use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    /// active or disabled.
    pub status: String,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            id: u.id,
            role: kabinet_app::access::role_of(&u)
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            login: u.login,
            display_name: u.display_name,
            email: u.email,
            phone: u.phone,
            customer_id: u.customer_id,
            partner_id: u.partner_id,
            status: u.status.to_string(),
            must_change_password: u.must_change_password,
            last_login_at: u.last_login_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    pub role: Option<String>,
    /// login, name, role or last_login.
    pub sort: Option<String>,
    /// asc or desc.
    pub dir: Option<String>,
    /// Search in login and name.
    pub q: Option<String>,
    pub page: Option<super::paging::PageNumber>,
}

#[utoipa::path(get, path = "/api/v1/staff-users", tag = "admin", params(StaffQuery),
    responses((status = 200, body = Paged<UserDto>), (status = 403, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn list_staff(State(app): State<App>, Query(q): Query<StaffQuery>) -> WebResult<Json<Paged<UserDto>>> {
    let sort = kabinet_app::listing::Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &users::STAFF_SORTS);
    let page = users::list_staff(
        &app,
        q.role.as_deref(),
        q.q.as_deref(),
        &sort,
        super::paging::PageNumber::or_first(q.page),
        50,
    )
    .await?;
    Ok(Paged::of(page, UserDto::from))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Leave out to have one generated and returned once.
    pub password: Option<String>,
    pub role: String,
    /// ru, en or fa.
    pub language: Option<String>,
    /// Required for the partner role.
    pub partner_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUserDto {
    pub user: UserDto,
    /// The generated password to hand over, when none was given.
    pub generated_password: Option<String>,
}

fn new_user(req: NewUserRequest) -> NewUser {
    NewUser {
        login: req.login,
        display_name: req.display_name,
        email: req.email,
        phone: req.phone,
        password: req.password,
        role: req.role,
        language: req.language,
        partner_id: req.partner_id,
        must_change_password: true,
        password_hash: None,
    }
}

fn created(c: users::CreatedUser) -> Response {
    (
        StatusCode::CREATED,
        Json(CreatedUserDto {
            user: c.user.into(),
            generated_password: c.generated_password,
        }),
    )
        .into_response()
}

#[utoipa::path(post, path = "/api/v1/staff-users", tag = "admin", request_body = NewUserRequest,
    responses((status = 201, body = CreatedUserDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn create_staff(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<NewUserRequest>,
) -> WebResult<Response> {
    Ok(created(users::create_staff(&app, &ctx.actor()?, new_user(req)).await?))
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/users", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<UserDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn customer_users(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<Vec<UserDto>>> {
    let customer = customers::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(
        customers::users_of(&app, customer.id)
            .await?
            .into_iter()
            .map(UserDto::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/users", tag = "admin", params(("id" = i64, Path)), request_body = NewUserRequest,
    responses((status = 201, body = CreatedUserDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn create_customer_user(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<NewUserRequest>,
) -> WebResult<Response> {
    Ok(created(
        users::create_for_customer(&app, ctx.user()?, &ctx.actor()?, id_of(&id)?, new_user(req)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}/login-history", tag = "admin", params(("id" = i64, Path), HistoryQuery),
    responses((status = 200, body = HistoryDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn user_login_history(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> WebResult<Json<HistoryDto>> {
    let u = users::get(&app, id_of(&id)?).await?;
    history_json(&app, u.id, &q).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Actions starting with this text, e.g. `user.`.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<super::paging::PageNumber>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditDto {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub changes: serde_json::Value,
    pub hash: String,
}

impl From<AuditRecord> for AuditDto {
    fn from(r: AuditRecord) -> Self {
        AuditDto {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor: r.actor,
            ip: r.ip,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            changes: serde_json::from_str(&r.changes).unwrap_or(serde_json::Value::Null),
            hash: r.hash,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = Paged<AuditDto>), (status = 403, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn audit(State(app): State<App>, Query(q): Query<AuditQuery>) -> WebResult<Json<Paged<AuditDto>>> {
    let cut = |s: Option<String>| {
        s.map(|s| kabinet_core::text::truncate(s.trim(), 100))
            .filter(|s| !s.is_empty())
    };
    let filter = AuditFilter {
        action: cut(q.action),
        actor: cut(q.actor),
        object_type: cut(q.object_type),
        object_id: cut(q.object_id),
        from: q.from,
        to: q.to,
    };
    let page = audit::search(&app, &filter, super::paging::PageNumber::or_first(q.page), 100).await?;
    Ok(Paged::of(page, AuditDto::from))
}

/// The caller's own customer (a cabinet login), for the coordinator's login management.
fn own_customer(ctx: &Ctx) -> Result<i64, crate::error::WebError> {
    ctx.user()?
        .customer_id
        .ok_or(crate::error::WebError::App(kabinet_app::AppError::Forbidden))
}

#[utoipa::path(get, path = "/api/v1/customer-users", tag = "access",
    responses((status = 200, body = Vec<UserDto>)), security(("bearer" = []), ("session" = [])))]
pub async fn own_customer_users(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<UserDto>>> {
    let customer = customers::get_visible(&app, ctx.user()?, own_customer(&ctx)?).await?;
    Ok(Json(
        customers::users_of(&app, customer.id)
            .await?
            .into_iter()
            .map(UserDto::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewColleagueRequest {
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// coordinator, assistant, line_manager or viewer.
    pub role: String,
    /// ru, en or fa.
    pub language: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/customer-users", tag = "access", request_body = NewColleagueRequest,
    responses((status = 201, body = CreatedUserDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn create_own_customer_user(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<NewColleagueRequest>,
) -> WebResult<Response> {
    let new = new_user(NewUserRequest {
        login: req.login,
        display_name: req.display_name,
        email: req.email,
        phone: req.phone,
        password: None,
        role: req.role,
        language: req.language,
        partner_id: None,
    });
    Ok(created(
        users::create_for_customer(&app, ctx.user()?, &ctx.actor()?, own_customer(&ctx)?, new).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ActiveRequest {
    /// false disables the login and ends its sessions; true enables it again.
    pub active: bool,
}

#[utoipa::path(put, path = "/api/v1/customer-users/{id}/active", tag = "access", params(("id" = i64, Path)), request_body = ActiveRequest,
    responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn set_own_customer_user_active(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ActiveRequest>,
) -> WebResult<Json<UserDto>> {
    let updated = users::set_active(&app, ctx.user()?, &ctx.actor()?, id_of(&id)?, req.active).await?;
    Ok(Json(updated.into()))
}

#[derive(Serialize, ToSchema)]
pub struct NewPasswordDto {
    /// The generated password to hand over; it must be changed at the next sign-in.
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/customer-users/{id}/password-reset", tag = "access", params(("id" = i64, Path)),
    responses((status = 200, body = NewPasswordDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn reset_own_customer_user_password(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let password = users::reset_password(&app, ctx.user()?, &ctx.actor()?, id_of(&id)?).await?;
    Ok(crate::http::no_store(Json(NewPasswordDto { password }).into_response()))
}

#[derive(Deserialize, ToSchema)]
pub struct AssetsInCare {
    /// The customer's assets (licence ids) the line manager looks after; the rest it does not see.
    pub asset_ids: Vec<i64>,
}

#[utoipa::path(put, path = "/api/v1/customer-users/{id}/assets", tag = "access", params(("id" = i64, Path)), request_body = AssetsInCare,
    responses((status = 200, body = AssetsInCareDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn set_own_customer_user_assets(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AssetsInCare>,
) -> WebResult<Json<AssetsInCareDto>> {
    let set =
        kabinet_app::assets::assignments::set_for(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.asset_ids, None)
            .await?;
    let mut asset_ids: Vec<i64> = set.into_iter().collect();
    asset_ids.sort_unstable();
    Ok(Json(AssetsInCareDto { asset_ids }))
}

#[derive(Serialize, ToSchema)]
pub struct AssetsInCareDto {
    pub asset_ids: Vec<i64>,
}
