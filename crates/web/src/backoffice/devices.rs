//! The device register in the back office (AST-3): the list found by identifier and narrowed
//! by status, type, brand and coming end; the form that registers a device for its buyer; the
//! device's page with its history and the status staff may set.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::assets::devices::{self, Device, DeviceFilter, NewDevice};
use kabinet_app::assets::lifecycle;
use kabinet_core::access::{Permission, allows};
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::devices::IdentifierKind;
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_devices.html")]
pub struct ListPage {
    c: Chrome,
    items: Vec<Device>,
    /// How many devices were found, or "more than" the register's count cap.
    total_label: String,
    page: u64,
    pages: u64,
    base: String,
    f: FormState,
    statuses: Vec<(String, String)>,
    types: Vec<(String, String)>,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    device_type: Option<String>,
    brand: Option<String>,
    ends_within: Option<String>,
    /// One customer's devices (from its card).
    customer: Option<String>,
    page: Option<crate::paging::PageNumber>,
}

fn query_string(q: &ListQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", &q.q),
        ("status", &q.status),
        ("device_type", &q.device_type),
        ("brand", &q.brand),
        ("ends_within", &q.ends_within),
        ("customer", &q.customer),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let lang = ctx.0.lang;
    let page = crate::paging::PageNumber::or_first(q.page);
    // A filter value that is not one of the choices is said at its field, and nothing is listed.
    let mut f = FormState::empty();
    let mut bad = false;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => s.parse::<AssetStatus>().map_err(|_| bad = true).ok(),
    };
    let device_type_id = match q.device_type.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => s.parse::<i64>().map_err(|_| bad = true).ok(),
    };
    let ends_within_days = match q.ends_within.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.trim().parse::<u32>() {
            Ok(d) if d <= 3660 => Some(d),
            _ => {
                let mut errors = kabinet_app::FieldErrors::new();
                errors.add("ends_within", "invalid-number");
                f = f.with_errors(lang, &errors);
                bad = true;
                None
            }
        },
    };
    let customer_id = match q.customer.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => s.trim().parse::<i64>().map_err(|_| bad = true).ok(),
    };
    let filter = DeviceFilter {
        identifier: q.q.clone(),
        status,
        device_type_id,
        brand: q.brand.clone(),
        ends_within_days,
        customer_id,
    };
    let found = if bad {
        kabinet_app::listing::Page::empty(page, 50)
    } else {
        devices::register(&app, who, &filter, page, 50).await?
    };
    for (k, v) in [
        ("q", &q.q),
        ("status", &q.status),
        ("device_type", &q.device_type),
        ("brand", &q.brand),
        ("ends_within", &q.ends_within),
    ] {
        f = f.with_value(k, v.clone().unwrap_or_default());
    }
    let any = (String::new(), lang.t("all"));
    let c = Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone);
    let total_label = if found.total > devices::REGISTER_COUNT_CAP {
        format!("> {}", c.n(devices::REGISTER_COUNT_CAP))
    } else {
        c.n(found.total)
    };
    Ok(ListPage {
        c,
        pages: found.pages(),
        total_label,
        page: found.page,
        items: found.items,
        base: format!("/crm/devices?{}&", query_string(&q)),
        f,
        statuses: std::iter::once(any.clone())
            .chain(
                AssetStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), lang.t(&format!("asset-status-{s}")))),
            )
            .collect(),
        types: std::iter::once(any)
            .chain(
                devices::types(&app)
                    .await?
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            )
            .collect(),
        can_manage: allows(Some(who.role), Permission::DevicesManage),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_device_new.html")]
pub struct NewPage {
    c: Chrome,
    f: FormState,
    customer: kabinet_app::crm::views::Customer,
    types: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct NewQuery {
    customer_id: Option<String>,
}

async fn new_page(app: &App, ctx: &Ctx, customer_id: i64, f: FormState) -> WebResult<NewPage> {
    let who = ctx.user()?;
    let customer = kabinet_app::customers::get_visible(app, who, customer_id).await?;
    let lang = ctx.0.lang;
    Ok(NewPage {
        c: Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone),
        f,
        customer,
        types: devices::types(app)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        kinds: IdentifierKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), lang.t(&format!("device-identifier-{k}"))))
            .collect(),
    })
}

pub async fn new_form(State(app): State<App>, ctx: Ctx, Query(q): Query<NewQuery>) -> WebResult<Response> {
    let customer_id = path_id(q.customer_id.as_deref().unwrap_or(""))?;
    let f = FormState::empty().with_value("identifier_kind", IdentifierKind::Serial.as_str());
    Ok(new_page(&app, &ctx, customer_id, f).await?.into_response())
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let input = form.typed::<NewDevice>()?;
    match devices::create(&app, &ctx.actor()?, ctx.user()?, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/crm/devices/{}?ok=device-created", d.id)).into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            let page = new_page(&app, &ctx, input.customer_id, f).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_device.html")]
pub struct DevicePage {
    c: Chrome,
    d: Device,
    history: Vec<lifecycle::HistoryEntry>,
    status_options: Vec<(String, String)>,
    status_form: FormState,
    status_action: String,
    can_manage: bool,
    installation: crate::installation::InstallationPanel,
    renewal: kabinet_app::assets::renewal::Offer,
    transfers: Vec<kabinet_app::assets::transfers::Transfer>,
}

/// The device's page; `status_form` and `installation_form` are those forms as typed when one
/// was refused.
pub(crate) async fn device_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    flash: Option<&str>,
    status_form: FormState,
    installation_form: FormState,
) -> WebResult<DevicePage> {
    let who = ctx.user()?;
    let d = devices::get_visible(app, who, id).await?;
    let today = kabinet_app::billing::run::today_for(None, &app.config.display_time_zone);
    let installation_form = if installation_form.value("installed_on").is_empty() {
        installation_form.with_value("installed_on", today.to_string())
    } else {
        installation_form
    };
    Ok(DevicePage {
        installation: crate::installation::panel(app, ctx, id, &format!("/crm/devices/{id}"), installation_form)
            .await?,
        c: Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone).with_flash(flash),
        history: lifecycle::history(app, who, id).await?,
        status_options: lifecycle::options_for(d.status, ctx.0.lang),
        status_form,
        status_action: format!("/crm/devices/{id}/status"),
        can_manage: allows(Some(who.role), Permission::DevicesManage),
        renewal: kabinet_app::assets::renewal::offer(app, who, id).await?,
        transfers: kabinet_app::assets::transfers::of_device(app, who, id).await?,
        d,
    })
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    Ok(device_page(
        &app,
        &ctx,
        path_id(&id)?,
        q.ok.as_deref(),
        FormState::empty(),
        FormState::empty(),
    )
    .await?
    .into_response())
}

pub async fn change_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    match super::asset_status::apply(&app, &ctx, id, &form).await? {
        None => Ok(Redirect::to(&format!("/crm/devices/{id}?ok=asset-status-changed")).into_response()),
        Some(again) => {
            let page = device_page(&app, &ctx, id, None, again, FormState::empty()).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
