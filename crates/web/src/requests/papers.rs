//! The cabinet's paper forms: a request kind's blank as a PDF, the pay slip of an account with
//! the unified payment QR code, and the slip for a recipient whose requisites the customer
//! types (a state guard's services) — its problems at their fields, the PDF when all is right.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kabinet_app::requests::blanks::{self, SlipFor};
use kabinet_app::requests::payment_templates::{self, NewTemplate, PaymentTemplate};
use kabinet_app::{App, AppError};
use kabinet_core::pay_slip::Payee;
use kabinet_core::requests::RequestKind;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::pages::Chrome;

/// A PDF to download (the pages' and the API's).
pub(crate) fn pdf(name: &str, bytes: Vec<u8>) -> Response {
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
    /// The customer's saved payees.
    templates: Vec<PaymentTemplate>,
    /// Whether the reader may save and delete templates (pays for the customer).
    may_save: bool,
}

async fn other_page(app: &App, ctx: &Ctx, f: FormState, flash: Option<&str>) -> WebResult<OtherSlipPage> {
    let who = ctx.user()?;
    Ok(OtherSlipPage {
        c: Chrome::new(&ctx.0, "/requests", &app.config.display_time_zone).with_flash(flash),
        f,
        templates: payment_templates::list(app, who).await?,
        may_save: kabinet_core::access::allows(Some(who.role), kabinet_core::access::Permission::CabinetPay),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct OtherQuery {
    /// A saved template to fill the form with.
    template: Option<String>,
    ok: Option<String>,
}

/// `GET /pay-slip/other`: the form of a third party's requisites, filled from a saved
/// template when one is chosen, and the list of templates.
pub async fn other_form(State(app): State<App>, ctx: Ctx, Query(q): Query<OtherQuery>) -> WebResult<Response> {
    let mut f = FormState::empty();
    if let Some(id) = q.template.as_deref() {
        let id = id.trim().parse().map_err(|_| AppError::NotFound)?;
        let t = payment_templates::get(&app, ctx.user()?, id).await?;
        f = f
            .with_value("name", t.payee_name.clone())
            .with_value("inn", t.inn.clone())
            .with_value("kpp", t.kpp.clone())
            .with_value("bank_name", t.bank_name.clone())
            .with_value("bik", t.bik.clone())
            .with_value("account", t.account.clone())
            .with_value("correspondent_account", t.correspondent_account.clone())
            .with_value("purpose", t.purpose.clone())
            .with_value("template_title", t.title.clone());
    }
    Ok(other_page(&app, &ctx, f, q.ok.as_deref()).await?.into_response())
}

/// `POST /pay-slip/templates/{id}/delete`.
pub async fn delete_template(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    payment_templates::delete(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(axum::response::Redirect::to("/pay-slip/other?ok=payment-template-deleted").into_response())
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
    /// Ticked: the requisites are also kept as a template under `template_title`.
    save_template: String,
    template_title: String,
}

/// `POST /pay-slip/other`: the slip as a PDF (the requisites saved as a template when asked),
/// or the form with each problem at its field.
pub async fn other_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: OtherForm = form.typed()?;
    let payee = Payee {
        name: typed.name,
        account: typed.account,
        bank_name: typed.bank_name,
        bik: typed.bik,
        correspondent_account: typed.correspondent_account,
        inn: typed.inn,
        kpp: typed.kpp,
    };
    let template = NewTemplate {
        title: typed.template_title,
        payee: payee.clone(),
        purpose: typed.purpose.clone(),
    };
    let what = SlipFor::ThirdParty {
        payee: Box::new(payee),
        sum: typed.sum,
        purpose: typed.purpose,
    };
    let who = ctx.user()?;
    let made = async {
        let slip = blanks::pay_slip(&app, who, what, ctx.0.lang).await?;
        if crate::form::ticked(&typed.save_template) {
            payment_templates::save(&app, &ctx.actor()?, who, &template)
                .await
                .map_err(|e| e.prefixed("template_"))?;
        }
        Ok::<_, WebError>(slip)
    }
    .await;
    match made {
        Ok((name, bytes)) => Ok(pdf(&name, bytes)),
        Err(WebError::App(e @ AppError::Validation(_))) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                other_page(&app, &ctx, f, None).await?,
            ))
        }
        Err(e) => Err(e),
    }
}
