//! The caller's own login over the API: sign in and out, profile, password, sessions,
//! tokens and login history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::access::login::{LoginFailure, LoginFailureOr, SecondFactorInput, sign_in_with};
use kabinet_app::access::views::ApiToken;
use kabinet_app::access::{Face, Identity, history, sessions, tokens, users};
use kabinet_app::{App, AppError};
use kabinet_core::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged};
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name, e-mail or phone number.
    pub identifier: String,
    pub password: String,
    /// The authenticator app's code (or a recovery code), for staff who sign in with a second
    /// factor; without it such a sign-in answers 401 `second_factor_code_needed`.
    pub otp: Option<String>,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// admin, manager, support, technician, accountant, partner, coordinator, assistant,
    /// line_manager or viewer.
    pub role: String,
    pub is_staff: bool,
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    /// ru, en or fa.
    pub language: String,
    pub must_change_password: bool,
}

impl From<&Identity> for Me {
    fn from(i: &Identity) -> Me {
        Me {
            id: i.user_id,
            login: i.login.clone(),
            display_name: i.display_name.clone(),
            role: i.role.as_str().into(),
            is_staff: i.is_staff(),
            customer_id: i.customer_id,
            partner_id: i.partner_id,
            language: i.language.code().into(),
            must_change_password: i.must_change_password,
        }
    }
}

/// Signs in and sets the session cookie (for the cabinet's own apps); integrations use
/// personal tokens instead.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "access", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<LoginRequest>) -> WebResult<Response> {
    if req.identifier.chars().count() > 254 || req.password.chars().count() > 1024 {
        return Err(WebError::App(AppError::Refused(ErrorCode::BadCredentials)));
    }
    let second = SecondFactorInput {
        code: req.otp.filter(|c| !c.trim().is_empty()),
        remembered_device: None,
    };
    match sign_in_with(&app, &req.identifier, &req.password, Face::Api, &ctx.0.client, &second).await {
        Ok(signed) => {
            let mut res = Json(Me::from(&signed.identity)).into_response();
            cookies::set(&mut res, cookies::session(&app, &signed.session_token));
            Ok(res)
        }
        Err(LoginFailureOr::Failure(LoginFailure::BadCredentials)) => Err(bad_credentials()),
        Err(LoginFailureOr::Failure(LoginFailure::Disabled)) => {
            Err(WebError::App(AppError::Refused(ErrorCode::AccountDisabled)))
        }
        Err(LoginFailureOr::Failure(LoginFailure::Throttled { retry_after_secs })) => {
            Err(WebError::App(AppError::Throttled { retry_after_secs }))
        }
        Err(LoginFailureOr::Failure(LoginFailure::SecondFactor(_))) => {
            Err(WebError::App(AppError::Refused(ErrorCode::SecondFactorCodeNeeded)))
        }
        Err(LoginFailureOr::Failure(LoginFailure::BadSecondFactor | LoginFailure::SecondFactorExpired)) => {
            Err(WebError::App(AppError::Refused(ErrorCode::BadSecondFactor)))
        }
        Err(LoginFailureOr::Failure(LoginFailure::SecondFactorEnrolmentRequired)) => Err(WebError::App(
            AppError::Refused(ErrorCode::SecondFactorEnrolmentRequired),
        )),
        Err(LoginFailureOr::Error(e)) => Err(WebError::App(e)),
    }
}

fn bad_credentials() -> WebError {
    WebError::App(AppError::Refused(ErrorCode::BadCredentials))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "access", responses((status = 204)))]
pub async fn logout(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    if let Some(token) = &ctx.0.session_token {
        sessions::end(&app, token).await?;
    }
    // Signed in with a personal token: logging out revokes it, so that the credential the
    // call came with stops working as a session would.
    if let Some(who) = &ctx.0.identity
        && let Some(token_id) = who.token_id
    {
        kabinet_app::access::tokens::revoke(&app, who, &ctx.actor()?, token_id).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    cookies::set(&mut res, cookies::session_removal());
    Ok(res)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(ctx: Ctx) -> WebResult<Json<Me>> {
    Ok(Json(Me::from(ctx.user()?)))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// Not needed while a password change is forced.
    #[serde(default)]
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "access", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn change_password(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<PasswordChange>,
) -> WebResult<StatusCode> {
    users::change_own_password(
        &app,
        ctx.user()?,
        &ctx.actor()?,
        &req.current_password,
        &req.new_password,
        &req.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PhoneBody {
    /// The new mobile number as typed ("8 916 123-45-67"); empty clears it.
    pub phone: String,
}

/// What became of a new mobile number.
#[derive(Serialize, ToSchema)]
pub struct PhoneChangeDto {
    /// Saved now: the number was cleared or is the same as before.
    pub saved: bool,
    /// The number (E.164) a six-digit code was sent to by SMS; confirm it with
    /// `POST /api/v1/me/phone/confirm`.
    pub code_sent_to: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/me/phone", tag = "access", request_body = PhoneBody,
    responses((status = 200, body = PhoneChangeDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Starts changing the caller's mobile phone: a code goes to the new number by SMS and nothing
/// changes until it is confirmed. A cabinet user's number; the service centre is told once it
/// is saved.
pub async fn ask_phone_change(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<PhoneBody>,
) -> WebResult<Json<PhoneChangeDto>> {
    Ok(Json(
        match users::ask_own_phone_change(&app, ctx.user()?, &ctx.actor()?, &req.phone).await? {
            users::PhoneChange::Saved(_) => PhoneChangeDto {
                saved: true,
                code_sent_to: None,
            },
            users::PhoneChange::CodeSent { phone } => PhoneChangeDto {
                saved: false,
                code_sent_to: Some(phone),
            },
        },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PhoneConfirmation {
    /// The number the code was sent to.
    pub phone: String,
    /// The six digits from the SMS.
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/me/phone/confirm", tag = "access", request_body = PhoneConfirmation,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Saves the new mobile number with the code sent to it; a wrong code counts one of five tries.
pub async fn confirm_phone(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<PhoneConfirmation>,
) -> WebResult<StatusCode> {
    users::confirm_own_phone(&app, ctx.user()?, &ctx.actor()?, &req.phone, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct LandlineBody {
    /// The landline number as typed; empty clears it.
    pub landline_phone: String,
}

#[utoipa::path(put, path = "/api/v1/me/landline", tag = "access", request_body = LandlineBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Sets the caller's landline phone; the service centre is told.
pub async fn set_landline(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<LandlineBody>,
) -> WebResult<StatusCode> {
    users::update_own_landline(&app, ctx.user()?, &ctx.actor()?, &req.landline_phone).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
    pub current: bool,
}

#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "access", responses((status = 200, body = Vec<SessionDto>)), security(("bearer" = []), ("session" = [])))]
pub async fn sessions(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<SessionDto>>> {
    let who = ctx.user()?;
    let list = sessions::list(&app, who.user_id).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SessionDto {
                current: who.session_id.as_deref() == Some(s.id.as_str()),
                started_at: s.created_at,
                last_seen_at: s.last_seen_at,
                expires_at: s.expires_at,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Ended {
    pub ended: u64,
}

/// Ends every session of the caller but the current one.
#[utoipa::path(delete, path = "/api/v1/me/sessions/others", tag = "access", responses((status = 200, body = Ended)), security(("bearer" = []), ("session" = [])))]
pub async fn end_other_sessions(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Ended>> {
    let ended = sessions::end_own_others(&app, ctx.user()?, &ctx.actor()?).await?;
    Ok(Json(Ended { ended }))
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "access", responses((status = 200, body = Vec<TokenDto>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_tokens(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<TokenDto>>> {
    Ok(Json(
        tokens::list(&app, ctx.user()?.user_id)
            .await?
            .into_iter()
            .map(TokenDto::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTokenRequest {
    pub name: String,
    /// 1–3650 days; no expiry when absent.
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenDto {
    /// The whole token: shown only in this answer.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenDto,
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "access", request_body = NewTokenRequest,
    responses((status = 201, body = NewTokenDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn create_token(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<NewTokenRequest>,
) -> WebResult<Response> {
    let made = tokens::create(&app, ctx.user()?, &ctx.actor()?, &req.name, req.expires_in_days).await?;
    let mut res = (
        StatusCode::CREATED,
        Json(NewTokenDto {
            token: made.secret,
            info: made.token.into(),
        }),
    )
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "access", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn revoke_token(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    let id: i64 = id.parse().map_err(|_| WebError::App(AppError::NotFound))?;
    tokens::revoke(&app, ctx.user()?, &ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub page: Option<super::paging::PageNumber>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptDto {
    pub at: DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
    /// success, bad_password, unknown_user, disabled or throttled.
    pub outcome: String,
    /// cabinet, crm or api.
    pub face: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryDto {
    pub active_days: usize,
    pub attempts: Paged<AttemptDto>,
}

pub async fn history_json(app: &App, user_id: i64, q: &HistoryQuery) -> WebResult<Json<HistoryDto>> {
    let days = crate::day_range::DayRange::read(q.from.as_deref(), q.to.as_deref());
    if !days.is_valid() {
        return Err(WebError::App(kabinet_app::AppError::Validation(days.errors)));
    }
    let (from, to) = days.instants(&app.config.display_time_zone);
    let page = super::paging::PageNumber::or_first(q.page);
    let h = history::for_user(app, user_id, from, to, page, 50).await?;
    Ok(Json(HistoryDto {
        active_days: h.active_days,
        attempts: Paged {
            total: h.page.total,
            page: h.page.page,
            per_page: h.page.per_page,
            items: h
                .page
                .items
                .into_iter()
                .map(|a| AttemptDto {
                    at: a.at,
                    ip: a.ip,
                    user_agent: a.user_agent,
                    outcome: a.outcome.to_string(),
                    face: a.face.to_string(),
                })
                .collect(),
        },
    }))
}

#[utoipa::path(get, path = "/api/v1/me/activity", tag = "access", params(crate::login_activity::PeriodQuery),
    responses((status = 200, body = crate::login_activity::ActivityDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Cabinet sign-ins of every login of the caller's customer per day of a period (CAB-3).
pub async fn own_activity(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<crate::login_activity::PeriodQuery>,
) -> WebResult<Json<crate::login_activity::ActivityDto>> {
    let customer_id = ctx.user()?.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    crate::login_activity::api_answer(&app, customer_id, &q).await
}

#[utoipa::path(get, path = "/api/v1/me/login-history", tag = "access", params(HistoryQuery),
    responses((status = 200, body = HistoryDto)), security(("bearer" = []), ("session" = [])))]
pub async fn own_login_history(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<HistoryQuery>,
) -> WebResult<Json<HistoryDto>> {
    history_json(&app, ctx.user()?.user_id, &q).await
}
