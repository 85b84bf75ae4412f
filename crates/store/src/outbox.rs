//! The notification outbox (CNT-3): rows are written in the same transaction as the change
//! that causes them, and workers claim due rows in batches.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::entities::outbox_message::Model as OutboxModel;
use crate::rate::statement;

/// Claims up to `limit` messages that are due, or whose previous claim expired (a worker that
/// died mid-delivery), marking them `sending` until `lease_until`. On PostgreSQL `SKIP LOCKED`
/// lets several workers claim disjoint batches; on SQLite the write lock does the same.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxModel>, DbErr> {
    let b = db.get_database_backend();
    let lock = if b == sea_orm::DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, locked_until = ? \
         WHERE id IN (SELECT id FROM outbox \
           WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?) \
           ORDER BY next_attempt_at LIMIT ?{lock}) \
         RETURNING *"
    );
    let stmt = statement(
        b,
        &sql,
        vec![lease_until.into(), now.into(), now.into(), (limit as i64).into()],
    );
    let rows = db.query_all_raw(stmt).await?;
    rows.iter().map(|r| OutboxModel::from_query_result(r, "")).collect()
}

/// Number of messages per status, for the operations page and metrics.
pub async fn count_by_status<C: ConnectionTrait>(db: &C) -> Result<Vec<(String, i64)>, DbErr> {
    let b = db.get_database_backend();
    let rows = db
        .query_all_raw(statement(
            b,
            "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status",
            vec![],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String>("", "status")?, r.try_get::<i64>("", "n")?)))
        .collect()
}
