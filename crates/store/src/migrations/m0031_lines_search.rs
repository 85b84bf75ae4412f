//! A substring index over lines' search text on SQLite (PostgreSQL has had a trigram index on
//! it since the lines came): an FTS5 table with the trigram tokenizer, keyed by the line's
//! asset id and kept equal to the column by triggers. It holds its own copy of the text: the
//! lines table's key is not SQLite's rowid, which an external-content index would need.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "CREATE VIRTUAL TABLE lines_search USING fts5(search_text, tokenize='trigram');
                 CREATE TRIGGER lines_search_insert AFTER INSERT ON lines BEGIN
                   INSERT INTO lines_search(rowid, search_text) VALUES (new.asset_id, new.search_text);
                 END;
                 CREATE TRIGGER lines_search_delete AFTER DELETE ON lines BEGIN
                   DELETE FROM lines_search WHERE rowid = old.asset_id;
                 END;
                 CREATE TRIGGER lines_search_update AFTER UPDATE OF search_text ON lines BEGIN
                   UPDATE lines_search SET search_text = new.search_text WHERE rowid = old.asset_id;
                 END;
                 INSERT INTO lines_search(rowid, search_text) SELECT asset_id, search_text FROM lines;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "DROP TRIGGER IF EXISTS lines_search_insert; DROP TRIGGER IF EXISTS lines_search_delete;
                 DROP TRIGGER IF EXISTS lines_search_update; DROP TABLE IF EXISTS lines_search;",
            )
            .await?;
        Ok(())
    }
}
