//! The knowledge base's search index, one use case over two implementations: the ids of the
//! published texts whose terms hold every word of a query (`kabinet_core::knowledge::Query`),
//! newest first — through FTS5 on SQLite, through the GIN index over `to_tsvector('simple',
//! terms)` on PostgreSQL. Both read the same terms, so both find the same texts.

use kabinet_core::knowledge::Query;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Whether a text must hold every word of the query or any of its meaningful ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    All,
    Any,
}

/// The ids of at most `limit` published texts matching `q`, newest first.
pub async fn matching_text_ids(
    db: &impl ConnectionTrait,
    q: &Query,
    how: Match,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let statement = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let Some(query) = (match how {
                Match::All => Some(q.fts5()),
                Match::Any => q.fts5_any(),
            }) else {
                return Ok(Vec::new());
            };
            Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT rowid AS id FROM kb_search WHERE kb_search MATCH ? ORDER BY rowid DESC LIMIT ?",
                [query.into(), limit.into()],
            )
        }
        backend => {
            let Some(query) = (match how {
                Match::All => Some(q.tsquery()),
                Match::Any => q.tsquery_any(),
            }) else {
                return Ok(Vec::new());
            };
            Statement::from_sql_and_values(
                backend,
                "SELECT id FROM kb_texts WHERE status = 'published' \
                 AND to_tsvector('simple', terms) @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT $2",
                [query.into(), (limit as i64).into()],
            )
        }
    };
    let rows = db.query_all_raw(statement).await?;
    rows.iter().map(|r| r.try_get::<i64>("", "id")).collect()
}
