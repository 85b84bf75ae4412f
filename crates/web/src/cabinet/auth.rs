//! Signing in and out, and choosing the language — shared by the cabinet and the back office.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::login::{LoginFailure, LoginFailureOr, sign_in_with};
use kabinet_app::access::{Face, sessions, users};
use kabinet_app::i18n::Lang;
use serde::Deserialize;

use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::FormState;
use crate::guard::FaceOf;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub c: Chrome,
    pub f: FormState,
    pub action: &'static str,
    pub next: String,
    pub cabinet: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    ok: Option<String>,
}

/// A local path to go to after login; anything else is ignored. Browsers drop tabs and line
/// breaks from a `Location` and read `\\` as `/`, so `/<TAB>/evil.example` would become
/// `//evil.example`, another site: only a path with no control characters, no white space,
/// no backslash and no `//` at its start is taken.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
                && n.len() < 500 =>
        {
            n.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

fn face_of(ctx: &Ctx) -> (Face, &'static str, &'static str) {
    match ctx.0.face {
        FaceOf::Crm => (Face::Crm, "/crm/login", "/crm"),
        _ => (Face::Cabinet, "/login", "/"),
    }
}

pub async fn login_form(State(app): State<App>, ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    let (_, action, home) = face_of(&ctx);
    if ctx.0.identity.is_some() {
        return Redirect::to(home).into_response();
    }
    LoginPage {
        c: Chrome::new(&ctx.0, action, &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        f: FormState::empty(),
        action,
        next: safe_next(q.next.as_deref(), home),
        cabinet: ctx.0.face != FaceOf::Crm,
    }
    .into_response()
}

pub async fn login_submit(
    State(app): State<App>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    form: FormData,
) -> WebResult<Response> {
    let (face, action, home) = face_of(&ctx);
    let lang = ctx.0.lang;
    let typed: LoginForm = form.typed()?;
    let (identifier, password) = (typed.identifier.as_str(), typed.password.as_str());
    let next = safe_next(Some(&typed.next), home);
    let page = |status: StatusCode, message: String| {
        let f = FormState::from_data(&form).with_general(message);
        let mut res = LoginPage {
            c: Chrome::new(&ctx.0, action, &app.config.display_time_zone),
            f,
            action,
            next: next.clone(),
            cabinet: face == Face::Cabinet,
        }
        .into_response();
        *res.status_mut() = status;
        res
    };
    if identifier.trim().is_empty() || password.is_empty() {
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, lang.t("err-login-empty")));
    }
    if identifier.chars().count() > 254 || password.chars().count() > 1024 {
        return Ok(page(StatusCode::UNAUTHORIZED, lang.t("err-bad-credentials")));
    }
    let second = kabinet_app::access::login::SecondFactorInput {
        code: None,
        remembered_device: crate::backoffice::second_factor::remembered_device(&headers),
    };
    match sign_in_with(&app, identifier, password, face, &ctx.0.client, &second).await {
        Ok(signed) => {
            let target = if signed.identity.must_change_password {
                if face == Face::Crm {
                    "/crm/password".to_owned()
                } else {
                    "/password".to_owned()
                }
            } else {
                next.clone()
            };
            let mut res = Redirect::to(&target).into_response();
            cookies::set(&mut res, cookies::session(&app, &signed.session_token));
            Ok(res)
        }
        Err(LoginFailureOr::Failure(LoginFailure::BadCredentials)) => {
            Ok(page(StatusCode::UNAUTHORIZED, lang.t("err-bad-credentials")))
        }
        Err(LoginFailureOr::Failure(LoginFailure::Disabled)) => {
            Ok(page(StatusCode::FORBIDDEN, lang.t("err-account-disabled")))
        }
        Err(LoginFailureOr::Failure(LoginFailure::SecondFactor(challenge))) => {
            let target = format!(
                "/crm/login/code?next={}",
                percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
            );
            let mut res = Redirect::to(&target).into_response();
            cookies::set(&mut res, cookies::challenge(&app, &challenge.token));
            Ok(res)
        }
        Err(LoginFailureOr::Failure(
            LoginFailure::BadSecondFactor
            | LoginFailure::SecondFactorExpired
            | LoginFailure::SecondFactorEnrolmentRequired,
        )) => Ok(page(StatusCode::UNAUTHORIZED, lang.t("err-bad-credentials"))),
        Err(LoginFailureOr::Failure(LoginFailure::Throttled { retry_after_secs })) => {
            let mut res = page(
                StatusCode::TOO_MANY_REQUESTS,
                crate::error::throttled_message(lang, retry_after_secs),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Ok(res)
        }
        Err(LoginFailureOr::Error(e)) => Err(WebError::App(e)),
    }
}

pub async fn logout(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    if let Some(i) = &ctx.0.identity
        && i.acting_staff.is_some()
    {
        return leave_cabinet(State(app), ctx).await;
    }
    if let Some(token) = &ctx.0.session_token {
        sessions::end(&app, token).await?;
    }
    let target = if ctx.0.face == FaceOf::Crm {
        "/crm/login?ok=logged-out"
    } else {
        "/login?ok=logged-out"
    };
    let mut res = Redirect::to(target).into_response();
    cookies::set(&mut res, cookies::session_removal());
    Ok(res)
}

/// Leaves a cabinet entered from the back office: the session ends, the staff member's own
/// session is untouched, and the customer's card is where they come back to.
pub async fn leave_cabinet(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = match &ctx.0.session_token {
        Some(token) => kabinet_app::access::acting::leave(&app, who, &ctx.actor()?, token).await?,
        None => None,
    };
    let target = match customer {
        Some(id) => format!("/crm/customers/{id}"),
        None => "/".to_owned(),
    };
    let mut res = Redirect::to(&target).into_response();
    cookies::set(&mut res, cookies::acting_removal());
    Ok(res)
}

/// Remembers the language in a cookie (and on the user, when signed in) and goes back.
pub async fn switch_language(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: LanguageForm = form.typed()?;
    let lang = Lang::parse(&typed.lang)
        .ok_or_else(|| WebError::App(kabinet_app::FieldErrors::single("lang", "invalid-choice")))?;
    if let Some(i) = &ctx.0.identity {
        users::set_language(&app, i, lang).await?;
    }
    let back = safe_next(Some(&typed.next), "/");
    let mut res = Redirect::to(&back).into_response();
    cookies::set(&mut res, cookies::language(lang));
    Ok(res)
}

/// The sign-in form of either face; `next` is where to go after, checked by `safe_next`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct LoginForm {
    identifier: String,
    password: String,
    next: String,
}

/// The language switcher in the header of every page.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct LanguageForm {
    lang: String,
    next: String,
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        assert_eq!(safe_next(Some("/payments?page=2"), "/"), "/payments?page=2");
        for hostile in [
            "//evil.example/x",
            "/\t/evil.example/x",
            "/\n/x",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example/",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile), "/"), "/", "{hostile:?}");
        }
    }
}
