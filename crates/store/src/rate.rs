//! Counting events per bucket in a time window, in the database so that every node of a
//! cluster sees the same counts (registration and recovery throttling), written with the query
//! builder; and the helper for the few hand-written statements elsewhere in the store.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
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

/// Builds a statement written with `?` placeholders for the connection's backend, for the few
/// statements the query builder cannot say as plainly (the ledger's balance update, claims with
/// `SKIP LOCKED`, upserts with backend-specific functions). New queries use the builder.
pub fn statement(backend: sea_orm::DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

/// The table the counts live in, for the query builder.
fn rate_events() -> Alias {
    Alias::new("rate_events")
}

pub async fn record<C: ConnectionTrait>(db: &C, bucket: &str, at: DateTime<Utc>) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(rate_events())
        .columns([Alias::new("bucket"), Alias::new("at")])
        .values([bucket.into(), at.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

pub async fn count_since<C: ConnectionTrait>(db: &C, bucket: &str, since: DateTime<Utc>) -> Result<i64, DbErr> {
    let count = Query::select()
        .expr_as(Expr::col(Alias::new("bucket")).count(), Alias::new("n"))
        .from(rate_events())
        .and_where(Expr::col(Alias::new("bucket")).eq(bucket))
        .and_where(Expr::col(Alias::new("at")).gte(since))
        .to_owned();
    let row = db.query_one(&count).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

/// Forgets events older than `before`; the worker calls it now and then.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let delete = Query::delete()
        .from_table(rate_events())
        .and_where(Expr::col(Alias::new("at")).lt(before))
        .to_owned();
    Ok(db.execute(&delete).await?.rows_affected())
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
