//! PostgreSQL tells every listening node which dashboards' revisions moved (CAB-1), so a node
//! knows the current revisions without asking the database on each view.
//!
//! One statement-level trigger per kind of change on `dashboard_revisions` sends the moved
//! rows as `customer:revision` pairs on the channel `kabinet_dashboard` when the transaction
//! commits (PostgreSQL queues notifications in commit order and drops them if it rolls back).
//! A payload holds at most 8,000 bytes, so a statement that moved many customers' numbers (a
//! batch of events) sends them in parts of `PAIRS_PER_PAYLOAD`. SQLite has nothing to tell:
//! its nodes share one file in one process and read the revision in-process.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Pairs of two 19-digit numbers take 40 bytes: 150 of them stay well inside a payload.
const PAIRS_PER_PAYLOAD: u32 = 150;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE FUNCTION dashboard_revisions_told() RETURNS trigger LANGUAGE plpgsql AS $$
                 DECLARE part text;
                 BEGIN
                   FOR part IN
                     SELECT string_agg(customer_id || ':' || revision, ',')
                     FROM (SELECT customer_id, revision,
                                  (row_number() OVER ()) / {PAIRS_PER_PAYLOAD} AS chunk
                           FROM moved_rows) AS t
                     GROUP BY chunk
                   LOOP
                     PERFORM pg_notify('kabinet_dashboard', part);
                   END LOOP;
                   RETURN NULL;
                 END $$;
                 CREATE TRIGGER dashboard_revisions_inserted AFTER INSERT ON dashboard_revisions
                   REFERENCING NEW TABLE AS moved_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION dashboard_revisions_told();
                 CREATE TRIGGER dashboard_revisions_updated AFTER UPDATE ON dashboard_revisions
                   REFERENCING NEW TABLE AS moved_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION dashboard_revisions_told();"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "DROP TRIGGER IF EXISTS dashboard_revisions_inserted ON dashboard_revisions;
                 DROP TRIGGER IF EXISTS dashboard_revisions_updated ON dashboard_revisions;
                 DROP FUNCTION IF EXISTS dashboard_revisions_told();",
            )
            .await?;
        Ok(())
    }
}
