//! The back office's day at a glance: how much waits in each queue a staff member works, each
//! figure counted only for those who may open its queue, each with the address of that queue.

use chrono::{DateTime, Utc};
use kabinet_core::access::{Permission, allows};
use kabinet_core::export::JobStatus;
use kabinet_core::notify::OutboxStatus;
use kabinet_store::entities::customer;
use kabinet_store::entities::document_order::{self, Entity as DocumentOrder};
use kabinet_store::entities::export_job::{self, Entity as ExportJob};
use kabinet_store::entities::outbox_message::{self, Entity as OutboxMessage};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::access::Identity;
use crate::support::tickets::{self, Queue};
use crate::{App, AppResult};

/// How a figure should catch the eye when it is not zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Work that simply waits.
    Plain,
    /// Work that will be late soon.
    Warning,
    /// Something already went wrong.
    Danger,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Plain => "plain",
            Tone::Warning => "warning",
            Tone::Danger => "danger",
        }
    }
}

/// One figure of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What it counts; also its message key (`desk-` + key) and its element id.
    pub key: &'static str,
    pub count: u64,
    /// More than [`CAP`] — shown as "more than".
    pub capped: bool,
    /// The queue behind the figure, when there is a page for it.
    pub href: Option<String>,
    pub tone: Tone,
}

/// Every figure's key, in the home page's order (each has a message `desk-` + key).
pub const FIGURE_KEYS: [&str; 9] = [
    "my_open_tickets",
    "breaching_soon",
    "breached",
    "unassigned",
    "verifications_waiting",
    "payments_today",
    "documents_running",
    "my_exports_running",
    "outbox_failed",
];

/// Counts stop here: a figure past it means "a lot", and counting further would cost more than
/// the page is worth.
pub const CAP: u64 = tickets::COUNT_CAP;

/// The figures of `who`'s day at `now` (`today` is the first day of the display zone's
/// calendar that `now` falls in), in the order the home page shows them.
pub async fn figures(
    app: &App,
    who: &Identity,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
) -> AppResult<Vec<Figure>> {
    who.require(&[Permission::BackOffice])?;
    let may = |p: Permission| allows(Some(who.role), p);
    let mut out = Vec::new();
    if may(Permission::TicketsWork) {
        for (key, queue, tone) in [
            ("my_open_tickets", Queue::Mine, Tone::Plain),
            ("breaching_soon", Queue::BreachingSoon, Tone::Warning),
            ("breached", Queue::Breached, Tone::Danger),
            ("unassigned", Queue::Unassigned, Tone::Plain),
        ] {
            let count = tickets::queue_size(app, who, queue, now).await?;
            out.push(figure(
                key,
                count,
                Some(format!("/crm/tickets?queue={}", queue.as_str())),
                tone,
            ));
        }
    }
    if may(Permission::VerificationManage) {
        let waiting = crate::assets::verification::waiting_count(app, who, CAP).await?;
        out.push(figure(
            "verifications_waiting",
            waiting,
            Some("/crm/verification".into()),
            Tone::Plain,
        ));
    }
    if may(Permission::BillingRead) {
        let f = crate::billing::payments::PaymentFilter {
            from: Some(today),
            to: Some(today),
            ..Default::default()
        };
        let count = crate::billing::payments::count(app, who, &f).await?;
        let day = today.format("%Y-%m-%d");
        out.push(figure(
            "payments_today",
            count,
            Some(format!("/crm/payments?from={day}&to={day}")),
            Tone::Plain,
        ));
    }
    if may(Permission::DocumentsIssue) {
        out.push(figure(
            "documents_running",
            documents_running(app, who).await?,
            None,
            Tone::Plain,
        ));
    }
    out.push(figure(
        "my_exports_running",
        exports_running(app, who).await?,
        None,
        Tone::Plain,
    ));
    if may(Permission::OutboxRead) {
        let dead = crate::listing::capped_count(
            &app.db.conn,
            OutboxMessage::find().filter(outbox_message::Column::Status.eq(OutboxStatus::Dead)),
            outbox_message::Column::Id,
            CAP,
        )
        .await?;
        out.push(figure(
            "outbox_failed",
            dead,
            Some("/crm/outbox?status=dead".into()),
            Tone::Danger,
        ));
    }
    Ok(out)
}

fn figure(key: &'static str, count: u64, href: Option<String>, tone: Tone) -> Figure {
    debug_assert!(FIGURE_KEYS.contains(&key), "{key} has no message");
    Figure {
        key,
        count: count.min(CAP),
        capped: count > CAP,
        href,
        tone: if count == 0 { Tone::Plain } else { tone },
    }
}

const UNFINISHED: [JobStatus; 2] = [JobStatus::Queued, JobStatus::Running];

/// Document orders still being made, of the customers `who` may see.
async fn documents_running(app: &App, who: &Identity) -> AppResult<u64> {
    let mut q = DocumentOrder::find().filter(document_order::Column::Status.is_in(UNFINISHED));
    if who.is_partner() {
        let own = sea_orm::sea_query::Query::select()
            .column(customer::Column::Id)
            .from(customer::Entity)
            .and_where(customer::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)))
            .to_owned();
        q = q.filter(document_order::Column::CustomerId.in_subquery(own));
    }
    crate::listing::capped_count(&app.db.conn, q, document_order::Column::Id, CAP).await
}

/// `who`'s own exports still being written.
async fn exports_running(app: &App, who: &Identity) -> AppResult<u64> {
    let q = ExportJob::find()
        .filter(export_job::Column::UserId.eq(who.user_id))
        .filter(export_job::Column::Status.is_in(UNFINISHED));
    crate::listing::capped_count(&app.db.conn, q, export_job::Column::Id, CAP).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_over_the_cap_says_so_and_zero_never_alarms() {
        let big = figure("breached", CAP + 1, None, Tone::Danger);
        assert_eq!((big.count, big.capped, big.tone), (CAP, true, Tone::Danger));
        let none = figure("breached", 0, None, Tone::Danger);
        assert_eq!((none.count, none.capped, none.tone), (0, false, Tone::Plain));
    }
}
