//! The cabinet's paper forms: a request kind's blank as a PDF, the pay slip of an account with
//! the unified payment QR code, and the slip for a recipient whose requisites the customer
//! types (a state guard's services) — its problems at their fields, the PDF when all is right.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::requests::blanks::{self, SlipFor};
use kabinet_app::{App, AppError};
use kabinet_core::pay_slip::Payee;
use kabinet_core::requests::RequestKind;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::pages::Chrome;

fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    let len = bytes.len() as u64;
    let mut res = bytes.into_response();
    crate::documents::attachment_headers(res.headers_mut(), name, "application/pdf", len);
    res
}

/// `GET /requests/blanks/{kind}`: the kind's blank, prefilled, in the reader's language.
pub async fn blank(State(app): State<App>, ctx: Ctx, Path(kind): Path<String>) -> WebResult<Response> {
    let kind: RequestKind = kind.parse().map_err(|_| AppError::NotFound)?;
    let (name, bytes) = blanks::blank(&app, ctx.user()?, kind, ctx.0.lang).await?;
    Ok(pdf(&name, bytes))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SlipQuery {
    account: Option<String>,
}

/// `GET /pay-slip?account=…`: the account's amount due as a slip with the QR code.
pub async fn pay_slip(State(app): State<App>, ctx: Ctx, Query(q): Query<SlipQuery>) -> WebResult<Response> {
    let account_id = q
        .account
        .as_deref()
        .and_then(|a| a.trim().parse().ok())
        .ok_or(AppError::NotFound)?;
    let (name, bytes) = blanks::pay_slip(&app, ctx.user()?, SlipFor::Provider { account_id }, ctx.0.lang).await?;
    Ok(pdf(&name, bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "pay_slip_other.html")]
pub struct OtherSlipPage {
    c: Chrome,
    f: FormState,
}

fn other_page(app: &App, ctx: &Ctx, f: FormState) -> OtherSlipPage {
    OtherSlipPage {
        c: Chrome::new(&ctx.0, "/requests", &app.config.display_time_zone),
        f,
    }
}

/// `GET /pay-slip/other`: the form of a third party's requisites.
pub async fn other_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(other_page(&app, &ctx, FormState::empty()).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct OtherForm {
    name: String,
    inn: String,
    kpp: String,
    bank_name: String,
    bik: String,
    account: String,
    correspondent_account: String,
    sum: String,
    purpose: String,
}

/// `POST /pay-slip/other`: the slip as a PDF, or the form with each problem at its field.
pub async fn other_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: OtherForm = form.typed()?;
    let what = SlipFor::ThirdParty {
        payee: Box::new(Payee {
            name: typed.name,
            account: typed.account,
            bank_name: typed.bank_name,
            bik: typed.bik,
            correspondent_account: typed.correspondent_account,
            inn: typed.inn,
            kpp: typed.kpp,
        }),
        sum: typed.sum,
        purpose: typed.purpose,
    };
    match blanks::pay_slip(&app, ctx.user()?, what, ctx.0.lang).await {
        Ok((name, bytes)) => Ok(pdf(&name, bytes)),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, other_page(&app, &ctx, f)))
        }
        Err(e) => Err(e.into()),
    }
}
