//! The records assets and tickets became in the external CRM (API-3): kept once the first
//! event created one, so later events add to it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CrmLinks {
    Table,
    Record,
    ExternalId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CrmLinks::Table)
                .col(string_len(CrmLinks::Record, 40).primary_key())
                .col(string_len(CrmLinks::ExternalId, 64))
                .col(timestamp_with_time_zone(CrmLinks::CreatedAt))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CrmLinks::Table).to_owned()).await
    }
}
