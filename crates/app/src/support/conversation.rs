//! What happens to an open ticket (SUP-1 … SUP-4): replies from either side, internal notes,
//! status changes, assignment, the class and an agreed completion date, and closing — with
//! the charge of a pay-per-case request. Every change moves the service-level clocks as the
//! rules of `kabinet_core::support` say, and is audited in its own transaction.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::access::StaffRole;
use kabinet_core::billing::EntryKind;
use kabinet_core::money::Currency;
use kabinet_core::support::{DIFFICULTY_RANGE, RequestClass, Side, TicketStatus, may_reopen};
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::ticket;
use kabinet_store::entities::ticket_message;
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::IntoViews;
use crate::access::{Actor, Identity};
use crate::billing::ledger::{self, Posting};
use crate::{App, AppError, AppResult, FieldErrors, audit};

use super::clocks;
use super::events::{self, CustomerNotice};
use super::tickets::{self, Upload, visible_row};
use super::views;

/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 20_000;

fn side_of(who: &Identity) -> Side {
    if who.is_staff() { Side::Staff } else { Side::Customer }
}

fn status_of(t: &ticket::Model) -> TicketStatus {
    t.status
}

/// A reply or note to write.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub body: String,
    /// Staff only: a note the customer never sees.
    pub internal: bool,
    /// Staff only: the reply waits for the customer ("answered") rather than keeping the
    /// ticket in review.
    pub wait_for_customer: bool,
    pub attachments: Vec<Upload>,
}

/// Adds a reply (or, for staff, an internal note) to a ticket `who` sees. A staff reply stops
/// the reaction clock; waiting for the customer pauses the completion clock until the
/// customer answers. A reply to a closed ticket is refused: re-open it first.
pub async fn post(
    app: &App,
    actor: &Actor,
    who: &Identity,
    ticket_id: i64,
    new: NewMessage,
) -> AppResult<views::Message> {
    who.require(&[Permission::CabinetTickets, Permission::TicketsWork])?;
    let t = visible_row(app, who, ticket_id).await?;
    let side = side_of(who);
    let internal = new.internal && side == Side::Staff;
    let mut errors = FieldErrors::new();
    let body = errors.multi_line("body", &new.body, MESSAGE_MAX);
    let types = tickets::check_uploads(app, &mut errors, &new.attachments);
    errors.into_result()?;
    let body = body.unwrap_or_default();
    if status_of(&t).is_closed() && !internal {
        return Err(AppError::Refused(ErrorCode::TicketClosedReopenFirst));
    }
    let (terms, calendar) = clocks::terms_of(app, &t).await?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    // Read inside the transaction so two replies at once both count.
    let mut t = tickets_in(&txn, t.id).await?;
    let before = status_of(&t);
    if before.is_closed() && !internal {
        // Closed a moment ago, by someone else.
        return Err(AppError::Refused(ErrorCode::TicketClosedReopenFirst));
    }
    if !internal {
        let after = before.after_reply(side, new.wait_for_customer);
        if side == Side::Staff && t.first_response_at.is_none() {
            t.first_response_at = Some(now);
        }
        move_status(&mut t, after, now, &terms, &calendar);
    }
    t.updated_at = now;
    let t = clocks::save(&txn, t).await?;
    let message = ticket_message::ActiveModel {
        ticket_id: Set(t.id),
        customer_id: Set(t.customer_id),
        author_user_id: Set(Some(who.user_id)),
        author_name: Set(who.display_name.clone()),
        side: Set(match side {
            Side::Staff => "staff".into(),
            Side::Customer => "customer".into(),
        }),
        internal: Set(internal),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let files = tickets::store_uploads(&txn, &t, Some(message.id), new.attachments, &types).await?;
    audit::record(
        &txn,
        actor,
        if internal { "ticket.note" } else { "ticket.reply" },
        "ticket",
        Some(t.id),
        json!({"number": t.number, "message_id": message.id, "status": [before.as_str(), t.status],
               "attachments": files.iter().map(|f| json!({"name": f.file_name, "size": f.size_bytes})).collect::<Vec<_>>()}),
    )
    .await?;
    if side == Side::Staff && !internal {
        events::tell_customer(app, &txn, &t, CustomerNotice::Replied, message.id).await?;
    }
    if !internal {
        events::publish(
            app,
            &txn,
            &t,
            "ticket.replied",
            json!({"side": message.side, "message_id": message.id}),
        )
        .await?;
    }
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(message.into())
}

/// The ticket read again inside the change's transaction, locked until it ends (PostgreSQL;
/// a SQLite write transaction holds the whole file), so two changes at once apply one after
/// the other instead of one undoing the other.
async fn tickets_in<C: kabinet_store::ConnectionTrait>(txn: &C, id: i64) -> AppResult<ticket::Model> {
    ticket::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Moves `t` to `to` with what that does to the clocks: waiting for the customer or being
/// closed pauses the completion clock; coming back from either resumes it.
fn move_status(
    t: &mut ticket::Model,
    to: TicketStatus,
    now: chrono::DateTime<chrono::Utc>,
    terms: &kabinet_core::support::Terms,
    calendar: &kabinet_core::calendar::Calendar,
) {
    t.status = to;
    match to {
        TicketStatus::Answered => clocks::pause(t, now),
        TicketStatus::Closed => {
            clocks::pause(t, now);
            t.closed_at = Some(now);
        }
        TicketStatus::Open | TicketStatus::InReview => {
            t.closed_at = None;
            clocks::resume(t, now, terms, calendar);
            return;
        }
    }
    clocks::refresh_running(t);
}

/// What staff give when closing a pay-per-case ticket.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseEffort {
    pub difficulty: Option<i64>,
    pub volume_minutes: Option<i64>,
}

/// Changes a ticket's status by hand: staff any way but out of closed (they re-open), the
/// customer only closing and re-opening within the configured days. Closing a pay-per-case
/// ticket needs its difficulty and volume and charges the customer's account; the debt cap
/// applies.
pub async fn set_status(
    app: &App,
    actor: &Actor,
    who: &Identity,
    ticket_id: i64,
    to: &str,
    effort: CaseEffort,
) -> AppResult<views::Ticket> {
    who.require(&[Permission::CabinetTickets, Permission::TicketsWork])?;
    let t = visible_row(app, who, ticket_id).await?;
    let to: TicketStatus = to
        .parse()
        .map_err(|_| FieldErrors::single("status", "invalid-choice"))?;
    let from = status_of(&t);
    let side = side_of(who);
    if to == from && side == Side::Staff {
        // The staff panel's status form saved as it was shown (it offers the current status
        // first): nothing changes and nothing is recorded. Customers only have buttons that
        // change the status, and the rules for them stay as they are.
        return Ok(t.into());
    }
    if !from.may_become(to, side) {
        return Err(AppError::Refused(ErrorCode::TicketStatusChangeNotAllowed));
    }
    let now = kabinet_store::now();
    if side == Side::Customer
        && from == TicketStatus::Closed
        && !t
            .closed_at
            .is_none_or(|c| may_reopen(c, now, app.config.support.reopen_days))
    {
        return Err(AppError::Refused(ErrorCode::TicketReopenWindowPassed));
    }
    let customer = Customer::find_by_id(t.customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let charge = if to == TicketStatus::Closed
        && side == Side::Staff
        && t.charge_entry_id.is_none()
        && super::tickets::charged_per_case(app, &customer, t.asset_id).await?
    {
        let (difficulty, minutes) = check_effort(effort)?;
        let account = crate::billing::accounts::first_of_customer(app, t.customer_id)
            .await?
            .ok_or(AppError::Refused(ErrorCode::TicketNoAccountToCharge))?;
        let amount = case_price(app, account.currency, difficulty, minutes)?;
        Some((
            account.id,
            difficulty,
            minutes,
            kabinet_core::money::Money::new(amount, account.currency),
        ))
    } else {
        None
    };
    let (terms, calendar) = clocks::terms_of(app, &t).await?;
    let txn = app.db.write().await?;
    let mut t = tickets_in(&txn, t.id).await?;
    if status_of(&t) != from {
        return Err(AppError::Conflict(ErrorCode::TicketChangedMeanwhile));
    }
    move_status(&mut t, to, now, &terms, &calendar);
    t.updated_at = now;
    if let Some((account_id, difficulty, minutes, amount)) = charge {
        let posted = ledger::post(
            &txn,
            actor,
            Posting {
                account_id,
                kind: EntryKind::Charge,
                amount: amount.negated().map_err(|e| AppError::Internal(e.into()))?,
                occurred_at: now,
                description: format!(
                    "Support request {} ({} h, difficulty {difficulty})",
                    t.number,
                    minutes as f64 / 60.0
                ),
                idempotency_key: format!("ticket-case:{}", t.id),
                payment_id: None,
                subscription_id: None,
                period_start: None,
                reverses_entry_id: None,
                enforce_debt_cap: true,
            },
        )
        .await?;
        t.difficulty = Some(difficulty as i16);
        t.volume_minutes = Some(minutes as i32);
        t.charge_entry_id = Some(posted.entry().id);
    }
    let t = clocks::save(&txn, t).await?;
    audit::record(
        &txn,
        actor,
        "ticket.status",
        "ticket",
        Some(t.id),
        json!({"number": t.number, "status": [from.as_str(), to.as_str()],
               "difficulty": t.difficulty, "volume_minutes": t.volume_minutes, "charge_entry_id": t.charge_entry_id}),
    )
    .await?;
    if side == Side::Staff {
        events::tell_customer(app, &txn, &t, CustomerNotice::StatusChanged, now.timestamp_micros()).await?;
    }
    events::publish(
        app,
        &txn,
        &t,
        "ticket.status_changed",
        json!({"from": from.as_str(), "to": to.as_str()}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(t.into())
}

/// Checks the difficulty (1–5) and the volume in minutes of a case.
fn check_effort(effort: CaseEffort) -> AppResult<(i64, i64)> {
    let mut errors = FieldErrors::new();
    let difficulty = effort
        .difficulty
        .filter(|d| u8::try_from(*d).is_ok_and(|d| DIFFICULTY_RANGE.contains(&d)));
    if difficulty.is_none() {
        errors.add("difficulty", "ticket-difficulty-range");
    }
    let minutes = effort.volume_minutes.filter(|m| (1..=100_000).contains(m));
    if minutes.is_none() {
        errors.add("volume_minutes", "ticket-volume-range");
    }
    errors.into_result()?;
    Ok((difficulty.unwrap_or(1), minutes.unwrap_or(1)))
}

/// The price of a case in the account's currency: hours × the hourly price of that currency,
/// scaled from ×1 at difficulty 1 to ×2 at difficulty 5.
fn case_price(app: &App, currency: Currency, difficulty: i64, minutes: i64) -> AppResult<i64> {
    let per_hour = app
        .config
        .support
        .case_hour_price(currency.code())
        .ok_or(AppError::Refused(ErrorCode::TicketCasePriceMissing))?;
    Ok(per_hour * minutes * (3 + difficulty) / (60 * 4))
}

/// Assigns a ticket to a staff member (not a partner), or to nobody.
pub async fn assign(
    app: &App,
    actor: &Actor,
    who: &Identity,
    ticket_id: i64,
    assignee: Option<i64>,
) -> AppResult<views::Ticket> {
    who.require(&[Permission::TicketsWork])?;
    let t = visible_row(app, who, ticket_id).await?;
    if let Some(id) = assignee {
        let ok = User::find_by_id(id)
            .filter(user::Column::Status.eq(kabinet_core::access::UserStatus::Active))
            .one(&app.db.conn)
            .await?
            .and_then(|u| u.staff_role)
            .is_some_and(|r| r != StaffRole::Partner);
        if !ok {
            return Err(FieldErrors::single("assignee_user_id", "invalid-choice"));
        }
    }
    let txn = app.db.write().await?;
    let mut t = tickets_in(&txn, t.id).await?;
    let before = t.assignee_user_id;
    t.assignee_user_id = assignee;
    t.updated_at = kabinet_store::now();
    let t = clocks::save(&txn, t).await?;
    audit::record(
        &txn,
        actor,
        "ticket.assign",
        "ticket",
        Some(t.id),
        audit::diff(&[("assignee_user_id", json!(before), json!(assignee))]),
    )
    .await?;
    txn.commit().await?;
    Ok(t.into())
}

/// Staff who can take tickets: active, not partners.
pub async fn assignable_staff(app: &App) -> AppResult<Vec<crate::access::views::User>> {
    Ok(User::find()
        .filter(user::Column::StaffRole.is_not_null())
        .filter(user::Column::StaffRole.ne(StaffRole::Partner.as_str()))
        .filter(user::Column::Status.eq(kabinet_core::access::UserStatus::Active))
        .order_by_asc(user::Column::DisplayName)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Sets the class (staff decide; the topic only suggests): the deadlines are computed again
/// from the registration under the new class's terms, the time already paused kept.
pub async fn set_class(
    app: &App,
    actor: &Actor,
    who: &Identity,
    ticket_id: i64,
    class: &str,
) -> AppResult<views::Ticket> {
    who.require(&[Permission::TicketsWork])?;
    let t = visible_row(app, who, ticket_id).await?;
    let class: RequestClass = class
        .parse()
        .map_err(|_| FieldErrors::single("class", "invalid-choice"))?;
    if t.request_class == class {
        return Ok(t.into());
    }
    let (terms, calendar) = super::plans::terms(app, t.sla_plan_id, class).await?;
    let txn = app.db.write().await?;
    let mut t = tickets_in(&txn, t.id).await?;
    let before = std::mem::replace(&mut t.request_class, class);
    // An agreed date belongs to the "by agreement" terms of the class it was agreed under.
    t.agreed_at = None;
    t.agreed_due = None;
    t.updated_at = kabinet_store::now();
    clocks::apply(&mut t, &terms, &calendar);
    clocks::unflag_ahead(&mut t, kabinet_store::now());
    let t = clocks::save(&txn, t).await?;
    audit::record(
        &txn,
        actor,
        "ticket.class",
        "ticket",
        Some(t.id),
        json!({"number": t.number, "class": [before, t.request_class],
               "reaction_due": t.reaction_due, "resolution_due": t.resolution_due}),
    )
    .await?;
    txn.commit().await?;
    Ok(t.into())
}

/// Sets the completion deadline agreed with the customer (for requests completed "by
/// agreement", or to replace the plan's): it must be ahead.
pub async fn agree_due(
    app: &App,
    actor: &Actor,
    who: &Identity,
    ticket_id: i64,
    due: chrono::DateTime<chrono::Utc>,
) -> AppResult<views::Ticket> {
    who.require(&[Permission::TicketsWork])?;
    let t = visible_row(app, who, ticket_id).await?;
    let now = kabinet_store::now();
    if due <= now {
        return Err(FieldErrors::single("agreed_due", "ticket-due-in-past"));
    }
    let (terms, calendar) = clocks::terms_of(app, &t).await?;
    let txn = app.db.write().await?;
    let mut t = tickets_in(&txn, t.id).await?;
    let before = t.agreed_due;
    t.agreed_at = Some(now);
    t.agreed_due = Some(due);
    t.resolution_breached_at = None;
    t.updated_at = now;
    clocks::apply(&mut t, &terms, &calendar);
    let t = clocks::save(&txn, t).await?;
    audit::record(
        &txn,
        actor,
        "ticket.agreed_due",
        "ticket",
        Some(t.id),
        audit::diff(&[("agreed_due", json!(before), json!(due))]),
    )
    .await?;
    events::publish(app, &txn, &t, "ticket.due_agreed", json!({"due": due})).await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(t.into())
}
