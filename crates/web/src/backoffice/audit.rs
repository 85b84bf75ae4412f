//! The audit log page (admins) and any user's login history (staff with the permission).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::access::users;
use kabinet_app::audit::views::AuditRecord;
use kabinet_app::audit::{self, AuditFilter, wording};
use serde::Deserialize;
use std::collections::HashMap;

use crate::cabinet::account::history_page;
use crate::day_range::DayRange;
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::form::FormState;
use crate::http::OkQuery;
use crate::http::path_id;
use crate::pages::Chrome;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<crate::paging::PageNumber>,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_audit.html")]
pub struct AuditPage {
    c: Chrome,
    records: Vec<AuditRow>,
    q: AuditQueryEcho,
    /// The period's fields, with what is wrong with them.
    dates: FormState,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
}

/// One record as people read it: the action in words, the object by its name with a link to
/// its page; the record itself stays for the "whole record" view.
pub struct AuditRow {
    r: AuditRecord,
    action: String,
    object: String,
    link: Option<String>,
}

fn rows(
    lang: kabinet_app::i18n::Lang,
    records: Vec<AuditRecord>,
    names: &HashMap<(String, String), String>,
) -> Vec<AuditRow> {
    records
        .into_iter()
        .map(|r| {
            let action = wording::action_key(&r.action).map_or_else(|| r.action.clone(), |k| lang.t(&k));
            let kind = wording::object_key(&r.object_type).map_or_else(|| r.object_type.clone(), |k| lang.t(&k));
            let (object, link) = match r.object_id.as_deref() {
                Some(id) => {
                    let named = names.get(&(r.object_type.clone(), id.to_owned()));
                    let object = match named {
                        Some(name) => format!("{kind}: {name}"),
                        None => format!("{kind} #{id}"),
                    };
                    (object, wording::object_path(&r.object_type, id))
                }
                None => (kind, None),
            };
            AuditRow {
                r,
                action,
                object,
                link,
            }
        })
        .collect()
}

/// The filter values shown back in the form.
pub struct AuditQueryEcho {
    action: String,
    actor: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| kabinet_core::text::truncate(s, 100))
}

pub async fn log(State(app): State<App>, ctx: Ctx, Query(q): Query<AuditQuery>) -> WebResult<Response> {
    let days = DayRange::read(q.from.as_deref(), q.to.as_deref());
    let (from, to) = days.instants(&app.config.display_time_zone);
    let filter = AuditFilter {
        action: clean(&q.action),
        actor: clean(&q.actor),
        object_type: clean(&q.object_type),
        object_id: clean(&q.object_id),
        from,
        to,
    };
    let page = crate::paging::PageNumber::or_first(q.page);
    // A day that does not exist is said next to its field, and nothing is listed for it.
    let found = if days.is_valid() {
        audit::search(&app, &filter, page, 50).await?
    } else {
        kabinet_app::listing::Page::empty(page, 50)
    };
    let echo = AuditQueryEcho {
        action: filter.action.clone().unwrap_or_default(),
        actor: filter.actor.clone().unwrap_or_default(),
        object_type: filter.object_type.clone().unwrap_or_default(),
        object_id: filter.object_id.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
    };
    let dates = FormState::empty()
        .with_value("from", echo.from.clone())
        .with_value("to", echo.to.clone())
        .with_errors(ctx.0.lang, &days.errors);
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let base = format!(
        "/crm/audit?action={}&actor={}&object_type={}&object_id={}&from={}&to={}&",
        enc(&echo.action),
        enc(&echo.actor),
        enc(&echo.object_type),
        enc(&echo.object_id),
        enc(&echo.from),
        enc(&echo.to)
    );
    let pages = found.pages();
    let names = wording::object_names(&app, &found.items).await?;
    Ok(AuditPage {
        c: Chrome::new(&ctx.0, "/crm/audit", &app.config.display_time_zone),
        records: rows(ctx.0.lang, found.items, &names),
        q: echo,
        dates,
        total: found.total,
        page: found.page,
        pages,
        base,
    }
    .into_response())
}

pub async fn user_login_history(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let subject = users::get(&app, id).await?;
    let path = format!("/crm/users/{id}/login-history");
    history_page(&app, &ctx, id, Some(subject), &q, &path).await
}
