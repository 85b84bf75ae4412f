//! Staff user management (admins): list, create, disable, change role, reset password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::users;
use kabinet_app::access::views::User;
use kabinet_app::crm::views::Partner;
use kabinet_app::{App, customers};
use kabinet_core::access::StaffRole;
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::OkQuery;
use crate::http::{no_store, path_id};
use crate::pages::{Chrome, SortLinks};
use crate::user_form::UserForm;
use kabinet_app::listing::Sort;

#[derive(Template, WebTemplate)]
#[template(path = "crm_staff.html")]
pub struct StaffListPage {
    c: Chrome,
    users: Vec<User>,
    f: FormState,
    roles: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    q: String,
    role_filter: String,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<crate::paging::PageNumber>,
    sort: Option<String>,
    dir: Option<String>,
}

fn role_options(c: &Chrome) -> Vec<(String, String)> {
    StaffRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), c.t(&format!("role-{}", r.as_str()))))
        .collect()
}

fn partner_options(c: &Chrome, partners: &[Partner]) -> Vec<(String, String)> {
    std::iter::once((String::new(), c.t("none")))
        .chain(partners.iter().map(|p| (p.id.to_string(), p.name.clone())))
        .collect()
}

async fn list_page(app: &App, ctx: &Ctx, q: &ListQuery, f: FormState) -> WebResult<StaffListPage> {
    let c = Chrome::new(&ctx.0, "/crm/staff", &app.config.display_time_zone);
    let page = crate::paging::PageNumber::or_first(q.page);
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &users::STAFF_SORTS);
    let found = users::list_staff(app, q.role.as_deref(), q.q.as_deref(), &sort, page, 50).await?;
    let partners = customers::partners(app).await?;
    let pages = found.pages();
    let q_s = q.q.clone().unwrap_or_default();
    let role_s = q.role.clone().unwrap_or_default();
    let base = format!(
        "/crm/staff?q={}&role={}&",
        form_urlencoded::byte_serialize(q_s.as_bytes()).collect::<String>(),
        form_urlencoded::byte_serialize(role_s.as_bytes()).collect::<String>()
    );
    let s = SortLinks::new(&base, &sort);
    let base = format!("{base}{}", s.query());
    Ok(StaffListPage {
        s,
        roles: role_options(&c),
        partners: partner_options(&c, &partners),
        c,
        users: found.items,
        f,
        q: q_s,
        role_filter: role_s,
        page: found.page,
        pages,
        base,
    })
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let f = FormState::empty().with_value("role", "support");
    Ok(list_page(&app, &ctx, &q, f).await?.into_response())
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let result = match form.typed::<UserForm>()?.checked() {
        Ok(new) => users::create_staff(&app, &ctx.actor()?, new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let user = format!("/crm/staff/{}?ok=user-created", created.user.id);
            let secret = created.generated_password.as_deref();
            crate::handover::redirect(&app, &ctx, &user, &created.user.login, secret).await
        }
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                list_page(&app, &ctx, &ListQuery::default(), f).await?,
            ))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_staff_user.html")]
pub struct StaffUserPage {
    c: Chrome,
    u: User,
    f: FormState,
    roles: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    generated: Option<String>,
}

async fn user_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    f: Option<FormState>,
    generated: Option<String>,
    flash: Option<&str>,
) -> WebResult<StaffUserPage> {
    let who = ctx.user()?;
    let u = users::get_manageable(app, who, id).await.map_err(|e| match e {
        kabinet_app::AppError::Refused(_) => kabinet_app::AppError::NotFound,
        other => other,
    })?;
    if u.customer_id.is_some() {
        return Err(kabinet_app::AppError::NotFound.into());
    }
    let c = Chrome::new(&ctx.0, "/crm/staff", &app.config.display_time_zone).with_flash(flash);
    let partners = customers::partners(app).await?;
    let f = f.unwrap_or_else(|| {
        FormState::empty()
            .with_value("role", u.staff_role.map(|r| r.to_string()).unwrap_or_default())
            .with_value("partner_id", u.partner_id.map(|p| p.to_string()).unwrap_or_default())
    });
    Ok(StaffUserPage {
        roles: role_options(&c),
        partners: partner_options(&c, &partners),
        c,
        u,
        f,
        generated,
    })
}

pub async fn detail(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let generated = crate::handover::shown_once(&app, &ctx, q.handover.as_deref()).await?;
    let secret = generated.is_some();
    let page = user_page(
        &app,
        &ctx,
        path_id(&id)?,
        None,
        generated.map(|(_, p)| p),
        q.ok.as_deref(),
    )
    .await?
    .into_response();
    Ok(if secret { no_store(page) } else { page })
}

pub async fn reset_password(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let target = users::get_manageable(&app, ctx.user()?, id).await?;
    let password = users::reset_password(&app, ctx.user()?, &ctx.actor()?, id).await?;
    let to = format!("/crm/staff/{id}?ok=password-reset");
    crate::handover::redirect(&app, &ctx, &to, &target.login, Some(&password)).await
}

pub async fn toggle_active(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let target = users::get_manageable(&app, who, id).await?;
    let activate = target.status != kabinet_core::access::UserStatus::Active;
    users::set_active(&app, who, &ctx.actor()?, id, activate).await?;
    Ok(Redirect::to(&format!(
        "/crm/staff/{id}?ok={}",
        if activate { "user-enabled" } else { "user-disabled" }
    ))
    .into_response())
}

pub async fn change_role(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let result = match form.typed::<UserForm>()?.role_change() {
        Ok((role, partner_id)) => {
            users::change_staff_role(&app, ctx.user()?, &ctx.actor()?, id, &role, partner_id).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/crm/staff/{id}?ok=role-changed")).into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                user_page(&app, &ctx, id, Some(f), None, None).await?,
            ))
        }
    }
}
