//! The counterparties register in the back office (CRM-2): the list with search and sorting,
//! the form that registers one — filled from the company registry by INN when asked — and the
//! card where its details are changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::crm::counterparties::{self, KINDS, SORTS};
use kabinet_app::crm::views::Counterparty;
use kabinet_app::listing::Sort;
use kabinet_app::{App, AppError};
use kabinet_core::access::{Permission, allows};
use serde::Deserialize;

use super::crm_forms::CounterpartyForm;
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use crate::http::path_id;
use crate::pages::{Chrome, SortLinks};

#[derive(Template, WebTemplate)]
#[template(path = "crm_counterparties.html")]
pub struct ListPage {
    c: Chrome,
    items: Vec<Counterparty>,
    q: String,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    can_manage: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<crate::paging::PageNumber>,
    sort: Option<String>,
    dir: Option<String>,
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let page = crate::paging::PageNumber::or_first(q.page);
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &SORTS);
    let found = counterparties::list(&app, who, q.q.as_deref(), &sort, page, 50).await?;
    let q_s = q.q.unwrap_or_default();
    let base = format!(
        "/crm/counterparties?q={}&",
        form_urlencoded::byte_serialize(q_s.as_bytes()).collect::<String>()
    );
    let s = SortLinks::new(&base, &sort);
    Ok(ListPage {
        c: Chrome::new(&ctx.0, "/crm/counterparties", &app.config.display_time_zone),
        pages: found.pages(),
        total: found.total,
        page: found.page,
        items: found.items,
        base: format!("{base}{}", s.query()),
        s,
        q: q_s,
        can_manage: allows(Some(who.role), Permission::CounterpartiesManage),
    }
    .into_response())
}

/// The form of one counterparty: empty, typed, filled from the registry, or an existing one.
#[derive(Template, WebTemplate)]
#[template(path = "crm_counterparty.html")]
pub struct FormPage {
    c: Chrome,
    /// None: a new one.
    existing: Option<Counterparty>,
    f: FormState,
    kinds: Vec<(String, String)>,
    can_manage: bool,
    registry: bool,
}

fn form_of(c: &Counterparty) -> FormState {
    [
        ("kind", c.kind.to_string()),
        ("inn", c.inn.clone()),
        ("kpp", c.kpp.clone()),
        ("ogrn", c.ogrn.clone().unwrap_or_default()),
        ("full_name", c.full_name.clone()),
        ("short_name", c.short_name.clone()),
        ("legal_address", c.legal_address.clone().unwrap_or_default()),
        ("bank_name", c.bank_name.clone().unwrap_or_default()),
        ("bik", c.bik.clone().unwrap_or_default()),
        ("bank_account", c.bank_account.clone().unwrap_or_default()),
        (
            "correspondent_account",
            c.correspondent_account.clone().unwrap_or_default(),
        ),
        ("emails", c.emails.clone()),
    ]
    .into_iter()
    .fold(FormState::empty(), |f, (k, v)| f.with_value(k, v))
}

fn page(
    app: &App,
    ctx: &Ctx,
    existing: Option<Counterparty>,
    f: FormState,
    flash: Option<&str>,
) -> WebResult<FormPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/counterparties", &app.config.display_time_zone).with_flash(flash);
    Ok(FormPage {
        kinds: KINDS.iter().map(|k| (k.to_string(), c.tk("kind-", k))).collect(),
        c,
        existing,
        f,
        can_manage: allows(Some(who.role), Permission::CounterpartiesManage),
        registry: app.registry.is_some(),
    })
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let f = FormState::empty().with_value("kind", "legal_entity");
    Ok(page(&app, &ctx, None, f, None)?.into_response())
}

/// The form shown again with what was wrong with it (422).
fn again(app: &App, ctx: &Ctx, existing: Option<Counterparty>, form: &FormData, e: AppError) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let f = match e {
        AppError::Refused(code) => FormState::from_data(form).with_general(lang.t(code.message_key())),
        e => FormState::from_data(form)
            .with_errors(lang, &field_errors(e)?)
            .with_general(lang.t("err-form-has-errors")),
    };
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(app, ctx, existing, f, None)?,
    ))
}

/// `POST /crm/counterparties`: registers the counterparty, or — when the "fetch by INN"
/// button sent the form — fills it from the company registry and shows it again.
pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: CounterpartyForm = form.typed()?;
    if let Some(inn) = typed.lookup() {
        return lookup(&app, &ctx, None, &form, inn).await;
    }
    match counterparties::create(&app, &ctx.actor()?, ctx.user()?, typed.input()).await {
        Ok(c) => Ok(Redirect::to(&format!("/crm/counterparties/{}?ok=counterparty-saved", c.id)).into_response()),
        Err(e) => again(&app, &ctx, None, &form, e),
    }
}

async fn lookup(
    app: &App,
    ctx: &Ctx,
    existing: Option<Counterparty>,
    form: &FormData,
    inn: &str,
) -> WebResult<Response> {
    match counterparties::lookup(app, inn).await {
        Ok(found) => {
            // What the registry knows replaces the typed values; bank details stay as typed.
            let mut f = FormState::from_data(form);
            for (k, v) in [
                ("kind", found.kind),
                ("inn", found.inn),
                ("kpp", found.kpp),
                ("ogrn", found.ogrn),
                ("full_name", found.full_name),
                ("short_name", found.short_name),
                ("legal_address", found.legal_address),
                ("emails", found.emails),
            ] {
                f = f.with_value(k, v);
            }
            let f = f.with_general_info(ctx.0.lang.t("registry-filled"));
            Ok(page(app, ctx, existing, f, None)?.into_response())
        }
        Err(e) => again(app, ctx, existing, form, e),
    }
}

pub async fn card(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let c = counterparties::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    let f = form_of(&c);
    Ok(page(&app, &ctx, Some(c), f, q.ok.as_deref())?.into_response())
}

pub async fn update(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let existing = counterparties::get_visible(&app, who, id).await?;
    let typed: CounterpartyForm = form.typed()?;
    if let Some(inn) = typed.lookup() {
        return lookup(&app, &ctx, Some(existing), &form, inn).await;
    }
    match counterparties::update(&app, &ctx.actor()?, who, id, typed.input()).await {
        Ok(c) => Ok(Redirect::to(&format!("/crm/counterparties/{}?ok=counterparty-saved", c.id)).into_response()),
        Err(e) => again(&app, &ctx, Some(existing), &form, e),
    }
}
