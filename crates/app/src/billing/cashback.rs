//! Cashback (BIL-1, source document 003): accrued to an account apart from its balance — by
//! staff, for a promotion or a goodwill gesture — and spent by the customer into the balance,
//! where it pays charges like any payment. Spending is one transaction: the wallet gives the
//! amount only if it holds it (one conditional update, so two spends at once cannot both take
//! the last of it), the ledger gets a cashback credit, and the wallet's entry names it. A form
//! sent twice spends once (its key is the ledger entry's).

use kabinet_core::access::Permission;
use kabinet_core::billing::EntryKind;
use kabinet_core::money::{DisplayUnit, Money};
use kabinet_store::entities::cashback_entry::{self, Entity as CashbackEntry};
use kabinet_store::entities::cashback_wallet::{self, Entity as Wallet};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::ledger::{self, Posted, Posting};
use crate::access::{Actor, Identity};
use crate::{App, AppResult, FieldErrors, audit};

/// The field an amount arrives in.
pub const AMOUNT: &str = "cashback_amount";

/// An account's cashback: what is left, and the newest entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cashback {
    pub balance: i64,
    pub entries: Vec<CashbackMove>,
}

/// Cashback accrued (positive) or spent (negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashbackMove {
    pub amount: i64,
    pub reason: String,
    pub created_by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// How many entries the account page shows.
const NEWEST: u64 = 20;

/// The cashback of account `id`, for whoever sees the account.
pub async fn of_account(app: &App, who: &Identity, id: i64) -> AppResult<Cashback> {
    super::accounts::get_visible(app, who, id).await?;
    let balance = Wallet::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .map_or(0, |w| w.balance_minor);
    let entries = CashbackEntry::find()
        .filter(cashback_entry::Column::AccountId.eq(id))
        .order_by_desc(cashback_entry::Column::Id)
        .limit(NEWEST)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|e| CashbackMove {
            amount: e.amount_minor,
            reason: e.reason,
            created_by: e.created_by,
            at: e.created_at,
        })
        .collect();
    Ok(Cashback { balance, entries })
}

/// Accrues the amount typed (in `unit`, positive) of cashback to account `id`, for `reason`;
/// both fields checked in one round. Staff who post money only.
#[allow(clippy::too_many_arguments)]
pub async fn accrue(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    amount_typed: &str,
    unit: DisplayUnit,
    reason: &str,
) -> AppResult<()> {
    who.require(&[Permission::PaymentsPost])?;
    super::accounts::get_visible(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let amount = errors.amount(AMOUNT, amount_typed, unit);
    if amount.is_some_and(|a| a <= 0) {
        errors.add(AMOUNT, "amount-not-positive");
    }
    let reason = errors.one_line("reason", reason, 500, true);
    errors.into_result()?;
    let (Some(amount), reason) = (amount, reason.unwrap_or_default()) else {
        return Err(FieldErrors::single(AMOUNT, "amount-empty"));
    };
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    Wallet::insert(cashback_wallet::ActiveModel {
        account_id: Set(id),
        balance_minor: Set(amount),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(cashback_wallet::Column::AccountId)
            .value(
                cashback_wallet::Column::BalanceMinor,
                ExprTrait::add(
                    Expr::col((cashback_wallet::Entity, cashback_wallet::Column::BalanceMinor)),
                    amount,
                ),
            )
            .value(cashback_wallet::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    cashback_entry::ActiveModel {
        account_id: Set(id),
        amount_minor: Set(amount),
        reason: Set(reason.clone()),
        ledger_entry_id: Set(None),
        created_by: Set(actor.label.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "cashback.accrued",
        "account",
        Some(id),
        json!({"amount": amount, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Spends the amount typed in `unit` (the one the page offered it in) of account `id`'s
/// cashback into its balance; see [`spend_minor`].
#[allow(clippy::too_many_arguments)]
pub async fn spend(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    amount_typed: &str,
    unit: DisplayUnit,
    key: &str,
) -> AppResult<()> {
    who.require(&[Permission::CabinetPay, Permission::PaymentsPost])?;
    super::accounts::get_visible(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let amount = errors.amount(AMOUNT, amount_typed, unit);
    errors.into_result()?;
    spend_minor(app, actor, who, id, amount.unwrap_or(0), key).await
}

/// Spends `amount` minor units of account `id`'s cashback into its balance. The customer's
/// people who pay may, and staff who post money; `key` is the form's or the API call's, so the
/// same request twice spends once.
pub async fn spend_minor(app: &App, actor: &Actor, who: &Identity, id: i64, amount: i64, key: &str) -> AppResult<()> {
    who.require(&[Permission::CabinetPay, Permission::PaymentsPost])?;
    let account = super::accounts::get_visible(app, who, id).await?;
    if !ledger::valid_key(key) {
        return Err(FieldErrors::single("idempotency_key", "bad-request"));
    }
    if amount <= 0 || amount > kabinet_core::money::MAX_AMOUNT {
        return Err(FieldErrors::single(AMOUNT, "amount-not-positive"));
    }
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let posted = ledger::post(
        &txn,
        actor,
        Posting {
            account_id: id,
            kind: EntryKind::Cashback,
            amount: Money::new(amount, account.currency),
            occurred_at: now,
            description: who.language.t("cashback-spent-entry"),
            idempotency_key: format!("cashback-spend:{key}"),
            payment_id: None,
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    let entry = match posted {
        Posted::New(e) => e,
        // Sent before: spent then, not again.
        Posted::AlreadyPosted(_) => return Ok(()),
    };
    let taken = Wallet::update_many()
        .col_expr(
            cashback_wallet::Column::BalanceMinor,
            ExprTrait::sub(Expr::col(cashback_wallet::Column::BalanceMinor), amount),
        )
        .col_expr(cashback_wallet::Column::UpdatedAt, Expr::value(now))
        .filter(cashback_wallet::Column::AccountId.eq(id))
        .filter(cashback_wallet::Column::BalanceMinor.gte(amount))
        .exec(&txn)
        .await?
        .rows_affected;
    if taken != 1 {
        // Dropping the transaction takes the ledger credit back.
        return Err(FieldErrors::single(AMOUNT, "cashback-not-enough"));
    }
    cashback_entry::ActiveModel {
        account_id: Set(id),
        amount_minor: Set(-amount),
        reason: Set(entry.description.clone()),
        ledger_entry_id: Set(Some(entry.id)),
        created_by: Set(actor.label.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "cashback.spent",
        "account",
        Some(id),
        json!({"amount": amount, "ledger_entry_id": entry.id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a spend form suggests: the amount due if the cashback covers it, or all of the cashback.
pub fn suggested_spend(cashback: i64, amount_due: i64) -> i64 {
    if amount_due > 0 {
        Ord::min(amount_due, cashback)
    } else {
        cashback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggestion_pays_what_is_due_and_no_more_than_is_left() {
        assert_eq!(suggested_spend(50_000, 20_000), 20_000);
        assert_eq!(suggested_spend(10_000, 20_000), 10_000);
        assert_eq!(suggested_spend(10_000, 0), 10_000);
        assert_eq!(suggested_spend(0, 5_000), 0);
    }
}
