//! Guarded property in the cabinet (AST-7): "Protected objects" with each object's services
//! and the key number form that unlocks its events, and "Events" — the log of the objects
//! unlocked, for a period chosen with "Show".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::monitoring::events::{self, EventFilter};
use kabinet_app::monitoring::objects;
use kabinet_app::monitoring::views::{ProtectedObject, SecurityEvent};
use kabinet_app::{App, AppError};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "objects.html")]
pub struct ObjectsPage {
    c: Chrome,
    objects: Vec<ProtectedObject>,
    key_form: FormState,
    /// Whether the reader may ask for SMS alerts.
    may_request: bool,
}

async fn objects_page(app: &App, ctx: &Ctx, flash: Option<&str>, key_form: FormState) -> WebResult<ObjectsPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/objects", &app.config.display_time_zone).with_flash(flash);
    Ok(ObjectsPage {
        may_request: c.may(kabinet_core::access::Permission::CabinetRequests),
        c,
        objects: objects::own(app, who).await?,
        key_form,
    })
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    Ok(objects_page(&app, &ctx, q.ok.as_deref(), FormState::empty())
        .await?
        .into_response())
}

/// The key number as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct KeyForm {
    key_number: String,
}

pub async fn enter_key(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: KeyForm = form.typed()?;
    match objects::enter_key(&app, &ctx.actor()?, ctx.user()?, &typed.key_number).await {
        Ok(_) => Ok(Redirect::to("/objects/events?ok=object-key-entered").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = objects_page(&app, &ctx, None, f).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "object_events.html")]
pub struct EventsPage {
    pub c: Chrome,
    pub events: Vec<SecurityEvent>,
    /// The objects one may choose from (id, name); empty on an object's own page.
    pub objects: Vec<(i64, String)>,
    pub chosen: Option<i64>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The period's fields, with what is wrong with them.
    pub dates: FormState,
    pub base: String,
    /// No object's key number was typed yet: the page says how to see events.
    pub locked: bool,
    /// The object whose page this is (the back office's), shown above its log.
    pub subject: Option<ProtectedObject>,
}

/// The query of the event log: the period and the object.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EventsQuery {
    pub ok: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub object: Option<String>,
    pub page: Option<crate::paging::PageNumber>,
}

/// The event log of `object` (staff) or of the reader's own unlocked objects, at `path`;
/// `readable` are the objects the handler read for the reader already.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn events_page(
    app: &App,
    ctx: &Ctx,
    q: &EventsQuery,
    path: &str,
    readable: &[kabinet_app::monitoring::views::ProtectedObject],
    object: Option<i64>,
    choices: Vec<(i64, String)>,
    locked: bool,
) -> WebResult<EventsPage> {
    let c = Chrome::new(&ctx.0, path, &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let mut days = crate::day_range::DayRange::read(q.from.as_deref(), q.to.as_deref());
    let today = kabinet_app::billing::run::today_for(None, &c.time_zone);
    let (default_from, default_to) = events::default_period(today);
    let from = days.from.unwrap_or(default_from);
    let to = days.to.unwrap_or(default_to);
    if days.is_valid() && to < from {
        days.errors.add("to", "date-range-reversed");
    }
    let page = crate::paging::PageNumber::or_first(q.page);
    let filter = EventFilter {
        object_id: object,
        from,
        to,
    };
    let found = if days.is_valid() {
        match events::log_among(app, ctx.user()?, readable, &filter, &c.time_zone, page, 50).await {
            Ok(p) => p,
            Err(AppError::Validation(e)) => {
                for (field, key) in e.0 {
                    days.errors.add(&field, &key);
                }
                kabinet_app::listing::Page::empty(page, 50)
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        kabinet_app::listing::Page::empty(page, 50)
    };
    let pages = found.pages();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let (from_s, to_s) = (
        q.from.clone().unwrap_or_else(|| from.to_string()),
        q.to.clone().unwrap_or_else(|| to.to_string()),
    );
    let object_s = object.map(|o| o.to_string()).unwrap_or_default();
    let base = format!(
        "{path}?from={}&to={}&object={}&",
        enc(&from_s),
        enc(&to_s),
        enc(&object_s)
    );
    let dates = FormState::empty()
        .with_value("from", from_s)
        .with_value("to", to_s)
        .with_errors(ctx.0.lang, &days.errors);
    Ok(EventsPage {
        c,
        events: found.items,
        objects: choices,
        chosen: object,
        total: found.total,
        page: found.page,
        pages,
        dates,
        base,
        locked,
        subject: None,
    })
}

pub async fn events(State(app): State<App>, ctx: Ctx, Query(q): Query<EventsQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let mine = objects::own(&app, who).await?;
    let unlocked: Vec<(i64, String)> = mine
        .iter()
        .filter(|o| o.key_entered_at.is_some())
        .map(|o| (o.id, o.name.clone()))
        .collect();
    // An object not among one's own unlocked ones is simply not chosen.
    let object = q
        .object
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| unlocked.iter().any(|(o, _)| o == id));
    let locked = unlocked.is_empty();
    Ok(
        events_page(&app, &ctx, &q, "/objects/events", &mine, object, unlocked, locked)
            .await?
            .into_response(),
    )
}
