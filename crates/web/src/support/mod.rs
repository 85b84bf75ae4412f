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
use kabinet_core::support::{ClockState, Deadline};

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

/// How a service-level clock stands as a person sees it: a running clock's state, or how it
/// ended or waits. Its text is a CSS class and the end of a message key (`sla-state-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockShown {
    Running(ClockState),
    /// Met: the reply was given or the ticket closed in time.
    Stopped,
    Paused,
    /// No deadline: the plan leaves it to agreement.
    ByAgreement,
}

impl ClockShown {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockShown::Running(state) => state.as_str(),
            ClockShown::Stopped => "stopped",
            ClockShown::Paused => "paused",
            ClockShown::ByAgreement => "by_agreement",
        }
    }

    /// A clock that ran out or is about to: what a list row's badge warns of.
    fn warning(self) -> Option<ClockState> {
        match self {
            ClockShown::Running(state @ (ClockState::Breached | ClockState::BreachingSoon)) => Some(state),
            _ => None,
        }
    }
}

impl std::fmt::Display for ClockShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One service-level clock as a person sees it.
pub struct ClockView {
    /// The deadline in the viewer's time zone, or the word for "by agreement".
    pub due: String,
    pub state: ClockShown,
}

/// One clock's times, as the ticket keeps them.
struct Clock {
    due: Option<DateTime<Utc>>,
    warn_at: Option<DateTime<Utc>>,
    breached_at: Option<DateTime<Utc>>,
    stopped: bool,
    paused: bool,
}

impl Clock {
    fn state(&self, now: DateTime<Utc>) -> ClockShown {
        let Some(due) = self.due else {
            return ClockShown::ByAgreement;
        };
        if self.breached_at.is_some() {
            ClockShown::Running(ClockState::Breached)
        } else if self.stopped {
            ClockShown::Stopped
        } else if self.paused {
            ClockShown::Paused
        } else {
            let d = Deadline {
                due,
                warn_at: self.warn_at.unwrap_or(due),
            };
            ClockShown::Running(d.state(now))
        }
    }

    fn view(&self, c: &Chrome, now: DateTime<Utc>) -> ClockView {
        ClockView {
            due: match &self.due {
                Some(due) => c.time(due),
                None => c.t("sla-by-agreement"),
            },
            state: self.state(now),
        }
    }
}

/// The reaction and completion clocks of `t`.
fn clocks(t: &Ticket) -> (Clock, Clock) {
    let closed = t.status == kabinet_core::support::TicketStatus::Closed;
    // A ticket closed before any staff reply: its reaction clock no longer runs.
    let reaction = Clock {
        due: t.reaction_due,
        warn_at: t.reaction_warn_at,
        breached_at: t.reaction_breached_at,
        stopped: t.first_response_at.is_some(),
        paused: closed,
    };
    let resolution = Clock {
        due: t.resolution_due,
        warn_at: t.resolution_warn_at,
        breached_at: t.resolution_breached_at,
        stopped: closed,
        paused: t.paused_at.is_some(),
    };
    (reaction, resolution)
}

/// What the reaction and completion clocks of `t` show at `now`.
pub fn clocks_of(c: &Chrome, t: &Ticket, now: DateTime<Utc>) -> (ClockView, ClockView) {
    let (reaction, resolution) = clocks(t);
    (reaction.view(c, now), resolution.view(c, now))
}

/// The badge of a list row: the worse of the two clocks, if either ran out or is about to.
pub fn badge_of(t: &Ticket, now: DateTime<Utc>) -> Option<ClockState> {
    let (reaction, resolution) = clocks(t);
    let (a, b) = (reaction.state(now).warning(), resolution.state(now).warning());
    // Breached is worse than breaching soon.
    [ClockState::Breached, ClockState::BreachingSoon]
        .into_iter()
        .find(|worst| a == Some(*worst) || b == Some(*worst))
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
