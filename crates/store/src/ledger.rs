//! The one statement that moves an account's balance. It runs inside the transaction that
//! appends the ledger entry: the `UPDATE` takes the account row's lock on PostgreSQL (SQLite
//! write transactions are serialised already), so concurrent postings to one account queue up
//! and none is lost or counted twice.

use chrono::{DateTime, Utc};
use kabinet_core::money::Currency;
use sea_orm::{ConnectionTrait, DbErr};

use crate::rate::statement;

/// An account's state right after its balance moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub balance_after: i64,
    pub credit_limit: i64,
    pub warning_threshold: Option<i64>,
    pub below_warning: bool,
    pub currency: Currency,
    pub customer_id: Option<i64>,
}

impl Moved {
    pub fn balance_before(&self, amount: i64) -> i64 {
        self.balance_after - amount
    }
}

/// Adds `amount` (signed minor units) to an active account's balance; `None` when there is no
/// active account `account_id`.
pub async fn move_balance<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<Option<Moved>, DbErr> {
    let b = txn.get_database_backend();
    let row = txn
        .query_one_raw(statement(
            b,
            "UPDATE accounts SET balance = balance + ?, updated_at = ? WHERE id = ? AND status = 'active' \
             RETURNING balance, credit_limit, warning_threshold, below_warning, currency, customer_id",
            vec![amount.into(), at.into(), account_id.into()],
        ))
        .await?;
    row.map(|r| {
        Ok(Moved {
            balance_after: r.try_get_by_index(0)?,
            credit_limit: r.try_get_by_index(1)?,
            warning_threshold: r.try_get_by_index(2)?,
            below_warning: r.try_get_by_index(3)?,
            currency: r.try_get_by_index(4)?,
            customer_id: r.try_get_by_index(5)?,
        })
    })
    .transpose()
}

/// Records whether the account is below its warning threshold now.
pub async fn set_below_warning<C: ConnectionTrait>(txn: &C, account_id: i64, below: bool) -> Result<(), DbErr> {
    let b = txn.get_database_backend();
    txn.execute_raw(statement(
        b,
        "UPDATE accounts SET below_warning = ? WHERE id = ?",
        vec![below.into(), account_id.into()],
    ))
    .await?;
    Ok(())
}

/// Sum of an account's entries, for checking the kept balance against the ledger.
pub async fn sum_of_entries<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<i64, DbErr> {
    let b = db.get_database_backend();
    let row = db
        .query_one_raw(statement(
            b,
            // PostgreSQL sums BIGINT into NUMERIC; the cast brings it back.
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE account_id = ?",
            vec![account_id.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

/// What moved on an account since `since` (by the dates the money moved): the net sum, and the
/// charges as a positive amount. One row, however many entries.
pub async fn totals_since<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    since: DateTime<Utc>,
) -> Result<(i64, i64), DbErr> {
    let b = db.get_database_backend();
    let row = db
        .query_one_raw(statement(
            b,
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), \
                    CAST(COALESCE(SUM(CASE WHEN kind = 'charge' THEN -amount ELSE 0 END), 0) AS BIGINT) \
             FROM ledger_entries WHERE account_id = ? AND occurred_at >= ?",
            vec![account_id.into(), since.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)),
        None => Ok((0, 0)),
    }
}

/// The sum of an account's entries that moved money before `before` (the balance then, by the
/// dates the money moved): the opening balance of a reconciliation act.
pub async fn sum_before<C: ConnectionTrait>(db: &C, account_id: i64, before: DateTime<Utc>) -> Result<i64, DbErr> {
    let b = db.get_database_backend();
    let row = db
        .query_one_raw(statement(
            b,
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries \
             WHERE account_id = ? AND occurred_at < ?",
            vec![account_id.into(), before.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get_by_index(0),
        None => Ok(0),
    }
}
