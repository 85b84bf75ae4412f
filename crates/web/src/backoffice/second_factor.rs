//! The staff's second factor in the browser (ACC-3): the code page after the password (with
//! the set-up when the role requires an app not set up yet), and the profile's section to set
//! an app up, renew recovery codes or turn it off.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::login::{self, LoginFailure, LoginFailureOr};
use kabinet_app::access::second_factor::{self, Enrolment};
use serde::Deserialize;

use crate::cabinet::safe_next;
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, ticked};
use crate::http::no_store;
use crate::pages::Chrome;

/// The remembered browser's token, if this browser has one.
pub fn remembered_device(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, cookies::DEVICE)
}

/// The QR code of an `otpauth://` address, as inline SVG.
fn qr_svg(uri: &str) -> String {
    kabinet_app::documents::qr_svg(uri)
}

/// The set-up shown to a person: the QR code, the secret to type, the token.
pub struct SetUp {
    pub qr: String,
    pub secret_text: String,
    pub token: String,
}

impl From<Enrolment> for SetUp {
    fn from(e: Enrolment) -> Self {
        SetUp {
            qr: qr_svg(&e.uri),
            secret_text: e.secret_text,
            token: e.token,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
pub struct CodePage {
    c: Chrome,
    f: FormState,
    next: String,
    set_up: Option<SetUp>,
    remember_days: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    c: Chrome,
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

fn code_page(app: &App, ctx: &Ctx, f: FormState, next: String, set_up: Option<SetUp>) -> CodePage {
    CodePage {
        c: Chrome::new(&ctx.0, "/crm/login/code", &app.config.display_time_zone),
        f,
        next,
        set_up,
        remember_days: app.config.remember_device_days,
    }
}

/// `GET /crm/login/code`: the code (and, the first time, the set-up) after a right password.
pub async fn code_form(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    let next = safe_next(q.next.as_deref(), "/crm");
    let Some(token) = cookies::read(&headers, cookies::CHALLENGE) else {
        return Ok(Redirect::to("/crm/login?ok=second-factor-expired").into_response());
    };
    let Some(challenge) = second_factor::open_challenge(&app, &token, chrono::Utc::now()).await? else {
        return Ok(Redirect::to("/crm/login?ok=second-factor-expired").into_response());
    };
    let page = code_page(
        &app,
        &ctx,
        FormState::empty(),
        next,
        challenge.enrolment.map(SetUp::from),
    );
    Ok(no_store(page.into_response()))
}

/// `POST /crm/login/code`: checks the code; a right one opens the session (and shows the
/// recovery codes once after a set-up).
pub async fn code_submit(State(app): State<App>, ctx: Ctx, headers: HeaderMap, form: FormData) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let typed: CodeForm = form.typed()?;
    let next = safe_next(Some(&typed.next), "/crm");
    let Some(token) = cookies::read(&headers, cookies::CHALLENGE) else {
        return Ok(Redirect::to("/crm/login?ok=second-factor-expired").into_response());
    };
    let remember = ticked(&typed.remember);
    let shown_again = |status: StatusCode, message: String, set_up: Option<SetUp>| {
        let mut errors = kabinet_app::FieldErrors::new();
        errors.add("code", "bad-second-factor");
        let f = FormState::empty().with_errors(lang, &errors).with_general(message);
        let mut res = code_page(&app, &ctx, f, next.clone(), set_up).into_response();
        *res.status_mut() = status;
        no_store(res)
    };
    match login::answer_second_factor(&app, &token, &typed.code, remember, &ctx.0.client).await {
        Ok(accepted) => {
            let target = if accepted.signed_in.identity.must_change_password {
                "/crm/password".to_owned()
            } else {
                next.clone()
            };
            let mut res = match accepted.recovery_codes {
                Some(codes) => recovery_codes_page(&app, &ctx, codes, &target),
                None => Redirect::to(&target).into_response(),
            };
            cookies::set(&mut res, cookies::session(&app, &accepted.signed_in.session_token));
            cookies::set(&mut res, cookies::challenge_removal());
            if let Some(device) = accepted.remembered_device {
                cookies::set(&mut res, cookies::device(&app, &device));
            }
            Ok(res)
        }
        Err(LoginFailureOr::Failure(LoginFailure::BadSecondFactor)) => {
            let set_up = second_factor::open_challenge(&app, &token, chrono::Utc::now())
                .await?
                .and_then(|c| c.enrolment)
                .map(SetUp::from);
            Ok(shown_again(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.t("err-bad-second-factor"),
                set_up,
            ))
        }
        Err(LoginFailureOr::Failure(LoginFailure::Throttled { retry_after_secs })) => {
            let mut res = shown_again(
                StatusCode::TOO_MANY_REQUESTS,
                crate::error::throttled_message(lang, retry_after_secs),
                None,
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Ok(res)
        }
        Err(LoginFailureOr::Failure(LoginFailure::Disabled)) => {
            Ok(shown_again(StatusCode::FORBIDDEN, lang.t("err-account-disabled"), None))
        }
        Err(LoginFailureOr::Failure(_)) => {
            let mut res = Redirect::to("/crm/login?ok=second-factor-expired").into_response();
            cookies::set(&mut res, cookies::challenge_removal());
            Ok(res)
        }
        Err(LoginFailureOr::Error(e)) => Err(WebError::App(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "second_factor.html")]
pub struct ProfileSecondFactorPage {
    c: Chrome,
    f: FormState,
    enabled: bool,
    required: bool,
    codes_left: usize,
    set_up: Option<SetUp>,
}

async fn profile_page(
    app: &App,
    ctx: &Ctx,
    f: FormState,
    set_up: Option<SetUp>,
    flash: Option<&str>,
) -> WebResult<ProfileSecondFactorPage> {
    let who = ctx.user()?;
    if !who.is_staff() {
        // Customers' logins have no second factor (ACC-3 is for staff).
        return Err(kabinet_app::AppError::Forbidden.into());
    }
    let status = second_factor::status(app, who.user_id).await?;
    Ok(ProfileSecondFactorPage {
        c: Chrome::new(&ctx.0, "/crm/profile", &app.config.display_time_zone).with_flash(flash),
        f,
        enabled: status.enabled,
        required: second_factor::required_for(app, who.role),
        codes_left: status.codes_left,
        set_up,
    })
}

/// `GET /crm/profile/second-factor`: the state, and a fresh set-up to scan when asked.
pub async fn profile(State(app): State<App>, ctx: Ctx, Query(q): Query<crate::http::OkQuery>) -> WebResult<Response> {
    Ok(no_store(
        profile_page(&app, &ctx, FormState::empty(), None, q.ok.as_deref())
            .await?
            .into_response(),
    ))
}

/// `POST /crm/profile/second-factor/start`: a new secret to scan.
pub async fn start(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let enrolment = second_factor::start_enrolment(&app, ctx.user()?)?;
    Ok(no_store(
        profile_page(&app, &ctx, FormState::empty(), Some(enrolment.into()), None)
            .await?
            .into_response(),
    ))
}

/// The recovery codes, shown once, with the way on.
fn recovery_codes_page(app: &App, ctx: &Ctx, codes: Vec<String>, next: &str) -> Response {
    no_store(
        RecoveryCodesPage {
            c: Chrome::new(&ctx.0, "/crm/profile", &app.config.display_time_zone),
            codes,
            next: next.to_owned(),
        }
        .into_response(),
    )
}

/// A profile form whose code was refused: the page again with the error beside the field (and
/// the set-up still there when one was under way); other errors go up as pages.
async fn profile_refused(
    app: &App,
    ctx: &Ctx,
    form: &FormData,
    e: kabinet_app::AppError,
    set_up: Option<SetUp>,
) -> WebResult<Response> {
    let f = crate::form::refused(form, ctx.0.lang, e)?;
    Ok(crate::form::with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        profile_page(app, ctx, f, set_up, None).await?,
    ))
}

/// `POST /crm/profile/second-factor/enable`: the first code from the app finishes the set-up.
pub async fn enable(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let typed: CodeForm = form.typed()?;
    match second_factor::finish_enrolment(&app, &ctx.actor()?, who, &typed.token, &typed.code).await {
        Ok(codes) => Ok(recovery_codes_page(
            &app,
            &ctx,
            codes,
            "/crm/profile/second-factor?ok=second-factor-on",
        )),
        Err(e) => {
            let set_up = second_factor::reopen_enrolment(&app, who, &typed.token).map(SetUp::from);
            profile_refused(&app, &ctx, &form, e, set_up).await
        }
    }
}

/// `POST /crm/profile/second-factor/recovery-codes`: new codes for a right code.
pub async fn renew_codes(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: CodeForm = form.typed()?;
    match second_factor::renew_recovery_codes(&app, &ctx.actor()?, ctx.user()?, &typed.code).await {
        Ok(codes) => Ok(recovery_codes_page(&app, &ctx, codes, "/crm/profile/second-factor")),
        Err(e) => profile_refused(&app, &ctx, &form, e, None).await,
    }
}

/// `POST /crm/profile/second-factor/disable`: off, for a right code and a role that allows it.
pub async fn disable(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: CodeForm = form.typed()?;
    match second_factor::disable(&app, &ctx.actor()?, ctx.user()?, &typed.code).await {
        Ok(()) => Ok(Redirect::to("/crm/profile/second-factor?ok=second-factor-off").into_response()),
        Err(e) => profile_refused(&app, &ctx, &form, e, None).await,
    }
}

/// `POST /crm/staff/{id}/second-factor/reset`: an administrator clears a lost app.
pub async fn reset(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = crate::http::path_id(&id)?;
    second_factor::reset_for(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(Redirect::to(&format!("/crm/staff/{id}?ok=second-factor-reset")).into_response())
}

/// A code from the authenticator app (or a recovery code), with what each form adds: where
/// to go after signing in, whether to remember the device, the set-up being finished.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct CodeForm {
    code: String,
    next: String,
    remember: String,
    token: String,
}
