//! The customer's tickets (`/tickets`): the list with filters, sorting and paging, the form to
//! open one (or why it cannot be opened), one ticket with its correspondence, replying,
//! closing and re-opening, and the files.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::Identity;
use kabinet_app::listing::Sort;
use kabinet_app::support::conversation::{self, CaseEffort, NewMessage};
use kabinet_app::support::tickets::{self, CUSTOMER_SORTS, NewTicket, TicketFilter};
use kabinet_app::{App, AppError, customers};
use kabinet_core::access::{Permission, allows};
use kabinet_core::support::{Priority, RequestClass, TOPICS, TicketStatus, may_reopen};
use kabinet_store::entities::{customer, ticket, ticket_attachment};

use super::{ClockView, MessageView, badge_of, clocks_of, conversation as shown, send_attachment, viewer_time_zone};
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, UploadForm};
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery, SortLinks};

const PER_PAGE: u64 = 20;

/// A list's filter, sort and page as they came in the query string.
pub(super) struct ListParams {
    pub filter: TicketFilter,
    pub sort: Sort,
    pub page: u64,
    pub form: FormState,
    /// The query without `page`, `sort` and `dir`, to build links from.
    pub query: String,
}

pub(super) fn parse_list(raw: &str, sorts: &[&'static str], default_dir: &str) -> ListParams {
    let q = ListQuery::parse(raw);
    ListParams {
        filter: TicketFilter {
            status: q.get("status").and_then(|s| s.parse().ok()),
            priority: q.get("priority").and_then(|s| s.parse().ok()),
            class: q.get("class").and_then(|s| s.parse().ok()),
            search: q.get("q").map(|q| q.chars().take(100).collect()),
        },
        sort: q.sort(sorts, Some(default_dir)),
        page: q.page(100_000),
        form: q.form(&["status", "priority", "class", "q", "queue"]),
        query: q.without_paging(),
    }
}

/// (value, label) options of a closed list, "all" first.
pub(super) fn options<T: Copy>(
    c: &Chrome,
    all: &[T],
    prefix: &str,
    name: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), c.t("all")))
        .chain(all.iter().map(|v| (name(*v).to_owned(), c.tk(prefix, name(*v)))))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets.html")]
pub struct ListPage {
    c: Chrome,
    rows: Vec<(ticket::Model, &'static str)>,
    can_open: bool,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    filter: FormState,
    status_options: Vec<(String, String)>,
    priority_options: Vec<(String, String)>,
}

async fn own_customer(app: &App, who: &Identity) -> WebResult<customer::Model> {
    Ok(customers::get_visible(app, who, who.customer_id.ok_or(AppError::Forbidden)?).await?)
}

fn chrome(app: &App, ctx: &Ctx, customer: &customer::Model) -> Chrome {
    Chrome::new(&ctx.0, "/tickets", &viewer_time_zone(app, Some(&customer.time_zone)))
}

/// `GET /tickets`.
pub async fn list(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = own_customer(&app, who).await?;
    let p = parse_list(raw.as_deref().unwrap_or(""), &CUSTOMER_SORTS, "desc");
    let found = tickets::of_customer(&app, who, customer.id, &p.filter, &p.sort, p.page, PER_PAGE).await?;
    let c = chrome(&app, &ctx, &customer).with_flash(ok_of(raw.as_deref()).as_deref());
    let now = kabinet_app::time::now();
    let base = format!("/tickets?{}{}", p.query, if p.query.is_empty() { "" } else { "&" });
    let s = SortLinks::new(&base, &p.sort);
    Ok(ListPage {
        rows: found.items.iter().map(|t| (t.clone(), badge_of(&c, t, now))).collect(),
        can_open: allows(Some(who.role), Permission::CabinetTickets),
        total: found.total,
        page: p.page,
        pages: found.pages(),
        base: format!("{base}{}", s.query()),
        s,
        filter: p.form,
        status_options: options(&c, TicketStatus::ALL, "ticket-status-", TicketStatus::as_str),
        priority_options: options(&c, Priority::ALL, "priority-", Priority::as_str),
        c,
    }
    .into_response())
}

fn ok_of(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "ok")
        .map(|(_, v)| v.into_owned())
}

/// A topic for the form, grouped by the class it suggests.
pub struct TopicChoice {
    pub code: &'static str,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ticket_new.html")]
pub struct NewPage {
    c: Chrome,
    f: FormState,
    /// Why no ticket can be opened now (a message), if so.
    refused: Option<String>,
    typical: Vec<TopicChoice>,
    non_standard: Vec<TopicChoice>,
    priority_options: Vec<(String, String)>,
    channel_options: Vec<(String, String)>,
    asset_options: Vec<(String, String)>,
    max_mb: usize,
    customer_name: String,
    action: String,
    back: String,
}

/// Where a new-ticket form is shown: the customer, the frame, where the form posts to and
/// where "cancel" goes.
pub(super) struct NewTicketPlace {
    pub customer: customer::Model,
    pub c: Chrome,
    pub action: String,
    pub back: String,
}

pub(super) async fn new_page(app: &App, ctx: &Ctx, place: NewTicketPlace, f: Option<FormState>) -> WebResult<NewPage> {
    let who = ctx.user()?;
    let NewTicketPlace {
        customer,
        c,
        action,
        back,
    } = place;
    let refused = match tickets::eligibility(app, &customer).await {
        Ok(()) => None,
        Err(e @ (AppError::Refused(_) | AppError::OverDebtCap { .. })) => {
            Some(crate::error::message(ctx.0.lang, &WebError::App(e).info()))
        }
        Err(e) => return Err(e.into()),
    };
    // The reader's own phone for SMS notices; staff writing for a customer, the customer's.
    let phone = if who.is_staff() {
        customer.phone.clone()
    } else {
        kabinet_app::access::users::get(app, who.user_id).await?.phone
    };
    let f = f.unwrap_or_else(|| {
        FormState::empty()
            .with_value("priority", "medium")
            .with_value("notify_channel", "email")
            .with_value("notify_phone", phone.unwrap_or_default())
    });
    let topics = |class: RequestClass| {
        TOPICS
            .iter()
            .filter(|t| t.class == class)
            .map(|t| TopicChoice {
                code: t.code,
                label: c.tk("topic-", t.code),
            })
            .collect()
    };
    let assets = kabinet_app::assets::licences::of_customer(app, customer.id).await?;
    // A line manager writes about the assets in its care.
    let assets = kabinet_app::assets::assignments::narrow(app, who, assets, |(a, _)| a.id).await?;
    Ok(NewPage {
        refused,
        typical: topics(RequestClass::Typical),
        non_standard: topics(RequestClass::NonStandard),
        priority_options: Priority::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), c.tk("priority-", p.as_str())))
            .collect(),
        channel_options: vec![("email".into(), c.t("notify-email")), ("sms".into(), c.t("notify-sms"))],
        asset_options: std::iter::once((String::new(), c.t("ticket-no-asset")))
            .chain(assets.iter().map(|(a, site)| {
                let place = site.as_ref().map(|s| s.name.clone()).unwrap_or_default();
                (
                    a.id.to_string(),
                    format!("{} {} {place}", c.tk("asset-", &a.kind), a.key_id),
                )
            }))
            .collect(),
        max_mb: app.config.support.attachment_max_bytes / (1024 * 1024),
        customer_name: customer.name,
        action,
        back,
        f,
        c,
    })
}

async fn cabinet_place(app: &App, ctx: &Ctx) -> WebResult<NewTicketPlace> {
    let customer = own_customer(app, ctx.user()?).await?;
    Ok(NewTicketPlace {
        c: chrome(app, ctx, &customer),
        customer,
        action: "/tickets".into(),
        back: "/tickets".into(),
    })
}

/// `GET /tickets/new`.
pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let place = cabinet_place(&app, &ctx).await?;
    Ok(new_page(&app, &ctx, place, None).await?.into_response())
}

/// Opens the ticket typed into a new-ticket form: to the ticket's page (`{ticket_prefix}/{id}`),
/// or the form again with what was wrong.
pub(super) async fn submit_new(
    app: &App,
    ctx: &Ctx,
    place: NewTicketPlace,
    ticket_prefix: &str,
    form: UploadForm,
) -> WebResult<Response> {
    let data = FormData(form.fields.0.clone());
    let had_files = !form.files.is_empty();
    match tickets::open(app, &ctx.actor()?, ctx.user()?, place.customer.id, new_ticket(form)).await {
        Ok(t) => Ok(Redirect::to(&format!("{ticket_prefix}/{}?ok=ticket-opened", t.id)).into_response()),
        Err(e) => {
            let f = again(ctx, &data, e, had_files)?;
            let p = new_page(app, ctx, place, Some(f)).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
    }
}

pub(super) fn new_ticket(form: UploadForm) -> NewTicket {
    let f = &form.fields;
    NewTicket {
        topic: f.get("topic").to_owned(),
        title: f.get("title").to_owned(),
        description: f.get("description").to_owned(),
        priority: f.get("priority").to_owned(),
        asset_id: f.opt("asset_id").and_then(|v| v.parse().ok()),
        notify_channel: f.get("notify_channel").to_owned(),
        notify_phone: f.get("notify_phone").to_owned(),
        attachments: form.files,
    }
}

/// The form shown again with what went wrong. Files chosen must be chosen again (a browser
/// does not keep them in a form shown anew), and the message says so.
pub(super) fn again(ctx: &Ctx, data: &FormData, e: AppError, had_files: bool) -> WebResult<FormState> {
    let lang = ctx.0.lang;
    let mut f = match e {
        AppError::Validation(errors) => FormState::from_data(data)
            .with_errors(lang, &errors)
            .with_general(lang.t("err-form-has-errors")),
        AppError::Refused(code) | AppError::Conflict(code) => {
            FormState::from_data(data).with_general(lang.t(code.message_key()))
        }
        other => return Err(WebError::App(other)),
    };
    if had_files {
        f = f.with_general_info(lang.t("ticket-attach-again"));
    }
    Ok(f)
}

/// `POST /tickets`.
pub async fn create(State(app): State<App>, ctx: Ctx, form: UploadForm) -> WebResult<Response> {
    let place = cabinet_place(&app, &ctx).await?;
    submit_new(&app, &ctx, place, "/tickets", form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "ticket.html")]
pub struct TicketPage {
    pub c: Chrome,
    pub t: ticket::Model,
    pub reaction: ClockView,
    pub resolution: ClockView,
    pub messages: Vec<MessageView>,
    pub files: Vec<ticket_attachment::Model>,
    pub description_html: String,
    /// `/tickets/{id}` or `/crm/tickets/{id}`.
    pub base: String,
    pub can_write: bool,
    pub can_reopen: bool,
    pub f: FormState,
    pub staff: Option<super::backoffice::StaffPanel>,
}

pub(super) async fn ticket_page(
    app: &App,
    ctx: &Ctx,
    c: Chrome,
    t: ticket::Model,
    f: Option<FormState>,
    staff: Option<super::backoffice::StaffPanel>,
) -> WebResult<TicketPage> {
    let who = ctx.user()?;
    let now = kabinet_app::time::now();
    let (reaction, resolution) = clocks_of(&c, &t, now);
    let (messages, files) = shown(
        tickets::messages(app, who, &t).await?,
        tickets::attachments(app, who, &t).await?,
    );
    let closed = t.status == TicketStatus::Closed;
    let permission = if who.is_staff() {
        Permission::TicketsWork
    } else {
        Permission::CabinetTickets
    };
    let can_write = allows(Some(who.role), permission);
    let can_reopen = closed
        && can_write
        && (who.is_staff()
            || t.closed_at.is_none_or(|at| {
                may_reopen(
                    kabinet_app::time::instant(at),
                    kabinet_app::time::instant(now),
                    app.config.support.reopen_days,
                )
            }));
    Ok(TicketPage {
        base: format!("{}/tickets/{}", if who.is_staff() { "/crm" } else { "" }, t.id),
        description_html: super::markdown::to_html(&t.description),
        f: f.unwrap_or_else(|| FormState::empty().with_value("wait_for_customer", "on")),
        reaction,
        resolution,
        messages,
        files,
        can_write,
        can_reopen,
        staff,
        t,
        c,
    })
}

/// `GET /tickets/{id}`.
pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = own_customer(&app, who).await?;
    let t = tickets::get_visible(&app, who, path_id(&id)?).await?;
    let c = chrome(&app, &ctx, &customer).with_flash(ok_of(raw.as_deref()).as_deref());
    Ok(ticket_page(&app, &ctx, c, t, None, None).await?.into_response())
}

pub(super) fn new_message(form: UploadForm) -> NewMessage {
    let f = &form.fields;
    NewMessage {
        body: f.get("body").to_owned(),
        internal: f.get("internal") == "on",
        wait_for_customer: f.get("wait_for_customer") == "on",
        attachments: form.files,
    }
}

/// `POST /tickets/{id}/messages`.
pub async fn reply(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: UploadForm) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let data = FormData(form.fields.0.clone());
    let had_files = !form.files.is_empty();
    match conversation::post(&app, &ctx.actor()?, who, id, new_message(form)).await {
        Ok(_) => Ok(Redirect::to(&format!("/tickets/{id}?ok=ticket-replied#end")).into_response()),
        Err(e) => {
            let f = again(&ctx, &data, e, had_files)?;
            let customer = own_customer(&app, who).await?;
            let t = tickets::get_visible(&app, who, id).await?;
            let p = ticket_page(&app, &ctx, chrome(&app, &ctx, &customer), t, Some(f), None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
    }
}

/// The effort fields of a closing form; blank or not a number reads as missing.
pub(super) fn effort(form: &FormData) -> CaseEffort {
    let hours = form
        .opt("volume_hours")
        .and_then(|h| h.replace(',', ".").parse::<f64>().ok());
    CaseEffort {
        difficulty: form.opt("difficulty").and_then(|d| d.parse().ok()),
        volume_minutes: hours.filter(|h| h.is_finite()).map(|h| (h * 60.0).round() as i64),
    }
}

/// `POST /tickets/{id}/status`: the customer closes or re-opens.
pub async fn set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let to = form.required("status")?;
    match conversation::set_status(&app, &ctx.actor()?, who, id, to, CaseEffort::default()).await {
        Ok(t) => Ok(Redirect::to(&format!(
            "/tickets/{id}?ok=ticket-status-{}",
            t.status.as_str().replace('_', "-")
        ))
        .into_response()),
        Err(e) => {
            let f = again(&ctx, &form, e, false)?;
            let customer = own_customer(&app, who).await?;
            let t = tickets::get_visible(&app, who, id).await?;
            let p = ticket_page(&app, &ctx, chrome(&app, &ctx, &customer), t, Some(f), None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
    }
}

/// `GET /tickets/{id}/files/{file}`.
pub async fn file(State(app): State<App>, ctx: Ctx, Path((id, file)): Path<(String, String)>) -> WebResult<Response> {
    let f = tickets::attachment(&app, ctx.user()?, path_id(&id)?, path_id(&file)?).await?;
    Ok(send_attachment(f))
}
