//! Consent to the processing of personal data and to marketing (PRV-2): the texts, versioned
//! per kind and never edited, and each person's grants and withdrawals, append-only, with the
//! version, the moment, the address and the way each was given.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsentTexts {
    Table,
    Id,
    Kind,
    Version,
    Title,
    Body,
    CreatedByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    UserId,
    Kind,
    Version,
    Granted,
    Channel,
    Ip,
    Note,
    RecordedByUserId,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ConsentTexts::Table)
                .col(big_pk_auto(ConsentTexts::Id))
                .col(string_len(ConsentTexts::Kind, 20))
                .col(integer(ConsentTexts::Version))
                .col(string_len(ConsentTexts::Title, 200))
                // Markdown, shown sanitised.
                .col(text(ConsentTexts::Body))
                .col(big_integer_null(ConsentTexts::CreatedByUserId))
                .col(timestamp_with_time_zone(ConsentTexts::CreatedAt))
                .foreign_key(&mut fk(
                    ConsentTexts::Table,
                    ConsentTexts::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        // Two staff members publishing at once: one of them gets the number.
        m.create_index(
            Index::create()
                .name("consent_texts_kind_version")
                .table(ConsentTexts::Table)
                .col(ConsentTexts::Kind)
                .col(ConsentTexts::Version)
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Consents::Table)
                .col(big_pk_auto(Consents::Id))
                .col(big_integer(Consents::UserId))
                .col(string_len(Consents::Kind, 20))
                // The version of the text in force when the record was made.
                .col(integer(Consents::Version))
                // A grant, or a withdrawal of the grant before it.
                .col(boolean(Consents::Granted))
                .col(string_len(Consents::Channel, 20))
                .col(string_len_null(Consents::Ip, 45))
                // Staff entries: where the written statement came from.
                .col(text_null(Consents::Note))
                .col(big_integer_null(Consents::RecordedByUserId))
                .col(timestamp_with_time_zone(Consents::RecordedAt))
                .foreign_key(&mut fk(Consents::Table, Consents::UserId, Users::Table, Users::Id))
                .foreign_key(&mut fk(
                    Consents::Table,
                    Consents::RecordedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consents_user_kind")
                .table(Consents::Table)
                .col(Consents::UserId)
                .col(Consents::Kind)
                .col(Consents::Id)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Consents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ConsentTexts::Table).to_owned()).await
    }
}
