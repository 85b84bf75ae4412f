//! Creating and editing customers in the back office (CRM-1): one form opens a customer with
//! its first personal account and its first cabinet login to hand over, as the source's "add
//! a client" form does; the same form edits the customer's details later. Comments (CRM-4)
//! are added on the card and deleted by administrators.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::crm::comments;
use kabinet_app::crm::opening::{self, Opening};
use kabinet_app::crm::views::Customer;
use kabinet_app::customers::{self, KINDS, STATUSES, SUPPORT_GROUPS};
use kabinet_app::i18n::Lang;
use kabinet_app::{App, AppError, FieldErrors};

use super::crm_forms::{CommentForm, CustomerForm, LicenceForm, OpeningForm};
use super::licences::{LicenceChoices, licence_choices, licence_defaults, suggested_point_name};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, field_errors, with_status};
use crate::http::path_id;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_customer_form.html")]
pub struct FormPage {
    c: Chrome,
    /// None: a new customer.
    existing: Option<Customer>,
    f: FormState,
    kinds: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    activities: Vec<(String, String)>,
    growths: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    countries: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    /// A partner's customers are its own; it picks no partner.
    choose_partner: bool,
    /// The first point and licence section (a new customer only).
    l: LicenceChoices,
}

/// The customer form names its licence fields `licence_kind`, `licence_point_name`, ….
const LICENCE_PREFIX: &str = "licence_";

fn with_blank(c: &Chrome, items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), c.t("not-chosen")))
        .chain(items)
        .collect()
}

async fn form_page(app: &App, ctx: &Ctx, existing: Option<Customer>, f: FormState) -> WebResult<FormPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone);
    let partners = if who.is_partner() {
        Vec::new()
    } else {
        with_blank(
            &c,
            customers::partners(app)
                .await?
                .into_iter()
                .map(|p| (p.id.to_string(), p.name)),
        )
    };
    let own =
        |items: &[String]| -> Vec<(String, String)> { with_blank(&c, items.iter().map(|a| (a.clone(), a.clone()))) };
    let mut l = licence_choices(app, &c, LICENCE_PREFIX, &f.values_of("licence_module")).await?;
    l.kinds.insert(0, (String::new(), c.t("licence-none")));
    Ok(FormPage {
        l,
        kinds: KINDS.iter().map(|k| (k.to_string(), c.tk("kind-", k))).collect(),
        groups: with_blank(&c, SUPPORT_GROUPS.iter().map(|g| (g.to_string(), c.tk("group-", g)))),
        activities: own(&app.config.crm.activities),
        growths: own(&app.config.crm.growth_potentials),
        partners,
        languages: Lang::ALL
            .iter()
            .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
            .collect(),
        countries: kabinet_core::tax::Country::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), c.tk("country-", k)))
            .collect(),
        statuses: STATUSES.iter().map(|s| (s.to_string(), c.tk("status-", s))).collect(),
        choose_partner: !who.is_partner(),
        existing,
        f,
        c,
    })
}

/// The form's values for an existing customer.
async fn values_of(app: &App, c: &Customer) -> WebResult<FormState> {
    let (inn, kpp) = kabinet_app::crm::counterparties::of_customer(app, c)
        .await?
        .map(|cp| (cp.inn, cp.kpp))
        .unwrap_or_default();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok([
        ("kind", c.kind.to_string()),
        ("name", c.name.clone()),
        ("contract_number", c.contract_number.clone()),
        (
            "contract_date",
            c.contract_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("contact_person", opt(&c.contact_person)),
        ("phone", opt(&c.phone)),
        ("email", opt(&c.email)),
        ("city", opt(&c.city)),
        ("address", opt(&c.address)),
        ("national_id", opt(&c.national_id)),
        ("partner_id", c.partner_id.map(|p| p.to_string()).unwrap_or_default()),
        ("support_group", opt(&c.support_group)),
        ("activity", opt(&c.activity)),
        ("growth_potential", opt(&c.growth_potential)),
        ("chain", if c.chain { "on".into() } else { String::new() }),
        ("counterparty_inn", inn),
        ("counterparty_kpp", kpp),
        ("language", c.language.clone()),
        ("time_zone", c.time_zone.clone()),
        ("country", c.country.to_string()),
        ("status", c.status.to_string()),
    ]
    .into_iter()
    .fold(FormState::empty(), |f, (k, v)| f.with_value(k, v)))
}

/// The form again with every problem next to its field (422).
async fn again(app: &App, ctx: &Ctx, existing: Option<Customer>, form: &FormData, e: AppError) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let f = FormState::from_data(form)
        .with_errors(lang, &field_errors(e)?)
        .with_general(lang.t("err-form-has-errors"));
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        form_page(app, ctx, existing, f).await?,
    ))
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let f = FormState::empty()
        .with_value("kind", "legal_entity")
        .with_value("language", "ru")
        .with_value("time_zone", app.config.display_time_zone.clone())
        .with_value("country", app.config.requisites.country.as_str())
        .with_value("currency", "RUB")
        .with_value("account_title", ctx.0.lang.t("account-default-title"));
    // No licence unless one is chosen: a new direct customer's account is empty yet.
    let f = licence_defaults(f, LICENCE_PREFIX, "").with_value("licence_kind", "");
    Ok(form_page(&app, &ctx, None, f).await?.into_response())
}

/// `POST /crm/customers`: the customer, its account and its first login, all or nothing.
pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let customer = form.typed::<CustomerForm>()?.read(&mut errors);
    let extras: OpeningForm = form.typed()?;
    let (currency, account_title) = extras.account(&mut errors);
    let licence: LicenceForm = form.group(LICENCE_PREFIX).typed()?;
    let first_licence = licence.is_chosen().then(|| {
        let modules = form.all("licence_module").map(str::to_owned).collect();
        let mut licence_errors = FieldErrors::new();
        let mut first = licence.read(0, modules, &mut licence_errors);
        for (field, code) in licence_errors.0 {
            errors.add(&format!("{LICENCE_PREFIX}{field}"), &code);
        }
        if first.point_name.trim().is_empty() {
            first.point_name = suggested_point_name(&customer.name);
        }
        if first.point_address.is_none() {
            first.point_address.clone_from(&customer.address);
        }
        // The customer's unique contract number already stops a second submit.
        first.request_token = None;
        first
    });
    // What did not parse goes along, so the use case reports it with everything else.
    let opening = Opening {
        customer,
        first_login: extras.first_login(),
        currency,
        account_title,
        first_licence,
        typed_errors: errors,
    };
    match opening::open(&app, &ctx.actor()?, ctx.user()?, opening).await {
        Ok(opened) => {
            let card = format!("/crm/customers/{}?ok=customer-created", opened.customer.id);
            let (login, secret) = opened
                .login
                .map_or((String::new(), None), |l| (l.user.login, l.generated_password));
            crate::handover::redirect(&app, &ctx, &card, &login, secret.as_deref()).await
        }
        Err(e) => again(&app, &ctx, None, &form, e).await,
    }
}

pub async fn edit_form(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let c = customers::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    let f = values_of(&app, &c).await?;
    Ok(form_page(&app, &ctx, Some(c), f).await?.into_response())
}

pub async fn update(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let existing = customers::get_visible(&app, who, path_id(&id)?).await?;
    let new = match form.typed::<CustomerForm>()?.checked() {
        Ok(new) => new,
        Err(e) => return again(&app, &ctx, Some(existing), &form, e).await,
    };
    match customers::update(&app, &ctx.actor()?, who, existing.id, new).await {
        Ok(c) => Ok(Redirect::to(&format!("/crm/customers/{}?ok=customer-saved", c.id)).into_response()),
        Err(e) => again(&app, &ctx, Some(existing), &form, e).await,
    }
}

/// `POST /crm/customers/{id}/comments`.
pub async fn add_comment(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let comment: CommentForm = form.typed()?;
    match comments::add(&app, &ctx.actor()?, ctx.user()?, id, &comment.kind, &comment.text).await {
        Ok(_) => Ok(Redirect::to(&super::customers::CardTab::Comments.href(id, "comment-added")).into_response()),
        Err(e) => {
            let lang = ctx.0.lang;
            let f = FormState::from_data(&form).with_errors(lang, &field_errors(e)?);
            let page = super::customers::card_page_with_comment(&app, &ctx, id, f).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

/// `POST /crm/comments/{id}/delete` (administrators).
pub async fn delete_comment(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let customer_id = comments::delete(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to(&super::customers::CardTab::Comments.href(customer_id, "comment-deleted")).into_response())
}
