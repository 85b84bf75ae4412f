//! Guests reported by hotspots: one row per licence and phone, merged on every report.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::rate::statement;

/// Adds a guest's report to `asset_id`, or merges it into the row there already: the earliest
/// first visit, the latest last visit, the higher visit count (reports carry totals).
pub async fn upsert<C: ConnectionTrait>(
    txn: &C,
    asset_id: i64,
    customer_id: i64,
    phone: &str,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    visits: i32,
) -> Result<(), DbErr> {
    let b = txn.get_database_backend();
    let (least, greatest) = if b == sea_orm::DatabaseBackend::Postgres {
        ("LEAST", "GREATEST")
    } else {
        ("MIN", "MAX")
    };
    let sql = format!(
        "INSERT INTO guests (asset_id, customer_id, phone, first_seen, last_seen, visits) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (asset_id, phone) DO UPDATE SET \
           first_seen = {least}(guests.first_seen, excluded.first_seen), \
           last_seen = {greatest}(guests.last_seen, excluded.last_seen), \
           visits = {greatest}(guests.visits, excluded.visits)"
    );
    txn.execute_raw(statement(
        b,
        &sql,
        vec![
            asset_id.into(),
            customer_id.into(),
            phone.into(),
            first_seen.into(),
            last_seen.into(),
            visits.into(),
        ],
    ))
    .await?;
    Ok(())
}
