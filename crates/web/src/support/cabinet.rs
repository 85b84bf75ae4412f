//! The customer's tickets (`/tickets`): the list with filters, sorting and paging, the form to
//! open one (or why it cannot be opened), one ticket with its correspondence, replying,
//! closing and re-opening, and the files.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::Identity;
use kabinet_app::crm::views::Customer;
use kabinet_app::support::conversation::{self, CaseEffort};
use kabinet_app::support::tickets::{self, CUSTOMER_SORTS};
use kabinet_app::support::views::Ticket;
use kabinet_app::{App, AppError, customers};
use kabinet_core::access::{Permission, allows};
use kabinet_core::support::{ClockState, Priority, TicketStatus};

use super::pages::{NewTicketPlace, again, new_page, options, parse_list, submit_new, ticket_page};
use super::ticket_forms::MessageForm;
use super::{badge_of, send_attachment, viewer_time_zone};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, UploadForm};
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, SortLinks};

const PER_PAGE: u64 = 20;
#[derive(Template, WebTemplate)]
#[template(path = "tickets.html")]
pub struct ListPage {
    c: Chrome,
    rows: Vec<(Ticket, Option<ClockState>)>,
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

async fn own_customer(app: &App, who: &Identity) -> WebResult<Customer> {
    Ok(customers::get_visible(app, who, who.customer_id.ok_or(AppError::Forbidden)?).await?)
}

fn chrome(app: &App, ctx: &Ctx, customer: &Customer) -> Chrome {
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
        rows: found.items.iter().map(|t| (t.clone(), badge_of(t, now))).collect(),
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

/// `POST /tickets`.
pub async fn create(State(app): State<App>, ctx: Ctx, form: UploadForm) -> WebResult<Response> {
    let place = cabinet_place(&app, &ctx).await?;
    submit_new(&app, &ctx, place, "/tickets", form).await
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

/// `POST /tickets/{id}/messages`.
pub async fn reply(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: UploadForm) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let data = FormData(form.fields.0.clone());
    let had_files = !form.files.is_empty();
    let message = data.typed::<MessageForm>()?.message(form.files);
    match conversation::post(&app, &ctx.actor()?, who, id, message).await {
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
