//! The support desk in both faces (SUP): the customer's tickets in the cabinet (`/tickets`),
//! the staff queues and ticket work in the back office (`/crm/tickets`), and the calendars and
//! SLA plans administrators edit (`/crm/sla`). The JSON API of the same lives in
//! `api::support`.

pub mod backoffice;
pub mod cabinet;
pub mod markdown;
pub mod pages;
pub mod sla_admin;
mod sla_forms;
mod ticket_forms;

use chrono::{DateTime, Utc};
use kabinet_app::App;
use kabinet_app::support::views::{Attachment, Message, Ticket};
use kabinet_core::access::Permission as P;
use kabinet_core::support::Deadline;

use crate::guard::Routes;
use crate::pages::Chrome;

pub fn routes() -> Routes {
    Routes::new()
        .get("/tickets", P::CabinetView, cabinet::list)
        .get("/tickets/new", P::CabinetTickets, cabinet::new_form)
        .post_upload("/tickets", P::CabinetTickets, cabinet::create)
        .get("/tickets/{id}", P::CabinetView, cabinet::page)
        .post_upload("/tickets/{id}/messages", P::CabinetTickets, cabinet::reply)
        .post("/tickets/{id}/status", P::CabinetTickets, cabinet::set_status)
        .get("/tickets/{id}/files/{file}", P::CabinetView, cabinet::file)
        .get("/crm/tickets", P::TicketsWork, backoffice::queue)
        .get("/crm/tickets/{id}", P::TicketsWork, backoffice::page)
        .post_upload("/crm/tickets/{id}/messages", P::TicketsWork, backoffice::reply)
        .post("/crm/tickets/{id}/status", P::TicketsWork, backoffice::set_status)
        .post("/crm/tickets/{id}/assign", P::TicketsWork, backoffice::assign)
        .post("/crm/tickets/{id}/class", P::TicketsWork, backoffice::set_class)
        .post("/crm/tickets/{id}/agreed-due", P::TicketsWork, backoffice::agree_due)
        .get("/crm/tickets/{id}/files/{file}", P::TicketsWork, backoffice::file)
        .post(
            "/crm/customers/{id}/support",
            P::BillingManage,
            backoffice::customer_support,
        )
        .get("/crm/customers/{id}/tickets/new", P::TicketsWork, backoffice::new_form)
        .post_upload("/crm/customers/{id}/tickets", P::TicketsWork, backoffice::create)
        .get("/crm/sla", P::BackOffice, sla_admin::page)
        .post("/crm/sla/plans", P::SlaManage, sla_admin::create_plan)
        .post("/crm/sla/plans/{id}/terms", P::SlaManage, sla_admin::update_terms)
        .post("/crm/sla/calendars", P::SlaManage, sla_admin::create_calendar)
        .post("/crm/sla/calendars/{id}", P::SlaManage, sla_admin::update_calendar)
        .post("/crm/sla/holidays/{id}/days", P::SlaManage, sla_admin::set_day)
        .post_upload("/crm/sla/holidays/{id}/import", P::SlaManage, sla_admin::import_days)
        .post(
            "/crm/sla/holidays/{id}/days/{day}/delete",
            P::SlaManage,
            sla_admin::remove_day,
        )
}

/// One service-level clock as a person sees it.
pub struct ClockView {
    /// The deadline in the viewer's time zone, or the word for "by agreement".
    pub due: String,
    /// on_track, breaching_soon, breached, stopped (met), paused or by_agreement: a CSS class
    /// and a message key.
    pub state: &'static str,
}

fn clock(
    c: &Chrome,
    due: Option<DateTime<Utc>>,
    warn_at: Option<DateTime<Utc>>,
    breached_at: Option<DateTime<Utc>>,
    stopped: bool,
    paused: bool,
    now: DateTime<Utc>,
) -> ClockView {
    let Some(due) = due else {
        return ClockView {
            due: c.t("sla-by-agreement"),
            state: "by_agreement",
        };
    };
    let state = if breached_at.is_some() {
        "breached"
    } else if stopped {
        "stopped"
    } else if paused {
        "paused"
    } else {
        let d = Deadline {
            due,
            warn_at: warn_at.unwrap_or(due),
        };
        d.state(now).as_str()
    };
    ClockView {
        due: c.time(&due),
        state,
    }
}

/// What the reaction and completion clocks of `t` show at `now`.
pub fn clocks_of(c: &Chrome, t: &Ticket, now: DateTime<Utc>) -> (ClockView, ClockView) {
    let closed = t.status == kabinet_core::support::TicketStatus::Closed;
    // A ticket closed before any staff reply: its reaction clock no longer runs.
    let reaction = clock(
        c,
        t.reaction_due,
        t.reaction_warn_at,
        t.reaction_breached_at,
        t.first_response_at.is_some(),
        closed,
        now,
    );
    let resolution = clock(
        c,
        t.resolution_due,
        t.resolution_warn_at,
        t.resolution_breached_at,
        closed,
        t.paused_at.is_some(),
        now,
    );
    (reaction, resolution)
}

/// The badge of a list row: the worse of the two clocks.
pub fn badge_of(c: &Chrome, t: &Ticket, now: DateTime<Utc>) -> &'static str {
    let (a, b) = clocks_of(c, t, now);
    for state in ["breached", "breaching_soon"] {
        if a.state == state || b.state == state {
            return state;
        }
    }
    ""
}

/// A message of the correspondence with its rendered body and files.
pub struct MessageView {
    pub m: Message,
    pub html: String,
    pub files: Vec<Attachment>,
}

/// The correspondence of a ticket as shown, and the files of the ticket itself.
pub fn conversation(messages: Vec<Message>, files: Vec<Attachment>) -> (Vec<MessageView>, Vec<Attachment>) {
    let (of_ticket, of_messages): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.message_id.is_none());
    let views = messages
        .into_iter()
        .map(|m| MessageView {
            html: markdown::to_html(&m.body),
            files: of_messages
                .iter()
                .filter(|f| f.message_id == Some(m.id))
                .cloned()
                .collect(),
            m,
        })
        .collect();
    (views, of_ticket)
}

/// Sends a stored file as a download (see `documents::attachment_headers`).
pub fn send_attachment(f: Attachment) -> axum::response::Response {
    use axum::response::IntoResponse;
    let len = f.content.len() as u64;
    let mut res = axum::body::Body::from(f.content).into_response();
    crate::documents::attachment_headers(res.headers_mut(), &f.file_name, &f.content_type, len);
    res
}

/// The time zone deadlines are shown in: the customer's own for its users, the product's for
/// staff.
pub fn viewer_time_zone(app: &App, customer_time_zone: Option<&str>) -> String {
    customer_time_zone
        .filter(|tz| kabinet_core::time::zone(tz).is_some())
        .map(str::to_owned)
        .unwrap_or_else(|| app.config.display_time_zone.clone())
}
