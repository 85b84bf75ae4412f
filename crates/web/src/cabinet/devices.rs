//! The buyer's devices in the cabinet (AST-3): "My devices" with each device's status and the
//! dates of its service, a device's page with its history, and "My details" — the buyer's
//! identity as the provider registered it, read-only (staff change it).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::assets::devices::{self, Device};
use kabinet_app::assets::lifecycle;
use kabinet_app::crm::views::Customer;

use kabinet_core::access::Permission;

use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::form::FormState;
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "devices.html")]
pub struct DevicesPage {
    c: Chrome,
    devices: Vec<Device>,
}

pub async fn list(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    Ok(DevicesPage {
        c: Chrome::new(&ctx.0, "/devices", &app.config.display_time_zone),
        devices: devices::of_own_customer(&app, who).await?,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "device.html")]
pub struct DevicePage {
    c: Chrome,
    d: Device,
    history: Vec<lifecycle::HistoryEntry>,
    installation: crate::installation::InstallationPanel,
    /// Whether this login signs for the buyer (not a visiting staff member, not a viewer).
    may_sign: bool,
    transfers: Vec<kabinet_app::assets::transfers::Transfer>,
    transfer_form: FormState,
    renewal: kabinet_app::assets::renewal::Offer,
    renewal_form: FormState,
}

impl DevicePage {
    /// Whether the transfer form is offered: to a login that acts for the buyer, while no
    /// request of the device waits for staff.
    fn may_request_transfer(&self) -> bool {
        self.may_sign && !self.transfers.iter().any(|t| t.status.is_open())
    }
}

/// The forms of a device's page as typed, the one refused filled in.
#[derive(Default)]
pub(crate) struct DeviceForms {
    pub installation: FormState,
    pub transfer: FormState,
    pub renewal: FormState,
}

/// The device's page, with its forms as typed when one was refused.
pub(crate) async fn device_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    flash: Option<&str>,
    forms: DeviceForms,
) -> WebResult<DevicePage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/devices", &app.config.display_time_zone).with_flash(flash);
    Ok(DevicePage {
        may_sign: c.may(Permission::DevicesConfirm) && who.acting_staff.is_none(),
        c,
        d: devices::get_visible(app, who, id).await?,
        history: lifecycle::history(app, who, id).await?,
        installation: crate::installation::panel(app, ctx, id, &format!("/devices/{id}"), forms.installation).await?,
        transfers: kabinet_app::assets::transfers::of_device(app, who, id).await?,
        transfer_form: forms.transfer,
        renewal: kabinet_app::assets::renewal::offer(app, who, id).await?,
        renewal_form: forms.renewal,
    })
}

/// The device's page answered to a refused form, the form shown again as typed with its
/// errors (`status`: 422 for fields, the refusal's own otherwise); its renewal form is answered
/// with the bank's page, so the page allows it.
pub(crate) async fn refused_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    forms: DeviceForms,
    status: axum::http::StatusCode,
) -> WebResult<Response> {
    let page = device_page(app, ctx, id, None, forms).await?;
    Ok(super::billing::with_bank_form_action(
        app,
        crate::form::with_status(status, page),
    ))
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let page = device_page(&app, &ctx, id, q.ok.as_deref(), DeviceForms::default()).await?;
    // Its renewal form is answered with the bank's page.
    Ok(super::billing::with_bank_form_action(&app, page))
}

#[derive(Template, WebTemplate)]
#[template(path = "my_details.html")]
pub struct DetailsPage {
    c: Chrome,
    me: Customer,
}

/// The buyer's identity as registered: name, national id, phone, city and address.
pub async fn details(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::Forbidden)?;
    Ok(DetailsPage {
        c: Chrome::new(&ctx.0, "/my-details", &app.config.display_time_zone),
        me: kabinet_app::customers::get_visible(&app, who, customer_id).await?,
    }
    .into_response())
}
