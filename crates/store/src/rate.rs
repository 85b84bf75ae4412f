//! Counting events per bucket in a time window, in the database so that every node of a
//! cluster sees the same counts (registration and recovery throttling).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

fn placeholders(backend: sea_orm::DatabaseBackend, sql: &str) -> String {
    // Statements here are written with `?`; PostgreSQL wants `$1, $2, …`. A `?` inside a
    // quoted string or identifier ('…', "…") is text, not a placeholder, and stays.
    if backend != sea_orm::DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            // A doubled quote inside a literal closes and reopens it: the state comes back.
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    out
}

/// Builds a statement written with `?` placeholders for the connection's backend.
pub fn statement(backend: sea_orm::DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

pub async fn record<C: ConnectionTrait>(db: &C, bucket: &str, at: DateTime<Utc>) -> Result<(), DbErr> {
    let b = db.get_database_backend();
    db.execute_raw(statement(
        b,
        "INSERT INTO rate_events (bucket, at) VALUES (?, ?)",
        vec![bucket.into(), at.into()],
    ))
    .await?;
    Ok(())
}

pub async fn count_since<C: ConnectionTrait>(db: &C, bucket: &str, since: DateTime<Utc>) -> Result<i64, DbErr> {
    let b = db.get_database_backend();
    let row = db
        .query_one_raw(statement(
            b,
            "SELECT COUNT(*) AS n FROM rate_events WHERE bucket = ? AND at >= ?",
            vec![bucket.into(), since.into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

/// Forgets events older than `before`; the worker calls it now and then.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let b = db.get_database_backend();
    let res = db
        .execute_raw(statement(
            b,
            "DELETE FROM rate_events WHERE at < ?",
            vec![before.into()],
        ))
        .await?;
    Ok(res.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::placeholders;
    use sea_orm::DatabaseBackend::{Postgres, Sqlite};

    #[test]
    fn only_placeholders_outside_quotes_are_numbered() {
        assert_eq!(
            placeholders(Postgres, "UPDATE t SET a = ? WHERE b = ? AND c = 'why?' AND \"d?\" = ?"),
            "UPDATE t SET a = $1 WHERE b = $2 AND c = 'why?' AND \"d?\" = $3"
        );
        assert_eq!(
            placeholders(Postgres, "SELECT 'it''s ?' WHERE x = ?"),
            "SELECT 'it''s ?' WHERE x = $1"
        );
        assert_eq!(placeholders(Sqlite, "a = ? AND b = '?'"), "a = ? AND b = '?'");
    }
}
