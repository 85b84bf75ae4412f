//! Closing documents: the gapless yearly number of a series, and claiming orders for the
//! worker.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::entities::document_order::Model as OrderModel;
use crate::rate::statement;

/// Takes the next number of `series` in `year` inside the caller's transaction. The counter
/// row stays locked until that transaction ends, so numbers are handed out one at a time, and
/// a transaction that rolls back gives its number back: the series has no gaps.
pub async fn next_number<C: ConnectionTrait>(txn: &C, series: &str, year: i32) -> Result<i64, DbErr> {
    let b = txn.get_database_backend();
    let row = txn
        .query_one_raw(statement(
            b,
            "INSERT INTO document_counters (series, year, last_number) VALUES (?, ?, 1) \
             ON CONFLICT (series, year) DO UPDATE SET last_number = document_counters.last_number + 1 \
             RETURNING last_number",
            vec![series.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("document counter".into()))?;
    row.try_get::<i64>("", "last_number")
}

/// Claims the oldest order waiting for the worker, or one whose worker stopped mid-way (its
/// lease ran out), marking it `running` until `lease_until`.
pub async fn claim_order<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<OrderModel>, DbErr> {
    let b = db.get_database_backend();
    let lock = if b == sea_orm::DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE document_orders SET status = 'running', attempts = attempts + 1, locked_until = ?, updated_at = ? \
         WHERE id IN (SELECT id FROM document_orders \
           WHERE status = 'queued' OR (status = 'running' AND locked_until < ?) \
           ORDER BY id LIMIT 1{lock}) \
         RETURNING *"
    );
    let row = db
        .query_one_raw(statement(b, &sql, vec![lease_until.into(), now.into(), now.into()]))
        .await?;
    row.map(|r| OrderModel::from_query_result(&r, "")).transpose()
}
