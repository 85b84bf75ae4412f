//! What every signed-in user does to their own login: profile, contact phone, password,
//! sessions and login history. The back office reuses these pages under `/crm`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::views::{LoginAttempt, Session, User};
use kabinet_app::access::{history, sessions, users};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, refused, with_status};
use crate::guard::FaceOf;
use crate::pages::Chrome;

use crate::http::OkQuery;

fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    c: Chrome,
    me: User,
    f: FormState,
    can_edit_phone: bool,
    prefix: &'static str,
}

pub async fn profile(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let me = users::get(&app, who.user_id).await?;
    let can_edit_phone =
        kabinet_core::access::allows(Some(who.role), kabinet_core::access::Permission::CabinetEditContacts);
    let f = FormState::empty()
        .with_value("phone", me.phone.clone().unwrap_or_default())
        .with_value("time_zone", me.time_zone.clone().unwrap_or_default());
    let path = format!("{}/profile", prefix(&ctx));
    Ok(ProfilePage {
        c: Chrome::new(&ctx.0, &path, &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        me,
        f,
        can_edit_phone,
        prefix: prefix(&ctx),
    }
    .into_response())
}

/// `POST /profile/time-zone` and `/crm/profile/time-zone`: the zone the reader's times are
/// shown in.
pub async fn time_zone_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let typed = form.required("time_zone")?;
    let path = format!("{}/profile", prefix(&ctx));
    match users::set_own_time_zone(&app, who, &ctx.actor()?, typed).await {
        Ok(_) => Ok(Redirect::to(&format!("{path}?ok=time-zone-saved")).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let me = users::get(&app, who.user_id).await?;
            let can_edit_phone =
                kabinet_core::access::allows(Some(who.role), kabinet_core::access::Permission::CabinetEditContacts);
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &errors);
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProfilePage {
                    c: Chrome::new(&ctx.0, &path, &app.config.display_time_zone),
                    me,
                    f,
                    can_edit_phone,
                    prefix: prefix(&ctx),
                },
            ))
        }
    }
}

pub async fn phone_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let phone = form.required("phone")?;
    match users::update_own_phone(&app, who, &ctx.actor()?, phone).await {
        Ok(_) => Ok(Redirect::to("/profile?ok=phone-saved").into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let me = users::get(&app, who.user_id).await?;
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &errors);
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProfilePage {
                    c: Chrome::new(&ctx.0, "/profile", &app.config.display_time_zone),
                    me,
                    f,
                    can_edit_phone: true,
                    prefix: "",
                },
            ))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    c: Chrome,
    f: FormState,
    forced: bool,
    action: String,
}

pub async fn password_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    let action = format!("{}/password", prefix(&ctx));
    Ok(PasswordPage {
        c: Chrome::new(&ctx.0, &action, &app.config.display_time_zone),
        f: FormState::empty(),
        forced: who.must_change_password,
        action,
    }
    .into_response())
}

pub async fn password_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let typed: PasswordForm = form.typed()?;
    let result = users::change_own_password(
        &app,
        who,
        &ctx.actor()?,
        &typed.current_password,
        &typed.new_password,
        &typed.confirm_password,
    )
    .await;
    let home = if ctx.0.face == FaceOf::Crm { "/crm" } else { "/" };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{home}?ok=password-changed")).into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            let action = format!("{}/password", prefix(&ctx));
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                PasswordPage {
                    c: Chrome::new(&ctx.0, &action, &app.config.display_time_zone),
                    f,
                    forced: who.must_change_password,
                    action,
                },
            ))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    c: Chrome,
    sessions: Vec<Session>,
    current: String,
    prefix: &'static str,
}

pub async fn sessions(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let list = sessions::list(&app, who.user_id).await?;
    let path = format!("{}/sessions", prefix(&ctx));
    Ok(SessionsPage {
        c: Chrome::new(&ctx.0, &path, &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        sessions: list,
        current: who.session_id.clone().unwrap_or_default(),
        prefix: prefix(&ctx),
    }
    .into_response())
}

pub async fn logout_others(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    sessions::end_own_others(&app, ctx.user()?, &ctx.actor()?).await?;
    Ok(Redirect::to(&format!("{}/sessions?ok=others-logged-out", prefix(&ctx))).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "login_history.html")]
pub struct HistoryPage {
    pub c: Chrome,
    pub subject: Option<User>,
    pub attempts: Vec<LoginAttempt>,
    pub active_days: usize,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub from: String,
    pub to: String,
    pub base: String,
}

/// Parses `YYYY-MM-DD` as the start of that day in `time_zone` (the zone pages show times in).
pub fn parse_day(s: Option<&str>, time_zone: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = chrono::NaiveDate::parse_from_str(s?.trim(), "%Y-%m-%d").ok()?;
    kabinet_core::time::start_of_day(&kabinet_core::time::zone_or_utc(time_zone), date)
}

pub async fn history_page(
    app: &App,
    ctx: &Ctx,
    user_id: i64,
    subject: Option<User>,
    q: &OkQuery,
    path: &str,
) -> WebResult<Response> {
    let tz = &app.config.display_time_zone;
    let from = parse_day(q.from.as_deref(), tz);
    let to = parse_day(q.to.as_deref(), tz).map(|t| t + chrono::Duration::days(1));
    let page = crate::paging::PageNumber::or_first(q.page);
    let h = history::for_user(app, user_id, from, to, page, 50).await?;
    let pages = h.page.pages();
    let from_s = q.from.clone().filter(|_| from.is_some()).unwrap_or_default();
    let to_s = q.to.clone().filter(|_| to.is_some()).unwrap_or_default();
    let base = format!("{path}?from={from_s}&to={to_s}&");
    Ok(HistoryPage {
        c: Chrome::new(&ctx.0, path, &app.config.display_time_zone),
        subject,
        attempts: h.page.items,
        active_days: h.active_days,
        total: h.page.total,
        page: h.page.page,
        pages,
        from: from_s,
        to: to_s,
        base,
    }
    .into_response())
}

pub async fn login_history(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?.clone();
    history_page(&app, &ctx, who.user_id, None, &q, "/login-history").await
}

/// Changing one's own password: the current one, the new one twice.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}
