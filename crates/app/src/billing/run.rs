//! The billing run (BIL-2): charges every active subscription for each period that has begun,
//! exactly once. Run daily by the worker and by `kabinet billing run [--date]`.
//!
//! A subscription's `next_charge_on` is the start of its first uncharged period. Each batch of
//! subscriptions is one transaction that posts the charges and moves `next_charge_on` on, so a
//! run stopped at any point leaves every subscription either charged and advanced or untouched;
//! the next run carries on. Two runs at once share the work (see [`run`]) and cannot double a
//! charge anyway: the ledger's idempotency key (subscription and period) is unique, and
//! `next_charge_on` only moves from the value read.
//!
//! Recurring charges are not refused at the debt cap: they pay for a period the contract has
//! already started. The cap stops new work (one-off charges, pay-per-case tickets, new
//! licences) instead.

use kabinet_core::ErrorCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use kabinet_core::billing::{EntryKind, period_end_exclusive, period_index_on, period_start};
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::plan::{self, Entity as Plan};
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::ledger::{self, Posted, Posting};
use crate::access::Actor;
use crate::{App, AppError, AppResult};
use serde_json::json;

/// Subscriptions handled per transaction.
const BATCH: u64 = 500;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunReport {
    /// Subscriptions looked at (due by the date).
    pub due: u64,
    /// Charges posted by this run.
    pub charges: u64,
    /// Charges found posted already (a run that was stopped, or another node).
    pub already_charged: u64,
    /// Sum of the posted charges per currency, in minor units (positive).
    pub charged_total: BTreeMap<String, i64>,
}

/// "Today" for an account: `date` when the operator gave one, otherwise the calendar date now
/// in the account's time zone.
pub fn today_for(date: Option<NaiveDate>, time_zone: &str) -> NaiveDate {
    if let Some(d) = date {
        return d;
    }
    kabinet_core::time::local_date(&kabinet_core::time::zone_or_utc(time_zone), chrono::Utc::now())
}

/// Runs of the billing at once (the worker on several nodes, an operator's command) share the
/// work instead of racing for it: each batch is read inside its own write transaction with
/// its rows locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the database's write lock on
/// SQLite), so a run skips what another run is charging and reads what is still due when it
/// gets to it. A batch that still finds a subscription moved on under it is read again.
pub async fn run(app: &App, date: Option<NaiveDate>) -> AppResult<RunReport> {
    let mut report = RunReport::default();
    // Every time zone's today is at most one day after UTC's.
    let horizon = date.unwrap_or_else(|| Utc::now().date_naive() + chrono::Days::new(1));
    let mut after_id = 0i64;
    let mut tries = 0;
    loop {
        match charge_next_batch(app, horizon, after_id, date).await {
            Ok(None) => break,
            Ok(Some((last_id, r))) => {
                after_id = last_id;
                tries = 0;
                report.due += r.due;
                report.charges += r.charges;
                report.already_charged += r.already_charged;
                for (c, v) in r.charged_total {
                    *report.charged_total.entry(c).or_default() += v;
                }
            }
            // Rolled back — a subscription moved on under the batch, or the database broke a
            // deadlock with another run charging the same accounts: the same batch is read
            // again as it now is, after a pause that keeps two runs from meeting again.
            Err(AppError::Conflict(ErrorCode::BillingRunRaced) | AppError::Unavailable(ErrorCode::BusyTryAgain))
                if tries < 5 =>
            {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(rand::random_range(10..50) * tries)).await;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// Charges the next batch of due subscriptions after `after_id` in one transaction; returns
/// the last id looked at, or `None` when nothing (unlocked) is left.
async fn charge_next_batch(
    app: &App,
    horizon: NaiveDate,
    after_id: i64,
    date: Option<NaiveDate>,
) -> AppResult<Option<(i64, RunReport)>> {
    use sea_orm::sea_query::{LockBehavior, LockType};
    let txn = app.db.write().await?;
    let batch: Vec<subscription::Model> = Subscription::find()
        .filter(subscription::Column::Status.eq(kabinet_core::billing::SubscriptionStatus::Active))
        .filter(subscription::Column::NextChargeOn.lte(horizon))
        .filter(subscription::Column::Id.gt(after_id))
        .order_by_asc(subscription::Column::Id)
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    let Some(last_id) = batch.last().map(|s| s.id) else {
        txn.commit().await?;
        return Ok(None);
    };
    let plan_ids: Vec<i64> = batch.iter().map(|s| s.plan_id).collect();
    let plans: HashMap<i64, plan::Model> = Plan::find()
        .filter(plan::Column::Id.is_in(plan_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let account_ids: Vec<i64> = batch.iter().map(|s| s.account_id).collect();
    let accounts: HashMap<i64, account::Model> = Account::find()
        .filter(account::Column::Id.is_in(account_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let actor = Actor::system();
    let mut report = RunReport::default();
    // One audit record for the batch lists every charge (subscription, entry, amount).
    let mut charged = Vec::new();
    for sub in &batch {
        let (Some(plan), Some(account)) = (plans.get(&sub.plan_id), accounts.get(&sub.account_id)) else {
            continue;
        };
        let Some(done) = charge_subscription(&txn, &actor, sub, plan, account, date).await? else {
            continue;
        };
        report.due += 1;
        report.already_charged += done.already;
        for entry in done.new {
            charged.push(json!([sub.id, entry.id, entry.amount]));
            report.charges += 1;
            *report.charged_total.entry(plan.currency.code().to_owned()).or_default() += plan.price;
        }
    }
    if !charged.is_empty() {
        crate::audit::record(
            &txn,
            &actor,
            "billing.run",
            "subscription",
            None,
            json!({"charges": charged}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Some((last_id, report)))
}

/// What charging one subscription did.
pub struct Charged {
    /// The charges posted now.
    pub new: Vec<kabinet_store::entities::ledger_entry::Model>,
    /// Periods found charged already.
    pub already: u64,
}

/// Charges every period of `sub` that has begun by `date` (or today in the account's time
/// zone) and not been charged, inside `txn`, and moves `next_charge_on` on. `None` when
/// nothing is due (or the account is not active). A conflict means another run moved the
/// subscription on first: the caller starts again.
pub async fn charge_subscription<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    sub: &subscription::Model,
    plan: &plan::Model,
    account: &account::Model,
    date: Option<NaiveDate>,
) -> AppResult<Option<Charged>> {
    if account.status != kabinet_core::billing::AccountStatus::Active {
        return Ok(None);
    }
    let today = today_for(date, &account.time_zone);
    if sub.next_charge_on > today {
        return Ok(None);
    }
    let period = plan.period;
    let mut done = Charged {
        new: Vec::new(),
        already: 0,
    };
    let start = sub.started_on;
    let mut next = sub.next_charge_on;
    while next <= today && sub.ended_on.is_none_or(|end| next < end) {
        let index = period_index_on(start, period, next).unwrap_or(0);
        let from = period_start(start, period, index);
        let until = period_end_exclusive(start, period, index);
        let last_day = until.pred_opt().unwrap_or(until);
        let posted = ledger::append(
            txn,
            actor,
            Posting {
                account_id: account.id,
                kind: EntryKind::Charge,
                // In the plan's currency: a plan priced in another currency than the
                // account's is refused by the ledger, not charged as if it were the same.
                amount: kabinet_core::money::Money::new(-plan.price, plan.currency),
                occurred_at: super::local_midnight(from, &account.time_zone),
                description: format!("{}: {}, {from} – {last_day}", plan.name, sub.title),
                idempotency_key: format!("subscription:{}:{from}", sub.id),
                payment_id: None,
                subscription_id: Some(sub.id),
                period_start: Some(from),
                reverses_entry_id: None,
                enforce_debt_cap: false,
            },
        )
        .await?;
        match posted {
            Posted::New(entry) => done.new.push(entry),
            Posted::AlreadyPosted(_) => done.already += 1,
        }
        next = until;
    }
    if next != sub.next_charge_on {
        let moved = Subscription::update_many()
            .col_expr(subscription::Column::NextChargeOn, Expr::value(next))
            .col_expr(subscription::Column::UpdatedAt, Expr::value(kabinet_store::now()))
            .filter(subscription::Column::Id.eq(sub.id))
            .filter(subscription::Column::NextChargeOn.eq(sub.next_charge_on))
            .exec(txn)
            .await?;
        if moved.rows_affected == 0 {
            // Another run advanced it after we read it.
            return Err(AppError::Conflict(ErrorCode::BillingRunRaced));
        }
        // What was just charged is in service if the balance pays for it.
        if let Some(balance) = done.new.last().map(|e| e.balance_after) {
            crate::assets::lifecycle::extend_charged(txn, sub.id, next, balance).await?;
        }
    }
    Ok(Some(done))
}
