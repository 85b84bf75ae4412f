//! Search that finds what people type (CRM-3): a `search_text` column on customers, users,
//! counterparties, tickets and payments holding their searchable fields in one form (lower
//! case, "ё" as "е"; see `kabinet_core::search`), and substring indexes over it. PostgreSQL
//! gets trigram indexes (pg_trgm, a trusted extension the database's owner may create);
//! SQLite gets FTS5 tables with the trigram tokenizer for the three tables searched by id
//! list, kept equal to the column by triggers. Existing rows are filled in by
//! `crate::search::backfill` after the migrations, through the entities' own rule.

use sea_orm_migration::prelude::*;

use crate::search::Indexed;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table with a search text.
const TABLES: [&str; 5] = ["customers", "users", "counterparties", "tickets", "payments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(ColumnDef::new(Alias::new("search_text")).text().not_null().default(""))
                    .take(),
            )
            .await?;
        }
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
            for table in TABLES {
                db.execute_unprepared(&format!(
                    "CREATE INDEX {table}_search ON {table} USING gin (search_text gin_trgm_ops)"
                ))
                .await?;
            }
            return Ok(());
        }
        for table in Indexed::ALL {
            let (t, fts) = (table.table(), table.fts_table());
            db.execute_unprepared(&format!(
                "CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{t}', content_rowid='id', \
                 tokenize='trigram');
                 CREATE TRIGGER {fts}_insert AFTER INSERT ON {t} BEGIN
                   INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
                 END;
                 CREATE TRIGGER {fts}_delete AFTER DELETE ON {t} BEGIN
                   INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                 END;
                 CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {t} BEGIN
                   INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                   INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
                 END;
                 INSERT INTO {fts}({fts}) VALUES ('rebuild');"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for table in TABLES {
                db.execute_unprepared(&format!("DROP INDEX IF EXISTS {table}_search"))
                    .await?;
            }
        } else {
            for table in Indexed::ALL {
                let fts = table.fts_table();
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {fts}_insert; DROP TRIGGER IF EXISTS {fts}_delete;
                     DROP TRIGGER IF EXISTS {fts}_update; DROP TABLE IF EXISTS {fts};"
                ))
                .await?;
            }
        }
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .drop_column(Alias::new("search_text"))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
