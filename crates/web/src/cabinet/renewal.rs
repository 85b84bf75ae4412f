//! The end of a device's service in the cabinet (AST-4): the choices on the device's page and
//! on "Renewal" (where the new-ticket form's "renew" button leads): renew for 1, 2 or 3 years
//! at the bank, go on paying case by case, or cancel.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::assets::renewal::{self, Offer};
use serde::Deserialize;

use super::billing::with_bank_form_action;
use super::devices::{DeviceForms, refused_page};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, refused};
use crate::http::path_id;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "renewal.html")]
pub struct RenewalPage {
    c: Chrome,
    offers: Vec<Offer>,
    may_sign: bool,
    rf: FormState,
}

/// "Renewal": every device of the buyer with a choice open, each with its choices.
pub async fn page(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/devices", &app.config.display_time_zone);
    let page = RenewalPage {
        may_sign: c.may(kabinet_core::access::Permission::DevicesConfirm) && who.acting_staff.is_none(),
        c,
        offers: renewal::offers_of_own(&app, who).await?,
        rf: FormState::empty(),
    };
    Ok(with_bank_form_action(&app, page))
}

/// The renewal form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RenewForm {
    term: String,
}

/// `POST /devices/{id}/renew`: orders the renewal and sends the buyer to the bank.
pub async fn renew(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<RenewForm>()?;
    match renewal::renew(&app, &ctx.actor()?, ctx.user()?, id, &typed.term).await {
        Ok((_, bank_page)) => Ok(Redirect::to(&bank_page).into_response()),
        Err(e) => again(&app, &ctx, id, &form, e).await,
    }
}

/// `POST /devices/{id}/pay-per-case`: support for the device paid case by case from now on.
pub async fn pay_per_case(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    match renewal::choose_pay_per_case(&app, &ctx.actor()?, ctx.user()?, id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/devices/{id}?ok=renewal-pay-per-case-chosen#renewal-{id}")).into_response())
        }
        Err(e) => again(&app, &ctx, id, &form, e).await,
    }
}

/// `POST /devices/{id}/cancel`: the device's service cancelled instead of renewed.
pub async fn cancel(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    match renewal::cancel(&app, &ctx.actor()?, ctx.user()?, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/devices/{id}?ok=renewal-cancelled#renewal-{id}")).into_response()),
        Err(e) => again(&app, &ctx, id, &form, e).await,
    }
}

/// The device's page again with the refusal over its choices: a field's error beside the
/// field, a closed choice or an unpriced term as the form's message.
async fn again(app: &App, ctx: &Ctx, id: i64, form: &FormData, e: kabinet_app::AppError) -> WebResult<Response> {
    let (status, rf) = match e {
        kabinet_app::AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, refused(form, ctx.0.lang, e)?),
        kabinet_app::AppError::Conflict(code) | kabinet_app::AppError::Refused(code) => (
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::CONFLICT),
            FormState::from_data(form).with_general(ctx.0.lang.t(code.message_key())),
        ),
        other => return Err(other.into()),
    };
    let forms = DeviceForms {
        renewal: rf,
        ..Default::default()
    };
    refused_page(app, ctx, id, forms, status).await
}
