//! Secrets shown once after a redirect (Post/Redirect/Get): a generated password waits here,
//! sealed, for the page the form redirects to, which reads and deletes it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Handovers {
    Table,
    TokenHash,
    SessionId,
    Subject,
    SecretSealed,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Handovers::Table)
                .col(string_len(Handovers::TokenHash, 64).primary_key())
                .col(string_len(Handovers::SessionId, 128))
                .col(string_len(Handovers::Subject, 200))
                .col(text(Handovers::SecretSealed))
                .col(timestamp_with_time_zone(Handovers::CreatedAt))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Handovers::Table).to_owned()).await
    }
}
