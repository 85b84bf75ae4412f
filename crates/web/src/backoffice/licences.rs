//! Licences in the back office (AST-1, AST-2, CRM-5): creating one with its point, its page
//! with modules, link and split, router settings, firmware and reboot, deletion with the
//! guest export offered first, the staff step of the personal-data verification and its
//! queue, and the audited links to the point's identification and authorisation pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::assets::licences::{self, Split};
use kabinet_app::assets::views::{Asset, Site};
use kabinet_app::assets::{lifecycle, router, verification};
use kabinet_app::billing::views::Plan;
use kabinet_app::crm::views::Customer;
use kabinet_app::{App, AppError, customers};
use kabinet_core::ErrorCode;
use kabinet_core::access::{Permission, allows};
use kabinet_core::assets::{AssetKind, CabinetType, LicencePeriod, RouterOwnership};

use super::crm_forms::{DeleteForm, LicenceForm, LinkForm, RouterForm};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use crate::http::no_store;
use crate::http::path_id;
use crate::pages::Chrome;

fn choices<T: Copy>(c: &Chrome, prefix: &str, all: &[T], key: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (key(*v).to_owned(), c.tk(prefix, key(*v))))
        .collect()
}

/// The options of a licence form: here and in the customer form's "first point" section.
pub struct LicenceChoices {
    pub kinds: Vec<(String, String)>,
    pub cabinets: Vec<(String, String)>,
    pub periods: Vec<(String, String)>,
    pub ownerships: Vec<(String, String)>,
    pub plans: Vec<(String, String)>,
    pub modules: Vec<(String, bool)>,
    /// Put before every field name: the customer form's section uses `licence_`.
    pub prefix: &'static str,
    pub names: FieldNames,
}

/// The licence fields' names in one form, each with the form's prefix.
pub struct FieldNames {
    pub kind: String,
    pub point_name: String,
    pub point_address: String,
    pub router_ownership: String,
    pub cabinet_type: String,
    pub period: String,
    pub plan_id: String,
    pub demo: String,
    pub module: String,
    pub modules: String,
}

impl FieldNames {
    fn with_prefix(p: &str) -> FieldNames {
        let n = |f: &str| format!("{p}{f}");
        FieldNames {
            kind: n("kind"),
            point_name: n("point_name"),
            point_address: n("point_address"),
            router_ownership: n("router_ownership"),
            cabinet_type: n("cabinet_type"),
            period: n("period"),
            plan_id: n("plan_id"),
            demo: n("demo"),
            module: n("module"),
            modules: n("modules"),
        }
    }
}

pub async fn licence_choices(
    app: &App,
    c: &Chrome,
    prefix: &'static str,
    chosen_modules: &[String],
) -> WebResult<LicenceChoices> {
    let plans: Vec<Plan> = kabinet_app::billing::plans::all(app)
        .await?
        .into_iter()
        .filter(|p| {
            p.status == kabinet_core::billing::PlanStatus::Active
                && p.asset_kind.parse::<kabinet_core::assets::AssetKind>().is_ok()
        })
        .collect();
    Ok(LicenceChoices {
        kinds: choices(c, "asset-", &AssetKind::LICENCES, AssetKind::as_str),
        cabinets: choices(c, "cabinet-", CabinetType::ALL, CabinetType::as_str),
        periods: choices(c, "period-", LicencePeriod::ALL, LicencePeriod::as_str),
        ownerships: choices(c, "router-owner-", RouterOwnership::ALL, RouterOwnership::as_str),
        plans: std::iter::once((String::new(), c.t("not-chosen")))
            .chain(plans.iter().map(|p| {
                (
                    p.id.to_string(),
                    format!(
                        "{} · {} · {} / {}",
                        p.name,
                        c.tk("asset-", &p.asset_kind),
                        c.money(&p.price, &p.currency),
                        c.tk("period-", &p.period)
                    ),
                )
            }))
            .collect(),
        modules: app
            .config
            .assets
            .modules
            .iter()
            .map(|m| (m.clone(), chosen_modules.contains(m)))
            .collect(),
        prefix,
        names: FieldNames::with_prefix(prefix),
    })
}

/// The defaults of a new licence's fields, each name prefixed with `prefix`.
pub fn licence_defaults(f: FormState, prefix: &str, point_name: &str) -> FormState {
    f.with_value(&format!("{prefix}kind"), "hotspot")
        .with_value(&format!("{prefix}cabinet_type"), "full")
        .with_value(&format!("{prefix}period"), "month")
        .with_value(&format!("{prefix}router_ownership"), "provider")
        .with_value(&format!("{prefix}point_name"), point_name)
}

/// The point name a customer's internal name suggests: its trade name, before the slash.
pub fn suggested_point_name(customer_name: &str) -> String {
    customer_name.split('/').next().unwrap_or_default().trim().to_owned()
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_licence_new.html")]
pub struct NewPage {
    c: Chrome,
    customer: Customer,
    f: FormState,
    l: LicenceChoices,
    accounts: Vec<(String, String)>,
    /// A partner's licences are always paid from its own account.
    choose_account: bool,
    partner_pays: bool,
}

async fn new_page(
    app: &App,
    ctx: &Ctx,
    customer: Customer,
    f: FormState,
    chosen_modules: &[String],
) -> WebResult<NewPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone);
    let partner_pays = who.is_partner() || customer.partner_id.is_some();
    let own = kabinet_app::billing::accounts::of_customer(app, customer.id)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.id.to_string(),
                format!("{} · {} · {}", a.number, a.title, c.money(&a.balance, &a.currency)),
            )
        });
    // Staff may bill a partner's customer directly; the partner's account is the default.
    let accounts = if partner_pays {
        std::iter::once((String::new(), c.t("licence-partner-account")))
            .chain(own)
            .collect()
    } else {
        own.collect()
    };
    Ok(NewPage {
        l: licence_choices(app, &c, "", chosen_modules).await?,
        accounts,
        choose_account: !who.is_partner(),
        partner_pays,
        customer,
        f,
        c,
    })
}

pub async fn new_form(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let customer = customers::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    let f = licence_defaults(FormState::empty(), "", &suggested_point_name(&customer.name))
        .with_value("request_token", kabinet_app::access::passwords::random_secret(16));
    Ok(new_page(&app, &ctx, customer, f, &[]).await?.into_response())
}

fn modules_of(form: &FormData) -> Vec<String> {
    form.all("module").map(str::to_owned).collect()
}

/// `POST /crm/customers/{id}/licences`.
pub async fn create(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = customers::get_visible(&app, who, path_id(&id)?).await?;
    let modules = modules_of(&form);
    let typed: LicenceForm = form.typed()?;
    let request_token = typed.request_token().to_owned();
    let result = match typed.checked(customer.id, modules.clone()) {
        Ok(new) => licences::create(&app, &ctx.actor()?, who, new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let page = licence_page(
                &app,
                &ctx,
                created.licence.id,
                Some(created.key.full()),
                None,
                Some("licence-created"),
                None,
            )
            .await?;
            Ok(no_store(page.into_response()))
        }
        // The same form again (a double click, a reload): show what the first submit made.
        Err(AppError::Conflict(ErrorCode::LicenceAlreadyCreated)) => {
            match licences::by_request_token(&app, who, &request_token).await? {
                Some(l) => Ok(Redirect::to(&format!("/crm/licences/{}", l.id)).into_response()),
                None => Err(AppError::Conflict(ErrorCode::LicenceAlreadyCreated).into()),
            }
        }
        Err(e @ (AppError::InsufficientFunds { .. } | AppError::Validation(_))) => {
            let lang = ctx.0.lang;
            let f = crate::form::refused(&form, lang, e)?;
            let page = new_page(&app, &ctx, customer, f, &modules).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_licence.html")]
pub struct LicencePage {
    c: Chrome,
    l: Asset,
    site: Option<Site>,
    customer: Customer,
    modules: Vec<(String, bool)>,
    linked: Option<Asset>,
    radars: Vec<(String, String)>,
    step: kabinet_core::assets::Verification,
    guests: u64,
    key_once: Option<String>,
    split_once: Option<Split>,
    router_form: FormState,
    can_manage: bool,
    can_delete: bool,
    can_router: bool,
    can_verify: bool,
    /// Whether the hotspot portal is configured: without it there are no links to its pages.
    portal: bool,
    /// Every change of status, newest first.
    history: Vec<lifecycle::HistoryEntry>,
    /// The statuses staff may move it to from here (suspend, resume, cancel).
    status_options: Vec<(String, String)>,
    status_form: FormState,
    status_action: String,
}

async fn licence_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    key_once: Option<String>,
    split_once: Option<Split>,
    flash: Option<&str>,
    status_form: Option<FormState>,
) -> WebResult<LicencePage> {
    let who = ctx.user()?;
    let l = licences::get_visible(app, who, id).await?;
    let customer = customers::get_visible(app, who, l.customer_id).await?;
    let all = licences::of_customer(app, customer.id).await?;
    let site = all.iter().find(|(a, _)| a.id == l.id).and_then(|(_, s)| s.clone());
    let linked = l
        .linked_asset_id
        .and_then(|other| all.iter().find(|(a, _)| a.id == other).map(|(a, _)| a.clone()));
    let radars = all
        .iter()
        .filter(|(a, _)| {
            a.kind == kabinet_core::assets::AssetKind::Radar
                && a.linked_asset_id.is_none()
                && a.status != kabinet_core::assets::AssetStatus::Deleted
        })
        .map(|(a, s)| {
            (
                a.id.to_string(),
                format!("{} · {}", s.as_ref().map(|s| s.name.as_str()).unwrap_or("—"), a.key_id),
            )
        })
        .collect();
    let enabled = l.modules.clone();
    let status_options = lifecycle::options_for(l.status, ctx.0.lang);
    let router_form = FormState::empty()
        .with_value("router_host", l.router_host.clone().unwrap_or_default())
        .with_value(
            "router_port",
            l.router_port.map(|p| p.to_string()).unwrap_or_else(|| "8728".into()),
        )
        .with_value("router_user", l.router_user.clone().unwrap_or_default());
    Ok(LicencePage {
        c: Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash),
        modules: app
            .config
            .assets
            .modules
            .iter()
            .map(|m| (m.clone(), enabled.contains(m)))
            .collect(),
        step: l.verification,
        guests: licences::guest_count(app, l.id).await?,
        can_manage: allows(Some(who.role), Permission::LicencesManage),
        can_delete: allows(Some(who.role), Permission::LicencesDelete),
        can_router: allows(Some(who.role), Permission::RoutersControl),
        can_verify: allows(Some(who.role), Permission::VerificationManage),
        portal: app.config.assets.portal().is_some(),
        history: lifecycle::history(app, who, l.id).await?,
        status_options,
        status_form: status_form.unwrap_or_else(FormState::empty),
        status_action: format!("/crm/licences/{id}/status"),
        l,
        site,
        customer,
        linked,
        radars,
        key_once,
        split_once,
        router_form,
    })
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    Ok(
        licence_page(&app, &ctx, path_id(&id)?, None, None, q.ok.as_deref(), None)
            .await?
            .into_response(),
    )
}

/// Staff suspend, resume or cancel a licence; a refused form comes back with its errors and
/// values.
pub async fn change_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    match super::asset_status::apply(&app, &ctx, id, &form).await? {
        None => Ok(back(id, "asset-status-changed")),
        Some(again) => {
            let page = licence_page(&app, &ctx, id, None, None, None, Some(again)).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

fn back(id: i64, ok: &str) -> Response {
    Redirect::to(&format!("/crm/licences/{id}?ok={ok}")).into_response()
}

pub async fn set_modules(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    licences::set_modules(&app, &ctx.actor()?, ctx.user()?, id, &modules_of(&form)).await?;
    Ok(back(id, "modules-saved"))
}

pub async fn link(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let radar = form.typed::<LinkForm>()?.radar()?;
    licences::link(&app, &ctx.actor()?, ctx.user()?, id, radar).await?;
    Ok(back(id, "licences-linked"))
}

pub async fn split(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let s = licences::split(&app, &ctx.actor()?, ctx.user()?, id).await?;
    let page = licence_page(&app, &ctx, id, None, Some(s), Some("licences-split"), None).await?;
    Ok(no_store(page.into_response()))
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_licence_delete.html")]
pub struct DeletePage {
    c: Chrome,
    l: Asset,
    site: Option<Site>,
    guests: u64,
    emailed_to: Option<String>,
    problem: Option<String>,
}

async fn delete_page(app: &App, ctx: &Ctx, id: i64, emailed_to: Option<String>) -> WebResult<DeletePage> {
    let who = ctx.user()?;
    let l = licences::get_visible(app, who, id).await?;
    let site = licences::of_customer(app, l.customer_id)
        .await?
        .into_iter()
        .find(|(a, _)| a.id == l.id)
        .and_then(|(_, s)| s);
    Ok(DeletePage {
        c: Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone),
        guests: licences::guest_count(app, l.id).await?,
        l,
        site,
        emailed_to,
        problem: None,
    })
}

pub async fn delete_form(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    Ok(delete_page(&app, &ctx, path_id(&id)?, None).await?.into_response())
}

/// E-mails every guest of the licence to the customer before it is deleted.
pub async fn email_export(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let to = kabinet_app::assets::guests::email_full_export(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(delete_page(&app, &ctx, id, Some(to)).await?.into_response())
}

pub async fn delete(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    // The form repeats the licence's key id: a deliberate act, not a stray click.
    let l = licences::get_visible(&app, ctx.user()?, id).await?;
    if form.typed::<DeleteForm>()?.confirm.trim() != l.key_id {
        let mut page = delete_page(&app, &ctx, id, None).await?;
        page.problem = Some(ctx.0.lang.t("err-licence-confirm-key"));
        return Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    licences::delete(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(Redirect::to(&super::customers::CardTab::Services.href(l.customer_id, "licence-deleted")).into_response())
}

pub async fn set_router(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let settings = match form.typed::<RouterForm>()?.checked() {
        Ok(settings) => settings,
        Err(e) => return router_again(&app, &ctx, id, &form, e).await,
    };
    match router::set_router(&app, &ctx.actor()?, ctx.user()?, id, settings).await {
        Ok(_) => Ok(back(id, "router-saved")),
        Err(e) => router_again(&app, &ctx, id, &form, e).await,
    }
}

/// The licence page with the router form shown again and its problems (422).
async fn router_again(app: &App, ctx: &Ctx, id: i64, form: &FormData, e: AppError) -> WebResult<Response> {
    let f = FormState::from_data(form).with_errors(ctx.0.lang, &field_errors(e)?);
    let mut page = licence_page(app, ctx, id, None, None, None, None).await?;
    page.router_form = f;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

pub async fn reboot(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    router::reboot(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(back(id, "router-rebooting"))
}

/// `POST /crm/licences/{id}/firmware`: the archive, with a new licence key in it.
pub async fn firmware(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let (name, bytes) = router::firmware(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?).await?;
    let len = bytes.len();
    let mut res = Body::from(bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Opens the point's identification or authorisation page on the portal; every opening is
/// audited (the pages show guests' data).
pub async fn open_portal(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, which)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let page: licences::PortalPage = which.parse().map_err(|_| AppError::NotFound)?;
    let url = licences::open_portal(&app, &ctx.actor()?, ctx.user()?, id, page).await?;
    Ok(Redirect::to(&url).into_response())
}

pub async fn verify(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    verification::staff_verify(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(back(id, "inn-verified"))
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_verification.html")]
pub struct QueuePage {
    c: Chrome,
    items: Vec<verification::Waiting>,
}

/// The queue "INN verification".
pub async fn queue(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let items = verification::queue_with_parties(&app, ctx.user()?, 200).await?;
    Ok(QueuePage {
        c: Chrome::new(&ctx.0, "/crm/verification", &app.config.display_time_zone),
        items,
    }
    .into_response())
}
