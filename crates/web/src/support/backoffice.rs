//! The support desk for staff (`/crm/tickets`): the queues — mine, unassigned, breaching soon,
//! breached, all — with filters, sorting and paging; one ticket with the staff panel (assign,
//! class, status, agreed completion date, internal notes); and a customer's support terms.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::crm::views::Customer;
use kabinet_app::support::conversation;
use kabinet_app::support::plans;
use kabinet_app::support::tickets::{self, Queue};
use kabinet_app::support::views::Ticket;
use kabinet_app::{App, AppError, customers};
use kabinet_core::support::{ClockState, Priority, RequestClass, Side, TicketStatus};

use super::badge_of;
use super::pages::{NewTicketPlace, again, new_page, options, parse_list, submit_new, ticket_page};
use super::ticket_forms::{AgreedDueForm, AssignForm, ClassForm, MessageForm, StatusForm, SupportTermsForm};
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, UploadForm};
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, SortLinks};

const PER_PAGE: u64 = 50;

/// A queue tab: value, label, current.
pub struct QueueTab {
    pub value: &'static str,
    pub label: String,
    pub current: bool,
}

/// A row of a queue: the ticket, its badge, its customer's name and its assignee's.
pub struct QueueRow {
    pub t: Ticket,
    pub badge: Option<ClockState>,
    pub customer: String,
    pub assignee: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_tickets.html")]
pub struct QueuePage {
    c: Chrome,
    tabs: Vec<QueueTab>,
    queue: &'static str,
    rows: Vec<QueueRow>,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    filter: FormState,
    status_options: Vec<(String, String)>,
    priority_options: Vec<(String, String)>,
    class_options: Vec<(String, String)>,
}

fn chrome(app: &App, ctx: &Ctx) -> Chrome {
    Chrome::new(&ctx.0, "/crm/tickets", &app.config.display_time_zone)
}

/// `GET /crm/tickets?queue=…`.
pub async fn queue(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let who = ctx.user()?;
    let raw = raw.unwrap_or_default();
    let queue = crate::pages::ListQuery::parse(&raw)
        .get("queue")
        .and_then(|q| Queue::parse(&q))
        .unwrap_or(Queue::Mine);
    let p = parse_list(&raw, &queue.sorts(), "asc");
    let now = kabinet_app::time::now();
    let found = tickets::queue(&app, who, queue, now, &p.filter, &p.sort, p.page, PER_PAGE).await?;
    let c = chrome(&app, &ctx);
    let staff = conversation::assignable_staff(&app).await?;
    let names = customers::names(&app, found.items.iter().map(|t| t.customer_id)).await?;
    let pages = found.pages();
    let rows = found
        .items
        .into_iter()
        .map(|t| QueueRow {
            badge: badge_of(&t, now),
            customer: names.get(&t.customer_id).cloned().unwrap_or_default(),
            assignee: staff
                .iter()
                .find(|u| Some(u.id) == t.assignee_user_id)
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            t,
        })
        .collect();
    let base = format!("/crm/tickets?{}{}", p.query, if p.query.is_empty() { "" } else { "&" });
    let s = SortLinks::new(&base, &p.sort);
    Ok(QueuePage {
        tabs: Queue::ALL
            .iter()
            .map(|q| QueueTab {
                value: q.as_str(),
                label: c.tk("queue-", q.as_str()),
                current: *q == queue,
            })
            .collect(),
        queue: queue.as_str(),
        rows,
        total: found.total,
        page: p.page,
        pages,
        base: format!("{base}{}", s.query()),
        s,
        filter: p.form,
        status_options: options(&c, TicketStatus::ALL, "ticket-status-", TicketStatus::as_str),
        priority_options: options(&c, Priority::ALL, "priority-", Priority::as_str),
        class_options: options(&c, RequestClass::ALL, "class-", RequestClass::as_str),
        c,
    }
    .into_response())
}

/// What staff see beside a ticket.
pub struct StaffPanel {
    pub customer_id: i64,
    pub customer_name: String,
    pub plan_name: String,
    pub pay_per_case: bool,
    pub assignee_options: Vec<(String, String)>,
    pub class_options: Vec<(String, String)>,
    pub status_options: Vec<(String, String)>,
    pub panel: FormState,
}

async fn staff_panel(app: &App, ctx: &Ctx, c: &Chrome, t: &Ticket) -> WebResult<StaffPanel> {
    let who = ctx.user()?;
    let customer = customers::get_visible(app, who, t.customer_id).await?;
    let plan = plans::list(app)
        .await?
        .into_iter()
        .find(|p| p.plan.id == t.sla_plan_id)
        .map(|p| c.seeded("sla-plan", &p.plan.code, &p.plan.name))
        .unwrap_or_default();
    let staff = conversation::assignable_staff(app).await?;
    let from: TicketStatus = t.status;
    let agreed = t
        .agreed_due
        .map(|d| {
            d.with_timezone(&kabinet_core::time::zone_or_utc(&c.time_zone))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    Ok(StaffPanel {
        customer_id: customer.id,
        customer_name: customer.name,
        plan_name: plan,
        pay_per_case: customer.pay_per_case,
        assignee_options: std::iter::once((String::new(), c.t("ticket-unassigned")))
            .chain(staff.iter().map(|u| (u.id.to_string(), u.display_name.clone())))
            .collect(),
        class_options: RequestClass::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), c.tk("class-", k.as_str())))
            .collect(),
        // The current status first and chosen, so that saving the form as shown changes
        // nothing (it used to preselect "open" and reopen the ticket).
        status_options: std::iter::once(&from)
            .chain(TicketStatus::ALL.iter().filter(|s| from.may_become(**s, Side::Staff)))
            .map(|s| (s.as_str().to_owned(), c.tk("ticket-status-", s.as_str())))
            .collect(),
        panel: FormState::empty()
            .with_value(
                "assignee_user_id",
                t.assignee_user_id.map(|i| i.to_string()).unwrap_or_default(),
            )
            .with_value("class", t.request_class.to_string())
            .with_value("agreed_due", agreed),
    })
}

/// The ticket with the staff panel; a refused reply comes back in `f`, a refused panel change
/// in `panel_again` (its values and messages beside the panel's own fields).
async fn show(
    app: &App,
    ctx: &Ctx,
    id: i64,
    f: Option<FormState>,
    panel_again: Option<FormState>,
    flash: Option<&str>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let t = tickets::get_visible(app, who, id).await?;
    let c = chrome(app, ctx).with_flash(flash);
    let mut panel = staff_panel(app, ctx, &c, &t).await?;
    let failed = f.is_some() || panel_again.is_some();
    if let Some(again) = panel_again {
        panel.panel = panel.panel.overlaid_by(again);
    }
    let p = ticket_page(app, ctx, c, t, f, Some(panel)).await?;
    Ok(if failed {
        with_status(StatusCode::UNPROCESSABLE_ENTITY, p)
    } else {
        p.into_response()
    })
}

/// `GET /crm/tickets/{id}`.
pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let ok = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "ok")
        .map(|(_, v)| v.into_owned());
    show(&app, &ctx, path_id(&id)?, None, None, ok.as_deref()).await
}

fn done(id: i64, flash: &str) -> Response {
    Redirect::to(&format!("/crm/tickets/{id}?ok={flash}")).into_response()
}

/// `POST /crm/tickets/{id}/messages`: a reply or an internal note.
pub async fn reply(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: UploadForm) -> WebResult<Response> {
    let id = path_id(&id)?;
    let data = FormData(form.fields.0.clone());
    let had_files = !form.files.is_empty();
    let typed: MessageForm = data.typed()?;
    let internal = typed.is_internal();
    let message = typed.message(form.files);
    match conversation::post(&app, &ctx.actor()?, ctx.user()?, id, message).await {
        Ok(_) => Ok(done(id, if internal { "ticket-noted" } else { "ticket-replied" })),
        Err(e) => {
            let f = again(&ctx, &data, e, had_files)?;
            show(&app, &ctx, id, Some(f), None, None).await
        }
    }
}

/// Runs a change from the staff panel: back to the ticket with a message, or the ticket again
/// with what was wrong.
async fn panel_change(
    app: &App,
    ctx: &Ctx,
    id: i64,
    form: &FormData,
    flash: &str,
    result: Result<Ticket, AppError>,
) -> WebResult<Response> {
    match result {
        Ok(_) => Ok(done(id, flash)),
        Err(
            e @ (AppError::Validation(_) | AppError::Refused(_) | AppError::Conflict(_) | AppError::OverDebtCap { .. }),
        ) => {
            let f = match e {
                AppError::OverDebtCap { shortfall } => FormState::from_data(form).with_general(ctx.0.lang.t_args(
                    "err-over-debt-cap",
                    &[("amount", ctx.0.lang.money(shortfall.minor, shortfall.currency))],
                )),
                other => again(ctx, form, other, false)?,
            };
            show(app, ctx, id, None, Some(f), None).await
        }
        Err(e) => Err(WebError::App(e)),
    }
}

/// `POST /crm/tickets/{id}/status`.
pub async fn set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed: StatusForm = form.typed()?;
    let to = form.required("status")?.to_owned();
    let result = match typed.effort() {
        Ok(effort) => conversation::set_status(&app, &ctx.actor()?, ctx.user()?, id, &to, effort).await,
        Err(e) => Err(e),
    };
    panel_change(
        &app,
        &ctx,
        id,
        &form,
        &format!("ticket-status-{}", to.replace('_', "-")),
        result,
    )
    .await
}

/// `POST /crm/tickets/{id}/assign`: the chosen staff member, or the caller ("take it").
pub async fn assign(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let to = form.typed::<AssignForm>()?.assignee(ctx.user()?.user_id)?;
    let result = conversation::assign(&app, &ctx.actor()?, ctx.user()?, id, to).await;
    panel_change(&app, &ctx, id, &form, "ticket-assigned", result).await
}

/// `POST /crm/tickets/{id}/class`.
pub async fn set_class(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let class: ClassForm = form.typed()?;
    let result = conversation::set_class(&app, &ctx.actor()?, ctx.user()?, id, &class.class).await;
    panel_change(&app, &ctx, id, &form, "ticket-class-set", result).await
}

/// `POST /crm/tickets/{id}/agreed-due`: a local date and time in the product's zone.
pub async fn agree_due(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    // Read in the zone the form showed it in.
    let time_zone = chrome(&app, &ctx).time_zone;
    let result = match form.typed::<AgreedDueForm>()?.due(&time_zone) {
        Ok(due) => conversation::agree_due(&app, &ctx.actor()?, ctx.user()?, id, due).await,
        Err(e) => Err(e),
    };
    panel_change(&app, &ctx, id, &form, "ticket-due-agreed", result).await
}

fn crm_place(app: &App, ctx: &Ctx, customer: Customer) -> NewTicketPlace {
    NewTicketPlace {
        c: chrome(app, ctx),
        action: format!("/crm/customers/{}/tickets", customer.id),
        back: format!("/crm/customers/{}?tab=support", customer.id),
        customer,
    }
}

/// `GET /crm/customers/{id}/tickets/new`: a ticket taken by phone or letter, for the customer.
pub async fn new_form(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let customer = customers::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    let place = crm_place(&app, &ctx, customer);
    Ok(new_page(&app, &ctx, place, None).await?.into_response())
}

/// `POST /crm/customers/{id}/tickets`.
pub async fn create(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: UploadForm) -> WebResult<Response> {
    let customer = customers::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    let place = crm_place(&app, &ctx, customer);
    submit_new(&app, &ctx, place, "/crm/tickets", form).await
}

/// `GET /crm/tickets/{id}/files/{file}`.
pub async fn file(State(app): State<App>, ctx: Ctx, Path((id, file)): Path<(String, String)>) -> WebResult<Response> {
    let f = tickets::attachment(&app, ctx.user()?, path_id(&id)?, path_id(&file)?).await?;
    Ok(super::send_attachment(f))
}

/// `POST /crm/customers/{id}/support`: the customer's SLA plan and pay-per-case support.
pub async fn customer_support(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let actor = ctx.actor()?;
    let (plan, pay_per_case) = form.typed::<SupportTermsForm>()?.checked()?;
    plans::set_customer_terms(&app, &actor, who, id, plan, pay_per_case).await?;
    Ok(Redirect::to(&crate::backoffice::customers::CardTab::Support.href(id, "support-terms-saved")).into_response())
}
