//! The service-level clocks of a ticket (SUP-3): set at registration from the customer's
//! plan, stopped by the first staff reply (reaction), paused while the ticket waits for the
//! customer or stays closed (completion), recomputed when the class changes, and flagged
//! when they run out.

use chrono::{DateTime, Utc};
use kabinet_core::calendar::Calendar;
use kabinet_core::support::{Deadline, Terms, TicketStatus, agreed_deadline, deadline};
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::ticket::{self, Entity as Ticket};
use kabinet_store::entities::user::Entity as User;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::access::Actor;
use crate::notify::outbox::{self, Channel, OutgoingMessage};
use crate::{App, AppResult, audit};

use super::plans;

/// Sets every deadline field of `t` from its plan terms, pauses and breaches. `terms` and
/// `calendar` are those of the ticket's plan for its class.
pub fn apply(t: &mut ticket::Model, terms: &Terms, calendar: &Calendar) {
    let opened = t.opened_at;
    let reaction = terms.reaction_minutes.and_then(|m| deadline(calendar, opened, m, 0));
    let resolution = match (t.agreed_at, t.agreed_due) {
        (Some(at), Some(due)) => Some(agreed_deadline(calendar, at, due)),
        _ => terms
            .resolution_minutes
            .and_then(|m| deadline(calendar, opened, m, t.paused_seconds)),
    };
    let due = |d: Option<Deadline>| d.map(|d| d.due);
    let warn = |d: Option<Deadline>| d.map(|d| d.warn_at);
    t.reaction_due = due(reaction);
    t.reaction_warn_at = warn(reaction);
    t.resolution_due = due(resolution);
    t.resolution_warn_at = warn(resolution);
    refresh_running(t);
}

/// The running clocks' earliest warning and deadline, which the queues read: a clock runs
/// while the ticket is not closed, has not breached it already, and — the reaction — has no
/// staff reply yet or — the completion — is not paused.
pub fn refresh_running(t: &mut ticket::Model) {
    let closed = t.status == TicketStatus::Closed;
    let reaction = (!closed && t.first_response_at.is_none() && t.reaction_breached_at.is_none())
        .then_some((t.reaction_warn_at, t.reaction_due));
    let resolution = (!closed && t.paused_at.is_none() && t.resolution_breached_at.is_none())
        .then_some((t.resolution_warn_at, t.resolution_due));
    let running: Vec<(DateTime<Utc>, DateTime<Utc>)> = [reaction, resolution]
        .into_iter()
        .flatten()
        .filter_map(|(w, d)| Some((w?, d?)))
        .collect();
    t.attention_at = running.iter().map(|r| r.0).min();
    t.due_at = running.iter().map(|r| r.1).min();
}

/// Stops the completion clock (the ticket waits for the customer, or is closed).
pub fn pause(t: &mut ticket::Model, now: DateTime<Utc>) {
    if t.paused_at.is_none() {
        t.paused_at = Some(now);
    }
}

/// Starts the completion clock again, moving its deadline by the working time it was paused.
pub fn resume(t: &mut ticket::Model, now: DateTime<Utc>, terms: &Terms, calendar: &Calendar) {
    if let Some(since) = t.paused_at.take() {
        let paused = calendar.working_seconds_between(since, now);
        t.paused_seconds += paused;
        // An agreed date moves by the working time the ticket waited, as the plan's does.
        if paused > 0
            && let Some(due) = t.agreed_due
        {
            t.agreed_due = calendar.add_working_seconds(due, paused).or(Some(due));
        }
    }
    apply(t, terms, calendar);
}

/// After the deadlines were computed anew (a class change): a clock flagged as breached whose
/// new deadline is still ahead is running again.
pub fn unflag_ahead(t: &mut ticket::Model, now: DateTime<Utc>) {
    if t.reaction_due.is_some_and(|d| d > now) {
        t.reaction_breached_at = None;
    }
    if t.resolution_due.is_some_and(|d| d > now) {
        t.resolution_breached_at = None;
    }
    if t.reaction_breached_at.is_none() && t.resolution_breached_at.is_none() {
        t.breached_at = None;
    }
    refresh_running(t);
}

/// The terms and calendar of a ticket's plan for its class.
pub async fn terms_of(app: &App, t: &ticket::Model) -> AppResult<(Terms, std::sync::Arc<Calendar>)> {
    plans::terms(app, t.sla_plan_id, t.request_class).await
}

/// Most tickets flagged in one sweep; the next sweep takes the rest.
const SWEEP_BATCH: u64 = 200;

/// Flags the clocks that ran out by `now` and tells the assignee and the support lead. Each
/// clock is flagged once: a flagged clock leaves the running set, so the next sweep does not
/// find it again. A ticket that cannot be flagged is logged and skipped, never holding up the
/// others. Returns how many tickets were flagged.
pub async fn flag_breaches(app: &App, now: DateTime<Utc>) -> AppResult<usize> {
    let overdue = Ticket::find()
        .select_only()
        .column(ticket::Column::Id)
        .filter(ticket::Column::DueAt.lte(now))
        .order_by_asc(ticket::Column::DueAt)
        .limit(SWEEP_BATCH)
        .into_tuple::<i64>()
        .all(&app.db.conn)
        .await?;
    let mut flagged = 0;
    for id in overdue {
        match flag_one(app, id, now).await {
            Ok(true) => flagged += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(ticket = id, error = %e, "flagging a breach failed"),
        }
    }
    if flagged > 0 {
        app.worker_wake.notify_one();
    }
    Ok(flagged)
}

async fn flag_one(app: &App, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let txn = app.db.write().await?;
    // Read again, locked, inside the transaction: a reply may have stopped the clock meanwhile,
    // and one arriving now waits rather than being written over.
    let Some(mut t) = Ticket::find_by_id(id).lock_exclusive().one(&txn).await? else {
        return Ok(false);
    };
    let mut clocks = Vec::new();
    if t.due_at.is_some_and(|d| d <= now) {
        if t.first_response_at.is_none() && t.reaction_breached_at.is_none() && t.reaction_due.is_some_and(|d| d <= now)
        {
            t.reaction_breached_at = Some(now);
            clocks.push("reaction");
        }
        if t.paused_at.is_none() && t.resolution_breached_at.is_none() && t.resolution_due.is_some_and(|d| d <= now) {
            t.resolution_breached_at = Some(now);
            clocks.push("resolution");
        }
    }
    refresh_running(&mut t);
    if clocks.is_empty() {
        // Nothing ran out after all: the running set is brought up to date so that the ticket
        // is not found again.
        save(&txn, t).await?;
        txn.commit().await?;
        return Ok(false);
    }
    t.breached_at.get_or_insert(now);
    let saved = save(&txn, t).await?;
    audit::record(
        &txn,
        &Actor::system(),
        "ticket.breach",
        "ticket",
        Some(saved.id),
        json!({"number": saved.number, "clocks": clocks}),
    )
    .await?;
    notify_breach(app, &txn, &saved, &clocks, now).await?;
    super::events::publish(app, &txn, &saved, "ticket.breached", json!({"clocks": clocks})).await?;
    txn.commit().await?;
    Ok(true)
}

/// Writes every field of `t` back.
pub async fn save<C: ConnectionTrait>(txn: &C, t: ticket::Model) -> AppResult<ticket::Model> {
    Ok(ticket::ActiveModel::from(t).reset_all().update(txn).await?)
}

async fn notify_breach<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    t: &ticket::Model,
    clocks: &[&str],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut recipients = Vec::new();
    if let Some(id) = t.assignee_user_id
        && let Some(u) = User::find_by_id(id).one(txn).await?
        && let Some(email) = u.email
    {
        recipients.push((email, Some(u.id)));
    }
    let lead = app.config.support.lead_email.trim();
    if !lead.is_empty() && !recipients.iter().any(|(e, _)| e == lead) {
        recipients.push((lead.to_owned(), None));
    }
    let lang = crate::i18n::Lang::default();
    for (n, (email, user_id)) in recipients.into_iter().enumerate() {
        let args = [
            ("number", t.number.clone()),
            ("title", t.title.clone()),
            ("clocks", clocks.join(", ")),
            ("link", format!("{}/crm/tickets/{}", app.config.public_base_url, t.id)),
        ];
        outbox::enqueue(
            txn,
            OutgoingMessage {
                channel: Channel::Email,
                recipient: email.clone(),
                subject: Some(lang.t_args("msg-ticket-breach-subject", &args)),
                body: lang.t_args("msg-ticket-breach", &args),
                masked_body: None,
                user_id,
                // A clock breached again later (after a new agreed date) is a new notice.
                idempotency_key: Some(format!(
                    "ticket-breach:{}:{}:{}:{n}",
                    t.id,
                    clocks.join("+"),
                    now.timestamp()
                )),
                attachments: Vec::new(),
            },
        )
        .await?;
    }
    Ok(())
}
