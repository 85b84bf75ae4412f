//! Tickets, their messages and attachments, and the service-level settings as pages and the
//! API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::{notify, support};
use kabinet_store::entities::{
    business_calendar, holiday_calendar, holiday_calendar_day, sla_plan, sla_plan_term, ticket, ticket_attachment,
    ticket_message,
};

view! {
    /// A support plan (SUP-3): what is promised, class by class, in its terms.
    SlaPlan from sla_plan::Model {
        id: i64,
        /// What configuration and the API call it.
        code: String,
        name: String,
        description: String,
    }

    /// A customer's request to support (SUP-1) with its service-level clocks (SUP-3).
    Ticket from ticket::Model {
        id: i64,
        /// "2026-000042".
        number: String,
        customer_id: i64,
        asset_id: Option<i64>,
        requester_user_id: Option<i64>,
        requester_name: String,
        topic: String,
        /// typical or non_standard.
        request_class: support::RequestClass,
        title: String,
        /// Markdown as written.
        description: String,
        priority: support::Priority,
        status: support::TicketStatus,
        assignee_user_id: Option<i64>,
        sla_plan_id: i64,
        /// email or sms.
        notify_channel: notify::Channel,
        notify_phone: Option<String>,
        opened_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        first_response_at: Option<DateTime<Utc>>,
        reaction_due: Option<DateTime<Utc>>,
        reaction_warn_at: Option<DateTime<Utc>>,
        reaction_breached_at: Option<DateTime<Utc>>,
        resolution_due: Option<DateTime<Utc>>,
        resolution_warn_at: Option<DateTime<Utc>>,
        resolution_breached_at: Option<DateTime<Utc>>,
        agreed_at: Option<DateTime<Utc>>,
        agreed_due: Option<DateTime<Utc>>,
        paused_at: Option<DateTime<Utc>>,
        paused_seconds: i64,
        /// The earliest running clock's warning and deadline (None when no clock runs).
        attention_at: Option<DateTime<Utc>>,
        due_at: Option<DateTime<Utc>>,
        /// When a clock first ran out; kept after closing.
        breached_at: Option<DateTime<Utc>>,
        closed_at: Option<DateTime<Utc>>,
        difficulty: Option<i16>,
        volume_minutes: Option<i32>,
        charge_entry_id: Option<i64>,
    }

    /// A file attached to a ticket or to one of its messages.
    Attachment from ticket_attachment::Model {
        id: i64,
        ticket_id: i64,
        customer_id: i64,
        message_id: Option<i64>,
        file_name: String,
        content_type: String,
        size_bytes: i64,
        sha256: String,
        content: Vec<u8>,
        created_at: DateTime<Utc>,
    }

    /// One entry of a ticket's correspondence: a reply or an internal note.
    Message from ticket_message::Model {
        id: i64,
        ticket_id: i64,
        customer_id: i64,
        author_user_id: Option<i64>,
        author_name: String,
        /// customer or staff.
        side: String,
        /// Staff only; never shown to the customer.
        internal: bool,
        body: String,
        created_at: DateTime<Utc>,
    }

    /// What a plan promises for one request class, on which business calendar.
    PlanTerm from sla_plan_term::Model {
        id: i64,
        sla_plan_id: i64,
        /// typical or non_standard.
        request_class: String,
        business_calendar_id: i64,
        /// Working minutes; None: by agreement.
        reaction_minutes: Option<i32>,
        resolution_minutes: Option<i32>,
    }

    /// When support works: a time zone, the windows of working days and of rest days, and the
    /// holiday calendar that says which days are which (SUP-3).
    BusinessCalendar from business_calendar::Model {
        id: i64,
        code: String,
        name: String,
        time_zone: String,
        /// "10:00-18:00, …"; empty: no work on such days.
        working_windows: String,
        rest_windows: String,
        holiday_calendar_id: Option<i64>,
    }

    /// A public-holiday calendar (a production calendar): the weekdays off and the weekend days
    /// worked instead, shared by the business calendars that follow it.
    HolidayCalendar from holiday_calendar::Model {
        id: i64,
        code: String,
        name: String,
    }

    /// One exceptional day of a holiday calendar.
    HolidayDay from holiday_calendar_day::Model {
        id: i64,
        holiday_calendar_id: i64,
        day: NaiveDate,
        /// holiday (a weekday off) or worked (a weekend day worked instead).
        kind: String,
        note: String,
    }
}
