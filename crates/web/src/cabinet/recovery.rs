//! Password recovery by one-time code, and self-registration by contract number.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::recovery;
use kabinet_app::access::registration::{self, Registration};
use kabinet_app::notify::Channel;
use kabinet_app::privacy::texts::ConsentText;
use kabinet_app::{App, AppError};
use kabinet_core::privacy::ConsentKind;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "forgot.html")]
pub struct ForgotPage {
    c: Chrome,
    f: FormState,
}

pub async fn forgot_form(State(app): State<App>, ctx: Ctx) -> Response {
    let f = FormState::empty().with_value("channel", "sms");
    ForgotPage {
        c: Chrome::new(&ctx.0, "/forgot", &app.config.display_time_zone),
        f,
    }
    .into_response()
}

/// How long a refused request must wait, when it was refused for coming too often.
fn retry_after_of(e: &AppError) -> Option<u64> {
    match e {
        AppError::Throttled { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    }
}

/// Marks a form shown again after a refusal: 429 with `Retry-After` when the request came too
/// often (as the login page answers), 422 otherwise.
fn refused_with(res: &mut Response, retry_after: Option<u64>) {
    match retry_after {
        Some(secs) => {
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            res.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        None => *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn throttled_form(lang: kabinet_app::i18n::Lang, e: &AppError) -> Option<String> {
    match e {
        AppError::Throttled { retry_after_secs } => Some(crate::error::throttled_message(lang, *retry_after_secs)),
        _ => None,
    }
}

pub async fn forgot_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let typed: ForgotForm = form.typed()?;
    let channel = match typed.channel.as_str() {
        "sms" | "" => Channel::Sms,
        "email" => Channel::Email,
        _ => {
            return Err(WebError::App(kabinet_app::FieldErrors::single(
                "channel",
                "invalid-choice",
            )));
        }
    };
    let identifier = typed.identifier.trim().to_owned();
    match recovery::request(&app, &identifier, channel, &ctx.0.client).await {
        Ok(()) => {
            let q = form_urlencoded::Serializer::new(String::new())
                .append_pair("identifier", &identifier)
                .finish();
            Ok(Redirect::to(&format!("/forgot/verify?{q}&ok=code-sent")).into_response())
        }
        Err(e) => {
            let retry_after = retry_after_of(&e);
            let f = match throttled_form(lang, &e) {
                Some(msg) => FormState::from_data(&form).with_general(msg),
                None => FormState::from_data(&form)
                    .with_errors(lang, &field_errors(e)?)
                    .with_general(lang.t("err-form-has-errors")),
            };
            let mut res = ForgotPage {
                c: Chrome::new(&ctx.0, "/forgot", &app.config.display_time_zone),
                f,
            }
            .into_response();
            refused_with(&mut res, retry_after);
            Ok(res)
        }
    }
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    identifier: Option<String>,
    ok: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "forgot_verify.html")]
pub struct VerifyPage {
    c: Chrome,
    f: FormState,
}

pub async fn verify_form(State(app): State<App>, ctx: Ctx, Query(q): Query<VerifyQuery>) -> Response {
    let identifier = q.identifier.unwrap_or_default().chars().take(254).collect::<String>();
    let f = FormState::empty().with_value("identifier", identifier);
    VerifyPage {
        c: Chrome::new(&ctx.0, "/forgot/verify", &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        f,
    }
    .into_response()
}

pub async fn verify_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let typed: VerifyForm = form.typed()?;
    match recovery::verify(&app, &typed.identifier, &typed.code, &ctx.0.client).await {
        Ok((token, _)) => {
            let mut res = Redirect::to("/password").into_response();
            crate::cookies::set(&mut res, crate::cookies::session(&app, &token));
            Ok(res)
        }
        Err(e) => {
            let retry_after = retry_after_of(&e);
            let f = match throttled_form(lang, &e) {
                Some(msg) => FormState::from_data(&form).with_general(msg),
                None => {
                    let errors = field_errors(e)?;
                    let general = errors
                        .0
                        .first()
                        .map(|(_, code)| lang.t(&format!("err-{code}")))
                        .unwrap_or_default();
                    FormState::from_data(&form)
                        .with_errors(lang, &errors)
                        .with_general(general)
                }
            };
            let mut res = VerifyPage {
                c: Chrome::new(&ctx.0, "/forgot/verify", &app.config.display_time_zone),
                f,
            }
            .into_response();
            refused_with(&mut res, retry_after);
            Ok(res)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
pub struct RegisterPage {
    c: Chrome,
    f: FormState,
    success: Option<String>,
    /// The consents offered (PRV-2): the box's name, the text in force and the text as safe
    /// HTML; processing first.
    consents: Vec<(String, ConsentText, String)>,
}

/// The consent texts in force, as the registration form offers them.
async fn consents_offered(app: &App) -> WebResult<Vec<(String, ConsentText, String)>> {
    let mut out = Vec::new();
    for kind in ConsentKind::ALL {
        if let Some(text) = kabinet_app::privacy::texts::current(app, *kind).await? {
            let html = crate::support::markdown::to_html(&text.body);
            out.push((format!("consent_{kind}"), text, html));
        }
    }
    Ok(out)
}

pub async fn register_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(RegisterPage {
        c: Chrome::new(&ctx.0, "/register", &app.config.display_time_zone),
        f: FormState::empty(),
        success: None,
        consents: consents_offered(&app).await?,
    }
    .into_response())
}

pub async fn register_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let c = Chrome::new(&ctx.0, "/register", &app.config.display_time_zone);
    let typed: RegisterForm = form.typed()?;
    let ticked: Vec<ConsentKind> = [
        (ConsentKind::Processing, &typed.consent_processing),
        (ConsentKind::Marketing, &typed.consent_marketing),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(kind, _)| kind)
    .collect();
    let result = registration::register(
        &app,
        &typed.contract_number,
        &typed.email,
        &typed.phone,
        &ticked,
        lang,
        &ctx.0.client,
    )
    .await;
    let retry_after = result.as_ref().err().and_then(retry_after_of);
    let (status, f, success) = match result {
        Ok(Registration::PasswordSent { login }) => (
            StatusCode::OK,
            FormState::empty(),
            Some(lang.t_args("register-sent", &[("login", login)])),
        ),
        Ok(Registration::PhoneMismatch) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormState::from_data(&form).with_general(lang.t_args(
                "register-phone-mismatch",
                &[("phone", app.config.provider_phone.replace(' ', "\u{a0}"))],
            )),
            None,
        ),
        Ok(Registration::AlreadyRegistered) => (
            StatusCode::CONFLICT,
            FormState::from_data(&form).with_general(lang.t("register-already")),
            None,
        ),
        Err(e) => match throttled_form(lang, &e) {
            Some(msg) => (
                StatusCode::TOO_MANY_REQUESTS,
                FormState::from_data(&form).with_general(msg),
                None,
            ),
            None => (
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::from_data(&form)
                    .with_errors(lang, &field_errors(e)?)
                    .with_general(lang.t("err-form-has-errors")),
                None,
            ),
        },
    };
    let consents = consents_offered(&app).await?;
    let mut res = RegisterPage {
        c,
        f,
        success,
        consents,
    }
    .into_response();
    *res.status_mut() = status;
    if retry_after.is_some() {
        refused_with(&mut res, retry_after);
    }
    Ok(res)
}

/// "Forgot your password?": who, and where to send the code (SMS unless e-mail is chosen).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ForgotForm {
    channel: String,
    identifier: String,
}

/// The code that came by SMS or e-mail, for the identifier it was sent for.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct VerifyForm {
    identifier: String,
    code: String,
}

/// Self-registration by contract number and a contact the provider already has.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RegisterForm {
    contract_number: String,
    email: String,
    phone: String,
    /// "on" when ticked.
    consent_processing: String,
    consent_marketing: String,
}
