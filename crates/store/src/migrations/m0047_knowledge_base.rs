//! The knowledge base (CNT-1): categories, articles (visible to everyone or to the owners of a
//! device type), each article's texts per language as versions (drafts, the published one and
//! the superseded ones as history) and "was this helpful" votes, one per person and article.
//!
//! Search reads each published text's terms (`kabinet_core::knowledge::terms`): PostgreSQL
//! through a GIN index over `to_tsvector('simple', terms)` of published texts; SQLite through
//! an FTS5 table that triggers keep equal to the published texts (keyed by the text's id).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KbCategories {
    Table,
    Id,
    Code,
    NameRu,
    NameEn,
    NameFa,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum KbArticles {
    Table,
    Id,
    CategoryId,
    DeviceTypeId,
    CreatedByUserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum KbTexts {
    Table,
    Id,
    ArticleId,
    Language,
    Version,
    Status,
    Title,
    Body,
    VideoUrl,
    Tags,
    TitleTerms,
    Terms,
    CreatedByUserId,
    CreatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum KbVotes {
    Table,
    Id,
    ArticleId,
    UserId,
    Helpful,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DeviceTypes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(KbCategories::Table)
                .col(big_pk_auto(KbCategories::Id))
                .col(string_len_uniq(KbCategories::Code, 40))
                .col(string_len(KbCategories::NameRu, 120))
                .col(string_len(KbCategories::NameEn, 120))
                .col(string_len(KbCategories::NameFa, 120))
                .col(integer(KbCategories::Position).default(0))
                .col(timestamp_with_time_zone(KbCategories::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KbArticles::Table)
                .col(big_pk_auto(KbArticles::Id))
                .col(big_integer(KbArticles::CategoryId))
                // None: every reader; else the owners of a device of this type (and staff).
                .col(big_integer_null(KbArticles::DeviceTypeId))
                .col(big_integer_null(KbArticles::CreatedByUserId))
                .col(timestamp_with_time_zone(KbArticles::CreatedAt))
                .col(timestamp_with_time_zone(KbArticles::UpdatedAt))
                .foreign_key(&mut fk(
                    KbArticles::Table,
                    KbArticles::CategoryId,
                    KbCategories::Table,
                    KbCategories::Id,
                ))
                .foreign_key(&mut fk(
                    KbArticles::Table,
                    KbArticles::DeviceTypeId,
                    DeviceTypes::Table,
                    DeviceTypes::Id,
                ))
                .foreign_key(&mut fk(
                    KbArticles::Table,
                    KbArticles::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("kb_articles_category")
                .table(KbArticles::Table)
                .col(KbArticles::CategoryId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KbTexts::Table)
                .col(big_pk_auto(KbTexts::Id))
                .col(big_integer(KbTexts::ArticleId))
                .col(string_len(KbTexts::Language, 8))
                .col(integer(KbTexts::Version))
                .col(string_len(KbTexts::Status, 16))
                .col(string_len(KbTexts::Title, 200))
                // Markdown, shown sanitised.
                .col(text(KbTexts::Body))
                .col(string_len_null(KbTexts::VideoUrl, 500))
                .col(string_len(KbTexts::Tags, 300))
                .col(text(KbTexts::TitleTerms))
                // Title, tags and text as `kabinet_core::knowledge::terms`.
                .col(text(KbTexts::Terms))
                .col(big_integer_null(KbTexts::CreatedByUserId))
                .col(timestamp_with_time_zone(KbTexts::CreatedAt))
                .col(timestamp_with_time_zone_null(KbTexts::PublishedAt))
                .foreign_key(
                    &mut fk(KbTexts::Table, KbTexts::ArticleId, KbArticles::Table, KbArticles::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .foreign_key(&mut fk(
                    KbTexts::Table,
                    KbTexts::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        // Two editors saving at once: one of them gets the number.
        m.create_index(
            Index::create()
                .name("kb_texts_article_language_version")
                .table(KbTexts::Table)
                .col(KbTexts::ArticleId)
                .col(KbTexts::Language)
                .col(KbTexts::Version)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("kb_texts_status_article")
                .table(KbTexts::Table)
                .col(KbTexts::Status)
                .col(KbTexts::ArticleId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KbVotes::Table)
                .col(big_pk_auto(KbVotes::Id))
                .col(big_integer(KbVotes::ArticleId))
                .col(big_integer(KbVotes::UserId))
                .col(boolean(KbVotes::Helpful))
                .col(timestamp_with_time_zone(KbVotes::CreatedAt))
                .col(timestamp_with_time_zone(KbVotes::UpdatedAt))
                .foreign_key(
                    &mut fk(KbVotes::Table, KbVotes::ArticleId, KbArticles::Table, KbArticles::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .foreign_key(
                    &mut fk(KbVotes::Table, KbVotes::UserId, Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("kb_votes_article_user")
                .table(KbVotes::Table)
                .col(KbVotes::ArticleId)
                .col(KbVotes::UserId)
                .unique()
                .take(),
        )
        .await?;
        let sql = if m.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            "CREATE VIRTUAL TABLE kb_search USING fts5(terms, tokenize='unicode61 remove_diacritics 0');
             CREATE TRIGGER kb_search_insert AFTER INSERT ON kb_texts WHEN new.status = 'published' BEGIN
               INSERT INTO kb_search(rowid, terms) VALUES (new.id, new.terms);
             END;
             CREATE TRIGGER kb_search_update AFTER UPDATE ON kb_texts BEGIN
               DELETE FROM kb_search WHERE rowid = old.id;
               INSERT INTO kb_search(rowid, terms) SELECT new.id, new.terms WHERE new.status = 'published';
             END;
             CREATE TRIGGER kb_search_delete AFTER DELETE ON kb_texts BEGIN
               DELETE FROM kb_search WHERE rowid = old.id;
             END;"
        } else {
            "CREATE INDEX kb_texts_search ON kb_texts USING gin (to_tsvector('simple', terms)) WHERE status = 'published'"
        };
        m.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            m.get_connection()
                .execute_unprepared(
                    "DROP TRIGGER IF EXISTS kb_search_insert; DROP TRIGGER IF EXISTS kb_search_update;
                     DROP TRIGGER IF EXISTS kb_search_delete; DROP TABLE IF EXISTS kb_search;",
                )
                .await?;
        }
        m.drop_table(Table::drop().table(KbVotes::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(KbTexts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(KbArticles::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(KbCategories::Table).to_owned()).await
    }
}
