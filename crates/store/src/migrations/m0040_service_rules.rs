//! The rules of service (CNT-5): a versioned document the back office edits in Markdown; the
//! customer reads the version in effect and the day it took effect. Versions are never changed
//! or deleted: a new one is published instead.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceRules {
    Table,
    Id,
    Version,
    Title,
    Body,
    EffectiveOn,
    CreatedByUserId,
    CreatedAt,
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
                .table(ServiceRules::Table)
                .col(big_pk_auto(ServiceRules::Id))
                .col(integer(ServiceRules::Version).unique_key())
                .col(string_len(ServiceRules::Title, 200))
                // Markdown, shown sanitised.
                .col(text(ServiceRules::Body))
                .col(date(ServiceRules::EffectiveOn))
                .col(big_integer_null(ServiceRules::CreatedByUserId))
                .col(timestamp_with_time_zone(ServiceRules::CreatedAt))
                .foreign_key(&mut fk(
                    ServiceRules::Table,
                    ServiceRules::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ServiceRules::Table).to_owned()).await
    }
}
