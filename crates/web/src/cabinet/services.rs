//! The customer's services in the cabinet: points and licences with their status, type,
//! period and modules, and the customer's side of the personal-data verification (152-FZ,
//! CRM-5) that ends in the export of hotspot guests' phone numbers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::assets::views::{Asset, Site};
use kabinet_app::assets::{guests, licences, verification};
use kabinet_app::crm::views::Counterparty;
use kabinet_app::{App, AppError};
use kabinet_core::access::{Permission, allows};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use kabinet_core::assets::Verification;

use crate::http::path_id;
use crate::pages::Chrome;

/// One licence as the cabinet shows it.
pub struct Service {
    l: Asset,
    site: Option<Site>,
    modules: Vec<String>,
    step: Verification,
    /// What is still missing before guests can be exported (a message), if anything.
    missing: Option<String>,
    guests: u64,
    /// The contact form of step 3 (shown again with its errors after a refusal).
    contact: FormState,
}

#[derive(Template, WebTemplate)]
#[template(path = "services.html")]
pub struct ServicesPage {
    c: Chrome,
    services: Vec<Service>,
    counterparty: Option<Counterparty>,
    can_act: bool,
}

async fn services_page(
    app: &App,
    ctx: &Ctx,
    flash: Option<&str>,
    contact: Option<(i64, FormState)>,
) -> WebResult<ServicesPage> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let customer = kabinet_app::customers::get_visible(app, who, customer_id).await?;
    let counterparty = kabinet_app::crm::counterparties::of_customer(app, &customer).await?;
    let me = kabinet_app::access::users::get(app, who.user_id).await?;
    let own_contacts = FormState::empty()
        .with_value("display_name", me.display_name)
        .with_value("phone", me.phone.unwrap_or_default())
        .with_value("email", me.email.unwrap_or_default());
    let mut services = Vec::new();
    for (l, site) in licences::of_own_customer(app, who).await? {
        let step = l.verification;
        let contact = match &contact {
            Some((id, f)) if *id == l.id => f.clone(),
            _ => own_contacts.clone(),
        };
        services.push(Service {
            modules: l.modules.clone(),
            step,
            missing: step.missing().map(|k| ctx.0.lang.t(k.message_key())),
            guests: licences::guest_count(app, l.id).await?,
            contact,
            l,
            site,
        });
    }
    Ok(ServicesPage {
        c: Chrome::new(&ctx.0, "/services", &app.config.display_time_zone).with_flash(flash),
        services,
        counterparty,
        can_act: allows(Some(who.role), Permission::CabinetGuestData),
    })
}

pub async fn page(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    Ok(services_page(&app, &ctx, q.ok.as_deref(), None).await?.into_response())
}

pub async fn confirm_legal(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    verification::customer_confirms(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to("/services?ok=legal-confirmed").into_response())
}

pub async fn confirm_contacts(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let contacts: ContactsForm = form.typed()?;
    let result = verification::contact_confirms(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id,
        &contacts.display_name,
        &contacts.phone,
        &contacts.email,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/services?ok=contacts-confirmed").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = services_page(&app, &ctx, None, Some((id, f))).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn guest_export(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let format = form.typed::<ExportForm>()?.format;
    let job = guests::start_export(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?, &format).await?;
    Ok(Redirect::to(&format!("/exports/{}", job.token)).into_response())
}

/// The licence holder's contacts, confirmed (or corrected) by the customer.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ContactsForm {
    display_name: String,
    phone: String,
    email: String,
}

/// An export of a licence's guests: `csv` or `xlsx`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ExportForm {
    format: String,
}
