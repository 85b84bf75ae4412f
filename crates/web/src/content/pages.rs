//! The contacts page, the rules of service in effect (and each earlier version), and the back
//! office's list of versions with the form of the next one.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::content::contacts::{self, Contacts};
use kabinet_app::content::rules::{self, NewVersion, RulesVersion};
use kabinet_app::{App, AppError};
use kabinet_core::access::Permission;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "contacts.html")]
pub struct ContactsPage {
    c: Chrome,
    contacts: Contacts,
}

pub async fn contacts(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(ContactsPage {
        c: Chrome::new(&ctx.0, "/contacts", &app.config.display_time_zone),
        contacts: contacts::get(&app),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "rules.html")]
pub struct RulesPage {
    c: Chrome,
    /// The version shown (the one in effect, or the one asked for).
    shown: Option<RulesVersion>,
    /// Its text as safe HTML.
    html: String,
    versions: Vec<RulesVersion>,
    /// The version in effect today, to mark it in the list.
    current: Option<i32>,
}

async fn rules_page(app: &App, ctx: &Ctx, version: Option<i32>) -> WebResult<RulesPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/rules", &app.config.display_time_zone);
    let today = kabinet_app::billing::run::today_for(None, &c.time_zone);
    let current = rules::current(app, who, today).await?;
    let shown = match version {
        Some(v) => Some(rules::version(app, who, v, today).await?),
        None => current.clone(),
    };
    let html = shown
        .as_ref()
        .map(|v| crate::support::markdown::to_html(&v.body))
        .unwrap_or_default();
    Ok(RulesPage {
        versions: rules::versions(app, who, today).await?,
        current: current.map(|v| v.version),
        shown,
        html,
        c,
    })
}

impl RulesPage {
    fn is_current(&self, version: &i32) -> bool {
        self.current == Some(*version)
    }
}

impl CrmRulesPage {
    fn is_current(&self, version: &i32) -> bool {
        self.current == Some(*version)
    }
}

pub async fn rules(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(rules_page(&app, &ctx, None).await?.into_response())
}

pub async fn rules_version(State(app): State<App>, ctx: Ctx, Path(version): Path<String>) -> WebResult<Response> {
    let v: i32 = version.parse().map_err(|_| AppError::NotFound)?;
    Ok(rules_page(&app, &ctx, Some(v)).await?.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_rules.html")]
pub struct CrmRulesPage {
    c: Chrome,
    versions: Vec<RulesVersion>,
    f: FormState,
    can_publish: bool,
    /// The version in effect today.
    current: Option<i32>,
}

async fn crm_page(app: &App, ctx: &Ctx, f: FormState, flash: Option<&str>) -> WebResult<CrmRulesPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/rules", &app.config.display_time_zone).with_flash(flash);
    let today = kabinet_app::billing::run::today_for(None, &c.time_zone);
    Ok(CrmRulesPage {
        can_publish: c.may(Permission::ContentManage),
        current: rules::current(app, who, today).await?.map(|v| v.version),
        versions: rules::versions(app, who, today).await?,
        f,
        c,
    })
}

/// `GET /crm/rules`: the versions, newest first; the form starts from the latest text.
pub async fn crm_rules(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let mut page = crm_page(&app, &ctx, FormState::empty(), q.ok.as_deref()).await?;
    let today = kabinet_app::billing::run::today_for(None, &page.c.time_zone);
    let mut f = FormState::empty().with_value("effective_on", today.to_string());
    if let Some(latest) = page.versions.first() {
        f = f
            .with_value("title", latest.title.clone())
            .with_value("body", latest.body.clone());
    }
    page.f = f;
    Ok(page.into_response())
}

/// `POST /crm/rules`: publishes the next version; problems at their fields, the text kept.
pub async fn publish(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: NewVersion = form.typed()?;
    let zone = Chrome::new(&ctx.0, "/crm/rules", &app.config.display_time_zone).time_zone;
    let today = kabinet_app::billing::run::today_for(None, &zone);
    match rules::publish(&app, &ctx.actor()?, ctx.user()?, &typed, today).await {
        Ok(_) => Ok(Redirect::to("/crm/rules?ok=rules-published").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = crm_page(&app, &ctx, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}
