//! Taking security events in bulk (AST-7): a batch from a monitoring console is one statement,
//! and an event id the console sent before is skipped by the unique index rather than looked
//! up first — a console resends whole batches after a time-out, and duplicates must cost
//! nothing.

use chrono::{DateTime, Utc};
use kabinet_core::assets::monitoring::SecurityEventKind;
use sea_orm::sea_query::Value;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// An event to store, its object found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewEvent {
    pub object_id: i64,
    pub event_ref: String,
    pub kind: SecurityEventKind,
    pub occurred_at: DateTime<Utc>,
}

/// An event stored by [`insert_new`] (not one skipped as sent before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub object_id: i64,
    pub kind: SecurityEventKind,
    pub occurred_at: DateTime<Utc>,
}

/// Rows per statement on SQLite: six bound values a row stays under its 32,766.
const SQLITE_BATCH: usize = 1_000;

/// Stores the events of `source` not stored before and returns those it stored.
pub async fn insert_new<C: ConnectionTrait>(
    txn: &C,
    source_id: i64,
    received_at: DateTime<Utc>,
    events: &[NewEvent],
) -> Result<Vec<Stored>, DbErr> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let backend = txn.get_database_backend();
    let mut stored = Vec::with_capacity(events.len());
    if backend == DbBackend::Postgres {
        // The rows as one JSON parameter: binding and planning thousands of values costs more
        // than inserting them (see the device import).
        let rows = serde_json::to_string(events).map_err(|e| DbErr::Custom(e.to_string()))?;
        let found = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                r#"INSERT INTO security_events (object_id, source_id, event_ref, kind, occurred_at, received_at)
                   SELECT object_id, $2, event_ref, kind, occurred_at, $3
                   FROM jsonb_to_recordset($1::jsonb)
                        AS r(object_id bigint, event_ref text, kind text, occurred_at timestamptz)
                   ON CONFLICT (source_id, event_ref) DO NOTHING
                   RETURNING id, object_id, kind, occurred_at"#,
                [rows.into(), source_id.into(), received_at.into()],
            ))
            .await?;
        collect(&found, &mut stored)?;
    } else {
        for batch in events.chunks(SQLITE_BATCH) {
            let mut sql = String::from(
                "INSERT INTO security_events (object_id, source_id, event_ref, kind, occurred_at, received_at) VALUES ",
            );
            let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 6);
            for (i, e) in batch.iter().enumerate() {
                sql.push_str(if i == 0 {
                    "(?, ?, ?, ?, ?, ?)"
                } else {
                    ", (?, ?, ?, ?, ?, ?)"
                });
                values.extend([
                    e.object_id.into(),
                    source_id.into(),
                    e.event_ref.clone().into(),
                    e.kind.as_str().into(),
                    e.occurred_at.into(),
                    received_at.into(),
                ]);
            }
            sql.push_str(" ON CONFLICT (source_id, event_ref) DO NOTHING RETURNING id, object_id, kind, occurred_at");
            let found = txn
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            collect(&found, &mut stored)?;
        }
    }
    Ok(stored)
}

fn collect(rows: &[sea_orm::QueryResult], into: &mut Vec<Stored>) -> Result<(), DbErr> {
    for r in rows {
        let kind: String = r.try_get("", "kind")?;
        into.push(Stored {
            id: r.try_get("", "id")?,
            object_id: r.try_get("", "object_id")?,
            kind: kind
                .parse()
                .map_err(|e: kabinet_core::UnknownValue| DbErr::Custom(e.to_string()))?,
            occurred_at: r.try_get("", "occurred_at")?,
        });
    }
    Ok(())
}
