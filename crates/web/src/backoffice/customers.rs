//! Customers in the back office (the foundation part): the list, the card with the
//! customer's cabinet logins, and managing those logins.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::users::{self, NewUser};
use kabinet_app::{App, customers};
use kabinet_core::access::CustomerRole;
use kabinet_store::entities::{customer, user};
use serde::Deserialize;

use super::path_id;
use super::staff::no_store;
use crate::cabinet::account::OkQuery;
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::pages::{Chrome, SortLinks};
use kabinet_app::listing::Sort;

#[derive(Template, WebTemplate)]
#[template(path = "crm_customers.html")]
pub struct CustomersPage {
    c: Chrome,
    customers: Vec<customer::Model>,
    q: String,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<u64>,
    sort: Option<String>,
    dir: Option<String>,
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &customers::SORTS);
    let found = customers::list_visible(&app, who, q.q.as_deref(), &sort, page, 50).await?;
    let q_s = q.q.unwrap_or_default();
    let base = format!(
        "/crm/customers?q={}&",
        form_urlencoded::byte_serialize(q_s.as_bytes()).collect::<String>()
    );
    let pages = found.pages();
    let s = SortLinks::new(&base, &sort);
    let base = format!("{base}{}", s.query());
    Ok(CustomersPage {
        c: Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone),
        customers: found.items,
        q: q_s,
        total: found.total,
        page: found.page,
        pages,
        base,
        s,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_customer.html")]
pub struct CustomerCard {
    c: Chrome,
    customer: customer::Model,
    users: Vec<user::Model>,
    f: FormState,
    roles: Vec<(String, String)>,
    generated: Option<(String, String)>,
    can_manage: bool,
    can_read_history: bool,
    accounts: Vec<kabinet_store::entities::account::Model>,
    can_read_billing: bool,
    can_open_account: bool,
}

async fn card_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    f: FormState,
    generated: Option<(String, String)>,
    flash: Option<&str>,
) -> WebResult<CustomerCard> {
    let who = ctx.user()?;
    let customer = customers::get_visible(app, who, id).await?;
    let users = customers::users_of(app, id).await?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    let roles = CustomerRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), c.t(&format!("role-{}", r.as_str()))))
        .collect();
    use kabinet_core::access::{Permission, allows};
    Ok(CustomerCard {
        c,
        customer,
        users,
        f,
        roles,
        generated,
        can_manage: allows(Some(who.role), Permission::CustomerUsersManage),
        can_read_history: allows(Some(who.role), Permission::LoginHistoryRead),
        accounts: kabinet_app::billing::accounts::of_customer(app, id).await?,
        can_read_billing: allows(Some(who.role), Permission::BillingRead),
        can_open_account: allows(Some(who.role), Permission::BillingManage),
    })
}

pub async fn card(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let f = FormState::empty().with_value("role", "viewer");
    Ok(card_page(&app, &ctx, path_id(&id)?, f, None, q.ok.as_deref())
        .await?
        .into_response())
}

pub async fn create_user(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let new = NewUser {
        login: form.get("login").into(),
        display_name: form.get("display_name").into(),
        email: form.opt("email"),
        phone: form.opt("phone"),
        password: form.opt("password"),
        role: form.get("role").into(),
        language: form.opt("language"),
        partner_id: None,
        must_change_password: true,
        password_hash: None,
    };
    match users::create_for_customer(&app, ctx.user()?, &ctx.actor()?, id, new).await {
        Ok(created) => {
            let generated = created.generated_password.map(|p| (created.user.login.clone(), p));
            let f = FormState::empty().with_value("role", "viewer");
            let page = card_page(&app, &ctx, id, f, generated, Some("user-created")).await?;
            Ok(no_store(page.into_response()))
        }
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                card_page(&app, &ctx, id, f, None, None).await?,
            ))
        }
    }
}

pub async fn reset_user_password(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let target = users::get_manageable(&app, who, id).await?;
    let customer_id = target.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    let password = users::reset_password(&app, who, &ctx.actor()?, id).await?;
    let f = FormState::empty().with_value("role", "viewer");
    let page = card_page(
        &app,
        &ctx,
        customer_id,
        f,
        Some((target.login, password)),
        Some("password-reset"),
    )
    .await?;
    Ok(no_store(page.into_response()))
}

pub async fn toggle_user_active(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let target = users::get_manageable(&app, who, id).await?;
    let customer_id = target.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    let activate = target.status != "active";
    users::set_active(&app, who, &ctx.actor()?, id, activate).await?;
    Ok(Redirect::to(&format!(
        "/crm/customers/{customer_id}?ok={}",
        if activate { "user-enabled" } else { "user-disabled" }
    ))
    .into_response())
}
