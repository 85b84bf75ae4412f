//! Appending to an account's ledger — the only way a balance changes.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::billing::{EntryKind, check_debt_cap, crosses_warning};
use kabinet_core::money::Money;
use kabinet_core::text;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::account::Entity as Account;
use kabinet_store::entities::ledger_entry::{self, Entity as LedgerEntry};
use kabinet_store::entities::notice;
use kabinet_store::ledger as store;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::billing::views;
use crate::listing::Page;
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// One money movement to append.
#[derive(Debug, Clone)]
pub struct Posting {
    pub account_id: i64,
    pub kind: EntryKind,
    /// Signed: credits positive, debits negative; in the account's currency, or the posting
    /// is refused.
    pub amount: Money,
    pub occurred_at: DateTime<Utc>,
    pub description: String,
    /// The same key twice posts once.
    pub idempotency_key: String,
    pub payment_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub reverses_entry_id: Option<i64>,
    /// Refuse the posting when it would take the balance past the debt cap.
    pub enforce_debt_cap: bool,
}

/// What [`post`] did.
#[derive(Debug, Clone)]
pub enum Posted {
    New(ledger_entry::Model),
    /// The idempotency key was used before: this is the entry it made.
    AlreadyPosted(ledger_entry::Model),
}

impl Posted {
    pub fn entry(&self) -> &ledger_entry::Model {
        match self {
            Posted::New(e) | Posted::AlreadyPosted(e) => e,
        }
    }
}

/// Appends `p` inside `txn` with its own audit record; warns the customer when the balance
/// crosses the warning threshold. On an error the caller drops `txn`, which undoes the move.
pub async fn post<C: ConnectionTrait>(txn: &C, actor: &Actor, p: Posting) -> AppResult<Posted> {
    let posted = append(txn, actor, p).await?;
    if let Posted::New(entry) = &posted {
        audit::record(
            txn,
            actor,
            &format!("ledger.{}", entry.kind),
            "account",
            Some(entry.account_id),
            json!({"entry_id": entry.id, "amount": entry.amount, "balance_after": entry.balance_after,
                   "currency": entry.currency, "description": entry.description,
                   "payment_id": entry.payment_id, "subscription_id": entry.subscription_id,
                   "reverses_entry_id": entry.reverses_entry_id}),
        )
        .await?;
    }
    Ok(posted)
}

/// [`post`] without the audit record, for a caller that audits a whole batch in one record
/// (the billing run) in the same transaction.
pub async fn append<C: ConnectionTrait>(txn: &C, actor: &Actor, p: Posting) -> AppResult<Posted> {
    if let Some(done) = LedgerEntry::find()
        .filter(ledger_entry::Column::IdempotencyKey.eq(&p.idempotency_key))
        .one(txn)
        .await?
    {
        if done.account_id != p.account_id || Money::new(done.amount, done.currency) != p.amount {
            return Err(AppError::Conflict(ErrorCode::IdempotencyKeyReused));
        }
        return Ok(Posted::AlreadyPosted(done));
    }
    if !p.kind.accepts(p.amount.minor) {
        return Err(AppError::Internal(anyhow::anyhow!(
            "{} of {} posted",
            p.kind.as_str(),
            p.amount.minor
        )));
    }
    let now = kabinet_store::now();
    let moved = store::move_balance(txn, p.account_id, p.amount.minor, now)
        .await?
        .ok_or(AppError::NotFound)?;
    // The balance moved in the account's currency; an amount in another one is a fault of the
    // caller, and the transaction it spoilt is dropped.
    Money::new(moved.balance_after, moved.currency)
        .checked_sub(p.amount)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("posting to account {}: {e}", p.account_id)))?;
    if p.enforce_debt_cap
        && p.amount.is_negative()
        && let Err(shortfall) = check_debt_cap(moved.balance_after, moved.credit_limit)
    {
        return Err(AppError::OverDebtCap {
            shortfall: Money::new(shortfall, moved.currency),
        });
    }
    let entry = ledger_entry::ActiveModel {
        account_id: Set(p.account_id),
        customer_id: Set(moved.customer_id),
        kind: Set(p.kind),
        amount: Set(p.amount.minor),
        balance_after: Set(moved.balance_after),
        currency: Set(moved.currency),
        occurred_at: Set(p.occurred_at),
        recorded_at: Set(now),
        description: Set(text::truncate(&p.description, 500)),
        idempotency_key: Set(p.idempotency_key.clone()),
        reverses_entry_id: Set(p.reverses_entry_id),
        payment_id: Set(p.payment_id),
        subscription_id: Set(p.subscription_id),
        period_start: Set(p.period_start),
        created_by: Set(actor.user_id),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            // A concurrent twin won; the caller's transaction is spoilt and must be retried.
            AppError::Conflict(ErrorCode::AlreadyPosted)
        } else {
            e.into()
        }
    })?;
    if p.amount.minor > 0 {
        // Money in may pay for services that ran out for want of it.
        crate::assets::lifecycle::extend_paid(txn, p.account_id, moved.balance_after).await?;
    }
    if let Some(threshold) = moved.warning_threshold {
        let before = moved.balance_before(p.amount.minor);
        if crosses_warning(before, moved.balance_after, threshold) && !moved.below_warning {
            store::set_below_warning(txn, p.account_id, true).await?;
            let account = Account::find_by_id(p.account_id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            super::warning::warn_low_balance(txn, &account, moved.balance_after, entry.id).await?;
        } else if moved.below_warning && moved.balance_after >= threshold {
            // Back above the threshold: the next crossing warns again.
            store::set_below_warning(txn, p.account_id, false).await?;
        }
    }
    Ok(Posted::New(entry))
}

/// An account's entries, newest first.
pub async fn entries(
    app: &App,
    who: &Identity,
    account_id: i64,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::LedgerEntry>> {
    super::accounts::get_visible(app, who, account_id).await?;
    let q = LedgerEntry::find()
        .filter(ledger_entry::Column::AccountId.eq(account_id))
        .order_by_desc(ledger_entry::Column::Id);
    let total = q.clone().count(&app.db.conn).await?;
    let items = q
        .paginate(&app.db.conn, per_page)
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok(Page {
        items: items.into_views(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// A correction by staff (adjustment, cashback or a one-off charge) with its reason.
#[derive(Debug, Clone)]
pub struct ManualEntry {
    pub account_id: i64,
    pub kind: EntryKind,
    /// Positive minor units; `kind` and `credit` say which way.
    pub amount: i64,
    /// For adjustments: whether the money goes to the customer.
    pub credit: bool,
    pub description: String,
    /// From the form, so a double submit posts once.
    pub idempotency_key: String,
}

pub async fn post_manual(app: &App, actor: &Actor, who: &Identity, m: ManualEntry) -> AppResult<views::LedgerEntry> {
    who.require(&[Permission::PaymentsPost])?;
    let account = super::accounts::get_visible(app, who, m.account_id).await?;
    let mut errors = FieldErrors::new();
    let credit = match m.kind {
        EntryKind::Adjustment => m.credit,
        EntryKind::Cashback => true,
        EntryKind::Charge => false,
        _ => {
            errors.add("kind", "invalid-choice");
            false
        }
    };
    let description = text::one_line(&m.description, 500, true)
        .map_err(|p| errors.add("description", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    if m.amount <= 0 || m.amount > kabinet_core::money::MAX_AMOUNT {
        errors.add("amount", "amount-not-positive");
    }
    if !valid_key(&m.idempotency_key) {
        errors.add("idempotency_key", "bad-request");
    }
    errors.into_result()?;
    let txn = app.db.write().await?;
    let posted = post(
        &txn,
        actor,
        Posting {
            account_id: m.account_id,
            kind: m.kind,
            amount: Money::new(if credit { m.amount } else { -m.amount }, account.currency),
            occurred_at: kabinet_store::now(),
            description: description.unwrap_or_default(),
            idempotency_key: format!("manual:{}", m.idempotency_key),
            payment_id: None,
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            // A one-off charge is new work: the cap applies. Corrections by staff do not.
            enforce_debt_cap: m.kind == EntryKind::Charge,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(posted.entry().clone().into())
}

/// Cancels entry `entry_id` with an entry of the opposite amount. An entry is reversed at most
/// once, and a reversal is never reversed (post a new entry instead).
pub async fn reverse(
    app: &App,
    actor: &Actor,
    who: &Identity,
    entry_id: i64,
    reason: &str,
) -> AppResult<views::LedgerEntry> {
    who.require(&[Permission::PaymentsPost])?;
    let original = LedgerEntry::find_by_id(entry_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    super::accounts::get_visible(app, who, original.account_id).await?;
    if original.kind == EntryKind::Reversal {
        return Err(AppError::Refused(ErrorCode::ReversalOfReversal));
    }
    let reason = text::one_line(reason, 500, true)
        .map_err(|p| FieldErrors::single("reason", &format!("text-{}", p.code().replace('_', "-"))))?
        .unwrap_or_default();
    let txn = app.db.write().await?;
    let already = LedgerEntry::find()
        .filter(ledger_entry::Column::ReversesEntryId.eq(entry_id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict(ErrorCode::AlreadyReversed));
    }
    let posted = post(
        &txn,
        actor,
        Posting {
            account_id: original.account_id,
            kind: EntryKind::Reversal,
            amount: Money::new(-original.amount, original.currency),
            occurred_at: kabinet_store::now(),
            description: reason,
            idempotency_key: format!("reversal:{entry_id}"),
            payment_id: original.payment_id,
            subscription_id: original.subscription_id,
            period_start: original.period_start,
            reverses_entry_id: Some(entry_id),
            enforce_debt_cap: false,
        },
    )
    .await?;
    if let Posted::AlreadyPosted(_) = posted {
        return Err(AppError::Conflict(ErrorCode::AlreadyReversed));
    }
    txn.commit().await?;
    Ok(posted.entry().clone().into())
}

/// Idempotency keys from forms and API clients: 8–64 letters, digits, `-` or `_`.
pub fn valid_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Notices a customer has not dismissed yet, newest first.
pub async fn open_notices(app: &App, customer_id: i64) -> AppResult<Vec<views::Notice>> {
    Ok(notice::Entity::find()
        .filter(notice::Column::CustomerId.eq(customer_id))
        .filter(notice::Column::DismissedAt.is_null())
        .order_by_desc(notice::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Hides a notice from the dashboard.
pub async fn dismiss_notice(app: &App, who: &Identity, id: i64) -> AppResult<()> {
    let n = notice::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if who.customer_id != Some(n.customer_id) {
        return Err(AppError::NotFound);
    }
    let mut row: notice::ActiveModel = n.into();
    row.dismissed_at = Set(Some(kabinet_store::now()));
    row.update(&app.db.conn).await?;
    Ok(())
}
